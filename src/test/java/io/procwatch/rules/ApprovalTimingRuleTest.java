package io.procwatch.rules;

import static io.procwatch.rules.RuleTimelines.assertFlagged;
import static io.procwatch.rules.RuleTimelines.assertNoAlert;
import static io.procwatch.rules.RuleTimelines.assertNotFlagged;
import static io.procwatch.rules.RuleTimelines.contract;
import static io.procwatch.rules.RuleTimelines.firing;
import static io.procwatch.rules.RuleTimelines.method;
import static io.procwatch.rules.RuleTimelines.registration;
import static io.procwatch.rules.RuleTimelines.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.procwatch.alert.Alert;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.project.Fact;
import io.procwatch.project.Fact.Method;
import io.procwatch.project.Judge;
import io.procwatch.testing.Timeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PT07 on a timeline: approvals off office hours (08:30–18:00, half-open, on working days of the 2026 calendar) or
 * less than 10 minutes after the previous step.
 */
class ApprovalTimingRuleTest {

  /** Registered Monday 2026-03-02 09:00, requirement approved 10:00. */
  private static Timeline reviewed() {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration("500000"));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    return tl;
  }

  @ParameterizedTest(name = "MethodApproved at {0}: {1}")
  @CsvSource({
      "2026-03-02T18:00:00+08:00, closing time is outside office hours",
      "2026-03-03T08:29:59+08:00, before opening",
      "2026-03-03T23:10:00+08:00, at night",
      "2026-03-07T10:00:00+08:00, a Saturday",
      "2026-05-04T10:00:00+08:00, a Monday inside the Labour Day holiday"})
  void an_approval_off_working_hours_is_flagged_info_with_the_step_as_subject(String at, String why) {
    Timeline tl = reviewed();
    Judge.Verdict v = tl.fact(at, method(Method.OPEN_TENDER));

    assertFlagged(v, "PT07", "MethodApproved");
    Alert a = firing(tl, "PT07", Severity.INFO, "MethodApproved");
    assertThat(a.occurredAt()).isEqualTo(Timeline.instant(at));
    assertThat(a.details()).containsEntry("offHours", "true");
  }

  @ParameterizedTest(name = "MethodApproved at {0}: {1}")
  @CsvSource({
      "2026-03-02T17:59:59+08:00, a second before closing",
      "2026-03-03T08:30:00+08:00, at opening",
      "2026-05-09T10:00:00+08:00, the make-up working Saturday"})
  void an_approval_within_working_hours_is_fine(String at, String why) {
    Timeline tl = reviewed();
    assertNotFlagged(tl.fact(at, method(Method.OPEN_TENDER)), "PT07");
    assertNoAlert(tl, "PT07");
  }

  @Test
  void an_approval_less_than_ten_minutes_after_the_previous_step_is_flagged() {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration("500000"));
    Judge.Verdict v = tl.fact("2026-03-02T09:09:59+08:00", new Fact.RequirementApproved());

    assertFlagged(v, "PT07", "RequirementApproved");
    Alert a = firing(tl, "PT07", Severity.INFO, "RequirementApproved");
    assertThat(a.details()).containsEntry("offHours", "false")
        .containsEntry("previousStepAt", "2026-03-02T01:00:00Z");
  }

  @Test
  void an_approval_exactly_ten_minutes_after_the_previous_step_is_fine() {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration("500000"));
    assertNotFlagged(tl.fact("2026-03-02T09:10:00+08:00", new Fact.RequirementApproved()), "PT07");
    assertNoAlert(tl, "PT07");
  }

  @Test
  void acceptance_at_the_same_instant_as_the_delivery_is_flagged_in_business_time() {
    Timeline tl = reviewed();
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.SELF_PURCHASE));
    tl.fact("2026-03-04T10:00:00+08:00", contract("HT-1", "S1", "400000"));
    // the acceptance is reported first, the delivery afterwards with the same business time
    tl.fact("2026-03-09T15:00:00+08:00", new Fact.Accepted());
    assertNoAlert(tl, "PT07");
    Judge.Verdict v = tl.fact("2026-03-09T15:00:00+08:00", new Fact.Delivered());

    assertFlagged(v, "PT07", "Accepted");
    firing(tl, "PT07", Severity.INFO, "Accepted");
  }

  @Test
  void other_steps_off_hours_are_not_approvals_and_one_alert_covers_each_step_type() {
    Timeline tl = reviewed();
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.SELF_PURCHASE));
    assertNotFlagged(tl.fact("2026-03-07T22:00:00+08:00", contract("HT-1", "S1", "400000")), "PT07");
    assertNoAlert(tl, "PT07");

    tl.fact("2026-03-08T10:00:00+08:00", method(Method.SELF_PURCHASE));
    Alert a = firing(tl, "PT07", Severity.INFO, "MethodApproved");
    assertNotFlagged(tl.fact("2026-03-08T11:00:00+08:00", method(Method.SELF_PURCHASE)), "PT07");
    assertThat(tl.all("PT07")).containsExactly(tl.state().alerts().byId(a.id()));
  }

  @Test
  void office_hours_are_the_rules_own_parameters() {
    RuleCatalogue catalogue = RuleCatalogue.from(ConfigFactory.parseString(
            "procwatch.rules.PT07.params.working-hours { start = \"09:00\", end = \"17:00\" }")
        .withFallback(ConfigFactory.parseResources("rules.conf")));
    RuleContext ctx = new RuleContext(catalogue, RuleTimelines.context("chongqing-2024").thresholds(),
        WorkCalendar.fromClasspath(), Pt08Lists.defaults());
    Timeline tl = new Timeline(ctx, "P-1", Timeline.instant(RuleTimelines.CLOCK));
    tl.fact("2026-03-02T09:00:00+08:00", registration("500000"));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());

    assertFlagged(tl.fact("2026-03-03T08:45:00+08:00", method(Method.OPEN_TENDER)), "PT07", "MethodApproved");
    assertFlagged(tl.fact("2026-03-03T17:30:00+08:00", new Fact.SupplierConfirmed("S1")), "PT07", "SupplierConfirmed");
    assertNotFlagged(tl.fact("2026-03-04T16:59:00+08:00", new Fact.Accepted()), "PT07");
    assertThat(tl.open("PT07")).extracting(Alert::subject).containsExactlyInAnyOrder("MethodApproved", "SupplierConfirmed");
  }
}
