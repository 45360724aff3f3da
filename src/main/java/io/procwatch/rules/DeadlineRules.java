package io.procwatch.rules;

import io.procwatch.calendar.DayKind;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import io.procwatch.project.RecordedFact;
import io.procwatch.project.Stage;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * DL01–DL11 of domain.md §3: which deadlines a project has, when they are due and when (in business time) they
 * were closed. Whether a deadline is breached or pre-warned is the clock's business ({@link Deadline}); what
 * becomes of its alert is {@link io.procwatch.alert.AlertBook}'s.
 *
 * <p>Every limit, unit, step name and pre-warning comes from the rule's params in {@code rules.conf}. Choices made
 * here, each for a reason:
 * <ul>
 *   <li><b>Start.</b> The first occurrence (business time) of the start step in the current tender round: a
 *       re-report or correction of the same step does not restart the legal period, and a step backfilled later
 *       with an earlier business time can only bring the deadline forward, never hide a breach already raised.
 *   <li><b>Close.</b> The first occurrence of the closing step, whatever its business time, even one before the
 *       start (that order is SQ01's to flag; counting it as open here would add a second alert for one fact).
 *   <li><b>Rounds.</b> A failed procurement clears the round ({@link SequenceRules#current}), so DL01, DL03, DL06
 *       and DL07 of an old round disappear and their open alerts resolve as "no longer due".
 *   <li><b>Ended projects.</b> After ProjectCancelled/ProjectClosed the next step of the procedure (DL01, DL02,
 *       DL06, DL07, DL08) will never come: a deadline not yet due when the project ended is dropped, one already
 *       breached stays (the breach happened). Money owed (DL05), deposits (DL03, DL04, DL10) and challenges (DL09)
 *       outlive the project. DL11 only watches projects that have not ended.
 *   <li><b>Subjects</b> (the alert identity with the rule), each fixed for the life of the deadline: "" for the
 *       round's one confirmation and award (DL01, DL06, DL07) and for the delivery (DL08, which may be reported
 *       before the contract); the contract id where a contract must exist (DL02, DL05, DL10; a project has one);
 *       the supplier for bid deposits (DL03, DL04); the challengeId (DL09); the DL11 stage name.
 * </ul>
 */
public final class DeadlineRules implements DeadlineRule {

  /** Deadlines whose closing step is the next step of the procedure: moot once the project has ended. */
  private static final Set<RuleId> PROCEDURE_STEPS =
      EnumSet.of(RuleId.DL01, RuleId.DL02, RuleId.DL06, RuleId.DL07, RuleId.DL08);

  @Override
  public List<Deadline> deadlines(ProjectState project, RuleContext ctx) {
    Steps steps = new Steps(project);
    List<Deadline> all = new ArrayList<>();
    single(RuleId.DL01, "", steps, ctx, project.award() == null ? null : project.award().supplier(), all);
    if (project.contract() != null) {
      single(RuleId.DL02, project.contract().contractId(), steps, ctx, project.contract().supplier(), all);
    }
    dl03(project, steps, ctx, all);
    dl04(project, steps, ctx, all);
    dl05(project, steps, ctx, all);
    single(RuleId.DL06, "", steps, ctx, project.confirmedSupplier(), all);
    single(RuleId.DL07, "", steps, ctx, null, all);
    dl08(project, steps, ctx, all);
    dl09(project, ctx, all);
    dl10(project, steps, ctx, all);
    dl11(project, ctx, all);

    Instant ended = steps.ended();
    if (ended == null) return all;
    List<Deadline> kept = new ArrayList<>(all.size());
    for (Deadline d : all) {
      boolean moot = PROCEDURE_STEPS.contains(RuleId.valueOf(d.rule())) && d.open() && d.dueAt().isAfter(ended);
      if (!moot) kept.add(d);
    }
    return kept;
  }

  // ---- incremental evaluation --------------------------------------------------------------------------------

  /**
   * Facts that change a deadline through what they are, whatever the configuration: a new round, the end of the
   * project, deposits, challenges, the contract and its money, the winner, disqualifications (DL03's details).
   */
  private static final Set<String> ALWAYS = Set.of("ProjectRegistered", "ProcurementFailed", "ProjectClosed",
      "ProjectCancelled", "DepositReturned", "ChallengeFiled", "ChallengeAnswered", "ContractSigned",
      "ContractAmended", "PaymentMade", "AwardPublished", "SupplierConfirmed", "BidDisqualified");

  /**
   * Other facts change a deadline only if their type starts or closes one in the configuration, if they move the
   * project to another stage (DL11), or, for a bid, once there is an award or a contract (DL03's losing bidders,
   * DL04's winner's bid). Anything else leaves every deadline as it was.
   */
  @Override
  public boolean unchangedBy(Fact fact, ProjectState before, ProjectState after, List<Deadline> previous,
      FactIndex index, RuleContext ctx) {
    String type = fact.type();
    if (ALWAYS.contains(type) || configuredSteps(ctx).contains(type)) return false;
    if (after.stage() != before.stage()) return false;
    return !(fact.data() instanceof Fact.BidReceived) || (before.award() == null && before.contract() == null);
  }

  private record ConfiguredSteps(RuleContext ctx, Set<String> types) {}

  private volatile ConfiguredSteps configured;

  /** The step types that start or close a DL01–DL10 deadline in this context's configuration. */
  private Set<String> configuredSteps(RuleContext ctx) {
    ConfiguredSteps c = configured;
    if (c == null || c.ctx() != ctx) {
      Set<String> types = new java.util.HashSet<>();
      for (RuleId id : EnumSet.range(RuleId.DL01, RuleId.DL10)) {
        DeadlineSpec spec = ctx.rule(id).deadline();
        types.add(spec.startsAt());
        types.add(spec.closedBy());
      }
      types.add(ctx.rule(RuleId.DL05).stringParam("starts-at-if-no-acceptance"));
      c = new ConfiguredSteps(ctx, Set.copyOf(types));
      configured = c;
    }
    return c.types();
  }

  // ---- DL01 DL02 DL06 DL07: one step, then another, within a fixed limit ----------------------------------------

  private static void single(RuleId id, String subject, Steps s, RuleContext ctx, String supplier,
      List<Deadline> out) {
    DeadlineSpec spec = ctx.rule(id).deadline();
    Instant start = s.first(spec.startsAt());
    if (start == null) return;
    Map<String, String> details = new LinkedHashMap<>();
    if (s.project.contract() != null && (id == RuleId.DL01 || id == RuleId.DL02)) {
      details.put("contractId", s.project.contract().contractId());
    }
    out.add(build(ctx, id, ctx.rule(id).severity(), subject, supplier, start, spec.limit(), spec.unit(),
        spec.prewarnWorkingDays(), s.first(spec.closedBy()), "no " + spec.closedBy(), spec.startsAt(), details));
  }

  // ---- DL03 DL04: bid deposits -------------------------------------------------------------------------------

  /** One deadline per losing bidder of the current round: everyone who bid there except the awarded supplier. */
  private static void dl03(ProjectState p, Steps s, RuleContext ctx, List<Deadline> out) {
    if (p.award() == null) return;
    RuleDefinition def = ctx.rule(RuleId.DL03);
    DeadlineSpec spec = def.deadline();
    Instant start = s.first(spec.startsAt());
    if (start == null) return;
    Fact.DepositKind kind = Fact.DepositKind.valueOf(def.stringParam("deposit-kind"));
    for (String loser : s.bidders()) {
      if (loser.equals(p.award().supplier())) continue;
      Instant returned = s.depositReturned(spec.closedBy(), kind, loser, s.bidAt(loser));
      Map<String, String> details = new LinkedHashMap<>();
      details.put("supplier", loser);
      details.put("awardedSupplier", p.award().supplier());
      details.put("depositKind", kind.name());
      if (p.disqualified().containsKey(loser)) details.put("disqualified", "true");
      out.add(build(ctx, RuleId.DL03, def.severity(), loser, loser, start, spec.limit(), spec.unit(),
          spec.prewarnWorkingDays(), returned, "the " + kind + " deposit of losing bidder " + loser + " not returned ("
              + spec.closedBy() + ")", spec.startsAt(), details));
    }
  }

  /** The winner's bid deposit, counted from the contract; only when the winner bid in the current round. */
  private static void dl04(ProjectState p, Steps s, RuleContext ctx, List<Deadline> out) {
    if (p.contract() == null) return;
    String winner = p.awardedSupplier() != null ? p.awardedSupplier() : p.contract().supplier();
    Instant bidAt = s.bidAt(winner);
    if (bidAt == null) return; // no tender, or the winner never bid: no bid deposit to return
    RuleDefinition def = ctx.rule(RuleId.DL04);
    DeadlineSpec spec = def.deadline();
    Instant start = s.first(spec.startsAt());
    if (start == null) return;
    Fact.DepositKind kind = Fact.DepositKind.valueOf(def.stringParam("deposit-kind"));
    Map<String, String> details = new LinkedHashMap<>();
    details.put("supplier", winner);
    details.put("contractId", p.contract().contractId());
    details.put("depositKind", kind.name());
    out.add(build(ctx, RuleId.DL04, def.severity(), winner, winner, start, spec.limit(), spec.unit(),
        spec.prewarnWorkingDays(), s.depositReturned(spec.closedBy(), kind, winner, bidAt),
        "the " + kind + " deposit of the winner " + winner + " not returned (" + spec.closedBy() + ")",
        spec.startsAt(), details));
  }

  // ---- DL05: payment -----------------------------------------------------------------------------------------

  /**
   * From acceptance (from delivery when the contract has no acceptance period, i.e. acceptanceDays = 0: SME25 §9
   * counts from the acceptance only where the contract provides one) until the payments, in business-time order,
   * add up to the contract with its amendments.
   */
  private static void dl05(ProjectState p, Steps s, RuleContext ctx, List<Deadline> out) {
    Fact.ContractSigned c = p.contract();
    if (c == null) return;
    BigDecimal total = p.contractTotal();
    if (total.signum() <= 0) return; // nothing to pay
    RuleDefinition def = ctx.rule(RuleId.DL05);
    DeadlineSpec spec = def.deadline();
    String startsAt = noAcceptancePeriod(c) ? def.stringParam("starts-at-if-no-acceptance") : spec.startsAt();
    Instant start = s.first(startsAt);
    if (start == null) return;

    List<ProjectState.Payment> payments = new ArrayList<>(p.payments());
    payments.sort(Comparator.comparing(ProjectState.Payment::occurredAt)); // stable: same instant keeps arrival order
    BigDecimal paid = BigDecimal.ZERO;
    Instant settled = null;
    for (ProjectState.Payment pm : payments) {
      paid = paid.add(pm.amount());
      if (settled == null && paid.compareTo(total) >= 0) settled = pm.occurredAt();
    }
    int limit = spec.limitFor(c.paymentDays());
    boolean sme = Boolean.TRUE.equals(c.sme());
    Map<String, String> details = new LinkedHashMap<>();
    details.put("contractId", c.contractId());
    details.put("contractTotal", total.toPlainString());
    details.put("paid", paid.toPlainString());
    details.put("sme", Boolean.toString(sme));
    details.put("paymentDays", c.paymentDays() == null ? "not agreed, default " + limit : c.paymentDays().toString());
    if (c.paymentDays() != null && c.paymentDays() != limit) {
      details.put("cappedAt", Integer.toString(limit));
    }
    out.add(build(ctx, RuleId.DL05, def.severityFor(sme), c.contractId(), c.supplier(), start, limit, spec.unit(),
        spec.prewarnWorkingDays(), settled, "payments do not reach the contract total " + total.toPlainString()
            + " (" + spec.closedBy() + ")", startsAt, details));
  }

  private static boolean noAcceptancePeriod(Fact.ContractSigned c) {
    return c != null && c.acceptanceDays() != null && c.acceptanceDays() == 0;
  }

  // ---- DL08: acceptance --------------------------------------------------------------------------------------

  /** Delivery to acceptance within the contract's acceptanceDays; none when the contract has no acceptance period. */
  private static void dl08(ProjectState p, Steps s, RuleContext ctx, List<Deadline> out) {
    Fact.ContractSigned c = p.contract();
    if (noAcceptancePeriod(c)) return; // DL05 then runs from the delivery
    RuleDefinition def = ctx.rule(RuleId.DL08);
    DeadlineSpec spec = def.deadline();
    Instant start = s.first(spec.startsAt());
    if (start == null) return;
    Integer agreed = c == null ? null : c.acceptanceDays();
    int limit = spec.limitFor(agreed);
    Map<String, String> details = new LinkedHashMap<>();
    if (c != null) details.put("contractId", c.contractId());
    details.put("acceptanceDays", agreed == null ? "not agreed, default " + limit : agreed.toString());
    out.add(build(ctx, RuleId.DL08, def.severity(), "", c == null ? null : c.supplier(), start, limit, spec.unit(),
        spec.prewarnWorkingDays(), s.first(spec.closedBy()), "no " + spec.closedBy(), spec.startsAt(), details));
  }

  // ---- DL09: challenges --------------------------------------------------------------------------------------

  private static void dl09(ProjectState p, RuleContext ctx, List<Deadline> out) {
    RuleDefinition def = ctx.rule(RuleId.DL09);
    DeadlineSpec spec = def.deadline();
    for (ProjectState.Challenge c : p.challenges().values()) {
      Map<String, String> details = new LinkedHashMap<>();
      details.put("challengeId", c.challengeId());
      if (c.supplier() != null) details.put("supplier", c.supplier());
      out.add(build(ctx, RuleId.DL09, def.severity(), c.challengeId(), c.supplier(), c.filedAt(), spec.limit(),
          spec.unit(), spec.prewarnWorkingDays(), c.answeredAt(),
          "challenge " + c.challengeId() + " not answered (" + spec.closedBy() + ")", spec.startsAt(), details));
    }
  }

  // ---- DL10: performance bond --------------------------------------------------------------------------------

  private static void dl10(ProjectState p, Steps s, RuleContext ctx, List<Deadline> out) {
    Fact.ContractSigned c = p.contract();
    if (c == null || c.performanceBond() == null || c.performanceBond().signum() <= 0) return;
    RuleDefinition def = ctx.rule(RuleId.DL10);
    DeadlineSpec spec = def.deadline();
    Instant start = s.first(spec.startsAt());
    if (start == null) return;
    Fact.DepositKind kind = Fact.DepositKind.valueOf(def.stringParam("deposit-kind"));
    Map<String, String> details = new LinkedHashMap<>();
    details.put("contractId", c.contractId());
    details.put("performanceBond", c.performanceBond().toPlainString());
    details.put("depositKind", kind.name());
    out.add(build(ctx, RuleId.DL10, def.severity(), c.contractId(), c.supplier(), start, spec.limit(), spec.unit(),
        spec.prewarnWorkingDays(), s.depositReturned(spec.closedBy(), kind, c.supplier(), null),
        "the performance bond " + c.performanceBond().toPlainString() + " not returned (" + spec.closedBy() + " "
            + kind + ")", spec.startsAt(), details));
  }

  // ---- DL11: stalled stage -----------------------------------------------------------------------------------

  /**
   * The current stage only, from the fact that moved the project into it; it disappears when the project moves on
   * (its open alert then resolves). Stages that are steps inside one SLA count with it, as the SLA comments of
   * {@code rules.conf} say ("NOTICE_PUBLISHED … to BidsOpened", "CONTRACT_SIGNED … to Delivered", "PAYING … to
   * ProjectClosed"): otherwise the first bid, the contract's publication or the final payment would restart the
   * clock, or stop it for good, since BIDDING, CONTRACT_PUBLISHED and PAID have no SLA of their own.
   */
  private static void dl11(ProjectState p, RuleContext ctx, List<Deadline> out) {
    String slaStage = slaStage(p.stage());
    if (slaStage == null) return;
    RuleDefinition def = ctx.rule(RuleId.DL11);
    StageSla sla = def.stageSla();
    OptionalInt limit = sla.limitFor(slaStage);
    if (limit.isEmpty()) return;
    Instant entered = null;
    String previous = "";
    for (RecordedFact r : p.history()) {
      String now = slaStage(r.stageAfter());
      if (!Objects.equals(now, previous)) entered = r.fact().occurredAt();
      previous = now;
    }
    if (entered == null) return;
    Map<String, String> details = new LinkedHashMap<>();
    details.put("stage", p.stage().name());
    details.put("stageZh", p.stage().zh());
    details.put("slaStage", slaStage);
    out.add(build(ctx, RuleId.DL11, def.severity(), slaStage, null, entered, limit.getAsInt(), sla.unit(),
        sla.prewarnWorkingDays(), null, "stage " + slaStage + " (" + Stage.valueOf(slaStage).zh() + ") not left",
        "entering it", details));
  }

  /** The DL11 SLA a stage counts under, or null for a stage without one (failed procurement, ended). */
  static String slaStage(Stage stage) {
    return switch (stage) {
      case REGISTERED, INTENT_PUBLISHED -> "REGISTERED";
      case NOTICE_PUBLISHED, BIDDING -> "NOTICE_PUBLISHED";
      case CONTRACT_SIGNED, CONTRACT_PUBLISHED -> "CONTRACT_SIGNED";
      case PAYING, PAID -> "PAYING";
      case PROCUREMENT_FAILED, CLOSED, CANCELLED -> null;
      default -> stage.name();
    };
  }

  // ---- shared ------------------------------------------------------------------------------------------------

  /** Everything {@link #build} reads: equal inputs build an equal deadline. */
  private record BuildInputs(RuleContext ctx, RuleId id, Severity severity, String subject, String supplier,
      Instant start, int limit, DayUnit unit, int prewarnWorkingDays, Instant closedAt, String what, String startsAt,
      Map<String, String> extra, int hash) {
    BuildInputs(RuleContext ctx, RuleId id, Severity severity, String subject, String supplier, Instant start,
        int limit, DayUnit unit, int prewarnWorkingDays, Instant closedAt, String what, String startsAt,
        Map<String, String> extra) {
      this(ctx, id, severity, subject, supplier, start, limit, unit, prewarnWorkingDays, closedAt, what, startsAt,
          extra, hash(ctx, id, subject, start, limit, closedAt, what));
    }

    /** What tells deadlines apart (the rest follows from these nearly always); no boxing, no varargs array. */
    private static int hash(RuleContext ctx, RuleId id, String subject, Instant start, int limit, Instant closedAt,
        String what) {
      int h = System.identityHashCode(ctx);
      h = 31 * h + id.ordinal();
      h = 31 * h + (subject == null ? 0 : subject.hashCode());
      h = 31 * h + start.hashCode();
      h = 31 * h + limit;
      h = 31 * h + (closedAt == null ? 0 : closedAt.hashCode());
      return 31 * h + what.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      // the context by identity: a calendar or configuration is not compared, it is the same object or another one
      return o instanceof BuildInputs b && hash == b.hash && ctx == b.ctx && id == b.id && severity == b.severity
          && limit == b.limit && unit == b.unit && prewarnWorkingDays == b.prewarnWorkingDays
          && start.equals(b.start) && Objects.equals(closedAt, b.closedAt) && Objects.equals(subject, b.subject)
          && Objects.equals(supplier, b.supplier) && what.equals(b.what) && startsAt.equals(b.startsAt)
          && extra.equals(b.extra);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * Deadlines built lately on one thread, by their inputs: a direct-mapped table (each inputs' hash picks one slot,
   * a newer deadline takes the slot over). A project's deadlines are rebuilt with equal inputs fact after fact, a
   * few at a time, so one slot each is enough; and a lookup or an insert is an array read or write, where the
   * access-ordered map this replaces spent more on keeping its order and evicting than building a deadline anew
   * costs (docs/performance.md). It holds at most {@link #SLOTS} deadlines a thread, with their inputs.
   */
  static final class Built {
    static final int SLOTS = 512; // a power of two

    private final BuildInputs[] keys = new BuildInputs[SLOTS];
    private final Deadline[] values = new Deadline[SLOTS];

    private static int slot(int hash) {
      return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }

    Deadline get(BuildInputs inputs) {
      int i = slot(inputs.hash());
      BuildInputs k = keys[i];
      return k != null && k.equals(inputs) ? values[i] : null;
    }

    void put(BuildInputs inputs, Deadline deadline) {
      int i = slot(inputs.hash());
      keys[i] = inputs;
      values[i] = deadline;
    }
  }

  private static final ThreadLocal<Built> BUILT = ThreadLocal.withInitial(Built::new);

  /**
   * A deadline from its inputs. Every fact that can change a deadline rebuilds all of a project's deadlines (the
   * stage changes with almost every fact, for DL11), but most of them come out as before; counting the calendar and
   * formatting dates and messages again was most of the rule engine's time in a bulk load of whole projects (each
   * fact of a new project judged in turn). So the deadlines built lately on this thread (a project's facts are
   * judged on one thread per command) are kept by their inputs, and equal inputs give the same object back.
   */
  private static Deadline build(RuleContext ctx, RuleId id, Severity severity, String subject, String supplier,
      Instant start, int limit, DayUnit unit, int prewarnWorkingDays, Instant closedAt, String what, String startsAt,
      Map<String, String> extra) {
    BuildInputs inputs = new BuildInputs(ctx, id, severity, subject, supplier, start, limit, unit, prewarnWorkingDays,
        closedAt, what, startsAt, extra);
    Built built = BUILT.get();
    Deadline known = built.get(inputs);
    if (known != null) return known;
    Deadline d = buildNew(inputs, ctx, id, severity, subject, supplier, start, limit, unit, prewarnWorkingDays, closedAt,
        what, startsAt, extra);
    built.put(inputs, d);
    return d;
  }

  private static Deadline buildNew(BuildInputs inputs, RuleContext ctx, RuleId id, Severity severity, String subject,
      String supplier, Instant start, int limit, DayUnit unit, int prewarnWorkingDays, Instant closedAt, String what,
      String startsAt, Map<String, String> extra) {
    WorkCalendar cal = ctx.calendar();
    Instant due = cal.dueAt(start, limit, kind(unit));
    // made when first read (alerts, late flags, views); the inputs are the words' key (equal inputs, equal words);
    // extra is not changed after it is handed here (the BUILT cache keys on it too)
    Deadline.Text text = Deadline.Text.later(inputs, () -> {
      LocalDate lastDay = due.minusNanos(1).atZone(WorkCalendar.ZONE).toLocalDate();
      String startDay = start.atZone(WorkCalendar.ZONE).toLocalDate().toString();
      Map<String, String> details = new LinkedHashMap<>(extra);
      details.put("startedAt", start.atZone(WorkCalendar.ZONE).toOffsetDateTime().toString());
      details.put("limit", limit + " " + unit);
      details.put("lastDay", lastDay.toString());
      if (closedAt != null) details.put("closedAt", closedAt.atZone(WorkCalendar.ZONE).toOffsetDateTime().toString());
      String message = ctx.rule(id).zh() + ": " + what + " within " + limit + " " + unit + " after " + startsAt
          + " on " + startDay + " (due by the end of " + lastDay + ")";
      return new Deadline.Words(message, details);
    });
    return new Deadline(id.name(), subject, severity, start, due, prewarnAt(cal, start, due, prewarnWorkingDays),
        closedAt, supplier, text);
  }

  /**
   * {@code days} working days before the period's last day (domain.md §3: "pre-warn 1 WD before"), or null for no
   * pre-warning. A period shorter than that (a contract paying on acceptance) is due soon from its start.
   */
  static Instant prewarnAt(WorkCalendar cal, Instant start, Instant due, int days) {
    if (days <= 0) return null;
    Instant at = due;
    for (int i = 0; i < days; i++) at = cal.preWarningAt(at);
    return at.isBefore(start) ? start : at;
  }

  static DayKind kind(DayUnit unit) {
    return switch (unit) {
      case CD -> DayKind.CALENDAR;
      case WD -> DayKind.WORKING;
    };
  }

  /** The facts of the project that count now (old rounds' round steps dropped), read once per evaluation. */
  private static final class Steps {
    final ProjectState project;
    final List<Fact> facts;

    Steps(ProjectState project) {
      this.project = project;
      this.facts = SequenceRules.current(project).stream().map(RecordedFact::fact).toList();
    }

    /** Business time of the first occurrence of a step type, or null. */
    Instant first(String type) {
      Instant first = null;
      for (Fact f : facts) {
        if (f.type().equals(type) && (first == null || f.occurredAt().isBefore(first))) first = f.occurredAt();
      }
      return first;
    }

    /** Suppliers who bid in the current round, in the order of their first bid. */
    Set<String> bidders() {
      Set<String> out = new LinkedHashSet<>();
      for (Fact f : facts) if (f.data() instanceof Fact.BidReceived b) out.add(b.supplier());
      return out;
    }

    Instant bidAt(String supplier) {
      Instant first = null;
      for (Fact f : facts) {
        if (f.data() instanceof Fact.BidReceived b && b.supplier().equals(supplier)
            && (first == null || f.occurredAt().isBefore(first))) first = f.occurredAt();
      }
      return first;
    }

    /**
     * The first return of a deposit of that kind to that supplier, not before {@code notBefore} (the supplier's bid
     * in this round, so that the return of a failed round's deposit does not close this round's). A return that
     * names no supplier closes nothing, except for the performance bond ({@code notBefore} null), which has one payer.
     */
    Instant depositReturned(String type, Fact.DepositKind kind, String supplier, Instant notBefore) {
      Instant first = null;
      for (Fact f : facts) {
        if (!f.type().equals(type) || !(f.data() instanceof Fact.DepositReturned r) || r.kind() != kind) continue;
        boolean forSupplier = supplier.equals(r.supplier()) || (notBefore == null && r.supplier() == null);
        if (!forSupplier || (notBefore != null && f.occurredAt().isBefore(notBefore))) continue;
        if (first == null || f.occurredAt().isBefore(first)) first = f.occurredAt();
      }
      return first;
    }

    /** Business time the project was closed or cancelled, or null. */
    Instant ended() {
      Instant first = null;
      for (Fact f : facts) {
        if ((f.data() instanceof Fact.ProjectClosed || f.data() instanceof Fact.ProjectCancelled)
            && (first == null || f.occurredAt().isBefore(first))) first = f.occurredAt();
      }
      return first;
    }
  }
}
