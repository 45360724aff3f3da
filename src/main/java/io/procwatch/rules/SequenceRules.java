package io.procwatch.rules;

import io.procwatch.project.Fact;
import io.procwatch.project.Fact.ContractSigned;
import io.procwatch.project.Fact.DepositKind;
import io.procwatch.project.Fact.DepositReturned;
import io.procwatch.project.ProjectState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * SQ01–SQ03 of domain.md §3: the checks that are part of judging an event as it arrives. A step that
 * comes before a step it requires is stored and flagged (procwatch records reality, it does not hide it).
 */
public final class SequenceRules implements ProjectRule {
  public static final String SQ01 = "SQ01";
  public static final String SQ02 = "SQ02";
  public static final String SQ03 = "SQ03";

  @Override
  public List<Finding> evaluate(ProjectState before, Fact fact, Instant now) {
    if (before == null) return List.of();
    List<Finding> found = new ArrayList<>();
    String type = fact.type();

    if (before.stage().terminal() && !(fact.data() instanceof DepositReturned)) {
      found.add(new Finding(SQ03, Severity.WARNING, type,
          type + " after the project was " + (before.stage().name().toLowerCase()) + " (结项后活动)"));
    }

    for (String required : requiredBefore(before, fact)) {
      Instant at = before.stepAt(required);
      if (at == null) {
        found.add(new Finding(SQ01, Severity.CRITICAL, type, type + " before " + required + " (程序倒置: step skipped)"));
      } else if (at.isAfter(fact.occurredAt())) {
        found.add(new Finding(SQ01, Severity.CRITICAL, type,
            type + " at " + fact.occurredAt() + " precedes " + required + " at " + at + " (程序倒置)"));
      }
    }

    if (fact.data() instanceof ContractSigned c) {
      String awarded = before.awardedSupplier();
      if (awarded != null && !awarded.equals(c.supplier())) {
        found.add(new Finding(SQ02, Severity.CRITICAL, c.contractId(),
            "contract " + c.contractId() + " signed with " + c.supplier() + " but the award went to " + awarded
                + " (合同供应商不一致)"));
      }
    }
    return found;
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
    if (d instanceof ContractSigned) return competitive ? List.of("MethodApproved", "AwardPublished") : List.of("MethodApproved");
    if (d instanceof Fact.ContractPublished || d instanceof Fact.Delivered || d instanceof Fact.PaymentMade) {
      return List.of("ContractSigned");
    }
    if (d instanceof Fact.Accepted) return List.of("Delivered");
    if (d instanceof DepositReturned r && r.kind() != DepositKind.BID) return List.of("ContractSigned");
    return List.of();
  }
}
