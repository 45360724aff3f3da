package io.procwatch.sim;

import io.procwatch.rules.CategoryKind;
import java.math.BigDecimal;
import java.util.List;

/**
 * What the simulated bureau buys: 品目 categories with typical items and unit prices, the share of
 * self-procurement purchases that falls on each, and whether the category is in the central-purchasing
 * catalogue (集采目录). The codes follow the shape of the 品目分类目录 (a letter and digits, the first 5 characters
 * being the prefix XP01 groups by); the unit-price standards of {@code conf/pt08} (computers, printers, chairs) are
 * respected so that a clean purchase never trips PT08. [confirm] the codes against the source system's edition.
 */
final class Catalog {
  private Catalog() {}

  /** One item line: a name, a unit and a unit-price range in yuan. */
  record ItemTemplate(String name, double minPrice, double maxPrice) {}

  /**
   * @param selfWeight relative share among self-procurement purchases
   * @param government whether government-procurement projects (tenders) are run in it
   */
  record Category(String code, String name, CategoryKind kind, boolean centralCatalogue, int selfWeight,
      boolean government, List<ItemTemplate> items) {
    String prefix() {
      return code.substring(0, 5);
    }
  }

  static final List<Category> CATEGORIES = List.of(
      new Category("A07030100", "粮油", CategoryKind.GOODS, true, 20, false, List.of(
          new ItemTemplate("大米（25kg装）", 118, 176), new ItemTemplate("菜籽油（5L装）", 62, 108),
          new ItemTemplate("面粉（25kg装）", 92, 138))),
      new Category("A07010200", "食品（肉禽蛋菜）", CategoryKind.GOODS, true, 25, false, List.of(
          new ItemTemplate("猪肉（kg）", 24, 36), new ItemTemplate("新鲜蔬菜（kg）", 3, 8),
          new ItemTemplate("鸡蛋（箱）", 118, 176))),
      new Category("A07050100", "日用品", CategoryKind.GOODS, true, 15, false, List.of(
          new ItemTemplate("洗衣液（4kg）", 32, 58), new ItemTemplate("抽纸（箱）", 78, 148),
          new ItemTemplate("清洁剂（瓶）", 15, 39))),
      new Category("A07040100", "被服", CategoryKind.GOODS, true, 8, false, List.of(
          new ItemTemplate("棉被", 210, 450), new ItemTemplate("床单", 58, 118), new ItemTemplate("枕头", 38, 88))),
      new Category("A05040101", "复印纸", CategoryKind.GOODS, true, 10, false, List.of(
          new ItemTemplate("A4复印纸（箱）", 118, 178))),
      new Category("A02010104", "台式计算机", CategoryKind.GOODS, true, 5, true, List.of(
          new ItemTemplate("台式计算机", 4200, 4900))),
      new Category("A02021004", "A4彩色打印机", CategoryKind.GOODS, true, 3, false, List.of(
          new ItemTemplate("A4彩色打印机", 1200, 1900))),
      new Category("A05010301", "办公椅", CategoryKind.GOODS, true, 3, false, List.of(
          new ItemTemplate("办公椅", 420, 780))),
      new Category("C21040000", "物业管理服务", CategoryKind.SERVICES, false, 4, true, List.of()),
      new Category("C16070000", "信息系统运维服务", CategoryKind.SERVICES, false, 4, true, List.of()),
      new Category("B07020000", "房屋修缮工程", CategoryKind.WORKS, false, 3, true, List.of()),
      new Category("A02061800", "业务专用设备", CategoryKind.GOODS, false, 0, true, List.of()));

  /** Head office first, then the subordinate units (直属单位). */
  static final List<String> UNIT_NAMES = List.of(
      "重庆市某局（机关本级）", "机关服务中心", "信息中心", "培训中心", "质量检测中心", "第一直属分局", "第二直属分局",
      "第三直属分局", "档案馆", "后勤保障中心", "研究所", "执法总队", "宣传教育中心", "应急物资储备站", "第四直属分局",
      "第五直属分局");

  static final List<String> SUPPLIER_KINDS = List.of("商贸有限公司", "粮油有限公司", "食品配送有限公司", "科技有限公司",
      "物业服务有限公司", "建设工程有限公司", "办公用品有限公司", "纺织品有限公司");

  static final List<String> DISTRICTS = List.of("渝中区", "江北区", "南岸区", "九龙坡区", "沙坪坝区", "渝北区", "巴南区",
      "北碚区");

  static final List<String> STAFF = List.of("li.na", "zhang.wei", "wang.fang", "liu.yang", "chen.jing", "yang.min",
      "zhao.lei", "huang.li");

  static BigDecimal yuan(double v) {
    return BigDecimal.valueOf(Math.round(v * 100)).movePointLeft(2);
  }
}
