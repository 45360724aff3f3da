package io.procwatch.project;

import io.procwatch.infra.CborSerializable;
import io.procwatch.project.Fact.ContractSigned;
import io.procwatch.alert.AlertBook;
import io.procwatch.rules.Condition;
import io.procwatch.rules.Deadline;
import io.procwatch.rules.Finding;
import io.procwatch.rules.RuleEngine;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Decides what happens to a fact (domain.md §2, "How an event is judged"): applied, applied and
 * flagged, a duplicate, or rejected with nothing stored. Pure: the same state, fact and time always give
 * the same verdict, which is what lets the actor persist only the outcome.
 */
public final class Judge {

  /** The outcome of judging one fact. */
  public sealed interface Verdict {}

  /**
   * The fact is stored; {@code recorded.findings()} empty means "applied", otherwise "flagged".
   *
   * @param raised the conditions this fact made hold, in full (the findings are their summary): a permanent one
   *     must become an alert even if a later fact of the same batch makes it stop holding (see {@link Watch})
   */
  public record Accepted(RecordedFact recorded, List<Condition> raised, ProjectState after, RuleEngine.Evaluation evaluation)
      implements Verdict {}

  /** The same fact was already stored: a safe retry, nothing changes. */
  public record Duplicate(Stage stage) implements Verdict {}

  /** The fact cannot be applied; nothing is stored. */
  public record Rejected(String code, String field, String message) implements Verdict, CborSerializable {}

  private final RuleEngine rules;

  public Judge(RuleEngine rules) {
    this.rules = rules;
  }

  public RuleEngine rules() {
    return rules;
  }

  /**
   * @param state the project, or {@code null} if it has never been registered
   * @param now the service clock, when the fact is being recorded
   */
  public Verdict judge(ProjectState state, Fact fact, Instant now) {
    return judge(state, fact, now, null);
  }

  /**
   * @param evaluation what the rules say of {@code state} at {@code now}, when the caller already knows it (the
   *     previous fact's {@link Accepted#evaluation()} in a batch judged at one instant); null to compute it
   */
  public Verdict judge(ProjectState state, Fact fact, Instant now, RuleEngine.Evaluation evaluation) {
    // No fingerprint is stored with a new fact: a retry is compared with the stored fact itself (Fingerprint.sameFact),
    // so a fact that is not a retry costs no hashing at all.
    if (state == null) {
      if (!(fact.data() instanceof Fact.ProjectRegistered)) {
        return new Rejected("PROJECT_NOT_REGISTERED", "projectId",
            "project " + fact.projectId() + " has not been registered; send its ProjectRegistered first");
      }
      RecordedFact first = new RecordedFact(fact, now, null, Stage.REGISTERED, List.of());
      return withFlags(null, first, now, null);
    }

    RecordedFact seen = state.recorded(fact.eventId());
    if (seen != null) {
      return Fingerprint.sameFact(seen, fact)
          ? new Duplicate(state.stage())
          : new Rejected("EVENT_ID_REUSED", "eventId",
              "eventId " + fact.eventId() + " was already used for a different fact of this project");
    }

    Rejected refused = refuse(state, fact);
    if (refused != null) return refused;
    if (fact.data() instanceof Fact.ProjectRegistered) return new Duplicate(state.stage());

    RecordedFact recorded = new RecordedFact(fact, now, null, nextStage(state, fact), List.of());
    return withFlags(state, recorded, now, evaluation);
  }

  /**
   * A fact is "flagged" when it makes a rule's condition hold that did not hold before it (a skipped step,
   * a payment beyond the contract, a deadline it closes late, ...). Judged at the same instant before and
   * after, so only the fact itself makes the difference.
   */
  private Accepted withFlags(ProjectState before, RecordedFact recorded, Instant now, RuleEngine.Evaluation known) {
    ProjectState after = before == null ? ProjectState.registered(recorded) : before.apply(recorded);
    RuleEngine.Evaluation was = known != null ? known : rules.evaluate(before, now);
    // only the rules this fact can affect are run again (RuleEngine: equal to a full evaluation of `after`)
    RuleEngine.Evaluation is = rules.evaluate(before, was, after, now);
    List<Finding> flags = new java.util.ArrayList<>();
    List<Condition> raised = new java.util.ArrayList<>();
    // the same list means no rule found anything new: every condition already held before the fact
    if (is.conditions() != was.conditions()) {
      java.util.Set<String> held = was.holdingKeys(now);
      for (Condition c : is.conditions()) {
        if (held.contains(c.key())) continue;
        flags.add(new Finding(c.rule(), c.severity(), c.subject(), c.message()));
        raised.add(c);
      }
    }
    // A deadline flags the step that closes it late. A deadline merely running out on the wall clock is
    // not the fault of whatever fact arrives meanwhile: it raises an alert, not a flag on that fact.
    Instant occurred = recorded.fact().occurredAt();
    for (Deadline d : is.deadlines()) {
      if (!d.open() && d.closedAt().equals(occurred) && d.breached(now)) {
        flags.add(new Finding(d.rule(), d.severity(), d.subject(), d.message() + " (" + AlertBook.lateWords(d.lateness()) + ")"));
      }
    }
    if (flags.isEmpty()) return new Accepted(recorded, List.of(), after, is);
    RecordedFact flagged = new RecordedFact(recorded.fact(), recorded.recordedAt(), recorded.fingerprint(),
        recorded.stageAfter(), List.copyOf(flags));
    // the state must hold the fact as stored, with its flags (the evaluation does not depend on them)
    ProjectState stored = before == null ? ProjectState.registered(flagged) : before.apply(flagged);
    return new Accepted(flagged, List.copyOf(raised), stored, is);
  }

