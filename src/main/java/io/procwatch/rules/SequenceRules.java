package io.procwatch.rules;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import io.procwatch.project.RecordedFact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SQ01–SQ03 of domain.md §3, the order of steps. Judged in business time over the whole history, so a
 * backfill that reports steps out of order is not flagged once the missing step arrives with an earlier
 * business time (the alert then clears).
 */
public final class SequenceRules implements ProjectRule {

  @Override
  public List<Condition> conditions(ProjectState s, RuleContext ctx) {
    List<Condition> found = new ArrayList<>();
    List<RecordedFact> facts = current(s);
    sq01(s, facts, found, ctx);
    sq02(s, found, ctx);
    sq03(s, found, ctx);
    return found;
  }

  /** Facts that change what SQ02 compares, which steps SQ01 requires (the method), or the round, or start SQ03. */
  private static final Set<String> RESHAPING = Set.of("ProcurementFailed", "MethodApproved", "ContractSigned",
      "AwardPublished", "SupplierConfirmed", "ProjectClosed", "ProjectCancelled");

  /**
   * A fact leaves SQ01–SQ03 as they were when: the project never ended (no SQ03), it is not one of the
   * {@link #RESHAPING} types (SQ02's inputs and the method stay), it is not earlier than a fact of its type that
   * already counts (so no step's requirement is met any earlier than before), and it is itself in order or its type
   * already has its SQ01 condition (one per type: the first out-of-order fact in arrival order).
   */
  @Override
  public boolean unchangedBy(Fact fact, ProjectState before, ProjectState after, List<Condition> previous,
      FactIndex index, RuleContext ctx) {
    String type = fact.type();
    if (RESHAPING.contains(type) || index.ended()) return false;
    Instant earliest = index.earliestCurrent(type);
    if (earliest == null || fact.occurredAt().isBefore(earliest)) return false;
    for (Condition c : previous) if (c.rule().equals("SQ01") && c.subject().equals(type)) return true;
    for (String required : requiredBefore(after, fact)) {
      Instant at = index.earliestCurrent(required);
      if (at == null || at.isAfter(fact.occurredAt())) return false;
    }
    return true;
  }

  /** The facts that count now: everything, except the round steps of failed rounds. */
  static List<RecordedFact> current(ProjectState s) {
    int lastFailure = -1;
    List<RecordedFact> h = s.history();
    for (int i = 0; i < h.size(); i++) if (h.get(i).fact().data() instanceof Fact.ProcurementFailed) lastFailure = i;
    if (lastFailure < 0) return h;
    List<RecordedFact> out = new ArrayList<>(h.size());
    for (int i = 0; i < h.size(); i++) {
      if (i < lastFailure && ProjectState.ROUND_STEPS.contains(h.get(i).fact().type())) continue;
      out.add(h.get(i));
    }
    return out;
  }

  /** SQ01 程序倒置: a step with no occurrence of a step it requires at or before its business time. */
  private static void sq01(ProjectState s, List<RecordedFact> facts, List<Condition> found, RuleContext ctx) {
    Map<String, Instant> earliest = new LinkedHashMap<>();
    for (RecordedFact r : facts) earliest.merge(r.fact().type(), r.fact().occurredAt(), (a, b) -> a.isBefore(b) ? a : b);
    Map<String, Condition> bySubject = new LinkedHashMap<>();
    for (RecordedFact r : facts) {
      Fact f = r.fact();
      if (bySubject.containsKey(f.type())) continue;
      for (String required : requiredBefore(s, f)) {
        Instant at = earliest.get(required);
        if (at != null && !at.isAfter(f.occurredAt())) continue;
        String why = at == null ? f.type() + " without " + required : f.type() + " at " + f.occurredAt() + " before " + required + " at " + at;
        bySubject.putIfAbsent(f.type(), new Condition("SQ01", ctx.rule(RuleId.SQ01).severity(), f.type(), false,
            f.occurredAt(), null, null, why + " (程序倒置)", Map.of("step", f.type(), "requires", required, "eventId", f.eventId())));
      }
    }
    found.addAll(bySubject.values());
  }

  /** SQ02 合同供应商不一致. */
  private static void sq02(ProjectState s, List<Condition> found, RuleContext ctx) {
    Fact.ContractSigned c = s.contract();
    String awarded = s.awardedSupplier();
    if (c == null || awarded == null || awarded.equals(c.supplier())) return;
    found.add(new Condition("SQ02", ctx.rule(RuleId.SQ02).severity(), c.contractId(), false,
        s.stepAt("ContractSigned"), null, c.supplier(),
        "contract " + c.contractId() + " signed with " + c.supplier() + " but the award went to " + awarded + " (合同供应商不一致)",
        Map.of("contractSupplier", c.supplier(), "awardedSupplier", awarded)));
  }

  /** SQ03 结项后活动: anything but a deposit return reported after the closing or cancellation. */
  private static void sq03(ProjectState s, List<Condition> found, RuleContext ctx) {
    boolean ended = false;
    Map<String, Condition> byType = new LinkedHashMap<>();
    for (RecordedFact r : s.history()) {
      Fact.Data d = r.fact().data();
      if (ended && !(d instanceof Fact.DepositReturned)) {
        String type = r.fact().type();
        byType.putIfAbsent(type, new Condition("SQ03", ctx.rule(RuleId.SQ03).severity(), type, false,
            r.fact().occurredAt(), null, null, type + " after the project was closed (结项后活动)",
            Map.of("eventId", r.fact().eventId())));
      }
      if (d instanceof Fact.ProjectClosed || d instanceof Fact.ProjectCancelled) ended = true;
    }
    found.addAll(byType.values());
  }

  /**
   * The steps that must already have happened (in business time) for a fact to be in order. Optional
   * steps (intent, plan filing) and steps of the competitive path that a self-purchase does not have are
   * not required.
   */
  static List<String> requiredBefore(ProjectState s, Fact fact) {
    boolean competitive = s.method() != null && s.method().method().competitive();
    Fact.Data d = fact.data();
    if (d instanceof Fact.PlanFiled || d instanceof Fact.MethodApproved) return List.of("RequirementApproved");
    if (d instanceof Fact.NoticePublished) return List.of("MethodApproved");
    if (d instanceof Fact.BidReceived || d instanceof Fact.BidsOpened) return List.of("NoticePublished");
    if (d instanceof Fact.BidDisqualified || d instanceof Fact.EvaluationCompleted) return List.of("BidsOpened");
    if (d instanceof Fact.SupplierConfirmed) return competitive ? List.of("EvaluationCompleted") : List.of();
    if (d instanceof Fact.AwardPublished) return competitive ? List.of("SupplierConfirmed") : List.of();
    if (d instanceof Fact.ContractSigned) return competitive ? List.of("MethodApproved", "AwardPublished") : List.of("MethodApproved");
    if (d instanceof Fact.ContractPublished || d instanceof Fact.Delivered || d instanceof Fact.PaymentMade) {
      return List.of("ContractSigned");
    }
    if (d instanceof Fact.Accepted) return List.of("Delivered");
    if (d instanceof Fact.DepositReturned r && r.kind() != Fact.DepositKind.BID) return List.of("ContractSigned");
    return List.of();
  }
}
