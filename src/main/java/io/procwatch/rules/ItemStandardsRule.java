package io.procwatch.rules;

import static io.procwatch.rules.RuleSupport.details;
import static io.procwatch.rules.RuleSupport.yuan;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * PT08 负面清单/超标准 (L71, R59): what the registration says will be bought, against the operator's lists
 * ({@link Pt08Lists}).
 *
 * <ul>
 *   <li>An item whose name matches a KEYWORD entry of the negative list, or whose unitPrice is above the unit-price
 *       standard for the project's 品目 category (items carry no category of their own, so the project's is
 *       theirs): one condition per item, subject {@code "items[i]:name"} (the index keeps two items of the same
 *       name apart; the registration never changes, so the subject is stable). Both reasons on one item give one
 *       alert that names both.</li>
 *   <li>A project whose category matches a CATEGORY entry: one condition about the project, subject
 *       {@code "category:<code>"}, whether or not it lists items (a category entry says nothing about a single
 *       item, and repeating it on every item would only multiply the same alert).</li>
 * </ul>
 * A unit price equal to the standard is allowed. Permanent: it is a fact of the registration.
 */
public final class ItemStandardsRule implements ProjectRule {

  /** The registration alone. */
  @Override
  public Set<String> dependsOn(RuleContext ctx) {
    return Set.of("ProjectRegistered");
  }

  @Override
  public List<Condition> conditions(ProjectState s, RuleContext ctx) {
    Fact.ProjectRegistered r = s.registration();
    RuleDefinition def = ctx.rule(RuleId.PT08);
    Pt08Lists lists = ctx.pt08();
    Instant at = s.stepAt("ProjectRegistered");
    List<Condition> found = new ArrayList<>();

    Optional<Pt08Lists.NegativeEntry> category = lists.negativeMatch(null, r.category());
    if (category.isPresent()) {
      found.add(new Condition("PT08", def.severity(), "category:" + r.category(), false, at, null, null,
          "category " + r.category() + " is on the negative list: " + category.get().reason() + " (" + def.zh() + ")",
          details("category", r.category(), "pattern", category.get().pattern(), "reason", category.get().reason())));
    }

    if (r.items() == null) return found;
    Optional<Pt08Lists.UnitPriceStandard> standard = lists.unitPriceStandard(r.category());
    for (int i = 0; i < r.items().size(); i++) {
      Fact.Item item = r.items().get(i);
      Optional<Pt08Lists.NegativeEntry> negative = lists.negativeMatch(item.name(), null);
      BigDecimal limit = standard.map(Pt08Lists.UnitPriceStandard::maxUnitPrice).orElse(null);
      boolean overPriced = limit != null && item.unitPrice() != null && item.unitPrice().compareTo(limit) > 0;
      if (negative.isEmpty() && !overPriced) continue;
      List<String> why = new ArrayList<>();
      negative.ifPresent(n -> why.add("on the negative list (" + n.pattern() + "): " + n.reason()));
      if (overPriced) {
        why.add("unit price " + yuan(item.unitPrice()) + " above the standard of " + yuan(limit) + " for "
            + standard.get().name() + " (" + standard.get().basis() + ")");
      }
      found.add(new Condition("PT08", def.severity(), "items[" + i + "]:" + item.name(), false, at, null, null,
          "item " + item.name() + " " + String.join("; ", why) + " (" + def.zh() + ")",
          details("item", item.name(), "index", i, "negativePattern", negative.map(Pt08Lists.NegativeEntry::pattern)
              .orElse(null), "unitPrice", item.unitPrice(), "maxUnitPrice", overPriced ? limit : null,
              "category", r.category())));
    }
    return found;
  }
}
