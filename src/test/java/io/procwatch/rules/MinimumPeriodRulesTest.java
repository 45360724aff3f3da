package io.procwatch.rules;

import static io.procwatch.rules.RuleTimelines.assertCleared;
import static io.procwatch.rules.RuleTimelines.assertFlagged;
import static io.procwatch.rules.RuleTimelines.assertNoAlert;
import static io.procwatch.rules.RuleTimelines.assertNotFlagged;
import static io.procwatch.rules.RuleTimelines.assertStillOpen;
import static io.procwatch.rules.RuleTimelines.firing;
import static io.procwatch.rules.RuleTimelines.method;
import static io.procwatch.rules.RuleTimelines.notice;
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
 * MP01–MP04 on a timeline. Periods count dates (the start day not counted, domain.md §1), not 24-hour days; working
 * days follow the 2026 State Council calendar (劳动节 05-01..05-05, make-up working Saturday 05-09).
 */
class MinimumPeriodRulesTest {

  /** Registered and reviewed on Monday 2026-03-02, the method approved at {@code methodAt}. */
  private static Timeline approved(String budget, Method m, String methodAt) {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration(budget));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact(methodAt, method(m));
    return tl;
  }

  // ------------------------------------------------------------------ MP01–MP03

  @ParameterizedTest(name = "{0}: documents {1}, bids due {2} → {3}")
  @CsvSource({
      // MP01, 20 CD: 03-04 → 03-23 is 19 days; a deadline at 00:00 belongs to the day before
      "OPEN_TENDER, 2026-03-04T10:00:00+08:00, 2026-03-23T09:30:00+08:00, MP01",
      "INVITED_TENDER, 2026-03-04T10:00:00+08:00, 2026-03-24T00:00:00+08:00, MP01",
      // MP02, 10 CD
      "COMPETITIVE_CONSULTATION, 2026-03-04T10:00:00+08:00, 2026-03-13T17:00:00+08:00, MP02",
      // MP03, 3 WD: after Thursday 04-30 come five holidays, then 05-06 and 05-07: only 2 WD
      "COMPETITIVE_NEGOTIATION, 2026-04-30T10:00:00+08:00, 2026-05-07T09:30:00+08:00, MP03",
      // MP03: Friday 05-08, then the make-up Saturday 05-09 and Monday 05-11: 2 WD
      "INQUIRY, 2026-05-08T10:00:00+08:00, 2026-05-11T16:00:00+08:00, MP03"})
  void a_period_one_day_short_fires_critical_on_the_notice(Method m, String docIssueAt, String bidDeadline,
      String rule) {
    Timeline tl = approved("500000", m, "2026-03-03T10:00:00+08:00");
    Judge.Verdict v = tl.fact("2026-03-03T11:00:00+08:00", notice(docIssueAt, bidDeadline));

    assertFlagged(v, rule, "");
    Alert a = firing(tl, rule, Severity.CRITICAL, "");
    assertThat(a.occurredAt()).isEqualTo(Timeline.instant("2026-03-03T11:00:00+08:00"));
    assertThat(a.details()).containsEntry("method", m.name());
    assertThat(tl.open().stream().filter(x -> x.rule().startsWith("MP0") && !x.rule().equals(rule))).isEmpty();
  }

  @ParameterizedTest(name = "{0}: documents {1}, bids due {2} is long enough")
  @CsvSource({
      // exactly 20 CD, although fewer than 20 × 24 hours pass
      "OPEN_TENDER, 2026-03-04T10:00:00+08:00, 2026-03-24T09:30:00+08:00",
      "INVITED_TENDER, 2026-03-04T10:00:00+08:00, 2026-03-25T00:00:00+08:00",
      "COMPETITIVE_CONSULTATION, 2026-03-04T10:00:00+08:00, 2026-03-14T09:00:00+08:00",
      "COMPETITIVE_NEGOTIATION, 2026-04-30T10:00:00+08:00, 2026-05-08T09:30:00+08:00",
      // the make-up Saturday counts: 05-09, 05-11, 05-12
      "INQUIRY, 2026-05-08T10:00:00+08:00, 2026-05-12T09:00:00+08:00",
      // a short period under a method whose rule does not apply to it
      "INQUIRY, 2026-03-04T10:00:00+08:00, 2026-03-09T09:00:00+08:00",
      "SINGLE_SOURCE, 2026-03-04T10:00:00+08:00, 2026-03-05T09:00:00+08:00"})
  void a_period_just_long_enough_is_fine(Method m, String docIssueAt, String bidDeadline) {
    Timeline tl = approved("500000", m, "2026-03-03T10:00:00+08:00");
    Judge.Verdict v = tl.fact("2026-03-03T11:00:00+08:00", notice(docIssueAt, bidDeadline));
    for (String rule : new String[] {"MP01", "MP02", "MP03"}) {
      assertNotFlagged(v, rule);
      assertNoAlert(tl, rule);
    }
  }

  @Test
  void mp01_is_permanent_a_corrected_notice_does_not_give_bidders_the_days_back() {
    Timeline tl = approved("500000", Method.OPEN_TENDER, "2026-03-03T10:00:00+08:00");
    tl.fact("2026-03-04T10:00:00+08:00", notice("2026-03-04T10:00:00+08:00", "2026-03-16T09:30:00+08:00"));
    Alert a = firing(tl, "MP01", Severity.CRITICAL, "");
    assertThat(a.details()).containsEntry("days", "12");

    // 更正公告: the deadline moves to 03-30; the condition no longer holds, the alert waits for a supervisor
    assertNotFlagged(tl.fact("2026-03-10T10:00:00+08:00",
        notice("2026-03-04T10:00:00+08:00", "2026-03-30T09:30:00+08:00")), "MP01");
    assertStillOpen(tl, a);
  }

  // ------------------------------------------------------------------ MP04

  /** A government procurement project (100万 = the chongqing-2024 限额) registered in January. */
  private static Timeline governmentProcurement(String profile, String budget, CategoryKind kind, boolean catalogue) {
    Timeline tl = timeline(profile);
    tl.fact("2026-01-05T09:00:00+08:00", registration(budget, kind, catalogue));
    return tl;
  }

  private static Judge.Verdict noticeOnMarch4(Timeline tl, Method m) {
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(m));
    return tl.fact("2026-03-04T10:00:00+08:00", notice("2026-03-04T10:00:00+08:00", "2026-03-25T09:30:00+08:00"));
  }

  @Test
  void mp04_a_notice_without_an_intent_fires_and_a_backfilled_early_intent_clears_it() {
    Timeline tl = governmentProcurement("chongqing-2024", "1000000.00", CategoryKind.GOODS, false);
    Judge.Verdict v = noticeOnMarch4(tl, Method.OPEN_TENDER);

    assertFlagged(v, "MP04", "");
    Alert a = firing(tl, "MP04", Severity.WARNING, "");
    assertThat(a.message()).contains("without a procurement intent");

    // the intent had been published on 01-20, reported late
    assertNotFlagged(tl.fact("2026-01-20T10:00:00+08:00", new Fact.IntentPublished()), "MP04");
    assertCleared(tl, a);
  }

  @Test
  void mp04_an_intent_exactly_30_days_before_the_notice_is_fine_29_days_fires() {
    Timeline enough = governmentProcurement("chongqing-2024", "1000000", CategoryKind.GOODS, false);
    enough.fact("2026-02-02T16:00:00+08:00", new Fact.IntentPublished());
    assertNotFlagged(noticeOnMarch4(enough, Method.OPEN_TENDER), "MP04");
    assertNoAlert(enough, "MP04");

    Timeline late = governmentProcurement("chongqing-2024", "1000000", CategoryKind.GOODS, false);
    late.fact("2026-02-03T09:00:00+08:00", new Fact.IntentPublished());
    assertFlagged(noticeOnMarch4(late, Method.OPEN_TENDER), "MP04", "");
    assertThat(firing(late, "MP04", Severity.WARNING, "").details()).containsEntry("days", "29");
  }

  @Test
  void mp04_binds_catalogue_projects_and_projects_at_the_limit_but_not_below_it_nor_framework_purchases() {
    Timeline catalogue = governmentProcurement("chongqing-2024", "100000", CategoryKind.GOODS, true);
    assertFlagged(noticeOnMarch4(catalogue, Method.INQUIRY), "MP04", "");

    Timeline below = governmentProcurement("chongqing-2024", "999999.99", CategoryKind.GOODS, false);
    assertNotFlagged(noticeOnMarch4(below, Method.OPEN_TENDER), "MP04");
    assertNoAlert(below, "MP04");

    Timeline framework = governmentProcurement("chongqing-2024", "2000000", CategoryKind.GOODS, true);
    assertNotFlagged(noticeOnMarch4(framework, Method.FRAMEWORK_AGREEMENT), "MP04");
    assertNoAlert(framework, "MP04");
  }

  @Test
  void mp04_the_procurement_limit_comes_from_the_active_profile() {
    // works at 110万: above chongqing-2024's 100万 限额, below central-2020's 120万
    Timeline chongqing = governmentProcurement("chongqing-2024", "1100000", CategoryKind.WORKS, false);
    assertFlagged(noticeOnMarch4(chongqing, Method.OPEN_TENDER), "MP04", "");
    Timeline central = governmentProcurement("central-2020", "1100000", CategoryKind.WORKS, false);
    assertNotFlagged(noticeOnMarch4(central, Method.OPEN_TENDER), "MP04");
    assertNoAlert(central, "MP04");
  }

  @Test
  void mp04_is_not_judged_before_the_notice() {
    Timeline tl = governmentProcurement("chongqing-2024", "1000000", CategoryKind.GOODS, false);
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.OPEN_TENDER));
    assertNoAlert(tl, "MP04");
  }
}
