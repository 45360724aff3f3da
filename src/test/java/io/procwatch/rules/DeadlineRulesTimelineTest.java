package io.procwatch.rules;

import static io.procwatch.rules.DlTimeline.at;
import static io.procwatch.rules.DlTimeline.award;
import static io.procwatch.rules.DlTimeline.bid;
import static io.procwatch.rules.DlTimeline.contract;
import static io.procwatch.rules.DlTimeline.deposit;
import static io.procwatch.rules.DlTimeline.everything;
import static io.procwatch.rules.DlTimeline.method;
import static io.procwatch.rules.DlTimeline.only;
import static io.procwatch.rules.DlTimeline.payment;
import static io.procwatch.rules.DlTimeline.registered;
import static io.procwatch.rules.DlTimeline.subjects;
import static io.procwatch.rules.DlTimeline.yuan;
import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.alert.Alert;
import io.procwatch.alert.Resolution;
import io.procwatch.project.Fact;
import io.procwatch.project.Fact.DepositKind;
import io.procwatch.project.Fact.Method;
import io.procwatch.project.Fact.PaymentKind;
import io.procwatch.rules.DlTimeline.Watcher;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * DL01–DL11 on a controlled clock (style.md 5): the exact alert changes of the rule under test at each instant, and
 * when the project would next be woken. All times are Asia/Shanghai; a period ends at 24:00 of its last day, which
 * is 16:00Z. Each test enables only the rule it is about (the other families stay on), so {@code wakeAt} is that
 * rule's; the issue scenario runs on the full packaged catalogue.
 */
class DeadlineRulesTimelineTest {

  private static final String REGISTERED_AT = "2026-02-02T09:00:00+08:00";

  // =================================================================================================================
  @Nested
  class DL01_contract_within_30_CD_of_the_award {
    // Award Mon 2026-03-02 10:00. 30 CD: the last day is Wed 04-01, due at its 24:00 = 2026-04-01T16:00Z.
    // Pre-warning at the end of the working day before the last day, Tue 03-31.
    static final String AWARD = "2026-03-02T10:00:00+08:00";
    static final Instant PREWARN = at("2026-04-01T00:00:00+08:00");
    static final Instant DUE = at("2026-04-02T00:00:00+08:00");

