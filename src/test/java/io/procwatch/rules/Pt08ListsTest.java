package io.procwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pt08ListsTest {

  private static final String NEGATIVE_HEADER = "match,pattern,reason\n";
  private static final String PRICE_HEADER = "category_prefix,name,max_unit_price,basis\n";

  @TempDir Path dir;

  private Pt08Lists withFiles(String negativeList, String unitPrices) throws IOException {
    if (negativeList != null) {
      Files.writeString(dir.resolve(Pt08Lists.NEGATIVE_LIST), negativeList, StandardCharsets.UTF_8);
    }
    if (unitPrices != null) {
      Files.writeString(dir.resolve(Pt08Lists.UNIT_PRICE_STANDARDS), unitPrices, StandardCharsets.UTF_8);
    }
    return Pt08Lists.fromDirectory(dir);
  }

  @Test
  void the_packaged_lists_load_and_cap_office_equipment() {
    Pt08Lists lists = Pt08Lists.defaults();

    assertThat(lists.unitPriceLimit("A02010104")).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("5000"));
    assertThat(lists.unitPriceLimit("A02010108")).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("7000"));
    assertThat(lists.unitPriceLimit("A05010301")).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("800"));
    assertThat(lists.unitPriceLimit("C99999999")).isEmpty();
    assertThat(lists.negativeMatch("2瓶茅台酒", "A07")).map(Pt08Lists.NegativeEntry::pattern).contains("茅台");
    assertThat(lists.negativeMatch("超市购物卡 500元", null)).isPresent();
    assertThat(lists.negativeMatch("A4 复印纸", "A09")).isEmpty();
  }

  @Test
  void the_longest_matching_prefix_wins() throws IOException {
    Pt08Lists lists = withFiles(null, PRICE_HEADER + """
        A0201,计算机设备,9000,test
        A02010104,台式计算机,5000,test
        A020101,计算机,8000,test
        """);

    assertThat(lists.unitPriceLimit("A02010104")).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("5000"));
    assertThat(lists.unitPriceLimit("A02010199")).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("8000"));
    assertThat(lists.unitPriceLimit("A02019999")).hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("9000"));
    assertThat(lists.unitPriceStandard("a02010104")).map(Pt08Lists.UnitPriceStandard::name).contains("台式计算机");
    assertThat(lists.unitPriceLimit("A0202")).isEmpty();
    assertThat(lists.unitPriceLimit(null)).isEmpty();
  }

  @Test
  void comments_blank_lines_quotes_and_a_byte_order_mark_are_handled() throws IOException {
    Pt08Lists lists = withFiles("\uFEFF# a comment before the header\n\n" + NEGATIVE_HEADER
        + "  # an indented comment\n"
        + "KEYWORD,\"烟,酒\",\"reason with a comma, and \"\"quotes\"\"\"\r\n"
        + "\n"
        + "CATEGORY, a0801 ,不得采购\n", null);

    assertThat(lists.negativeList()).hasSize(2);
    assertThat(lists.negativeList().get(0).pattern()).isEqualTo("烟,酒");
    assertThat(lists.negativeList().get(0).reason()).isEqualTo("reason with a comma, and \"quotes\"");
    assertThat(lists.negativeList().get(1).pattern()).isEqualTo("A0801");
  }

  @Test
  void keywords_ignore_case_width_and_spaces_and_categories_match_by_prefix() throws IOException {
    Pt08Lists lists = withFiles(NEGATIVE_HEADER + """
        KEYWORD,Golf,高消费
        KEYWORD,高档烟酒,禁止
        CATEGORY,A0801,不得采购
        """, null);

    assertThat(lists.negativeMatch("ＧＯＬＦ 球杆", "A02")).map(Pt08Lists.NegativeEntry::reason).contains("高消费");
    assertThat(lists.negativeMatch("高档 烟酒礼盒", "A07")).map(Pt08Lists.NegativeEntry::reason).contains("禁止");
    assertThat(lists.negativeMatch("软件", "a08010101")).map(Pt08Lists.NegativeEntry::reason).contains("不得采购");
    assertThat(lists.negativeMatch("软件", "A0802")).isEmpty();
    assertThat(lists.negativeMatch(null, null)).isEmpty();
  }

  @Test
  void a_missing_file_falls_back_to_the_packaged_copy() throws IOException {
    Pt08Lists lists = withFiles(NEGATIVE_HEADER + "KEYWORD,游艇,禁止\n", null);

    assertThat(lists.negativeList()).extracting(Pt08Lists.NegativeEntry::pattern).containsExactly("游艇");
    assertThat(lists.unitPriceStandards()).isEqualTo(Pt08Lists.defaults().unitPriceStandards());
  }

  @Test
  void a_header_only_file_is_an_empty_list() throws IOException {
    assertThat(withFiles(NEGATIVE_HEADER, PRICE_HEADER).negativeList()).isEmpty();
  }

  @Test
  void a_bad_price_line_is_refused_with_file_and_line() throws IOException {
    String file = "# comment\n" + PRICE_HEADER + "A02010104,台式计算机,5000,test\n\nA02010108,便携式计算机,seven thousand,test\n";

    assertThatThrownBy(() -> withFiles(null, file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Pt08Lists.UNIT_PRICE_STANDARDS + ":5: max_unit_price: 'seven thousand' is not a decimal amount");
  }

  @Test
  void other_bad_lines_are_refused_with_their_line_number() {
    assertRefused(null, PRICE_HEADER + "A0201,x,100.001,test\n", ":2: max_unit_price: amount 100.001 has more than 2 decimal places");
    assertRefused(null, PRICE_HEADER + "A0201,x,-5,test\n", ":2: max_unit_price: amount -5 must not be negative");
    assertRefused(null, PRICE_HEADER + "0201,x,5,test\n", ":2: category_prefix '0201' is not a 品目 code prefix");
    assertRefused(null, PRICE_HEADER + "A0201,x,5\n", ":2: expected 4 fields");
    assertRefused(null, PRICE_HEADER + "A0201,x,5,test\nA0201,y,6,test\n", ":3: duplicate category_prefix A0201 (first on line 2)");
    assertRefused(null, "prefix,name,price,basis\n", ":1: expected the header line");
    assertRefused(NEGATIVE_HEADER + "WORD,烟,x\n", null, ":2: match 'WORD' is not KEYWORD or CATEGORY");
    assertRefused(NEGATIVE_HEADER + "KEYWORD,烟,\n", null, ":2: reason is empty");
    assertRefused(NEGATIVE_HEADER + "KEYWORD,\"烟,x\n", null, ":2: unterminated quote");
    assertRefused(NEGATIVE_HEADER + "KEYWORD,烟,x\nKEYWORD,烟,y\n", null, ":3: duplicate of line 2");
    assertRefused("# only a comment\n", null, ":1: no header line");
  }

  private void assertRefused(String negativeList, String unitPrices, String message) {
    assertThatThrownBy(() -> withFiles(negativeList, unitPrices))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