  /** Facts that refer to something the project does not have, or contradict its registration. */
  private static Rejected refuse(ProjectState s, Fact fact) {
    Fact.Data d = fact.data();
    if (d instanceof Fact.ProjectRegistered r && !Fingerprint.sameContent(r, s.registration())) {
      return new Rejected("REGISTRATION_CONFLICT", "data",
          "project " + s.projectId() + " is already registered with different content");
    }
    if (d instanceof Fact.BidDisqualified q && !s.hasBidFrom(q.supplier())) {
      return new Rejected("UNKNOWN_SUPPLIER", "data.supplier",
          "supplier " + q.supplier() + " has no bid in the current round of project " + s.projectId());
    }
    if (d instanceof Fact.ChallengeFiled c && s.challenges().containsKey(c.challengeId())) {
      return new Rejected("DUPLICATE_CHALLENGE", "data.challengeId",
          "challenge " + c.challengeId() + " was already filed under another eventId");
    }
    if (d instanceof Fact.ChallengeAnswered c) {
      ProjectState.Challenge open = s.challenges().get(c.challengeId());
      if (open == null) {
        return new Rejected("UNKNOWN_CHALLENGE", "data.challengeId",
            "challenge " + c.challengeId() + " was never filed in project " + s.projectId());
      }
      if (open.answeredAt() != null) {
        return new Rejected("CHALLENGE_ALREADY_ANSWERED", "data.challengeId",
            "challenge " + c.challengeId() + " was already answered");
      }
    }
    if (d instanceof ContractSigned c && s.contract() != null) {
      return new Rejected("CONTRACT_ALREADY_SIGNED", "data.contractId",
          "project " + s.projectId() + " already has contract " + s.contract().contractId());
    }
    if (d instanceof Fact.ContractAmended a) {
      if (s.contract() == null) {
        return new Rejected("NO_CONTRACT", "data.amountDelta",
            "project " + s.projectId() + " has no signed contract to amend");
      }
      if (s.contractTotal().add(a.amountDelta()).signum() < 0) {
        return new Rejected("NEGATIVE_CONTRACT", "data.amountDelta",
            "the amendment would bring the contract below zero (now " + s.contractTotal().toPlainString() + ")");
      }
    }
    if (d instanceof Fact.DepositReturned r) {
      boolean bid = r.kind() == Fact.DepositKind.BID;
      if (bid && r.supplier() != null && !hadBidEver(s, r.supplier())) {
        return new Rejected("UNKNOWN_SUPPLIER", "data.supplier",
            "supplier " + r.supplier() + " never bid in project " + s.projectId());
      }
      if (!bid && s.contract() == null) {
        return new Rejected("NO_CONTRACT", "data.kind",
            "a " + r.kind() + " deposit cannot be returned: project " + s.projectId() + " has no contract");
      }
    }
    return null;
  }

  /** A bid deposit may be returned after a re-tender cleared the round: look through the history too. */
  private static boolean hadBidEver(ProjectState s, String supplier) {
    for (RecordedFact f : s.history()) {
      if (f.fact().data() instanceof Fact.BidReceived b && b.supplier().equals(supplier)) return true;
    }
    return false;
  }

  /** The stage after a fact: forward only, except a failed procurement; terminal stages stay. */
  static Stage nextStage(ProjectState s, Fact fact) {
    Stage current = s.stage();
    if (current.terminal()) return current;
    Fact.Data d = fact.data();
    if (d instanceof Fact.ProcurementFailed) return Stage.PROCUREMENT_FAILED;
    if (d instanceof Fact.ProjectClosed) return Stage.CLOSED;
    if (d instanceof Fact.ProjectCancelled) return Stage.CANCELLED;
    Stage target = target(s, d);
    return target != null && target.compareTo(current) > 0 ? target : current;
  }

  private static Stage target(ProjectState s, Fact.Data d) {
    if (d instanceof Fact.IntentPublished) return Stage.INTENT_PUBLISHED;
    if (d instanceof Fact.RequirementApproved) return Stage.REQUIREMENT_APPROVED;
    if (d instanceof Fact.PlanFiled) return Stage.PLAN_FILED;
    if (d instanceof Fact.MethodApproved) return Stage.METHOD_APPROVED;
    if (d instanceof Fact.NoticePublished) return Stage.NOTICE_PUBLISHED;
    if (d instanceof Fact.BidReceived) return Stage.BIDDING;
    if (d instanceof Fact.BidsOpened) return Stage.BIDS_OPENED;
    if (d instanceof Fact.EvaluationCompleted) return Stage.EVALUATED;
    if (d instanceof Fact.SupplierConfirmed) return Stage.SUPPLIER_CONFIRMED;
    if (d instanceof Fact.AwardPublished) return Stage.AWARDED;
    if (d instanceof ContractSigned) return Stage.CONTRACT_SIGNED;
    if (d instanceof Fact.ContractPublished) return Stage.CONTRACT_PUBLISHED;
    if (d instanceof Fact.Delivered) return Stage.DELIVERED;
    if (d instanceof Fact.Accepted) return Stage.ACCEPTED;
    if (d instanceof Fact.PaymentMade p) {
      BigDecimal total = s.contractTotal();
      boolean settled = total != null && s.paid().add(p.amount()).compareTo(total) >= 0;
      return settled ? Stage.PAID : Stage.PAYING;
    }
    return null;
  }
}
