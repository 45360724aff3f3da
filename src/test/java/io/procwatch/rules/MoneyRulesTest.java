package io.procwatch.rules;

import static io.procwatch.rules.RuleTimelines.amended;
import static io.procwatch.rules.RuleTimelines.assertCleared;
import static io.procwatch.rules.RuleTimelines.assertFlagged;
import static io.procwatch.rules.RuleTimelines.assertNoAlert;
import static io.procwatch.rules.RuleTimelines.assertNotFlagged;
import static io.procwatch.rules.RuleTimelines.assertStillOpen;
import static io.procwatch.rules.RuleTimelines.award;
import static io.procwatch.rules.RuleTimelines.contract;
import static io.procwatch.rules.RuleTimelines.firing;
import static io.procwatch.rules.RuleTimelines.method;
import static io.procwatch.rules.RuleTimelines.payment;
import static io.procwatch.rules.RuleTimelines.registration;
import static io.procwatch.rules.RuleTimelines.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.alert.Alert;
import io.procwatch.project.Fact;
import io.procwatch.project.Fact.Method;
import io.procwatch.project.Fact.PaymentKind;
import io.procwatch.project.Judge;
import io.procwatch.testing.Timeline;
import org.junit.jupiter.api.Test;

/** BG01–BG06 on a timeline: exact money, and which alerts resolve themselves. */
class MoneyRulesTest {