    Watcher awarded() {
      Watcher w = only(RuleId.DL01, "2026-03-02T11:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()), w.make(AWARD, award("S1")))).isEmpty();
      return w;
    }

    @Test
    void pre_warns_then_fires_exactly_at_the_due_instant_and_clears_late_by_5_days() {
      Watcher w = awarded();
      assertThat(DUE).isEqualTo(Instant.parse("2026-04-01T16:00:00Z"));
      assertThat(w.wakeAt()).isEqualTo(PREWARN);

      assertThat(w.at("2026-03-31T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-04-01T00:00:00+08:00")).containsExactly("DL01 pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(DUE);

      assertThat(w.at("2026-04-01T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-04-02T00:00:00+08:00"))
          .containsExactly("DL01 pre-warning resolved CLEARED", "DL01 raised CRITICAL");
      assertThat(w.wakeAt()).isNull();

      Alert breach = w.open().get(0);
      assertThat(breach.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(breach.subject()).isEmpty();
      assertThat(breach.supplier()).isEqualTo("S1");
      assertThat(breach.dueAt()).isEqualTo(DUE);
      assertThat(breach.occurredAt()).isEqualTo(DUE);
      assertThat(breach.message())
          .startsWith("合同签订超期: no ContractSigned within 30 CD after AwardPublished on 2026-03-02");
      assertThat(breach.details()).containsEntry("lastDay", "2026-04-01").containsEntry("limit", "30 CD");

      w.at("2026-04-07T09:00:00+08:00");
      assertThat(w.fact("2026-04-06T10:00:00+08:00", contract("S1")))
          .containsExactly("DL01 resolved CLEARED late by 5 days");
      assertThat(w.open()).isEmpty();
      assertThat(w.wakeAt()).isNull();
    }

    @Test
    void a_contract_signed_in_time_resolves_the_pre_warning_and_nothing_fires() {
      Watcher w = awarded();
      assertThat(w.at("2026-04-01T16:00:00+08:00")).containsExactly("DL01 pre-warning raised INFO");
      assertThat(w.fact("2026-04-01T15:00:00+08:00", contract("S1")))
          .containsExactly("DL01 pre-warning resolved CLEARED");
      assertThat(w.wakeAt()).isNull();
      assertThat(w.at("2026-05-01T00:00:00+08:00")).isEmpty();
      assertThat(w.all()).singleElement().satisfies(a -> assertThat(a.prewarning()).isTrue());
    }

    @Test
    void a_contract_reported_late_but_signed_on_the_last_day_retracts_the_breach() {
      Watcher w = awarded();
      assertThat(w.at("2026-04-02T00:00:00+08:00")).containsExactly("DL01 raised CRITICAL");
      w.at("2026-04-03T10:00:00+08:00");
      assertThat(w.fact("2026-04-01T23:59:59+08:00", contract("S1"))).containsExactly("DL01 resolved RETRACTED");
      assertThat(w.all()).singleElement().satisfies(a -> assertThat(a.resolution()).isEqualTo(Resolution.RETRACTED));
    }

    @Test
    void issue_award_40_days_ago_fires_on_ingest_and_a_contract_35_days_after_the_award_clears_it_late_by_5_days() {
      // The full catalogue, as production runs it. Clock: 2026-04-11, 40 days after the award of 03-02.
      Watcher w = everything(RuleId.DL01, "2026-04-11T09:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()), w.make(AWARD, award("S1"))))
          .containsExactly("DL01 raised CRITICAL");
      // the award itself is in order: the alert is about the contract that has not come
      assertThat(w.tl.state().history().get(1).findings()).noneSatisfy(f -> assertThat(f.rule()).isEqualTo("DL01"));

      assertThat(w.fact("2026-04-06T10:00:00+08:00", contract("S1")))
          .containsExactly("DL01 resolved CLEARED late by 5 days");
      // the contract is the late step: it is flagged
      assertThat(w.tl.state().history().get(2).findings()).anySatisfy(f -> {
        assertThat(f.rule()).isEqualTo("DL01");
        assertThat(f.message()).endsWith("(late by 5 days)");
      });
      assertThat(w.all()).singleElement().satisfies(a -> {
        assertThat(a.resolution()).isEqualTo(Resolution.CLEARED);
        assertThat(a.lateness()).isEqualTo("late by 5 days");
        assertThat(a.latenessSeconds()).isEqualTo(5 * 86_400L);
      });
    }

    @Test
    void within_one_batch_a_contract_signed_in_time_never_raises_an_alert() {
      Watcher w = only(RuleId.DL01, "2026-04-11T09:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()), w.make(AWARD, award("S1")),
          w.make("2026-03-20T10:00:00+08:00", contract("S1")))).isEmpty();
      assertThat(w.all()).isEmpty();
      assertThat(w.deadlines()).singleElement()
          .satisfies(d -> assertThat(d.closedAt()).isEqualTo(at("2026-03-20T10:00:00+08:00")));
    }

    @Test
    void a_backfill_closed_late_is_raised_and_resolved_at_once() {
      Watcher w = only(RuleId.DL01, "2026-04-11T09:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()), w.make(AWARD, award("S1")),
          w.make("2026-04-06T10:00:00+08:00", contract("S1"))))
          .containsExactly("DL01 raised CRITICAL", "DL01 resolved CLEARED late by 5 days");
      assertThat(w.wakeAt()).isNull();
    }

    @Test
    void a_failed_procurement_drops_the_round_and_the_new_award_starts_a_new_deadline() {
      Watcher w = awarded();
      assertThat(w.at(PREWARN)).containsExactly("DL01 pre-warning raised INFO");
      w.at("2026-04-01T11:00:00+08:00");
      assertThat(w.fact("2026-04-01T10:00:00+08:00", new Fact.ProcurementFailed("中标人放弃")))
          .containsExactly("DL01 pre-warning resolved CLEARED");
      assertThat(w.deadlines()).isEmpty();
      assertThat(w.wakeAt()).isNull();

      // Round 2, award Mon 04-20: 30 CD end Wed 05-20; pre-warning at the end of Tue 05-19.
      w.at("2026-04-20T11:00:00+08:00");
      assertThat(w.batch(w.make("2026-04-03T10:00:00+08:00", method(Method.OPEN_TENDER)),
          w.make("2026-04-20T10:00:00+08:00", award("S2")))).isEmpty();
      assertThat(w.wakeAt()).isEqualTo(at("2026-05-20T00:00:00+08:00"));
      assertThat(w.at("2026-05-21T00:00:00+08:00")).containsExactly("DL01 raised CRITICAL");
      assertThat(w.open()).singleElement().satisfies(a -> assertThat(a.supplier()).isEqualTo("S2"));
    }

    @Test
    void a_cancelled_project_has_no_contract_to_sign_but_a_breach_before_the_cancellation_stays() {
      Watcher cancelledEarly = awarded();
      cancelledEarly.at("2026-03-20T10:00:00+08:00");
      assertThat(cancelledEarly.fact("2026-03-20T09:00:00+08:00", new Fact.ProjectCancelled("需求取消"))).isEmpty();
      assertThat(cancelledEarly.deadlines()).isEmpty();
      assertThat(cancelledEarly.wakeAt()).isNull();
      assertThat(cancelledEarly.at("2026-04-03T00:00:00+08:00")).isEmpty();

      Watcher cancelledLate = awarded();
      assertThat(cancelledLate.at("2026-04-02T00:00:00+08:00")).containsExactly("DL01 raised CRITICAL");
      cancelledLate.at("2026-04-05T10:00:00+08:00");
      assertThat(cancelledLate.fact("2026-04-05T09:00:00+08:00", new Fact.ProjectCancelled("需求取消"))).isEmpty();
      assertThat(cancelledLate.open()).hasSize(1);
    }
  }

  // =================================================================================================================
  @Nested
  class DL02_contract_published_within_2_WD {

    Watcher signed(String signedAt) {
      Watcher w = only(RuleId.DL02, signedAt.replace("T15:00", "T16:00"));
      assertThat(w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", method(Method.SELF_PURCHASE)),
          w.make(signedAt, contract("S1")))).isEmpty();
      return w;
    }

    @Test
    void over_a_weekend() {
      // Signed Fri 2026-03-06: WD 1 is Mon 03-09, WD 2 Tue 03-10, due at its 24:00 = 2026-03-10T16:00Z.
      // Pre-warning at the end of Mon 03-09.
      Watcher w = signed("2026-03-06T15:00:00+08:00");
      assertThat(w.wakeAt()).isEqualTo(at("2026-03-10T00:00:00+08:00"));
      assertThat(w.at("2026-03-07T12:00:00+08:00")).isEmpty();
      assertThat(w.at("2026-03-08T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-03-09T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-03-10T00:00:00+08:00")).containsExactly("DL02[HT-1] pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(at("2026-03-11T00:00:00+08:00")).isEqualTo(Instant.parse("2026-03-10T16:00:00Z"));
      assertThat(w.at("2026-03-10T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-03-11T00:00:00+08:00"))
          .containsExactly("DL02[HT-1] pre-warning resolved CLEARED", "DL02[HT-1] raised WARNING");
      assertThat(w.open()).singleElement().satisfies(a -> {
        assertThat(a.subject()).isEqualTo("HT-1");
        assertThat(a.message()).startsWith("合同公告超期: no ContractPublished within 2 WD after ContractSigned on 2026-03-06");
      });

      w.at("2026-03-11T11:00:00+08:00");
      assertThat(w.fact("2026-03-11T10:00:00+08:00", new Fact.ContractPublished()))
          .containsExactly("DL02[HT-1] resolved CLEARED late by 1 day");
    }

    @Test
    void a_make_up_saturday_is_a_working_day() {
      // Signed Fri 2026-05-08: Sat 05-09 is a make-up working day (劳动节调休), so WD 2 is Mon 05-11, due 05-12 00:00.
      // Pre-warning at the end of the make-up Saturday.
      Watcher w = signed("2026-05-08T15:00:00+08:00");
      assertThat(w.wakeAt()).isEqualTo(at("2026-05-10T00:00:00+08:00"));
      assertThat(w.at("2026-05-09T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-05-10T00:00:00+08:00")).containsExactly("DL02[HT-1] pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(at("2026-05-12T00:00:00+08:00"));

      w.at("2026-05-11T18:00:00+08:00");
      assertThat(w.fact("2026-05-11T17:00:00+08:00", new Fact.ContractPublished()))
          .containsExactly("DL02[HT-1] pre-warning resolved CLEARED");
      assertThat(w.wakeAt()).isNull();
      assertThat(w.at("2026-05-12T00:00:00+08:00")).isEmpty();
    }
  }

  // =================================================================================================================
  @Nested
  class DL03_losing_bidders_deposits_within_5_WD_of_the_award {
    // Award Mon 2026-03-02 10:00: 5 WD end Mon 03-09, due 03-10 00:00; pre-warning at the end of Fri 03-06.
    static final Instant PREWARN = at("2026-03-07T00:00:00+08:00");
    static final Instant DUE = at("2026-03-10T00:00:00+08:00");

    /** S1 wins, S2 loses, S3 is disqualified (a losing bidder too). */
    Watcher tendered() {
      Watcher w = only(RuleId.DL03, "2026-03-02T11:00:00+08:00");
      assertThat(w.batch(
          w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", method(Method.OPEN_TENDER)),
          w.make("2026-02-04T09:00:00+08:00", new Fact.NoticePublished(at("2026-02-04T09:00:00+08:00"),
              at("2026-02-26T09:00:00+08:00"))),
          w.make("2026-02-25T10:00:00+08:00", bid("S1", "900000.00")),
          w.make("2026-02-25T11:00:00+08:00", bid("S2", "950000.00")),
          w.make("2026-02-25T12:00:00+08:00", bid("S3", "980000.00")),
          w.make("2026-02-26T09:00:00+08:00", new Fact.BidsOpened()),
          w.make("2026-02-26T10:00:00+08:00", new Fact.BidDisqualified("S3", "资格不符")),
          w.make("2026-02-27T10:00:00+08:00", new Fact.EvaluationCompleted(List.of("S1", "S2"))),
          w.make("2026-02-28T10:00:00+08:00", new Fact.SupplierConfirmed("S1")),
          w.make("2026-03-02T10:00:00+08:00", award("S1")))).isEmpty();
      return w;
    }

    @Test
    void one_deadline_per_losing_bidder_including_a_disqualified_one_and_none_for_the_winner() {
      Watcher w = tendered();
      assertThat(subjects(w.deadlines())).containsExactly("S2", "S3");
      assertThat(w.deadlines()).allSatisfy(d -> {
        assertThat(d.supplier()).isEqualTo(d.subject());
        assertThat(d.dueAt()).isEqualTo(DUE);
        assertThat(d.prewarnAt()).isEqualTo(PREWARN);
        assertThat(d.severity()).isEqualTo(Severity.WARNING);
      });
      assertThat(w.wakeAt()).isEqualTo(PREWARN);
    }

    @Test
    void each_losing_bidder_is_its_own_alert() {
      Watcher w = tendered();
      w.at("2026-03-04T12:00:00+08:00");
      assertThat(w.fact("2026-03-04T11:00:00+08:00", deposit(DepositKind.BID, "S2"))).isEmpty();
      assertThat(w.wakeAt()).isEqualTo(PREWARN);

      assertThat(w.at("2026-03-06T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-03-07T00:00:00+08:00")).containsExactly("DL03[S3] pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(DUE);
      assertThat(w.at("2026-03-09T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-03-10T00:00:00+08:00"))
          .containsExactly("DL03[S3] pre-warning resolved CLEARED", "DL03[S3] raised WARNING");
      assertThat(w.open()).singleElement().satisfies(a -> assertThat(a.message())
          .startsWith("未中标人保证金退还超期: the BID deposit of losing bidder S3 not returned (DepositReturned) within 5 WD"));

      w.at("2026-03-12T12:00:00+08:00");
      assertThat(w.fact("2026-03-12T10:00:00+08:00", deposit(DepositKind.BID, "S3")))
          .containsExactly("DL03[S3] resolved CLEARED late by 3 days");
      assertThat(w.all()).extracting(Alert::subject).containsOnly("S3");
    }

    @Test
    void a_failed_procurement_drops_the_old_round_and_an_old_refund_does_not_close_the_new_round() {
      Watcher w = tendered();
      assertThat(w.at("2026-03-10T00:00:00+08:00"))
          .containsExactly("DL03[S2] raised WARNING", "DL03[S3] raised WARNING");
      w.at("2026-03-11T10:00:00+08:00");
      assertThat(w.fact("2026-03-11T09:00:00+08:00", new Fact.ProcurementFailed("中标人放弃")))
          .containsExactly("DL03[S2] resolved CLEARED", "DL03[S3] resolved CLEARED");
      assertThat(w.deadlines()).isEmpty();

      // S2's deposit of the failed round comes back; then S2 bids again in round 2 and loses to S4.
      w.at("2026-03-12T12:00:00+08:00");
      assertThat(w.fact("2026-03-12T10:00:00+08:00", deposit(DepositKind.BID, "S2"))).isEmpty();
      w.at("2026-03-23T11:00:00+08:00");
      assertThat(w.batch(
          w.make("2026-03-13T09:00:00+08:00", method(Method.OPEN_TENDER)),
          w.make("2026-03-20T10:00:00+08:00", bid("S2", "940000.00")),
          w.make("2026-03-20T11:00:00+08:00", bid("S4", "930000.00")),
          w.make("2026-03-23T10:00:00+08:00", award("S4")))).isEmpty();
      // Award Mon 03-23: 5 WD end Mon 03-30; pre-warning at the end of Fri 03-27.
      assertThat(w.deadlines()).singleElement().satisfies(d -> {
        assertThat(d.subject()).isEqualTo("S2");
        assertThat(d.open()).isTrue();
        assertThat(d.dueAt()).isEqualTo(at("2026-03-31T00:00:00+08:00"));
      });
      assertThat(w.wakeAt()).isEqualTo(at("2026-03-28T00:00:00+08:00"));
    }
  }

  // =================================================================================================================
  @Nested
  class DL04_winner_deposit_within_5_WD_of_the_contract {
    // Contract Thu 2026-03-12: 5 WD end Thu 03-19, due 03-20 00:00; pre-warning at the end of Wed 03-18.
    static final Instant PREWARN = at("2026-03-19T00:00:00+08:00");
    static final Instant DUE = at("2026-03-20T00:00:00+08:00");

    Watcher signed() {
      Watcher w = only(RuleId.DL04, "2026-03-12T11:00:00+08:00");
      assertThat(w.batch(
          w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", method(Method.OPEN_TENDER)),
          w.make("2026-02-25T10:00:00+08:00", bid("S1", "900000.00")),
          w.make("2026-02-25T11:00:00+08:00", bid("S2", "950000.00")),
          w.make("2026-03-02T10:00:00+08:00", award("S1")),
          w.make("2026-03-12T10:00:00+08:00", contract("S1")))).isEmpty();
      return w;
    }

    @Test
    void the_winner_deposit_returned_after_the_pre_warning_is_in_time() {
      Watcher w = signed();
      assertThat(subjects(w.deadlines())).containsExactly("S1");
      assertThat(w.wakeAt()).isEqualTo(PREWARN);
      assertThat(w.at("2026-03-18T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-03-19T00:00:00+08:00")).containsExactly("DL04[S1] pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(DUE);
      w.at("2026-03-19T12:00:00+08:00");
      assertThat(w.fact("2026-03-19T11:00:00+08:00", deposit(DepositKind.BID, "S1")))
          .containsExactly("DL04[S1] pre-warning resolved CLEARED");
      assertThat(w.wakeAt()).isNull();
      assertThat(w.at("2026-03-20T00:00:00+08:00")).isEmpty();
    }

    @Test
    void a_refund_reported_late_but_made_in_time_retracts_the_breach() {
      Watcher w = signed();
      // The wake-up at the pre-warning was missed (service down): the breach is raised, the pre-warning never.
      assertThat(w.at("2026-03-20T00:00:00+08:00")).containsExactly("DL04[S1] raised WARNING");
      w.at("2026-03-23T10:00:00+08:00");
      assertThat(w.fact("2026-03-19T16:00:00+08:00", deposit(DepositKind.BID, "S1")))
          .containsExactly("DL04[S1] resolved RETRACTED");
    }

    @Test
    void no_bid_deposit_to_return_without_a_tender() {
      Watcher w = only(RuleId.DL04, "2026-03-12T11:00:00+08:00");
      w.batch(w.make(REGISTERED_AT, registered()), w.make("2026-02-03T09:00:00+08:00", method(Method.SELF_PURCHASE)),
          w.make("2026-03-12T10:00:00+08:00", contract("S1")));
      assertThat(w.deadlines()).isEmpty();
      assertThat(w.wakeAt()).isNull();
    }
  }

  // =================================================================================================================
  @Nested
  class DL05_payment_within_the_contract_payment_days {
    // Accepted Mon 2026-06-01 10:00. Default 30 CD: last day Wed 07-01, due 07-02 00:00; pre-warning end of Tue 06-30.
    static final Instant PREWARN = at("2026-07-01T00:00:00+08:00");
    static final Instant DUE = at("2026-07-02T00:00:00+08:00");

    Watcher accepted(boolean sme, Integer paymentDays) {
      Watcher w = only(RuleId.DL05, "2026-06-01T11:00:00+08:00");
      assertThat(w.batch(
          w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", method(Method.SELF_PURCHASE)),
          w.make("2026-03-12T10:00:00+08:00", contract("S1", "100000.00", sme, paymentDays, null, null)),
          w.make("2026-05-25T10:00:00+08:00", new Fact.Delivered()),
          w.make("2026-06-01T10:00:00+08:00", new Fact.Accepted()))).isEmpty();
      return w;
    }

    @Test
    void sme_is_critical_and_the_payment_that_reaches_the_total_closes_it() {
      Watcher w = accepted(true, null);
      assertThat(w.wakeAt()).isEqualTo(PREWARN);
      w.at("2026-06-10T12:00:00+08:00");
      assertThat(w.fact("2026-06-10T10:00:00+08:00", payment("40000.00", PaymentKind.PROGRESS))).isEmpty();
      assertThat(w.deadlines()).singleElement().satisfies(d -> assertThat(d.open()).isTrue());

      assertThat(w.at("2026-06-30T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-07-01T00:00:00+08:00")).containsExactly("DL05[HT-1] pre-warning raised INFO");
      assertThat(w.at("2026-07-01T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-07-02T00:00:00+08:00"))
          .containsExactly("DL05[HT-1] pre-warning resolved CLEARED", "DL05[HT-1] raised CRITICAL");
      assertThat(w.open()).singleElement().satisfies(a -> {
        assertThat(a.subject()).isEqualTo("HT-1");
        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(a.details()).containsEntry("paid", "40000.00").containsEntry("contractTotal", "100000.00")
            .containsEntry("sme", "true");
      });

      w.at("2026-07-06T09:00:00+08:00");
      assertThat(w.fact("2026-07-05T10:00:00+08:00", payment("60000.00", PaymentKind.FINAL)))
          .containsExactly("DL05[HT-1] resolved CLEARED late by 4 days");
    }

    @Test
    void not_sme_is_a_warning_and_amendments_count_in_the_total() {
      Watcher w = accepted(false, null);
      w.at("2026-06-05T12:00:00+08:00");
      assertThat(w.fact("2026-06-05T10:00:00+08:00", new Fact.ContractAmended(yuan("10000.00"), "增加数量"))).isEmpty();
      w.at("2026-06-20T12:00:00+08:00");
      assertThat(w.fact("2026-06-20T10:00:00+08:00", payment("100000.00", PaymentKind.PROGRESS))).isEmpty();
      assertThat(w.deadlines()).singleElement().satisfies(d -> {
        assertThat(d.open()).as("100000 paid of 110000").isTrue();
        assertThat(d.severity()).isEqualTo(Severity.WARNING);
      });

      assertThat(w.at("2026-07-02T00:00:00+08:00")).containsExactly("DL05[HT-1] raised WARNING");
      w.at("2026-07-03T12:00:00+08:00");
      assertThat(w.fact("2026-07-03T10:00:00+08:00", payment("10000.00", PaymentKind.FINAL)))
          .containsExactly("DL05[HT-1] resolved CLEARED late by 2 days");
    }

    @Test
    void paid_in_full_in_time_resolves_the_pre_warning() {
      Watcher w = accepted(true, null);
      assertThat(w.at("2026-07-01T09:00:00+08:00")).containsExactly("DL05[HT-1] pre-warning raised INFO");
      assertThat(w.fact("2026-07-01T08:30:00+08:00", payment("100000.00", PaymentKind.FINAL)))
          .containsExactly("DL05[HT-1] pre-warning resolved CLEARED");
      assertThat(w.wakeAt()).isNull();
      assertThat(w.at("2026-07-02T00:00:00+08:00")).isEmpty();
    }

    @Test
    void the_contract_payment_days_are_capped_at_60() {
      // 90 agreed, 60 allowed (SME25 §9): last day Fri 07-31, due 08-01 00:00; pre-warning at the end of Thu 07-30.
      Watcher w = accepted(true, 90);
      assertThat(w.deadlines()).singleElement().satisfies(d -> {
        assertThat(d.dueAt()).isEqualTo(at("2026-08-01T00:00:00+08:00"));
        assertThat(d.details()).containsEntry("paymentDays", "90").containsEntry("cappedAt", "60")
            .containsEntry("limit", "60 CD");
      });
      assertThat(w.wakeAt()).isEqualTo(at("2026-07-31T00:00:00+08:00"));
      assertThat(w.at("2026-07-30T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-07-31T00:00:00+08:00")).containsExactly("DL05[HT-1] pre-warning raised INFO");
      assertThat(w.at("2026-07-31T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-08-01T00:00:00+08:00"))
          .containsExactly("DL05[HT-1] pre-warning resolved CLEARED", "DL05[HT-1] raised CRITICAL");
    }

    @Test
    void shorter_contract_payment_days_apply() {
      // 10 CD from Mon 06-01: Thu 06-11, due 06-12 00:00; pre-warning at the end of Wed 06-10.
      Watcher w = accepted(false, 10);
      assertThat(w.deadlines()).singleElement()
          .satisfies(d -> assertThat(d.dueAt()).isEqualTo(at("2026-06-12T00:00:00+08:00")));
      assertThat(w.wakeAt()).isEqualTo(at("2026-06-11T00:00:00+08:00"));
      assertThat(w.at("2026-06-12T00:00:00+08:00")).containsExactly("DL05[HT-1] raised WARNING");
    }

    @Test
    void paying_on_acceptance_is_due_soon_at_once() {
      // paymentDays = 0: due at the end of the acceptance day itself; the working day before it lies before the
      // acceptance, so the pre-warning starts with the deadline.
      Watcher w = only(RuleId.DL05, "2026-06-01T11:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", method(Method.SELF_PURCHASE)),
          w.make("2026-03-12T10:00:00+08:00", contract("S1", "100000.00", true, 0, null, null)),
          w.make("2026-05-25T10:00:00+08:00", new Fact.Delivered()),
          w.make("2026-06-01T10:00:00+08:00", new Fact.Accepted())))
          .containsExactly("DL05[HT-1] pre-warning raised INFO");
      assertThat(w.deadlines()).singleElement().satisfies(d -> {
        assertThat(d.prewarnAt()).isEqualTo(d.startedAt());
        assertThat(d.dueAt()).isEqualTo(at("2026-06-02T00:00:00+08:00"));
      });
      assertThat(w.wakeAt()).isEqualTo(at("2026-06-02T00:00:00+08:00"));
    }

    @Test
    void without_an_acceptance_period_it_runs_from_delivery() {
      // acceptanceDays = 0: delivered Mon 05-25, 30 CD end Wed 06-24, due 06-25 00:00; pre-warning end of Tue 06-23.
      Watcher w = only(RuleId.DL05, "2026-05-25T11:00:00+08:00");
      w.batch(w.make(REGISTERED_AT, registered()), w.make("2026-02-03T09:00:00+08:00", method(Method.SELF_PURCHASE)),
          w.make("2026-03-12T10:00:00+08:00", contract("S1", "100000.00", true, null, 0, null)),
          w.make("2026-05-25T10:00:00+08:00", new Fact.Delivered()));
      assertThat(w.deadlines()).singleElement().satisfies(d -> {
        assertThat(d.startedAt()).isEqualTo(at("2026-05-25T10:00:00+08:00"));
        assertThat(d.dueAt()).isEqualTo(at("2026-06-25T00:00:00+08:00"));
        assertThat(d.message()).contains("after Delivered on 2026-05-25");
      });
      assertThat(w.wakeAt()).isEqualTo(at("2026-06-24T00:00:00+08:00"));
    }
  }

  // =================================================================================================================
  @Nested
  class DL06_award_published_within_2_WD_of_the_confirmation {

    Watcher confirmed(String confirmedAt) {
      Watcher w = only(RuleId.DL06, confirmedAt.replace("T10:00", "T11:00"));
      assertThat(w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-08-03T09:00:00+08:00", method(Method.OPEN_TENDER)),
          w.make(confirmedAt, new Fact.SupplierConfirmed("S1")))).isEmpty();
      return w;
    }

    @Test
    void across_the_national_day_holiday() {
      // Confirmed Tue 2026-09-29: WD 1 is Wed 09-30, 10-01..07 are 国庆节, WD 2 is Thu 10-08: due 10-09 00:00.
      // Pre-warning at the end of the working day before the last day: Wed 09-30, as the holiday starts.
      Watcher w = confirmed("2026-09-29T10:00:00+08:00");
      assertThat(w.wakeAt()).isEqualTo(at("2026-10-01T00:00:00+08:00"));
      assertThat(w.at("2026-09-30T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-10-01T00:00:00+08:00")).containsExactly("DL06 pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(at("2026-10-09T00:00:00+08:00"));
      assertThat(w.at("2026-10-07T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-10-08T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-10-09T00:00:00+08:00"))
          .containsExactly("DL06 pre-warning resolved CLEARED", "DL06 raised WARNING");
      w.at("2026-10-09T12:00:00+08:00");
      assertThat(w.fact("2026-10-09T10:00:00+08:00", award("S1"))).containsExactly("DL06 resolved CLEARED late by 1 day");
    }

    @Test
    void ending_on_the_make_up_saturday_after_national_day() {
      // Confirmed Thu 10-08: WD 1 Fri 10-09, WD 2 the make-up Saturday 10-10: due 10-11 00:00; pre-warning end of 10-09.
      Watcher w = confirmed("2026-10-08T10:00:00+08:00");
      assertThat(w.wakeAt()).isEqualTo(at("2026-10-10T00:00:00+08:00"));
      assertThat(w.at("2026-10-10T00:00:00+08:00")).containsExactly("DL06 pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(at("2026-10-11T00:00:00+08:00"));
      w.at("2026-10-10T16:00:00+08:00");
      assertThat(w.fact("2026-10-10T15:00:00+08:00", award("S1"))).containsExactly("DL06 pre-warning resolved CLEARED");
      assertThat(w.at("2026-10-11T00:00:00+08:00")).isEmpty();
    }
  }

  // =================================================================================================================
  @Nested
  class DL07_supplier_confirmed_within_5_WD_of_the_evaluation {

    @Test
    void five_working_days_over_national_day_end_on_the_make_up_saturday_and_a_late_report_retracts() {
      // Evaluation Mon 2026-09-28: WD 09-29, 09-30, 10-08, 10-09 and the make-up Saturday 10-10:
      // due 10-11 00:00 = 2026-10-10T16:00Z; pre-warning at the end of Fri 10-09.
      Watcher w = only(RuleId.DL07, "2026-09-28T11:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-08-03T09:00:00+08:00", method(Method.OPEN_TENDER)),
          w.make("2026-09-28T10:00:00+08:00", new Fact.EvaluationCompleted(List.of("S1", "S2"))))).isEmpty();
      assertThat(w.wakeAt()).isEqualTo(at("2026-10-10T00:00:00+08:00"));
      assertThat(w.at("2026-10-09T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-10-10T00:00:00+08:00")).containsExactly("DL07 pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(Instant.parse("2026-10-10T16:00:00Z"));
      assertThat(w.at("2026-10-10T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-10-11T00:00:00+08:00"))
          .containsExactly("DL07 pre-warning resolved CLEARED", "DL07 raised WARNING");

      w.at("2026-10-12T09:00:00+08:00");
      assertThat(w.fact("2026-10-10T15:00:00+08:00", new Fact.SupplierConfirmed("S1")))
          .containsExactly("DL07 resolved RETRACTED");
      assertThat(w.open()).isEmpty();
    }
  }

  // =================================================================================================================
  @Nested
  class DL08_acceptance_within_the_contract_acceptance_days {

    Watcher delivered(Integer acceptanceDays) {
      Watcher w = only(RuleId.DL08, "2026-03-16T11:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", method(Method.SELF_PURCHASE)),
          w.make("2026-03-12T10:00:00+08:00", contract("S1", "100000.00", false, null, acceptanceDays, null)),
          w.make("2026-03-16T10:00:00+08:00", new Fact.Delivered()))).isEmpty();
      return w;
    }

    @Test
    void default_30_CD_when_the_contract_gives_none() {
      // Delivered Mon 03-16: 30 CD end Wed 04-15, due 04-16 00:00; pre-warning at the end of Tue 04-14.
      Watcher w = delivered(null);
      assertThat(w.wakeAt()).isEqualTo(at("2026-04-15T00:00:00+08:00"));
      assertThat(w.at("2026-04-14T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-04-15T00:00:00+08:00")).containsExactly("DL08 pre-warning raised INFO");
      assertThat(w.at("2026-04-15T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-04-16T00:00:00+08:00"))
          .containsExactly("DL08 pre-warning resolved CLEARED", "DL08 raised WARNING");
      w.at("2026-04-21T09:00:00+08:00");
      assertThat(w.fact("2026-04-20T10:00:00+08:00", new Fact.Accepted()))
          .containsExactly("DL08 resolved CLEARED late by 5 days");
    }

    @Test
    void the_contract_acceptance_days_when_given() {
      // 10 CD from Mon 03-16: Thu 03-26, due 03-27 00:00; pre-warning at the end of Wed 03-25.
      Watcher w = delivered(10);
      assertThat(w.wakeAt()).isEqualTo(at("2026-03-26T00:00:00+08:00"));
      assertThat(w.at("2026-03-26T23:59:59+08:00")).containsExactly("DL08 pre-warning raised INFO");
      assertThat(w.at("2026-03-27T00:00:00+08:00"))
          .containsExactly("DL08 pre-warning resolved CLEARED", "DL08 raised WARNING");
    }

    @Test
    void a_contract_reported_after_the_breach_with_a_longer_acceptance_period_retracts_it() {
      // Delivered Mon 03-16, reported before the contract: the default 30 CD apply, due 04-16 00:00.
      Watcher w = only(RuleId.DL08, "2026-03-16T11:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", method(Method.SELF_PURCHASE)),
          w.make("2026-03-16T10:00:00+08:00", new Fact.Delivered()))).isEmpty();
      assertThat(w.at("2026-04-16T00:00:00+08:00")).containsExactly("DL08 raised WARNING");

