package io.procwatch.rules;

import static io.procwatch.rules.RuleSupport.details;
import static io.procwatch.rules.RuleSupport.yuan;

import io.procwatch.project.Fact;
import io.procwatch.project.Fact.Method;
import io.procwatch.project.ProjectState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * SQ04 应公开招标未公开招标 (L27, R23): the budget is at or above the public-tender threshold of the active profile for
 * the project's category kind, the method approved for the current round is not open tender, and that approval
 * carries no {@code approvalRef} (the finance department's approval of another method). A blank reference counts as
 * none.
 *
 * <p>Judged on the current round's MethodApproved, so the alert clears (it resolves itself) when a new approval
 * switches to open tender or cites an approval, and also when a failed procurement sends the project back to method
 * selection; a new approval without a reference then raises a new alert. Subject: "" (one per project).
 */
public final class OpenTenderRule implements ProjectRule {

  /** The registration and the current round's method approval (a re-tender clears it). */
  @Override
  public Set<String> dependsOn(RuleContext ctx) {
    return Set.of("ProjectRegistered", "MethodApproved", "ProcurementFailed");
  }

  @Override
  public List<Condition> conditions(ProjectState s, RuleContext ctx) {
    Fact.MethodApproved m = s.method();
    if (m == null) return List.of();
    RuleDefinition def = ctx.rule(RuleId.SQ04);
    Method required = def.enumParam("required-method", Method.class);
    if (m.method() == required || (m.approvalRef() != null && !m.approvalRef().isBlank())) return List.of();
    ThresholdProfile profile = ctx.thresholds().active();
    BigDecimal threshold = profile.publicTenderThreshold(s.registration().categoryKind());
    if (s.budget().compareTo(threshold) < 0) return List.of();
    return List.of(new Condition("SQ04", def.severity(), "", false, s.stepAt("MethodApproved"), null, null,
        "budget " + yuan(s.budget()) + " is at or above the public-tender threshold of " + yuan(threshold) + " ("
            + profile.id() + ", " + s.registration().categoryKind() + ") but the method is " + m.method()
            + " without an approval reference (" + def.zh() + ")",
        details("budget", s.budget(), "threshold", threshold, "profile", profile.id(),
            "categoryKind", s.registration().categoryKind(), "method", m.method())));
  }
}