  /** A single-source purchase (no tender steps) up to the method approval, on Monday 2026-03-02. */
  private static Timeline singleSource(String budget) {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration(budget));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.SINGLE_SOURCE, "渝财采〔2026〕1号"));
    return tl;
  }

  /** A self-purchase of {@code budget} with a contract HT-1 of {@code amount}, delivered and accepted. */
  private static Timeline acceptedContract(String budget, String amount) {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration(budget));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.SELF_PURCHASE));
    tl.fact("2026-03-04T10:00:00+08:00", contract("HT-1", "S1", amount));
    tl.fact("2026-03-09T10:00:00+08:00", new Fact.Delivered());
    tl.fact("2026-03-10T10:00:00+08:00", new Fact.Accepted());
    return tl;
  }

  // ------------------------------------------------------------------ BG01

  @Test
  void bg01_an_award_one_fen_above_the_budget_fires_and_stays_after_a_corrected_award() {
    Timeline tl = singleSource("100000.00");
    Judge.Verdict v = tl.fact("2026-03-04T10:00:00+08:00", award("S1", "100000.01"));

    assertFlagged(v, "BG01", "S1");
    Alert a = firing(tl, "BG01", Severity.CRITICAL, "S1");
    assertThat(a.supplier()).isEqualTo("S1");
    assertThat(a.details()).containsEntry("over", "0.01");

    // the award is published again at the budget: the breach is a fact, a supervisor resolves it
    assertNotFlagged(tl.fact("2026-03-05T10:00:00+08:00", award("S1", "100000.00")), "BG01");
    assertStillOpen(tl, a);
  }

  @Test
  void bg01_an_award_exactly_at_the_budget_is_fine() {
    Timeline tl = singleSource("100000");
    assertNotFlagged(tl.fact("2026-03-04T10:00:00+08:00", award("S1", "100000.00")), "BG01");
    assertNoAlert(tl, "BG01");
  }

  // ------------------------------------------------------------------ BG02

  @Test
  void bg02_a_contract_above_the_award_fires_and_clears_when_the_award_is_corrected() {
    Timeline tl = singleSource("200000");
    tl.fact("2026-03-04T10:00:00+08:00", award("S1", "150000"));
    Judge.Verdict v = tl.fact("2026-03-05T10:00:00+08:00", contract("HT-1", "S1", "150000.01"));

    assertFlagged(v, "BG02", "HT-1");
    Alert a = firing(tl, "BG02", Severity.CRITICAL, "HT-1");
    assertThat(a.details()).containsEntry("overAward", "true").containsEntry("overBudget", "false");

    tl.fact("2026-03-05T11:00:00+08:00", award("S1", "150000.01"));
    assertCleared(tl, a);
    assertThat(tl.open("BG02")).isEmpty();
  }

  @Test
  void bg02_a_contract_above_the_budget_fires_without_an_award() {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration("50000"));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.SELF_PURCHASE));
    assertFlagged(tl.fact("2026-03-04T10:00:00+08:00", contract("HT-9", "S1", "50000.01")), "BG02", "HT-9");
    assertThat(firing(tl, "BG02", Severity.CRITICAL, "HT-9").details()).containsEntry("overBudget", "true");
  }

  @Test
  void bg02_a_contract_equal_to_award_and_budget_is_fine() {
    Timeline tl = singleSource("150000");
    tl.fact("2026-03-04T10:00:00+08:00", award("S1", "150000.00"));
    assertNotFlagged(tl.fact("2026-03-05T10:00:00+08:00", contract("HT-1", "S1", "150000")), "BG02");
    assertNoAlert(tl, "BG02");
  }

  // ------------------------------------------------------------------ BG03

  @Test
  void bg03_amendments_exactly_at_ten_percent_are_fine_one_fen_more_fires_and_a_reduction_clears_it() {
    Timeline tl = acceptedContract("200000", "100000.00");
    assertNotFlagged(tl.fact("2026-03-11T10:00:00+08:00", amended("6000.00")), "BG03");
    assertNotFlagged(tl.fact("2026-03-12T10:00:00+08:00", amended("4000")), "BG03");
    assertNoAlert(tl, "BG03");

    Judge.Verdict over = tl.fact("2026-03-13T10:00:00+08:00", amended("0.01"));
    assertFlagged(over, "BG03", "HT-1");
    Alert a = firing(tl, "BG03", Severity.CRITICAL, "HT-1");
    assertThat(a.occurredAt()).isEqualTo(Timeline.instant("2026-03-13T10:00:00+08:00"));
    assertThat(a.details()).containsEntry("amendments", "10000.01");

    tl.fact("2026-03-16T10:00:00+08:00", amended("-0.01"));
    assertCleared(tl, a);
  }

  // ------------------------------------------------------------------ BG04

  @Test
  void bg04_payments_exactly_at_the_contract_total_are_fine_one_fen_more_fires_and_an_amendment_clears_it() {
    Timeline tl = acceptedContract("200000", "100000.00");
    tl.fact("2026-03-11T10:00:00+08:00", amended("0.10"));
    assertNotFlagged(tl.fact("2026-03-12T10:00:00+08:00", payment("60000.05", PaymentKind.PROGRESS)), "BG04");
    // 60000.05 + 40000.05 = 100000.10, exactly the contract with its amendment
    assertNotFlagged(tl.fact("2026-03-13T10:00:00+08:00", payment("40000.05", PaymentKind.FINAL)), "BG04");
    assertNoAlert(tl, "BG04");

    Judge.Verdict over = tl.fact("2026-03-16T10:00:00+08:00", payment("0.01", PaymentKind.FINAL));
    assertFlagged(over, "BG04", "HT-1");
    Alert a = firing(tl, "BG04", Severity.CRITICAL, "HT-1");
    assertThat(a.details()).containsEntry("over", "0.01").containsEntry("contractTotal", "100000.10");
    assertThat(a.supplier()).isEqualTo("S1");

    tl.fact("2026-03-17T10:00:00+08:00", amended("0.01"));
    assertCleared(tl, a);
    assertThat(tl.open("BG04")).isEmpty();
  }

  // ------------------------------------------------------------------ BG05

  @Test
  void bg05_a_progress_payment_one_second_before_acceptance_fires_a_prepayment_does_not() {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration("100000"));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.SELF_PURCHASE));
    tl.fact("2026-03-04T10:00:00+08:00", contract("HT-1", "S1", "100000"));
    assertNotFlagged(tl.fact("2026-03-04T11:00:00+08:00", payment("30000", PaymentKind.PREPAY)), "BG05");
    tl.fact("2026-03-09T10:00:00+08:00", new Fact.Delivered());
    // reported before the acceptance, and it happened one second before it
    Judge.Verdict v = tl.fact("2026-03-10T09:59:59+08:00", payment("20000", PaymentKind.PROGRESS));
    tl.fact("2026-03-10T10:00:00+08:00", new Fact.Accepted());

    assertFlagged(v, "BG05", "PROGRESS");
    Alert a = firing(tl, "BG05", Severity.CRITICAL, "PROGRESS");
    assertThat(a.occurredAt()).isEqualTo(Timeline.instant("2026-03-10T09:59:59+08:00"));
    assertThat(tl.all("BG05")).hasSize(1);
  }

  @Test
  void bg05_a_final_payment_at_the_very_instant_of_acceptance_is_fine() {
    Timeline tl = acceptedContract("100000", "100000");
    assertNotFlagged(tl.fact("2026-03-10T10:00:00+08:00", payment("100000", PaymentKind.FINAL)), "BG05");
    assertNoAlert(tl, "BG05");
  }

  @Test
  void bg05_is_permanent_even_when_an_earlier_acceptance_is_reported_later() {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration("100000"));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.SELF_PURCHASE));
    tl.fact("2026-03-04T10:00:00+08:00", contract("HT-1", "S1", "100000"));
    tl.fact("2026-03-09T10:00:00+08:00", new Fact.Delivered());
    assertFlagged(tl.fact("2026-03-11T10:00:00+08:00", payment("100000", PaymentKind.FINAL)), "BG05", "FINAL");
    Alert a = firing(tl, "BG05", Severity.CRITICAL, "FINAL");

    // the acceptance turns out to have happened the day before the payment
    tl.fact("2026-03-10T10:00:00+08:00", new Fact.Accepted());
    assertStillOpen(tl, a);
  }

  // ------------------------------------------------------------------ BG06

  @Test
  void bg06_an_award_at_exactly_98_percent_of_the_budget_fires_info_and_stays() {
    Timeline tl = singleSource("100000");
    Judge.Verdict v = tl.fact("2026-03-04T10:00:00+08:00", award("S1", "98000.00"));

    assertFlagged(v, "BG06", "S1");
    Alert a = firing(tl, "BG06", Severity.INFO, "S1");
    assertNoAlert(tl, "BG01");

    tl.fact("2026-03-05T10:00:00+08:00", award("S1", "90000"));
    assertStillOpen(tl, a);
  }

  @Test
  void bg06_an_award_one_fen_below_98_percent_is_fine() {
    Timeline tl = singleSource("100000");
    assertNotFlagged(tl.fact("2026-03-04T10:00:00+08:00", award("S1", "97999.99")), "BG06");
    assertNoAlert(tl, "BG06");
  }
}
