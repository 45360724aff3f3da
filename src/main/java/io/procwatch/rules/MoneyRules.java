package io.procwatch.rules;

import static io.procwatch.rules.RuleSupport.details;
import static io.procwatch.rules.RuleSupport.yuan;

import io.procwatch.project.Fact;
import io.procwatch.project.Fact.PaymentKind;
import io.procwatch.project.ProjectState;
import io.procwatch.project.ProjectState.Amendment;
import io.procwatch.project.ProjectState.Payment;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BG01–BG06 of domain.md §3: budget, award, contract and payments. Every comparison is on exact {@link BigDecimal}
 * values with {@code compareTo}, so 100.0 and 100.00 are the same amount and no sum ever passes through a double.
 *
 * <p>Subjects: BG01 and BG06 the awarded supplier; BG02–BG04 the contract id; BG05 the payment kind (a final payment
 * before acceptance is a different irregularity from a progress payment, and each gets its own alert).
 *
 * <p>Definitions the domain leaves open:
 * <ul>
 *   <li>BG02 compares the contract amount <em>as signed</em>: additions are BG03's matter, and L49 allows them up to
 *       10%, so an amended total above the award is not a BG02 breach.</li>
 *   <li>BG03 sums every amountDelta, reductions included, as the domain's Σ says: a reduction offsets an
 *       addition.</li>
 *   <li>BG04 needs a contract; a payment without one is a sequence breach (SQ01), not an over-payment.</li>
 *   <li>BG05: "before Accepted" is in business time, against the earliest Accepted of the project; a payment at the
 *       very instant of acceptance is not before it.</li>
 *   <li>BG06 is not judged on a zero budget (no ratio); it also holds when the award exceeds the budget, which BG01
 *       reports as well.</li>
 * </ul>
 */
public final class MoneyRules implements ProjectRule {

  @Override
  public List<Condition> conditions(ProjectState s, RuleContext ctx) {
    List<Condition> found = new ArrayList<>();
    bg01(s, ctx, found);
    bg02(s, ctx, found);
    bg03(s, ctx, found);
    bg04(s, ctx, found);
    bg05(s, ctx, found);
    bg06(s, ctx, found);
    return found;
  }

  /** Budget, award (cleared by a re-tender), contract, amendments, payments and acceptance. */
  @Override
  public Set<String> dependsOn(RuleContext ctx) {
    return Set.of("ProjectRegistered", "AwardPublished", "ContractSigned", "ContractAmended", "PaymentMade", "Accepted",
        "ProcurementFailed");
  }

  /** BG01 中标超预算: award amount > budget. */
  private static void bg01(ProjectState s, RuleContext ctx, List<Condition> found) {
    Fact.AwardPublished a = s.award();
    if (a == null || a.amount().compareTo(s.budget()) <= 0) return;
    RuleDefinition def = ctx.rule(RuleId.BG01);
    found.add(new Condition("BG01", def.severity(), a.supplier(), false, s.stepAt("AwardPublished"), null,
        a.supplier(), "award to " + a.supplier() + " of " + yuan(a.amount()) + " is above the budget of "
            + yuan(s.budget()) + " (" + def.zh() + ")",
        details("award", a.amount(), "budget", s.budget(), "over", a.amount().subtract(s.budget()))));
  }

  /** BG02 合同超预算/超中标价: contract amount > budget, or > award amount. */
  private static void bg02(ProjectState s, RuleContext ctx, List<Condition> found) {
    Fact.ContractSigned c = s.contract();
    if (c == null) return;
    boolean overBudget = c.amount().compareTo(s.budget()) > 0;
    Fact.AwardPublished a = s.award();
    boolean overAward = a != null && c.amount().compareTo(a.amount()) > 0;
    if (!overBudget && !overAward) return;
    List<String> why = new ArrayList<>();
    if (overBudget) why.add("the budget of " + yuan(s.budget()));
    if (overAward) why.add("the award of " + yuan(a.amount()));
    RuleDefinition def = ctx.rule(RuleId.BG02);
    found.add(new Condition("BG02", def.severity(), c.contractId(), false, s.stepAt("ContractSigned"), null,
        c.supplier(), "contract " + c.contractId() + " of " + yuan(c.amount()) + " is above " + String.join(" and ", why)
            + " (" + def.zh() + ")",
        details("contract", c.amount(), "budget", s.budget(), "award", a == null ? null : a.amount(),
            "overBudget", overBudget, "overAward", overAward)));
  }

