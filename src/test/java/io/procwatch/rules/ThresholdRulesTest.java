package io.procwatch.rules;

import static io.procwatch.rules.RuleTimelines.assertCleared;
import static io.procwatch.rules.RuleTimelines.assertFlagged;
import static io.procwatch.rules.RuleTimelines.assertNoAlert;
import static io.procwatch.rules.RuleTimelines.assertNotFlagged;
import static io.procwatch.rules.RuleTimelines.contract;
import static io.procwatch.rules.RuleTimelines.firing;
import static io.procwatch.rules.RuleTimelines.method;
import static io.procwatch.rules.RuleTimelines.registration;
import static io.procwatch.rules.RuleTimelines.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.alert.Alert;
import io.procwatch.project.Fact;
import io.procwatch.project.Fact.Method;
import io.procwatch.project.Judge;
import io.procwatch.testing.Timeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SQ04 and PT09, the two single-project rules that read the threshold profiles, under both profiles:
 * chongqing-2024 (限额 100万, 公开招标 400万, 集采 50万) and central-2020 (限额 100万 / works 120万, 公开招标 200万 / works 400万).
 */
class ThresholdRulesTest {

  private static Timeline registered(String profile, String budget, CategoryKind kind) {
    Timeline tl = timeline(profile);
    tl.fact("2026-03-02T09:00:00+08:00", registration(budget, kind, false));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    return tl;
  }

  // ------------------------------------------------------------------ SQ04

  @ParameterizedTest(name = "{0} {2} budget {1} by {3} fires SQ04")
  @CsvSource({
      "chongqing-2024, 4000000.00, GOODS, COMPETITIVE_NEGOTIATION",
      "chongqing-2024, 4000000, WORKS, INVITED_TENDER",
      "central-2020, 2000000.00, GOODS, INQUIRY",
      "central-2020, 2000000, SERVICES, COMPETITIVE_CONSULTATION",
      "central-2020, 4000000, WORKS, SINGLE_SOURCE"})
  void sq04_a_budget_at_the_public_tender_threshold_without_open_tender_or_approval_fires(String profile,
      String budget, CategoryKind kind, Method m) {
    Timeline tl = registered(profile, budget, kind);
    Judge.Verdict v = tl.fact("2026-03-03T10:00:00+08:00", method(m));

    assertFlagged(v, "SQ04", "");
    Alert a = firing(tl, "SQ04", Severity.CRITICAL, "");
    assertThat(a.details()).containsEntry("profile", profile).containsEntry("method", m.name());
  }

  @ParameterizedTest(name = "{0} {2} budget {1} stays below the public-tender threshold")
  @CsvSource({
      "chongqing-2024, 3999999.99, GOODS",
      "chongqing-2024, 2000000, GOODS",
      "central-2020, 1999999.99, GOODS",
      "central-2020, 3999999.99, WORKS"})
  void sq04_one_fen_below_the_threshold_is_fine(String profile, String budget, CategoryKind kind) {
    Timeline tl = registered(profile, budget, kind);
    assertNotFlagged(tl.fact("2026-03-03T10:00:00+08:00", method(Method.COMPETITIVE_NEGOTIATION)), "SQ04");
    assertNoAlert(tl, "SQ04");
  }

  @Test
  void sq04_open_tender_or_an_approval_reference_is_fine_but_a_blank_reference_is_none() {
    Timeline open = registered("chongqing-2024", "5000000", CategoryKind.GOODS);
    assertNotFlagged(open.fact("2026-03-03T10:00:00+08:00", method(Method.OPEN_TENDER)), "SQ04");
    Timeline approved = registered("chongqing-2024", "5000000", CategoryKind.GOODS);
    assertNotFlagged(approved.fact("2026-03-03T10:00:00+08:00", method(Method.INQUIRY, "渝财采〔2026〕7号")), "SQ04");
    Timeline blank = registered("chongqing-2024", "5000000", CategoryKind.GOODS);
    assertFlagged(blank.fact("2026-03-03T10:00:00+08:00", method(Method.INQUIRY, "  ")), "SQ04", "");
  }

