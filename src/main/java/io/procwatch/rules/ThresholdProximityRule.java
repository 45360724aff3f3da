package io.procwatch.rules;

import static io.procwatch.rules.RuleSupport.details;
import static io.procwatch.rules.RuleSupport.yuan;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PT09 临界值 (R28): the budget or the contract amount lies in {@code [band × T, T)} for a threshold {@code T} of the
 * active profile: the procurement limit (限额) and the public-tender threshold for the project's category kind, and
 * the central-catalogue amount.
 *
 * <p>Definitions the domain leaves open: the central-catalogue amount only binds catalogue items, so it is a threshold
 * only for a project registered with {@code centralCatalogue = true} (a non-catalogue purchase just below it escapes
 * nothing); a profile without that amount has no such threshold. The contract amount is the amount as signed
 * (amendments do not move it: the signal is about how the purchase was sized). Exact decimals:
 * {@code band × T} is computed in {@link BigDecimal}, and an amount equal to it is in the band.
 *
 * <p>Subject: {@code "<budget|contract>:<procurement-limit|public-tender|central-catalogue>"}, one alert per amount
 * and threshold. Permanent (INFO): it is a fact about how the purchase was sized.
 */
public final class ThresholdProximityRule implements ProjectRule {

  /** The budget and the contract amount. */
  @Override
  public Set<String> dependsOn(RuleContext ctx) {
    return Set.of("ProjectRegistered", "ContractSigned");
  }

  @Override
  public List<Condition> conditions(ProjectState s, RuleContext ctx) {
    RuleDefinition def = ctx.rule(RuleId.PT09);
    BigDecimal band = def.decimalParam("band");
    ThresholdProfile profile = ctx.thresholds().active();
    Fact.ProjectRegistered r = s.registration();
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    thresholds.put("procurement-limit", profile.procurementLimit(r.categoryKind()));
    thresholds.put("public-tender", profile.publicTenderThreshold(r.categoryKind()));
    if (Boolean.TRUE.equals(r.centralCatalogue())) {
      profile.centralCatalogueThreshold().ifPresent(t -> thresholds.put("central-catalogue", t));
    }
    List<Condition> found = new ArrayList<>();
    check("budget", r.budget(), s.stepAt("ProjectRegistered"), thresholds, band, profile, def, found);
    if (s.contract() != null) {
      check("contract", s.contract().amount(), s.stepAt("ContractSigned"), thresholds, band, profile, def, found);
    }
    return found;
  }

  private static void check(String what, BigDecimal amount, Instant at, Map<String, BigDecimal> thresholds,
      BigDecimal band, ThresholdProfile profile, RuleDefinition def, List<Condition> found) {
    for (Map.Entry<String, BigDecimal> t : thresholds.entrySet()) {
      BigDecimal threshold = t.getValue();
      BigDecimal floor = threshold.multiply(band);
      if (amount.compareTo(floor) < 0 || amount.compareTo(threshold) >= 0) continue;
      found.add(new Condition("PT09", def.severity(), what + ":" + t.getKey(), false, at, null, null,
          what + " " + yuan(amount) + " is just below the " + t.getKey() + " threshold of " + yuan(threshold)
              + " (" + profile.id() + "; band from " + yuan(floor) + ") (" + def.zh() + ")",
          details("amount", amount, "threshold", threshold, "floor", floor, "band", band, "profile", profile.id(),
              "thresholdKind", t.getKey())));
    }
  }
}
