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
 * @param history every applied fact with what was found about it, in arrival order; also the memory of
 *     event ids already applied ({@link #fingerprintOf})
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
    List<RecordedFact> history,
    AlertBook.Book alerts)
    implements CborSerializable {

  /**
   * The growing parts share structure between versions (see {@link AppendOnlyList}), so applying a fact costs
   * O(1) instead of a copy of the whole history. A snapshot written before the history was indexed also has a
   * {@code seen} map of event ids: it is ignored on reading (unknown properties are, in pekko-serialization-
   * jackson), because the history holds the same fingerprints.
   */
  public ProjectState {
    history = AppendOnlyList.of(history, EVENT_ID);
    bids = AppendOnlyList.of(bids, null);
  }

  private static final java.util.function.Function<RecordedFact, String> EVENT_ID = r -> r.fact().eventId();

  /**
   * The content fingerprint of the applied fact with this event id, or null: a retry of the same content is
   * answered "duplicate" (even after a restart, the history being part of the state) and a reused id with
   * other content is refused.
   */
  public String fingerprintOf(String eventId) {
    RecordedFact r = recorded(eventId);
    return r == null ? null : r.fingerprint();
  }

  /**
   * The applied fact with this event id, or null: a retry of the same content ({@link Fingerprint#sameFact}) is
   * answered "duplicate" (even after a restart, the history being part of the state) and a reused id with other
   * content is refused.
   */
  public RecordedFact recorded(String eventId) {
    return ((AppendOnlyList<RecordedFact>) history).findByKey(eventId);
  }

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
            List.of(), null, null, null, List.of(), List.of(), Map.of(), List.of(), Map.of(), List.of(),
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
        confirmedSupplier, award, contract, amendments, payments, challenges, deposits, steps, history,
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
    b.history = b.history.append(recorded);
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
      b.bids = b.bids.append(bid);
    } else if (data instanceof Fact.BidDisqualified d) {
      b.disqualified().put(d.supplier(), d.reason() == null ? "" : d.reason());
    } else if (data instanceof Fact.EvaluationCompleted e) {
      b.ranking = e.ranking() == null ? List.of() : List.copyOf(e.ranking());
    } else if (data instanceof Fact.SupplierConfirmed s) {
      b.confirmedSupplier = s.supplier();
    } else if (data instanceof AwardPublished a) {
      b.award = a;
    } else if (data instanceof Fact.ChallengeFiled c) {
      b.challenges().put(c.challengeId(), new Challenge(c.challengeId(), c.supplier(), at, null));
    } else if (data instanceof Fact.ChallengeAnswered c) {
      Challenge open = b.challenges().get(c.challengeId());
      b.challenges().put(c.challengeId(), new Challenge(c.challengeId(), open.supplier(), open.filedAt(), at));
    } else if (data instanceof Fact.ProcurementFailed) {
      b.round = round + 1;
      b.method = null;
      b.notice = null;
      b.bids = AppendOnlyList.empty();
      b.disqualified().clear();
      b.ranking = List.of();
      b.confirmedSupplier = null;
      b.award = null;
      b.steps().keySet().removeAll(ROUND_STEPS);
    } else if (data instanceof ContractSigned c) {
      b.contract = c;
    } else if (data instanceof Fact.ContractAmended a) {
      b.amendments().add(new Amendment(a.amountDelta(), a.reason(), at));
    } else if (data instanceof Fact.PaymentMade pm) {
      b.payments().add(new Payment(pm.amount(), pm.kind(), at));
    } else if (data instanceof Fact.DepositReturned d) {
      b.deposits().add(new Deposit(d.kind(), d.supplier(), at));
    }
    if (!at.equals(steps.get(type))) b.steps().put(type, at);
    return b.build();
  }

  /**
   * The next version of a state. The growing lists are appended without copying ({@link AppendOnlyList});
   * every other collection is copied only if the fact changes it (copy on write), so a fact costs what it
   * changes, not the size of the project.
   */
  private static final class Builder {
    private final ProjectState s;
    ProjectRegistered registration;
    Stage stage;
    int round;
    MethodApproved method;
    NoticePublished notice;
    AppendOnlyList<BidReceived> bids;
    private Map<String, String> disqualified;
    List<String> ranking;
    String confirmedSupplier;
    AwardPublished award;
    ContractSigned contract;
    private List<Amendment> amendments;
    private List<Payment> payments;
    private Map<String, Challenge> challenges;
    private List<Deposit> deposits;
    private Map<String, Instant> steps;
    AppendOnlyList<RecordedFact> history;

    Builder(ProjectState s) {
      this.s = s;
      registration = s.registration;
      stage = s.stage;
      round = s.round;
      method = s.method;
      notice = s.notice;
      bids = (AppendOnlyList<BidReceived>) s.bids;
      ranking = s.ranking;
      confirmedSupplier = s.confirmedSupplier;
      award = s.award;
      contract = s.contract;
      history = (AppendOnlyList<RecordedFact>) s.history;
    }

    Map<String, String> disqualified() {
      if (disqualified == null) disqualified = new LinkedHashMap<>(s.disqualified);
      return disqualified;
    }

    List<Amendment> amendments() {
      if (amendments == null) amendments = new ArrayList<>(s.amendments);
      return amendments;
    }

    List<Payment> payments() {
      if (payments == null) payments = new ArrayList<>(s.payments);
      return payments;
    }

    Map<String, Challenge> challenges() {
      if (challenges == null) challenges = new LinkedHashMap<>(s.challenges);
      return challenges;
    }

    List<Deposit> deposits() {
      if (deposits == null) deposits = new ArrayList<>(s.deposits);
      return deposits;
    }

    Map<String, Instant> steps() {
      if (steps == null) steps = new LinkedHashMap<>(s.steps);
      return steps;
    }

    ProjectState build() {
      return new ProjectState(s.projectId, registration, stage, round, method, notice, bids,
          disqualified == null ? s.disqualified : Collections.unmodifiableMap(disqualified), ranking,
          confirmedSupplier, award, contract,
          amendments == null ? s.amendments : Collections.unmodifiableList(amendments),
          payments == null ? s.payments : Collections.unmodifiableList(payments),
          challenges == null ? s.challenges : Collections.unmodifiableMap(challenges),
          deposits == null ? s.deposits : Collections.unmodifiableList(deposits),
          steps == null ? s.steps : Collections.unmodifiableMap(steps), history, s.alerts);
    }
  }
}
