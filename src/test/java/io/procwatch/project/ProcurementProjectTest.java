package io.procwatch.project;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.procwatch.project.Fact.DepositKind;
import io.procwatch.project.Fact.Method;
import io.procwatch.project.Fact.PaymentKind;
import io.procwatch.project.ProcurementProject.Command;
import io.procwatch.project.ProcurementProject.Event;
import io.procwatch.project.ProcurementProject.Outcome;
import io.procwatch.project.ProcurementProject.Recorded;
import io.procwatch.project.ProcurementProject.State;
import io.procwatch.rules.CategoryKind;
import io.procwatch.rules.RuleEngine;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The project entity through Pekko's EventSourcedBehaviorTestKit, which also round-trips every command,
 * event and state through the real jackson-cbor serializer and checks recovery with {@code restart()}.
 */
class ProcurementProjectTest {
  static final String PID = "CQJZ-2026-0042";
  static final Instant T0 = Instant.parse("2026-03-02T01:00:00Z");
  static ActorTestKit testKit;

  EventSourcedBehaviorTestKit<Command, Event, State> kit;
  final AtomicInteger seq = new AtomicInteger();

  @BeforeAll
  static void startKit() {
    testKit = ActorTestKit.create(ConfigFactory.parseString(
            "pekko.actor.serialization-bindings { \"io.procwatch.infra.CborSerializable\" = jackson-cbor }")
        .withFallback(EventSourcedBehaviorTestKit.config()));
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newProject() {
    // Just after the last fact of these tests (T0 + 30 h) and before the first deadline pre-warning of their
    // projects (DL06, 2 WD after a confirmation on 03-02: due soon from 03-04 00:00 +08:00), so that the flags and
    // alerts asserted here are the sequence rules' alone; deadlines have their timeline tests (DeadlineRulesTimelineTest).
    Clock clock = Clock.fixed(Instant.parse("2026-03-03T12:00:00Z"), ZoneOffset.UTC);
    kit = EventSourcedBehaviorTestKit.create(testKit.system(),
        ProcurementProject.create(PID, new Judge(RuleEngine.standard(io.procwatch.rules.RuleContext.defaults())), clock, 4));
  }

  // ------------------------------------------------------------------ helpers

  Fact fact(int hour, Fact.Data data) {
    return new Fact("e-" + seq.incrementAndGet(), PID, T0.plusSeconds(3600L * hour), "zhang.wei", data);
  }

  static Fact.ProjectRegistered registration(String budget) {
    return new Fact.ProjectRegistered("CQ-001", "重庆市某局", "办公电脑采购", "BP-1", "A02010104", CategoryKind.GOODS,
        new BigDecimal(budget), 2026, false, List.of(new Fact.Item("台式计算机", new BigDecimal("10"), new BigDecimal("4800"))));
  }

  CommandResultWithReply<Command, Event, State, Recorded> record(Fact... facts) {
    return kit.<Recorded>runCommand(replyTo -> new ProcurementProject.Record(List.of(facts), replyTo));
  }

  Outcome one(Fact f) {
    var result = record(f);
    return result.reply().outcomes().get(0);
  }

  ProjectState project() {
    return kit.getState().project();
  }

  static Fact.BidReceived bid(String supplier, String amount) {
    return new Fact.BidReceived(supplier, supplier + " 公司", new BigDecimal(amount), null, true, null, null, null);
  }

  /**
   * The whole competitive path of domain.md §2, one fact at a time, without an irregularity: four bids with one
   * disqualified leave the three valid bids an award needs (L36, PT01), and the steps fall in office hours (PT07).
   */
  List<Fact> competitivePath() {
    List<Fact> path = new ArrayList<>();
    int h = 0;
    path.add(fact(h++, registration("480000")));
    path.add(fact(h++, new Fact.IntentPublished()));
    path.add(fact(h++, new Fact.RequirementApproved()));
    path.add(fact(h++, new Fact.PlanFiled()));
    path.add(fact(h++, new Fact.MethodApproved(Method.OPEN_TENDER, "CQCG-2026-1", null)));
    path.add(fact(h++, new Fact.NoticePublished(T0.plusSeconds(86400), T0.plusSeconds(86400 * 25))));
    path.add(fact(h++, bid("S1", "455000.50")));
    path.add(fact(h++, bid("S2", "462000")));
    path.add(fact(h++, bid("S3", "470000")));
    path.add(fact(h++, bid("S4", "468000")));
    path.add(fact(h++, new Fact.BidsOpened()));
    path.add(fact(h++, new Fact.BidDisqualified("S3", "资格不符")));
    path.add(fact(h++, new Fact.EvaluationCompleted(List.of("S1", "S2", "S4"))));
    path.add(fact(h++, new Fact.SupplierConfirmed("S1")));
    path.add(fact(h++, new Fact.AwardPublished("S1", new BigDecimal("455000.50"))));
    path.add(fact(h++, new Fact.ChallengeFiled("C-1", "S2")));
    path.add(fact(h++, new Fact.ChallengeAnswered("C-1", "S2")));
    path.add(fact(h++, new Fact.ContractSigned("HT-1", "S1", new BigDecimal("455000.50"), true, 30, 10, new BigDecimal("20000"))));
    path.add(fact(h++, new Fact.ContractPublished()));
    path.add(fact(h++, new Fact.ContractAmended(new BigDecimal("4000.25"), "增加数量")));
    path.add(fact(h++, new Fact.Delivered()));
    path.add(fact(h++, new Fact.Accepted()));
    path.add(fact(h++, new Fact.PaymentMade(new BigDecimal("100000"), PaymentKind.PROGRESS)));
    path.add(fact(h++, new Fact.PaymentMade(new BigDecimal("359000.75"), PaymentKind.FINAL)));
    path.add(fact(h++, new Fact.DepositReturned(DepositKind.BID, "S2")));
    path.add(fact(h++, new Fact.DepositReturned(DepositKind.BID, "S3")));
    path.add(fact(h++, new Fact.DepositReturned(DepositKind.BID, "S4")));
    path.add(fact(h++, new Fact.DepositReturned(DepositKind.PERFORMANCE, "S1")));
    path.add(fact(h++, new Fact.ProjectClosed("归档")));
    return inOfficeHours(path);
  }

  /**
   * The same facts moved so that the n-th happens in the n-th office hour from T0 (Monday 09:00 in Shanghai):
   * 09:00–17:00, then on to the next day, so no approval is dated at night.
   */
  static List<Fact> inOfficeHours(List<Fact> path) {
    List<Fact> moved = new ArrayList<>(path.size());
    for (int n = 0; n < path.size(); n++) {
      Fact f = path.get(n);
      long hour = (n / 9) * 24L + n % 9;
      moved.add(new Fact(f.eventId(), f.projectId(), T0.plusSeconds(3600 * hour), f.actor(), f.data()));
    }
    return moved;
  }

  // ------------------------------------------------------------------ applied

  @Test
  void everyStepOfTheCompetitivePathIsAppliedAndAdvancesTheStage() {
    List<Fact> path = competitivePath();
    List<Stage> stages = new ArrayList<>();
    for (Fact f : path) {
      Outcome o = one(f);
      assertThat(o.result()).as(f.type()).isEqualTo(Outcome.APPLIED);
      assertThat(o.flags()).as(f.type()).isEmpty();
      stages.add(o.stage());
    }
    assertThat(stages).containsSubsequence(Stage.REGISTERED, Stage.INTENT_PUBLISHED, Stage.REQUIREMENT_APPROVED,
        Stage.PLAN_FILED, Stage.METHOD_APPROVED, Stage.NOTICE_PUBLISHED, Stage.BIDDING, Stage.BIDS_OPENED,
        Stage.EVALUATED, Stage.SUPPLIER_CONFIRMED, Stage.AWARDED, Stage.CONTRACT_SIGNED, Stage.CONTRACT_PUBLISHED,
        Stage.DELIVERED, Stage.ACCEPTED, Stage.PAYING, Stage.PAID, Stage.CLOSED);
    // every type of the vocabulary except the two that cannot both happen (failure, cancellation)
    assertThat(path.stream().map(Fact::type).distinct().count()).isEqualTo(Fact.Data.types().size() - 2);

    ProjectState p = project();
    assertThat(p.stage()).isEqualTo(Stage.CLOSED);
    assertThat(p.contractTotal()).isEqualByComparingTo("459000.75");
    assertThat(p.paid()).isEqualByComparingTo("459000.75");
    assertThat(p.awardedSupplier()).isEqualTo("S1");
    assertThat(p.disqualified()).containsKey("S3");
    assertThat(p.challenges().get("C-1").answeredAt()).isNotNull();
    assertThat(p.history()).hasSize(path.size());
    assertThat(p.steps()).containsKeys("AwardPublished", "ContractSigned", "Accepted", "ProjectClosed");
  }

  @Test
  void selfPurchasePathNeedsNoTenderSteps() {
    List<Fact> path = List.of(
        fact(0, registration("3200")),
        fact(1, new Fact.RequirementApproved()),
        fact(2, new Fact.MethodApproved(Method.SELF_PURCHASE, null, null)),
        fact(3, new Fact.ContractSigned("HT-9", "STATIONER", new BigDecimal("3150.00"), true, null, null, null)),
        fact(4, new Fact.Delivered()),
        fact(5, new Fact.Accepted()),
        fact(6, new Fact.PaymentMade(new BigDecimal("3150"), PaymentKind.FINAL)),
        fact(7, new Fact.ProjectClosed(null)));
    for (Fact f : path) assertThat(one(f).result()).as(f.type()).isEqualTo(Outcome.APPLIED);
    assertThat(project().stage()).isEqualTo(Stage.CLOSED);
  }

  @Test
  void aBatchIsJudgedInOrderAndStoredAsOneEvent() {
    var result = record(fact(0, registration("1000")), fact(1, new Fact.RequirementApproved()),
        fact(2, new Fact.MethodApproved(Method.E_MALL, null, null)));
    assertThat(result.reply().outcomes()).extracting(Outcome::result).containsOnly(Outcome.APPLIED);
    assertThat(result.events()).hasSize(1);
    assertThat(((ProcurementProject.FactsRecorded) result.event()).facts()).hasSize(3);
    assertThat(result.state().project().stage()).isEqualTo(Stage.METHOD_APPROVED);
  }

  @Test
  void failedProcurementReturnsToMethodSelectionAndStartsANewRound() {
    one(fact(0, registration("900000")));
    one(fact(1, new Fact.RequirementApproved()));
    one(fact(2, new Fact.MethodApproved(Method.OPEN_TENDER, null, null)));
    one(fact(3, new Fact.NoticePublished(T0, T0.plusSeconds(86400 * 21))));
    one(fact(4, bid("S1", "800000")));
    Outcome failed = one(fact(5, new Fact.ProcurementFailed("投标人不足三家")));
    assertThat(failed.stage()).isEqualTo(Stage.PROCUREMENT_FAILED);
    assertThat(project().round()).isEqualTo(2);
    assertThat(project().bids()).isEmpty();
    // a notice without a new method approval skips a step of the new round
    assertThat(one(fact(6, new Fact.NoticePublished(T0, T0.plusSeconds(86400 * 21)))).flags())
        .extracting(f -> f.rule()).containsExactly("SQ01");
    // the bid deposit of the failed round can still be returned
    assertThat(one(fact(7, new Fact.DepositReturned(DepositKind.BID, "S1"))).result()).isEqualTo(Outcome.APPLIED);
  }

  @Test
  void moneyStaysExact() {
    one(fact(0, registration("1")));
    one(fact(1, new Fact.RequirementApproved()));
    one(fact(2, new Fact.MethodApproved(Method.SELF_PURCHASE, null, null)));
    one(fact(3, new Fact.ContractSigned("HT", "S", new BigDecimal("0.3"), false, null, null, null)));
    one(fact(4, new Fact.Delivered()));
    one(fact(5, new Fact.Accepted()));
    assertThat(one(fact(6, new Fact.PaymentMade(new BigDecimal("0.1"), PaymentKind.PROGRESS))).stage()).isEqualTo(Stage.PAYING);
    // 0.1 + 0.2 is exactly 0.3: the contract is settled (in double it would be 0.30000000000000004)
    assertThat(one(fact(7, new Fact.PaymentMade(new BigDecimal("0.2"), PaymentKind.FINAL))).stage()).isEqualTo(Stage.PAID);
    assertThat(project().paid()).isEqualTo(new BigDecimal("0.3"));
    kit.restart();
    assertThat(project().paid()).isEqualTo(new BigDecimal("0.3"));
  }

  // ------------------------------------------------------------------ duplicates

  /**
   * Since 2026-11-30 a fact is stored without a fingerprint and a retry is compared with the stored fact: the same
   * content written differently is still a duplicate after a restart (the state round-tripped through CBOR), and
   * other content under the same event id is still refused.
   */
  @Test
  void aRetryIsComparedWithTheStoredFactBeforeAndAfterRestart() {
    Fact reg = fact(0, registration("5000"));
    Fact approved = fact(1, new Fact.RequirementApproved());
    one(reg);
    one(approved);
    assertThat(project().fingerprintOf(reg.eventId())).as("no fingerprint is stored any more").isNull();
    for (int i = 0; i < 2; i++) {
      Fact sameWrittenOtherwise = new Fact(reg.eventId(), PID, reg.occurredAt(), reg.actor(), registration("5000.00"));
      assertThat(one(sameWrittenOtherwise).result()).isEqualTo(Outcome.DUPLICATE);
      Fact otherBudget = new Fact(reg.eventId(), PID, reg.occurredAt(), reg.actor(), registration("5001"));
      assertThat(one(otherBudget).error().code()).isEqualTo("EVENT_ID_REUSED");
      Fact otherTime = new Fact(approved.eventId(), PID, approved.occurredAt().plusSeconds(60), approved.actor(),
          new Fact.RequirementApproved());
      assertThat(one(otherTime).error().code()).isEqualTo("EVENT_ID_REUSED");
      Fact otherActor = new Fact(approved.eventId(), PID, approved.occurredAt(), "li.na", new Fact.RequirementApproved());
      assertThat(one(otherActor).error().code()).isEqualTo("EVENT_ID_REUSED");
      kit.restart();
    }
  }

  /**
   * Journals and snapshots written before 2026-11-30 hold every fact with its content fingerprint: a retry of such a
   * fact is still compared by fingerprint, computed as it was then (pinned in {@code FingerprintTest}).
   */
  @Test
  void aFactStoredWithAFingerprintByAnEarlierVersionIsStillRecognised() {
    Fact reg = fact(0, registration("5000"));
    Fact approved = fact(1, new Fact.RequirementApproved());
    Fact planned = fact(2, new Fact.PlanFiled());
    kit.initialize(new ProcurementProject.FactsRecorded(List.of(
        new RecordedFact(reg, T0, Fingerprint.of(reg), Stage.REGISTERED, List.of()),
        new RecordedFact(approved, T0, Fingerprint.of(approved), Stage.REQUIREMENT_APPROVED, List.of()),
        // a fingerprint that is not this content's: proves that the stored fingerprint is what a retry is compared with
        new RecordedFact(planned, T0, "00000000000000000000000000000000", Stage.PLAN_FILED, List.of())), null));
    assertThat(project().history()).hasSize(3);
    assertThat(project().fingerprintOf(approved.eventId())).isEqualTo(Fingerprint.of(approved));

    assertThat(one(approved).result()).isEqualTo(Outcome.DUPLICATE);
    assertThat(one(new Fact(reg.eventId(), PID, reg.occurredAt(), reg.actor(), registration("5000.00"))).result())
        .isEqualTo(Outcome.DUPLICATE);
    assertThat(one(new Fact(approved.eventId(), PID, approved.occurredAt().plusSeconds(60), approved.actor(),
        new Fact.RequirementApproved())).error().code()).isEqualTo("EVENT_ID_REUSED");
    assertThat(one(planned).error().code()).isEqualTo("EVENT_ID_REUSED");
    // a new fact after them is stored the new way
    Fact method = fact(3, new Fact.MethodApproved(Method.SELF_PURCHASE, null, null));
    assertThat(one(method).result()).isIn(Outcome.APPLIED, Outcome.FLAGGED);
    assertThat(project().fingerprintOf(method.eventId())).isNull();
    assertThat(one(method).result()).isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void aRetriedEventIsADuplicateBeforeAndAfterRestart() {
    Fact reg = fact(0, registration("5000"));
    Fact approved = fact(1, new Fact.RequirementApproved());
    one(reg);
    one(approved);

    var again = record(approved);
    assertThat(again.reply().outcomes().get(0).result()).isEqualTo(Outcome.DUPLICATE);
    assertThat(again.hasNoEvents()).isTrue();

    kit.restart();
    assertThat(project().history()).hasSize(2);
    var afterRestart = record(approved);
    assertThat(afterRestart.reply().outcomes().get(0).result()).isEqualTo(Outcome.DUPLICATE);
    assertThat(afterRestart.reply().outcomes().get(0).stage()).isEqualTo(Stage.REQUIREMENT_APPROVED);
    assertThat(afterRestart.hasNoEvents()).isTrue();
  }

  @Test
  void theSameFactWithEquivalentAmountsIsStillADuplicate() {
    one(new Fact("r1", PID, T0, null, registration("5000")));
    var again = record(new Fact("r1", PID, T0, null, registration("5000.00")));
    assertThat(again.reply().outcomes().get(0).result()).isEqualTo(Outcome.DUPLICATE);
    // the same registration content under a new event id is a no-op as well
    var resent = record(new Fact("r2", PID, T0, null, registration("5000")));
    assertThat(resent.reply().outcomes().get(0).result()).isEqualTo(Outcome.DUPLICATE);
    assertThat(resent.hasNoEvents()).isTrue();
  }

  @Test
  void aDuplicateInsideOneBatchIsAnsweredAsSuch() {
    Fact reg = fact(0, registration("5000"));
    var result = record(reg, reg);
    assertThat(result.reply().outcomes()).extracting(Outcome::result).containsExactly(Outcome.APPLIED, Outcome.DUPLICATE);
    assertThat(((ProcurementProject.FactsRecorded) result.event()).facts()).hasSize(1);
  }

  // ------------------------------------------------------------------ rejected: nothing stored

  void assertRejected(Fact f, String code) {
    int before = project() == null ? 0 : project().history().size();
    var result = record(f);
    Outcome o = result.reply().outcomes().get(0);
    assertThat(o.result()).isEqualTo(Outcome.REJECTED);
    assertThat(o.error().code()).isEqualTo(code);
    assertThat(result.hasNoEvents()).as("nothing persisted for " + code).isTrue();
    assertThat(project() == null ? 0 : project().history().size()).isEqualTo(before);
  }

  @Test
  void anEventForAProjectNeverRegisteredIsRejected() {
    assertRejected(fact(0, new Fact.RequirementApproved()), "PROJECT_NOT_REGISTERED");
    assertThat(kit.getState()).isInstanceOf(ProcurementProject.Unregistered.class);
  }

  @Test
  void referencesToThingsTheProjectDoesNotHaveAreRejected() {
    one(fact(0, registration("500000")));
    one(fact(1, new Fact.RequirementApproved()));
    one(fact(2, new Fact.MethodApproved(Method.OPEN_TENDER, null, null)));
    one(fact(3, new Fact.NoticePublished(T0, T0.plusSeconds(86400 * 21))));
    one(fact(4, bid("S1", "400000")));
    one(fact(5, new Fact.BidsOpened()));

    assertRejected(fact(6, new Fact.BidDisqualified("NEVER-BID", null)), "UNKNOWN_SUPPLIER");
    assertRejected(fact(6, new Fact.ContractAmended(new BigDecimal("100"), null)), "NO_CONTRACT");
    assertRejected(fact(6, new Fact.ChallengeAnswered("NO-SUCH", null)), "UNKNOWN_CHALLENGE");
    assertRejected(fact(6, new Fact.DepositReturned(DepositKind.BID, "NEVER-BID")), "UNKNOWN_SUPPLIER");
    assertRejected(fact(6, new Fact.DepositReturned(DepositKind.PERFORMANCE, "S1")), "NO_CONTRACT");
    assertRejected(fact(6, registration("999")), "REGISTRATION_CONFLICT");
  }

  @Test
  void anEventIdReusedWithOtherContentIsRejected() {
    one(new Fact("same-id", PID, T0, null, registration("5000")));
    assertRejected(new Fact("same-id", PID, T0.plusSeconds(60), null, new Fact.RequirementApproved()), "EVENT_ID_REUSED");
  }

  @Test
  void aContractCannotBeSignedTwiceNorAmendedBelowZero() {
    one(fact(0, registration("5000")));
    one(fact(1, new Fact.RequirementApproved()));
    one(fact(2, new Fact.MethodApproved(Method.SELF_PURCHASE, null, null)));
    one(fact(3, new Fact.ContractSigned("HT-1", "S", new BigDecimal("1000"), false, null, null, null)));
    assertRejected(fact(4, new Fact.ContractSigned("HT-2", "S", new BigDecimal("1000"), false, null, null, null)), "CONTRACT_ALREADY_SIGNED");
    assertRejected(fact(4, new Fact.ContractAmended(new BigDecimal("-1000.01"), "cut")), "NEGATIVE_CONTRACT");
    assertThat(one(fact(4, new Fact.ContractAmended(new BigDecimal("-1000"), "cut"))).result()).isEqualTo(Outcome.APPLIED);
  }

  @Test
  void aRejectedFactInABatchDoesNotStopTheOthers() {
    var result = record(fact(0, registration("5000")), fact(1, new Fact.BidDisqualified("X", null)),
        fact(2, new Fact.RequirementApproved()));
    assertThat(result.reply().outcomes()).extracting(Outcome::result)
        .containsExactly(Outcome.APPLIED, Outcome.REJECTED, Outcome.APPLIED);
    assertThat(((ProcurementProject.FactsRecorded) result.event()).facts()).hasSize(2);
  }

  // ------------------------------------------------------------------ flagged: stored, stage advances

  @Test
  void deliveryBeforeContractIsStoredAndFlaggedSQ01() {
    one(fact(0, registration("5000")));
    var result = record(fact(1, new Fact.Delivered()));
    Outcome o = result.reply().outcomes().get(0);
    assertThat(o.result()).isEqualTo(Outcome.FLAGGED);
    assertThat(o.flags()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo("SQ01");
      assertThat(f.severity()).isEqualTo(io.procwatch.rules.Severity.CRITICAL);
    });
    assertThat(o.stage()).isEqualTo(Stage.DELIVERED);
    // the fact, then the alert it raised, persisted together
    assertThat(result.events()).hasSize(2);
    assertThat(result.events().get(0)).isInstanceOf(ProcurementProject.FactsRecorded.class);
    var changed = (ProcurementProject.AlertsChanged) result.events().get(1);
    assertThat(changed.changes()).singleElement().isInstanceOfSatisfying(io.procwatch.alert.AlertChange.Raised.class,
        r -> assertThat(r.alert().rule() + ":" + r.alert().subject()).isEqualTo("SQ01:Delivered"));
    assertThat(project().openAlertCount()).isEqualTo(1);
  }

  @Test
  void contractBeforeAwardOnACompetitiveMethodIsFlaggedSQ01() {
    one(fact(0, registration("500000")));
    one(fact(1, new Fact.RequirementApproved()));
    one(fact(2, new Fact.MethodApproved(Method.COMPETITIVE_CONSULTATION, null, null)));
    Outcome o = one(fact(3, new Fact.ContractSigned("HT", "S1", new BigDecimal("1"), false, null, null, null)));
    assertThat(o.flags()).extracting(f -> f.rule() + ":" + f.subject()).containsExactly("SQ01:ContractSigned");
  }

  @Test
  void acceptanceBeforeDeliveryInBusinessTimeIsFlaggedSQ01() {
    one(fact(0, registration("5000")));
    one(fact(1, new Fact.RequirementApproved()));
    one(fact(2, new Fact.MethodApproved(Method.SELF_PURCHASE, null, null)));
    one(fact(3, new Fact.ContractSigned("HT", "S", new BigDecimal("1"), false, null, null, null)));
    one(fact(10, new Fact.Delivered()));
    // reported after the delivery, but says it happened before it
    Outcome o = one(fact(5, new Fact.Accepted()));
    assertThat(o.result()).isEqualTo(Outcome.FLAGGED);
    assertThat(o.flags()).extracting(f -> f.rule()).containsExactly("SQ01");
  }

  @Test
  void contractWithAnotherSupplierThanTheAwardIsFlaggedSQ02() {
    one(fact(0, registration("500000")));
    one(fact(1, new Fact.RequirementApproved()));
    one(fact(2, new Fact.MethodApproved(Method.SINGLE_SOURCE, "APP-1", Fact.SingleSourceGround.ONLY_SUPPLIER)));
    one(fact(3, new Fact.AwardPublished("S1", new BigDecimal("400000"))));
    Outcome o = one(fact(4, new Fact.ContractSigned("HT-7", "S9", new BigDecimal("400000"), false, null, null, null)));
    assertThat(o.flags()).extracting(f -> f.rule() + ":" + f.subject()).containsExactly("SQ02:HT-7");
    assertThat(project().contract().supplier()).isEqualTo("S9");
  }

  @Test
  void activityAfterClosingIsFlaggedSQ03ButDepositReturnIsNot() {
    one(fact(0, registration("5000")));
    one(fact(1, new Fact.RequirementApproved()));
    one(fact(2, new Fact.MethodApproved(Method.SELF_PURCHASE, null, null)));
    one(fact(3, new Fact.ContractSigned("HT", "S", new BigDecimal("100"), false, null, null, 
        new BigDecimal("5"))));
    one(fact(4, new Fact.ProjectClosed(null)));
    Outcome late = one(fact(5, new Fact.PaymentMade(new BigDecimal("100"), PaymentKind.FINAL)));
    assertThat(late.result()).isEqualTo(Outcome.FLAGGED);
    assertThat(late.flags()).extracting(f -> f.rule()).contains("SQ03");
    assertThat(late.stage()).isEqualTo(Stage.CLOSED);
    Outcome deposit = one(fact(6, new Fact.DepositReturned(DepositKind.PERFORMANCE, "S")));
    assertThat(deposit.result()).isEqualTo(Outcome.APPLIED);
  }

  @Test
  void aPermanentPatternFlaggedInsideABatchIsRaisedEvenIfTheBatchEndsTheRound() {
    one(fact(0, registration("480000")));
    one(fact(1, new Fact.RequirementApproved()));
    one(fact(2, new Fact.MethodApproved(Method.OPEN_TENDER, null, null)));
    one(fact(3, new Fact.NoticePublished(T0, T0.plusSeconds(86400 * 21))));
    var result = record(fact(4, bid("S1", "450000")), fact(5, bid("S2", "450000.00")),
        fact(6, new Fact.ProcurementFailed("重新招标")));
    assertThat(result.reply().outcomes().get(1).flags()).extracting(f -> f.rule() + ":" + f.subject())
        .contains("PT02:S1+S2");
    // identical bids stay a fact after the round failed: the alert is raised and stays open
    assertThat(project().alerts().alerts()).filteredOn(a -> a.open() && a.rule().equals("PT02"))
        .extracting(a -> a.subject()).containsExactly("S1+S2");
    kit.restart();
    assertThat(project().openAlertCount()).isEqualTo(1);
  }

  @Test
  void stateAndIrregularitiesSurviveRecovery() {
    for (Fact f : competitivePath().subList(0, 13)) one(f);
    one(fact(30, new Fact.Delivered()));
    ProjectState before = project();
    kit.restart();
    assertThat(project()).isEqualTo(before);
    assertThat(project().openAlertCount()).isEqualTo(1);
  }
}
