package io.procwatch.rules;

import static io.procwatch.rules.RuleTimelines.assertFlagged;
import static io.procwatch.rules.RuleTimelines.assertNoAlert;
import static io.procwatch.rules.RuleTimelines.assertNotFlagged;
import static io.procwatch.rules.RuleTimelines.firing;
import static io.procwatch.rules.RuleTimelines.item;
import static io.procwatch.rules.RuleTimelines.registration;
import static io.procwatch.rules.RuleTimelines.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.alert.Alert;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.project.Fact;
import io.procwatch.project.Judge;
import io.procwatch.testing.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PT08 on a timeline, with the packaged lists (茅台, 礼品卡 ... on the negative list; 台式计算机 A02010104 at most
 * 5000.00 yuan a unit) and, for a category entry, an operator's own list.
 */
class ItemStandardsRuleTest {

  private static final String REGISTERED_AT = "2026-03-02T09:00:00+08:00";

  @Test
  void an_item_on_the_negative_list_is_flagged_at_registration_with_the_item_as_subject() {
    Timeline tl = timeline();
    Judge.Verdict v = tl.fact(REGISTERED_AT, registration("50000", "A05",
        List.of(item("会议用矿泉水", "100", "2.50"), item("飞天茅台酒 53度", "6", "1499"))));

    assertFlagged(v, "PT08", "items[1]:飞天茅台酒 53度");
    Alert a = firing(tl, "PT08", Severity.CRITICAL, "items[1]:飞天茅台酒 53度");
    assertThat(a.details()).containsEntry("negativePattern", "茅台").containsEntry("index", "1");
    assertThat(tl.open("PT08")).hasSize(1);
  }

  @Test
  void keywords_match_across_full_width_characters_and_spaces() {
    Timeline tl = timeline();
    Judge.Verdict v = tl.fact(REGISTERED_AT, registration("50000", "A05", List.of(item("超市 礼品卡（５００元）", "20", "500"))));
    assertFlagged(v, "PT08", "items[0]:超市 礼品卡（５００元）");
  }

  @Test
  void a_unit_price_one_fen_above_the_standard_is_flagged_and_exactly_at_it_is_fine() {
    Timeline over = timeline();
    Judge.Verdict v = over.fact(REGISTERED_AT, registration("60000", "A02010104",
        List.of(item("台式计算机", "10", "5000.00"), item("台式计算机", "2", "5000.01"))));

    assertFlagged(v, "PT08", "items[1]:台式计算机");
    Alert a = firing(over, "PT08", Severity.CRITICAL, "items[1]:台式计算机");
    assertThat(a.details()).containsEntry("unitPrice", "5000.01").containsEntry("maxUnitPrice", "5000.00");
    assertThat(over.open("PT08")).hasSize(1);

    Timeline atStandard = timeline();
    assertNotFlagged(atStandard.fact(REGISTERED_AT, registration("50000", "A02010104",
        List.of(item("台式计算机", "10", "5000")))), "PT08");
    assertNoAlert(atStandard, "PT08");
  }

  @Test
  void an_item_both_prohibited_and_too_expensive_gives_one_alert_naming_both() {
    Timeline tl = timeline();
    tl.fact(REGISTERED_AT, registration("60000", "A02010104", List.of(item("台式计算机 含礼品卡", "1", "6000"))));
    Alert a = firing(tl, "PT08", Severity.CRITICAL, "items[0]:台式计算机 含礼品卡");
    assertThat(a.message()).contains("negative list").contains("above the standard");
    assertThat(tl.all("PT08")).hasSize(1);
  }

  @Test
  void ordinary_items_without_a_standard_or_without_a_price_are_fine() {
    Timeline tl = timeline();
    assertNotFlagged(tl.fact(REGISTERED_AT, registration("50000", "A05",
        List.of(item("办公桌", "10", "99999"), item("打印纸", "100", null)))), "PT08");
    assertNoAlert(tl, "PT08");
  }

  @Test
  void a_category_on_an_operators_negative_list_is_one_alert_about_the_project(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(Pt08Lists.NEGATIVE_LIST), "match,pattern,reason\nCATEGORY,A0901,该品目禁止采购\n");
    RuleContext ctx = new RuleContext(RuleCatalogue.defaults(), RuleTimelines.context("chongqing-2024").thresholds(),
        WorkCalendar.fromClasspath(), Pt08Lists.fromDirectory(dir));
    Timeline tl = new Timeline(ctx, "P-1", Timeline.instant(RuleTimelines.CLOCK));

    Judge.Verdict v = tl.fact(REGISTERED_AT, registration("50000", "A090101",
        List.of(item("甲", "1", "10"), item("乙", "1", "10"))));
    assertFlagged(v, "PT08", "category:A090101");
    firing(tl, "PT08", Severity.CRITICAL, "category:A090101");
    assertThat(tl.open("PT08")).hasSize(1);

    // still an alert that waits for a supervisor after the project moves on
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    assertThat(tl.open("PT08")).hasSize(1);
  }
}
