package io.procwatch.project;

import io.procwatch.infra.CborSerializable;
import io.procwatch.project.Fact.AwardPublished;
import io.procwatch.project.Fact.BidReceived;
import io.procwatch.project.Fact.ContractSigned;
import io.procwatch.project.Fact.DepositKind;
import io.procwatch.project.Fact.MethodApproved;
import io.procwatch.project.Fact.NoticePublished;
import io.procwatch.project.Fact.PaymentKind;
import io.procwatch.project.Fact.ProjectRegistered;
import io.procwatch.alert.Alert;
import io.procwatch.alert.AlertBook;
import io.procwatch.alert.AlertChange;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything procwatch knows about one registered project: immutable, rebuilt by replaying its facts.
 * Money is exact ({@link BigDecimal}); totals are derived, never stored twice.
 *
 * @param steps business time of the latest occurrence of each step type in the current tender round
 *     (a failed procurement clears the round's steps, see {@link #ROUND_STEPS})
 * @param seen the content fingerprint of every event id applied, so a retry is answered "duplicate"
 *     even after a restart, and a reused id with other content is refused
 * @param history every applied fact with what was found about it, in arrival order
 */
public record ProjectState(
    String projectId,
    ProjectRegistered registration,
    Stage stage,
    int round,
    MethodApproved method,
    NoticePublished notice,
    List<BidReceived> bids,
    Map<String, String> disqualified,
    List<String> ranking,
    String confirmedSupplier,
    AwardPublished award,
    ContractSigned contract,
    List<Amendment> amendments,
    List<Payment> payments,
    Map<String, Challenge> challenges,
    List<Deposit> deposits,
    Map<String, Instant> steps,
    Map<String, String> seen,
    List<RecordedFact> history,
    AlertBook.Book alerts)
    implements CborSerializable {

  /** Steps that belong to one tender round and start over when a procurement fails (re-tender). */
  public static final Set<String> ROUND_STEPS =
      Set.of("MethodApproved", "NoticePublished", "BidReceived", "BidsOpened", "BidDisqualified",
          "EvaluationCompleted", "SupplierConfirmed", "AwardPublished");

  public record Amendment(BigDecimal amountDelta, String reason, Instant occurredAt) implements CborSerializable {}

  public record Payment(BigDecimal amount, PaymentKind kind, Instant occurredAt) implements CborSerializable {}

  public record Challenge(String challengeId, String supplier, Instant filedAt, Instant answeredAt)
      implements CborSerializable {}

  public record Deposit(DepositKind kind, String supplier, Instant occurredAt) implements CborSerializable {}

  /** The state after the project's first fact, its registration. */
  static ProjectState registered(RecordedFact first) {
    ProjectState empty =
        new ProjectState(first.fact().projectId(), null, Stage.REGISTERED, 1, null, null, List.of(), Map.of(),
            List.of(), null, null, null, List.of(), List.of(), Map.of(), List.of(), Map.of(), Map.of(), List.of(),
            AlertBook.Book.EMPTY);
    return empty.apply(first);
  }

  // ------------------------------------------------------------------ derived figures

  public BigDecimal budget() {
    return registration.budget();
  }

  public String buyer() {
    return registration.buyer();
  }

  public BigDecimal amendmentsTotal() {
    return amendments.stream().map(Amendment::amountDelta).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** Contract amount plus every amendment; null before a contract is signed. */
  public BigDecimal contractTotal() {
    return contract == null ? null : contract.amount().add(amendmentsTotal());
  }

  public BigDecimal paid() {
    return payments.stream().map(Payment::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  public boolean hasStep(String type) {
    return steps.containsKey(type);
  }

  public Instant stepAt(String type) {
    return steps.get(type);
  }

  public boolean hasBidFrom(String supplier) {
    return bids.stream().anyMatch(b -> b.supplier().equals(supplier));
  }

  /** The supplier the result was published for, else the confirmed one. */
  public String awardedSupplier() {
    return award != null ? award.supplier() : confirmedSupplier;
  }

  /** Open alerts, pre-warnings excluded: the irregularities a supervisor has to look at. */
  public int openAlertCount() {
    int n = 0;
    for (Alert a : alerts.alerts()) if (a.open() && !a.prewarning()) n++;
    return n;
  }

  /** The state after alert changes were persisted. */
  public ProjectState withAlerts(List<AlertChange> changes, Set<String> suppressed) {
    return new ProjectState(projectId, registration, stage, round, method, notice, bids, disqualified, ranking,
        confirmedSupplier, award, contract, amendments, payments, challenges, deposits, steps, seen, history,
        AlertBook.apply(alerts, changes, suppressed));
  }

  public Instant lastOccurredAt() {
    Instant last = null;
    for (RecordedFact f : history) {
      Instant t = f.fact().occurredAt();
      if (last == null || t.isAfter(last)) last = t;
    }
    return last;
  }

  // ------------------------------------------------------------------ evolution

  /**
   * The state after one accepted fact. Its next stage was decided by {@link Judge} when the fact was
   * admitted; applying never judges again, so replay gives exactly the state that was acknowledged.
   */
  ProjectState apply(RecordedFact recorded) {
    Fact fact = recorded.fact();
    Builder b = new Builder(this);
    b.stage = recorded.stageAfter();
    b.seen.put(fact.eventId(), recorded.fingerprint());
    b.history.add(recorded);
    Instant at = fact.occurredAt();
    String type = fact.type();
    Fact.Data data = fact.data();
    if (data instanceof ProjectRegistered r) {
      b.registration = r;
    } else if (data instanceof MethodApproved m) {
      b.method = m;
    } else if (data instanceof NoticePublished n) {
      b.notice = n;
    } else if (data instanceof BidReceived bid) {
      b.bids.add(bid);
    } else if (data instanceof Fact.BidDisqualified d) {
      b.disqualified.put(d.supplier(), d.reason() == null ? "" : d.reason());
    } else if (data instanceof Fact.EvaluationCompleted e) {
      b.ranking = e.ranking() == null ? List.of() : List.copyOf(e.ranking());
    } else if (data instanceof Fact.SupplierConfirmed s) {
      b.confirmedSupplier = s.supplier();
    } else if (data instanceof AwardPublished a) {
      b.award = a;
    } else if (data instanceof Fact.ChallengeFiled c) {
      b.challenges.put(c.challengeId(), new Challenge(c.challengeId(), c.supplier(), at, null));
    } else if (data instanceof Fact.ChallengeAnswered c) {
      Challenge open = b.challenges.get(c.challengeId());
      b.challenges.put(c.challengeId(), new Challenge(c.challengeId(), open.supplier(), open.filedAt(), at));
    } else if (data instanceof Fact.ProcurementFailed) {
      b.round = round + 1;
      b.method = null;
      b.notice = null;
      b.bids.clear();
      b.disqualified.clear();
      b.ranking = List.of();
      b.confirmedSupplier = null;
      b.award = null;
      b.steps.keySet().removeAll(ROUND_STEPS);
    } else if (data instanceof ContractSigned c) {
      b.contract = c;
    } else if (data instanceof Fact.ContractAmended a) {
      b.amendments.add(new Amendment(a.amountDelta(), a.reason(), at));
    } else if (data instanceof Fact.PaymentMade pm) {
      b.payments.add(new Payment(pm.amount(), pm.kind(), at));
    } else if (data instanceof Fact.DepositReturned d) {
      b.deposits.add(new Deposit(d.kind(), d.supplier(), at));
    }
    b.steps.put(type, at);
    return b.build();
  }

  private static final class Builder {
    final String projectId;
    ProjectRegistered registration;
    Stage stage;
    int round;
    MethodApproved method;
    NoticePublished notice;
    final List<BidReceived> bids;
    final Map<String, String> disqualified;
    List<String> ranking;
    String confirmedSupplier;
    AwardPublished award;
    ContractSigned contract;
    final List<Amendment> amendments;
    final List<Payment> payments;
    final Map<String, Challenge> challenges;
    final List<Deposit> deposits;
    final Map<String, Instant> steps;
    final Map<String, String> seen;
    final List<RecordedFact> history;
    final AlertBook.Book alerts;

    Builder(ProjectState s) {
      projectId = s.projectId;
      registration = s.registration;
      stage = s.stage;
      round = s.round;
      method = s.method;
      notice = s.notice;
      bids = new ArrayList<>(s.bids);
      disqualified = new LinkedHashMap<>(s.disqualified);
      ranking = s.ranking;
      confirmedSupplier = s.confirmedSupplier;
      award = s.award;
      contract = s.contract;
      amendments = new ArrayList<>(s.amendments);
      payments = new ArrayList<>(s.payments);
      challenges = new LinkedHashMap<>(s.challenges);
      deposits = new ArrayList<>(s.deposits);
      steps = new LinkedHashMap<>(s.steps);
      seen = new LinkedHashMap<>(s.seen);
      history = new ArrayList<>(s.history);
      alerts = s.alerts;
    }

    ProjectState build() {
      return new ProjectState(projectId, registration, stage, round, method, notice,
          Collections.unmodifiableList(bids), Collections.unmodifiableMap(disqualified), ranking,
          confirmedSupplier, award, contract, Collections.unmodifiableList(amendments),
          Collections.unmodifiableList(payments), Collections.unmodifiableMap(challenges),
          Collections.unmodifiableList(deposits), Collections.unmodifiableMap(steps),
          Collections.unmodifiableMap(seen), Collections.unmodifiableList(history), alerts);
    }
  }
}