  @Test
  void sq04_resolves_itself_when_the_method_is_approved_again_with_a_reference() {
    Timeline tl = registered("chongqing-2024", "5000000", CategoryKind.GOODS);
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.COMPETITIVE_CONSULTATION));
    Alert a = firing(tl, "SQ04", Severity.CRITICAL, "");

    tl.fact("2026-03-05T10:00:00+08:00", method(Method.COMPETITIVE_CONSULTATION, "渝财采〔2026〕8号"));
    assertCleared(tl, a);
    assertThat(tl.open("SQ04")).isEmpty();
  }

  @Test
  void sq04_the_same_budget_is_judged_differently_by_each_profile() {
    // 300万 goods: at or above central-2020's 200万, below chongqing-2024's 400万
    Timeline central = registered("central-2020", "3000000", CategoryKind.GOODS);
    assertFlagged(central.fact("2026-03-03T10:00:00+08:00", method(Method.INQUIRY)), "SQ04", "");
    Timeline chongqing = registered("chongqing-2024", "3000000", CategoryKind.GOODS);
    assertNotFlagged(chongqing.fact("2026-03-03T10:00:00+08:00", method(Method.INQUIRY)), "SQ04");
  }

  // ------------------------------------------------------------------ PT09

  @ParameterizedTest(name = "{0} {2} budget {1} (catalogue {3}) → {4}")
  @CsvSource({
      // chongqing-2024: 限额 100万, 公开招标 400万, 集采目录 50万
      "chongqing-2024, 3600000.00, GOODS, false, budget:public-tender",
      "chongqing-2024, 3999999.99, WORKS, false, budget:public-tender",
      "chongqing-2024, 900000, SERVICES, false, budget:procurement-limit",
      "chongqing-2024, 450000.00, GOODS, true, budget:central-catalogue",
      // central-2020: 限额 100万 (works 120万), 公开招标 200万 (works 400万), no catalogue amount
      "central-2020, 1800000, GOODS, false, budget:public-tender",
      "central-2020, 1080000, WORKS, false, budget:procurement-limit",
      "central-2020, 3600000, WORKS, false, budget:public-tender"})
  void pt09_a_budget_in_the_band_below_a_threshold_is_flagged_at_registration(String profile, String budget,
      CategoryKind kind, boolean catalogue, String subject) {
    Timeline tl = timeline(profile);
    Judge.Verdict v = tl.fact("2026-03-02T09:00:00+08:00", registration(budget, kind, catalogue));

    assertFlagged(v, "PT09", subject);
    Alert a = firing(tl, "PT09", Severity.INFO, subject);
    assertThat(a.details()).containsEntry("profile", profile);
    assertThat(tl.open("PT09")).hasSize(1);
  }

  @ParameterizedTest(name = "{0} {2} budget {1} (catalogue {3}) is not near a threshold")
  @CsvSource({
      "chongqing-2024, 3599999.99, GOODS, false",
      "chongqing-2024, 4000000.00, GOODS, false",
      "chongqing-2024, 899999.99, GOODS, false",
      "chongqing-2024, 1000000, GOODS, false",
      // the catalogue amount binds catalogue items only
      "chongqing-2024, 450000, GOODS, false",
      "chongqing-2024, 449999.99, GOODS, true",
      "chongqing-2024, 1800000, GOODS, false",
      "central-2020, 1080000, GOODS, false",
      "central-2020, 1079999.99, WORKS, false",
      "central-2020, 450000, GOODS, true",
      "central-2020, 3600000, GOODS, false"})
  void pt09_just_outside_the_band_is_fine(String profile, String budget, CategoryKind kind, boolean catalogue) {
    Timeline tl = timeline(profile);
    assertNotFlagged(tl.fact("2026-03-02T09:00:00+08:00", registration(budget, kind, catalogue)), "PT09");
    assertNoAlert(tl, "PT09");
  }

  @Test
  void pt09_a_contract_just_below_the_procurement_limit_is_flagged_when_signed_and_stays() {
    Timeline tl = timeline();
    assertNotFlagged(tl.fact("2026-03-02T09:00:00+08:00", registration("2000000")), "PT09");
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.SELF_PURCHASE));
    Judge.Verdict v = tl.fact("2026-03-04T10:00:00+08:00", contract("HT-1", "S1", "999999.99"));

    assertFlagged(v, "PT09", "contract:procurement-limit");
    Alert a = firing(tl, "PT09", Severity.INFO, "contract:procurement-limit");
    assertThat(a.occurredAt()).isEqualTo(Timeline.instant("2026-03-04T10:00:00+08:00"));

    // amendments do not move the signed amount out of the band, and the alert waits for a supervisor
    tl.fact("2026-03-05T10:00:00+08:00", new Fact.ContractAmended(new java.math.BigDecimal("50000"), "增加数量"));
    assertThat(tl.state().alerts().byId(a.id()).open()).isTrue();
  }
}