  /** BG03 追加超10%: Σ amountDelta > ratio × the original contract amount. */
  private static void bg03(ProjectState s, RuleContext ctx, List<Condition> found) {
    Fact.ContractSigned c = s.contract();
    if (c == null || s.amendments().isEmpty()) return;
    RuleDefinition def = ctx.rule(RuleId.BG03);
    BigDecimal ratio = def.decimalParam("ratio");
    BigDecimal limit = c.amount().multiply(ratio);
    BigDecimal total = s.amendmentsTotal();
    if (total.compareTo(limit) <= 0) return;
    List<Amendment> inTime = s.amendments().stream().sorted(Comparator.comparing(Amendment::occurredAt)).toList();
    Instant since = crossedAt(inTime.stream().map(Amendment::occurredAt).toList(),
        inTime.stream().map(Amendment::amountDelta).toList(), limit);
    found.add(new Condition("BG03", def.severity(), c.contractId(), false, since, null, c.supplier(),
        "amendments to contract " + c.contractId() + " add up to " + yuan(total) + ", above " + ratio.toPlainString()
            + " × " + yuan(c.amount()) + " = " + yuan(limit) + " (" + def.zh() + ")",
        details("amendments", total, "contract", c.amount(), "ratio", ratio, "limit", limit)));
  }

  /** BG04 超合同支付: Σ payments > contract + Σ amendments. */
  private static void bg04(ProjectState s, RuleContext ctx, List<Condition> found) {
    Fact.ContractSigned c = s.contract();
    if (c == null) return;
    BigDecimal total = s.contractTotal();
    BigDecimal paid = s.paid();
    if (paid.compareTo(total) <= 0) return;
    List<Payment> inTime = s.payments().stream().sorted(Comparator.comparing(Payment::occurredAt)).toList();
    Instant since = crossedAt(inTime.stream().map(Payment::occurredAt).toList(),
        inTime.stream().map(Payment::amount).toList(), total);
    RuleDefinition def = ctx.rule(RuleId.BG04);
    found.add(new Condition("BG04", def.severity(), c.contractId(), false, since, null, c.supplier(),
        "payments of " + yuan(paid) + " are above contract " + c.contractId() + " with its amendments, "
            + yuan(total) + " (" + def.zh() + ")",
        details("paid", paid, "contractTotal", total, "over", paid.subtract(total))));
  }

  /** BG05 验收前付款: a payment of a kind not exempted, made before the project was accepted (business time). */
  private static void bg05(ProjectState s, RuleContext ctx, List<Condition> found) {
    RuleDefinition def = ctx.rule(RuleId.BG05);
    Set<PaymentKind> exempt = def.enumSetParam("exempt-payment-kinds", PaymentKind.class);
    Instant acceptedAt = RuleSupport.earliest(s, Fact.Accepted.class);
    Map<PaymentKind, Payment> firstEarly = new EnumMap<>(PaymentKind.class);
    for (Payment p : s.payments()) {
      if (exempt.contains(p.kind())) continue;
      if (acceptedAt != null && !p.occurredAt().isBefore(acceptedAt)) continue;
      firstEarly.merge(p.kind(), p, (a, b) -> b.occurredAt().isBefore(a.occurredAt()) ? b : a);
    }
    String supplier = s.contract() == null ? null : s.contract().supplier();
    for (Payment p : firstEarly.values()) {
      found.add(new Condition("BG05", def.severity(), p.kind().name(), false, p.occurredAt(), null, supplier,
          p.kind() + " payment of " + yuan(p.amount()) + " at " + p.occurredAt()
              + (acceptedAt == null ? " before any acceptance" : " before the acceptance at " + acceptedAt)
              + " (" + def.zh() + ")",
          details("kind", p.kind(), "amount", p.amount(), "paidAt", p.occurredAt(), "acceptedAt", acceptedAt)));
    }
  }

  /** BG06 中标价贴近预算: award / budget ≥ ratio, compared as award ≥ ratio × budget so nothing is divided. */
  private static void bg06(ProjectState s, RuleContext ctx, List<Condition> found) {
    Fact.AwardPublished a = s.award();
    if (a == null || s.budget().signum() == 0) return;
    RuleDefinition def = ctx.rule(RuleId.BG06);
    BigDecimal ratio = def.decimalParam("ratio");
    BigDecimal floor = s.budget().multiply(ratio);
    if (a.amount().compareTo(floor) < 0) return;
    found.add(new Condition("BG06", def.severity(), a.supplier(), false, s.stepAt("AwardPublished"), null,
        a.supplier(), "award to " + a.supplier() + " of " + yuan(a.amount()) + " is at least " + ratio.toPlainString()
            + " of the budget of " + yuan(s.budget()) + " (" + def.zh() + ")",
        details("award", a.amount(), "budget", s.budget(), "ratio", ratio, "floor", floor)));
  }

  /**
   * The business time from which a running sum (in time order) has stayed above {@code limit}: when the breach
   * began. Only called when the final sum is above the limit.
   */
  static Instant crossedAt(List<Instant> times, List<BigDecimal> amounts, BigDecimal limit) {
    BigDecimal run = BigDecimal.ZERO;
    Instant since = null;
    for (int i = 0; i < times.size(); i++) {
      run = run.add(amounts.get(i));
      boolean above = run.compareTo(limit) > 0;
      if (above && since == null) since = times.get(i);
      if (!above) since = null;
    }
    return since;
  }
}