      // The contract, signed 03-10 and reported now, gives 60 days: the last day is Fri 05-15, so nothing was late.
      w.at("2026-04-17T09:00:00+08:00");
      assertThat(w.fact("2026-03-10T10:00:00+08:00", contract("S1", "100000.00", false, null, 60, null)))
          .containsExactly("DL08 resolved RETRACTED");
      assertThat(w.open()).isEmpty();
      assertThat(w.wakeAt()).isEqualTo(at("2026-05-15T00:00:00+08:00"));
      assertThat(w.at("2026-05-16T00:00:00+08:00")).containsExactly("DL08 raised WARNING");
      assertThat(w.open()).singleElement()
          .satisfies(a -> assertThat(a.dueAt()).isEqualTo(at("2026-05-16T00:00:00+08:00")));
    }

    @Test
    void none_when_the_contract_has_no_acceptance_period() {
      assertThat(delivered(0).deadlines()).isEmpty();
    }

    @Test
    void within_one_batch_an_acceptance_in_time_never_raises_an_alert() {
      Watcher w = only(RuleId.DL08, "2026-06-01T11:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", method(Method.SELF_PURCHASE)),
          w.make("2026-03-12T10:00:00+08:00", contract("S1")),
          w.make("2026-03-16T10:00:00+08:00", new Fact.Delivered()),
          w.make("2026-04-15T23:00:00+08:00", new Fact.Accepted()))).isEmpty();
      assertThat(w.all()).isEmpty();
    }
  }

  // =================================================================================================================
  @Nested
  class DL09_challenge_answered_within_7_WD {

    @Test
    void two_challenges_run_independently() {
      // C1 filed Mon 03-02: 7 WD end Wed 03-11, due 03-12 00:00; pre-warning at the end of Tue 03-10.
      // C2 filed Wed 03-04: 7 WD end Fri 03-13, due 03-14 00:00; answered on 03-06.
      Watcher w = only(RuleId.DL09, "2026-03-02T11:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-03-02T10:00:00+08:00", new Fact.ChallengeFiled("C1", "S2")))).isEmpty();
      assertThat(w.wakeAt()).isEqualTo(at("2026-03-11T00:00:00+08:00"));

      w.at("2026-03-04T12:00:00+08:00");
      assertThat(w.fact("2026-03-04T10:00:00+08:00", new Fact.ChallengeFiled("C2", "S3"))).isEmpty();
      assertThat(w.deadlines()).extracting(Deadline::subject, Deadline::dueAt).containsExactly(
          org.assertj.core.groups.Tuple.tuple("C1", at("2026-03-12T00:00:00+08:00")),
          org.assertj.core.groups.Tuple.tuple("C2", at("2026-03-14T00:00:00+08:00")));
      w.at("2026-03-06T12:00:00+08:00");
      assertThat(w.fact("2026-03-06T10:00:00+08:00", new Fact.ChallengeAnswered("C2", "S3"))).isEmpty();

      assertThat(w.at("2026-03-10T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-03-11T00:00:00+08:00")).containsExactly("DL09[C1] pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(at("2026-03-12T00:00:00+08:00"));
      assertThat(w.at("2026-03-12T00:00:00+08:00"))
          .containsExactly("DL09[C1] pre-warning resolved CLEARED", "DL09[C1] raised CRITICAL");
      assertThat(w.open()).singleElement().satisfies(a -> assertThat(a.supplier()).isEqualTo("S2"));
      assertThat(w.wakeAt()).isNull();
      assertThat(w.at("2026-03-14T00:00:00+08:00")).isEmpty();

      w.at("2026-03-14T09:00:00+08:00");
      assertThat(w.fact("2026-03-13T10:00:00+08:00", new Fact.ChallengeAnswered("C1", "S2")))
          .containsExactly("DL09[C1] resolved CLEARED late by 2 days");
      assertThat(w.all()).extracting(Alert::subject).containsOnly("C1");
    }

    @Test
    void an_answer_reported_late_but_given_in_time_retracts_the_breach() {
      Watcher w = only(RuleId.DL09, "2026-03-02T11:00:00+08:00");
      w.batch(w.make(REGISTERED_AT, registered()), w.make("2026-03-02T10:00:00+08:00", new Fact.ChallengeFiled("C1", "S2")));
      assertThat(w.at("2026-03-12T00:00:00+08:00")).containsExactly("DL09[C1] raised CRITICAL");
      w.at("2026-03-13T09:00:00+08:00");
      assertThat(w.fact("2026-03-11T17:00:00+08:00", new Fact.ChallengeAnswered("C1", "S2")))
          .containsExactly("DL09[C1] resolved RETRACTED");
    }
  }

  // =================================================================================================================
  @Nested
  class DL10_performance_bond_within_30_CD_of_acceptance {

    Watcher accepted(String bond) {
      Watcher w = only(RuleId.DL10, "2026-06-01T11:00:00+08:00");
      assertThat(w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", method(Method.SELF_PURCHASE)),
          w.make("2026-03-12T10:00:00+08:00", contract("S1", "100000.00", false, null, null, bond)),
          w.make("2026-05-25T10:00:00+08:00", new Fact.Delivered()),
          w.make("2026-06-01T10:00:00+08:00", new Fact.Accepted()))).isEmpty();
      return w;
    }

    @Test
    void a_bond_returned_late_and_another_deposit_kind_does_not_count() {
      // Accepted Mon 06-01: 30 CD end Wed 07-01, due 07-02 00:00; pre-warning at the end of Tue 06-30.
      Watcher w = accepted("5000.00");
      assertThat(w.wakeAt()).isEqualTo(at("2026-07-01T00:00:00+08:00"));
      w.at("2026-06-20T12:00:00+08:00");
      assertThat(w.fact("2026-06-20T10:00:00+08:00", deposit(DepositKind.QUALITY, "S1"))).isEmpty();
      assertThat(w.at("2026-07-01T00:00:00+08:00")).containsExactly("DL10[HT-1] pre-warning raised INFO");
      assertThat(w.at("2026-07-02T00:00:00+08:00"))
          .containsExactly("DL10[HT-1] pre-warning resolved CLEARED", "DL10[HT-1] raised WARNING");
      assertThat(w.open()).singleElement()
          .satisfies(a -> assertThat(a.details()).containsEntry("performanceBond", "5000.00"));
      w.at("2026-07-03T12:00:00+08:00");
      assertThat(w.fact("2026-07-03T10:00:00+08:00", deposit(DepositKind.PERFORMANCE, "S1")))
          .containsExactly("DL10[HT-1] resolved CLEARED late by 2 days");
    }

    @Test
    void no_bond_no_deadline() {
      assertThat(accepted(null).deadlines()).isEmpty();
      assertThat(accepted("0.00").deadlines()).isEmpty();
    }
  }

  // =================================================================================================================
  @Nested
  class DL11_stage_stalled {

    @Test
    void a_stage_stuck_past_its_sla_then_moving_on() {
      // Registered Mon 2026-03-02: REGISTERED has 10 WD, ending Mon 03-16, due 03-17 00:00; pre-warning end of Fri 03-13.
      Watcher w = only(RuleId.DL11, "2026-03-02T11:00:00+08:00");
      assertThat(w.fact("2026-03-02T10:00:00+08:00", registered())).isEmpty();
      assertThat(w.wakeAt()).isEqualTo(at("2026-03-14T00:00:00+08:00"));
      assertThat(w.at("2026-03-13T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-03-14T00:00:00+08:00")).containsExactly("DL11[REGISTERED] pre-warning raised INFO");
      assertThat(w.wakeAt()).isEqualTo(at("2026-03-17T00:00:00+08:00"));
      assertThat(w.at("2026-03-16T23:59:59+08:00")).isEmpty();
      assertThat(w.at("2026-03-17T00:00:00+08:00"))
          .containsExactly("DL11[REGISTERED] pre-warning resolved CLEARED", "DL11[REGISTERED] raised WARNING");
      assertThat(w.open()).singleElement().satisfies(a -> assertThat(a.message())
          .startsWith("阶段停滞: stage REGISTERED (立项) not left within 10 WD after entering it on 2026-03-02"));

      // Publishing the intent is a step inside REGISTERED's SLA ("to RequirementApproved"): still stuck.
      w.at("2026-03-17T12:00:00+08:00");
      assertThat(w.fact("2026-03-17T10:00:00+08:00", new Fact.IntentPublished())).isEmpty();

      w.at("2026-03-18T12:00:00+08:00");
      assertThat(w.fact("2026-03-18T10:00:00+08:00", new Fact.RequirementApproved()))
          .containsExactly("DL11[REGISTERED] resolved CLEARED");
      // REQUIREMENT_APPROVED: 10 WD from Wed 03-18 end Wed 04-01; pre-warning at the end of Tue 03-31.
      assertThat(w.deadlines()).singleElement().satisfies(d -> {
        assertThat(d.subject()).isEqualTo("REQUIREMENT_APPROVED");
        assertThat(d.dueAt()).isEqualTo(at("2026-04-02T00:00:00+08:00"));
      });
      assertThat(w.wakeAt()).isEqualTo(at("2026-04-01T00:00:00+08:00"));
    }

    @Test
    void bids_do_not_restart_the_notice_stage() {
      Watcher w = only(RuleId.DL11, "2026-03-02T11:00:00+08:00");
      w.batch(w.make(REGISTERED_AT, registered()),
          w.make("2026-02-03T09:00:00+08:00", new Fact.RequirementApproved()),
          w.make("2026-02-04T09:00:00+08:00", method(Method.OPEN_TENDER)),
          w.make("2026-03-02T10:00:00+08:00", new Fact.NoticePublished(at("2026-03-02T10:00:00+08:00"),
              at("2026-03-25T09:00:00+08:00"))));
      Deadline notice = w.deadlines().get(0);
      assertThat(notice.subject()).isEqualTo("NOTICE_PUBLISHED");

      w.at("2026-03-10T12:00:00+08:00");
      assertThat(w.fact("2026-03-10T10:00:00+08:00", bid("S1", "900000.00"))).isEmpty();
      assertThat(w.tl.state().stage().name()).isEqualTo("BIDDING");
      assertThat(w.deadlines()).singleElement().satisfies(d -> {
        assertThat(d.subject()).isEqualTo("NOTICE_PUBLISHED");
        assertThat(d.startedAt()).isEqualTo(notice.startedAt());
        assertThat(d.dueAt()).isEqualTo(notice.dueAt());
      });

      w.at("2026-03-25T12:00:00+08:00");
      w.fact("2026-03-25T10:00:00+08:00", new Fact.BidsOpened());
      assertThat(w.deadlines()).singleElement()
          .satisfies(d -> assertThat(d.subject()).isEqualTo("BIDS_OPENED"));
    }

    @Test
    void an_ended_project_is_not_stalled() {
      Watcher w = only(RuleId.DL11, "2026-03-02T11:00:00+08:00");
      w.fact("2026-03-02T10:00:00+08:00", registered());
      assertThat(w.at("2026-03-17T00:00:00+08:00")).containsExactly("DL11[REGISTERED] raised WARNING");
      w.at("2026-03-18T12:00:00+08:00");
      assertThat(w.fact("2026-03-18T10:00:00+08:00", new Fact.ProjectCancelled("需求取消")))
          .containsExactly("DL11[REGISTERED] resolved CLEARED");
      assertThat(w.deadlines()).isEmpty();
      assertThat(w.wakeAt()).isNull();
    }
  }
}
