package io.procwatch.rules;

import static io.procwatch.rules.RuleTimelines.assertCleared;
import static io.procwatch.rules.RuleTimelines.assertFlagged;
import static io.procwatch.rules.RuleTimelines.assertNoAlert;
import static io.procwatch.rules.RuleTimelines.assertNotFlagged;
import static io.procwatch.rules.RuleTimelines.assertStillOpen;
import static io.procwatch.rules.RuleTimelines.award;
import static io.procwatch.rules.RuleTimelines.awarded;
import static io.procwatch.rules.RuleTimelines.bid;
import static io.procwatch.rules.RuleTimelines.firing;
import static io.procwatch.rules.RuleTimelines.lateBid;
import static io.procwatch.rules.RuleTimelines.method;
import static io.procwatch.rules.RuleTimelines.notice;
import static io.procwatch.rules.RuleTimelines.openedTender;
import static io.procwatch.rules.RuleTimelines.registration;
import static io.procwatch.rules.RuleTimelines.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.alert.Alert;
import io.procwatch.project.Fact;
import io.procwatch.project.Fact.Method;
import io.procwatch.project.Judge;
import io.procwatch.testing.Timeline;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PT01–PT06 on a timeline: an open tender whose bids are opened on 03-25 at the bid deadline 09:30 (see
 * {@link RuleTimelines#openedTender}), then disqualifications, the confirmation of a winner and the award.
 */
class BidPatternRulesTest {

  private static final String BUDGET = "500000";

  private static Judge.Verdict disqualify(Timeline tl, String supplier) {
    return tl.fact("2026-03-25T14:00:00+08:00", new Fact.BidDisqualified(supplier, "资格性审查不合格"));
  }

  private static Judge.Verdict confirm(Timeline tl, String supplier) {
    tl.fact("2026-03-26T10:00:00+08:00", new Fact.EvaluationCompleted(List.of(supplier)));
    return tl.fact("2026-03-27T10:00:00+08:00", new Fact.SupplierConfirmed(supplier));
  }

  private static Judge.Verdict failed(Timeline tl) {
    return tl.fact("2026-04-01T10:00:00+08:00", new Fact.ProcurementFailed("重新招标"));
  }

  // ------------------------------------------------------------------ PT01

  @Test
  void pt01_one_valid_bid_after_a_disqualification_warns() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "450000"), bid("S2", "460000"));
    assertNoAlert(tl, "PT01");

    Judge.Verdict v = disqualify(tl, "S2");
    assertFlagged(v, "PT01", "opening");
    Alert a = firing(tl, "PT01", Severity.WARNING, "opening");
    assertThat(a.supplier()).isEqualTo("S1");
  }

  @Test
  void pt01_a_single_bid_warns_when_the_bids_are_opened_not_before() {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration(BUDGET));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.INVITED_TENDER));
    tl.fact("2026-03-04T10:00:00+08:00", notice("2026-03-04T10:00:00+08:00", "2026-03-25T09:30:00+08:00"));
    assertNotFlagged(tl.fact("2026-03-10T10:00:00+08:00", bid("S1", "450000")), "PT01");
    assertFlagged(tl.fact("2026-03-25T09:30:00+08:00", new Fact.BidsOpened()), "PT01", "opening");
    firing(tl, "PT01", Severity.WARNING, "opening");
  }

  @Test
  void pt01_two_valid_bids_at_the_opening_are_no_signal_yet() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "450000"), bid("S2", "460000"), bid("S3", "470000"));
    assertNotFlagged(disqualify(tl, "S3"), "PT01");
    assertNoAlert(tl, "PT01");
  }

  @Test
  void pt01_a_winner_with_two_valid_bids_is_critical_and_clears_when_the_tender_is_declared_failed() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "450000"), bid("S2", "460000"), bid("S3", "470000"));
    disqualify(tl, "S3");

    Judge.Verdict v = confirm(tl, "S1");
    assertFlagged(v, "PT01", "award");
    Alert a = firing(tl, "PT01", Severity.CRITICAL, "award");
    assertThat(a.details()).containsEntry("validBids", "2");

    // L36: fewer than three valid bids, the tender must fail; the re-tender round has no bids yet
    failed(tl);
    assertCleared(tl, a);
    assertThat(tl.open("PT01")).isEmpty();
  }

  @Test
  void pt01_the_warning_is_superseded_by_the_critical_once_a_winner_is_chosen() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "450000"), bid("S2", "460000"));
    disqualify(tl, "S2");
    Alert warning = firing(tl, "PT01", Severity.WARNING, "opening");

    confirm(tl, "S1");
    firing(tl, "PT01", Severity.CRITICAL, "award");
    assertCleared(tl, warning);
    assertThat(tl.open("PT01")).hasSize(1);
  }

  @Test
  void pt01_three_valid_bids_are_enough_and_non_tender_methods_are_not_judged() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "450000"), bid("S2", "460000"), bid("S3", "470000"),
        bid("S4", "480000"));
    disqualify(tl, "S4");
    assertNotFlagged(confirm(tl, "S1"), "PT01");
    assertNoAlert(tl, "PT01");

    Timeline inquiry = timeline();
    inquiry.fact("2026-03-02T09:00:00+08:00", registration(BUDGET));
    inquiry.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    inquiry.fact("2026-03-03T10:00:00+08:00", method(Method.INQUIRY));
    inquiry.fact("2026-03-04T10:00:00+08:00", notice("2026-03-04T10:00:00+08:00", "2026-03-10T09:30:00+08:00"));
    inquiry.fact("2026-03-05T10:00:00+08:00", bid("S1", "450000"));
    inquiry.fact("2026-03-10T09:30:00+08:00", new Fact.BidsOpened());
    confirm(inquiry, "S1");
    assertNoAlert(inquiry, "PT01");
  }

  // ------------------------------------------------------------------ PT02

  @Test
  void pt02_two_suppliers_with_the_same_amount_are_flagged_as_a_sorted_pair_and_the_alert_stays() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S2", "455000.00"), bid("S3", "470000"));
    Judge.Verdict v = tl.fact("2026-03-10T15:00:00+08:00", bid("S1", "455000"));

    assertFlagged(v, "PT02", "S1+S2");
    Alert a = firing(tl, "PT02", Severity.WARNING, "S1+S2");
    assertThat(a.details()).containsEntry("amount", "455000.00");

    // the round fails and its bids are gone; an identical price stays a fact for a supervisor
    failed(tl);
    assertStillOpen(tl, a);
  }

  @Test
  void pt02_counts_a_disqualified_bid_too() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("V", "1"), bid("D", "1.00"), bid("X", "2"));
    disqualify(tl, "D");
    firing(tl, "PT02", Severity.WARNING, "D+V");
  }

  @Test
  void pt02_one_fen_apart_or_the_same_supplier_twice_is_fine() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "455000.00"), bid("S2", "455000.01"),
        bid("S3", "470000"), bid("S3", "470000.00"));
    assertNoAlert(tl, "PT02");
  }

  // ------------------------------------------------------------------ PT03

  @Test
  void pt03_the_lowest_bid_disqualified_is_flagged_when_a_winner_is_chosen_and_stays() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "440000"), bid("S2", "450000"), bid("S3", "460000"),
        bid("S4", "470000"));
    assertNotFlagged(disqualify(tl, "S1"), "PT03");
    assertNoAlert(tl, "PT03");

    Judge.Verdict v = confirm(tl, "S2");
    assertFlagged(v, "PT03", "S1");
    Alert a = firing(tl, "PT03", Severity.WARNING, "S1");
    assertThat(a.details()).containsEntry("winner", "S2").containsEntry("lowest", "440000");

    failed(tl);
    assertStillOpen(tl, a);
  }

  @Test
  void pt03_a_valid_bid_at_the_same_lowest_amount_or_a_valid_lowest_bid_is_fine() {
    Timeline tie = openedTender(timeline(), BUDGET, bid("S1", "440000"), bid("S2", "440000.00"), bid("S3", "460000"),
        bid("S4", "470000"));
    disqualify(tie, "S1");
    assertNotFlagged(confirm(tie, "S2"), "PT03");
    assertNoAlert(tie, "PT03");

    Timeline valid = openedTender(timeline(), BUDGET, bid("S1", "440000"), bid("S2", "450000"), bid("S3", "460000"),
        bid("S4", "470000"));
    disqualify(valid, "S4");
    confirm(valid, "S1");
    assertNoAlert(valid, "PT03");
  }

  @Test
  void pt03_an_amended_bid_replaces_the_earlier_one() {
    // S1 first bid 430000, then amended to 480000 before the deadline: the lowest evaluated bid is S2's
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "430000"), bid("S2", "450000"), bid("S3", "460000"),
        bid("S4", "470000"), bid("S1", "480000"));
    disqualify(tl, "S1");
    confirm(tl, "S2");
    assertNoAlert(tl, "PT03");
  }

  // ------------------------------------------------------------------ PT04

  @Test
  void pt04_every_other_bidder_disqualified_is_flagged_at_the_award() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "450000"), bid("S2", "460000"), bid("S3", "470000"));
    disqualify(tl, "S2");
    disqualify(tl, "S3");

    Judge.Verdict v = confirm(tl, "S1");
    assertFlagged(v, "PT04", "S1");
    Alert a = firing(tl, "PT04", Severity.WARNING, "S1");
    assertThat(a.supplier()).isEqualTo("S1");
    assertThat(a.details()).containsEntry("disqualified", "S2,S3");

    failed(tl);
    assertStillOpen(tl, a);
  }

  @Test
  void pt04_another_valid_bidder_or_nobody_disqualified_is_fine() {
    Timeline other = openedTender(timeline(), BUDGET, bid("S1", "450000"), bid("S2", "460000"), bid("S3", "470000"));
    disqualify(other, "S3");
    assertNotFlagged(confirm(other, "S1"), "PT04");
    assertNoAlert(other, "PT04");

    // a lone bidder was not helped by disqualifications (PT01 covers it)
    Timeline alone = openedTender(timeline(), BUDGET, bid("S1", "450000"));
    confirm(alone, "S1");
    assertNoAlert(alone, "PT04");
  }

  // ------------------------------------------------------------------ PT05

  @Test
  void pt05_a_winning_bid_received_one_second_after_the_deadline_is_critical_and_stays() {
    Timeline tl = openedTender(timeline(), BUDGET, lateBid("S1", "450000", "2026-03-25T09:30:01+08:00"),
        bid("S2", "460000"), bid("S3", "470000"));
    assertNoAlert(tl, "PT05");

    Judge.Verdict v = confirm(tl, "S1");
    assertFlagged(v, "PT05", "S1");
    Alert a = firing(tl, "PT05", Severity.CRITICAL, "S1");
    assertThat(a.details()).containsEntry("receivedAt", "2026-03-25T01:30:01Z");

    failed(tl);
    assertStillOpen(tl, a);
  }

  @Test
  void pt05_a_bid_received_exactly_at_the_deadline_or_a_late_losing_bid_is_fine() {
    Timeline inTime = openedTender(timeline(), BUDGET, lateBid("S1", "450000", "2026-03-25T09:30:00+08:00"),
        bid("S2", "460000"), bid("S3", "470000"));
    assertNotFlagged(confirm(inTime, "S1"), "PT05");
    assertNoAlert(inTime, "PT05");

    Timeline losing = openedTender(timeline(), BUDGET, bid("S1", "450000"), bid("S2", "460000"),
        lateBid("S3", "470000", "2026-03-25T10:00:00+08:00"));
    confirm(losing, "S1");
    assertNoAlert(losing, "PT05");
  }

  @Test
  void pt05_without_receivedAt_the_business_time_of_the_bid_counts() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S2", "460000"), bid("S3", "470000"));
    tl.fact("2026-03-25T09:45:00+08:00", bid("S1", "450000"));
    assertFlagged(confirm(tl, "S1"), "PT05", "S1");
  }

  // ------------------------------------------------------------------ PT06

  @Test
  void pt06_a_shared_payer_account_is_flagged_per_pair_and_field_ignoring_spaces_and_width() {
    Timeline tl = openedTender(timeline(), BUDGET,
        bid("S2", "460000", "6222 0201 0000 1111", "王五 13800000002", "重庆市渝中区解放碑1号"),
        bid("S3", "470000", null, "赵六 13800000003", "重庆市江北区观音桥２号"));
    Judge.Verdict v = tl.fact("2026-03-11T10:00:00+08:00",
        bid("S1", "450000", "6222020100001111", "张三 13800000001", "重庆市江北区 观音桥2号"));

    assertFlagged(v, "PT06", "S1+S2:payerAccount");
    assertFlagged(v, "PT06", "S1+S3:address");
    firing(tl, "PT06", Severity.CRITICAL, "S1+S2:payerAccount");
    Alert address = firing(tl, "PT06", Severity.CRITICAL, "S1+S3:address");
    assertThat(tl.open("PT06")).hasSize(2);

    failed(tl);
    assertStillOpen(tl, address);
  }

  @Test
  void pt06_different_or_missing_fields_and_one_suppliers_own_bids_are_fine() {
    Timeline tl = openedTender(timeline(), BUDGET,
        bid("S1", "450000", "6222020100001111", null, ""),
        bid("S2", "460000", "6222020100001112", null, ""),
        bid("S1", "449000", "6222020100001111", "张三", "重庆市渝中区解放碑1号"),
        bid("S3", "470000", null, "张三丰", "重庆市渝中区解放碑10号"));
    assertNoAlert(tl, "PT06");
  }

  // ------------------------------------------------------------------ one batch

  @Test
  void a_permanent_pattern_inside_one_batch_is_raised_even_if_the_batch_ends_the_round() {
    Timeline tl = timeline();
    tl.fact("2026-03-02T09:00:00+08:00", registration(BUDGET));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Method.OPEN_TENDER));
    tl.fact("2026-03-04T10:00:00+08:00", notice("2026-03-04T10:00:00+08:00", "2026-03-25T09:30:00+08:00"));
    // a day's NDJSON: identical bids, the opening, two disqualifications, and the round declared failed
    List<Judge.Verdict> verdicts = tl.batch(
        tl.make("2026-03-10T09:00:00+08:00", bid("S2", "450000")),
        tl.make("2026-03-10T10:00:00+08:00", bid("S1", "450000.00")),
        tl.make("2026-03-10T11:00:00+08:00", bid("S3", "470000")),
        tl.make("2026-03-25T09:30:00+08:00", new Fact.BidsOpened()),
        tl.make("2026-03-25T14:00:00+08:00", new Fact.BidDisqualified("S2", "资格性审查不合格")),
        tl.make("2026-03-25T15:00:00+08:00", new Fact.BidDisqualified("S3", "资格性审查不合格")),
        tl.make("2026-03-26T10:00:00+08:00", new Fact.ProcurementFailed("有效投标不足三家")));

    assertFlagged(verdicts.get(1), "PT02", "S1+S2");
    assertFlagged(verdicts.get(5), "PT01", "opening");
    // identical bids are a permanent fact: the alert exists although the failed round cleared the bids
    firing(tl, "PT02", Severity.WARNING, "S1+S2");
    // one valid bid was a passing state of the batch and resolves itself: no transient alert
    assertNoAlert(tl, "PT01");
  }

  // ------------------------------------------------------------------ the happy path

  @Test
  void a_clean_tender_raises_no_bid_pattern() {
    Timeline tl = openedTender(timeline(), BUDGET, bid("S1", "450000", "A1", "C1", "地址1"),
        bid("S2", "460000", "A2", "C2", "地址2"), bid("S3", "470000", "A3", "C3", "地址3"));
    awarded(tl, "S1", "450000");
    for (String rule : new String[] {"PT01", "PT02", "PT03", "PT04", "PT05", "PT06"}) assertNoAlert(tl, rule);
    assertThat(tl.state().award()).isEqualTo(award("S1", "450000"));
  }
}
