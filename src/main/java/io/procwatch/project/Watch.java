package io.procwatch.project;

import io.procwatch.alert.AlertBook;
import io.procwatch.alert.AlertChange;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a project's alerts must become at an instant, and when it next needs waking: the one place where
 * rules meet the alert lifecycle, used by the project actor (after a batch of facts, on a wake-up) and by
 * timeline tests alike.
 *
 * @param wakeAt when a deadline or pre-warning of the project next comes due on the wall clock, or null
 */
public record Watch(List<AlertChange> changes, Set<String> suppressed, Instant wakeAt) {

  public static Watch of(ProjectState project, Instant now, RuleEngine rules) {
    return of(project, now, rules, List.of());
  }

  /**
   * After a batch of facts. Alerts are reconciled once, at the end of the batch, so that a condition a later fact
   * of the batch clears never raises a transient alert. That is right for conditions that resolve themselves, but
   * a permanent fact (identical bids, a late bid won, ...) stays true of the project even when a later fact of the
   * batch ends the round: {@code raisedInBatch} (each {@link Judge.Accepted#raised()}) brings those in.
   *
   * @param raisedInBatch the conditions the batch's facts made hold, in order; only permanent rules' are used
   */
  public static Watch of(ProjectState project, Instant now, RuleEngine rules, List<Condition> raisedInBatch) {
    return of(project, now, rules, raisedInBatch, null);
  }

  /** @param evaluation what the rules say of {@code project} at {@code now}, if already known; else null */
  public static Watch of(ProjectState project, Instant now, RuleEngine rules, List<Condition> raisedInBatch,
      RuleEngine.Evaluation evaluation) {
    if (project == null) return new Watch(List.of(), Set.of(), null);
    RuleEngine.Evaluation ev = evaluation != null ? evaluation : rules.evaluate(project, now);
    List<Condition> conditions = new ArrayList<>(ev.conditions());
    for (Condition c : raisedInBatch) if (!rules.info(c.rule()).autoResolve()) conditions.add(c);
    List<AlertChange> changes = AlertBook.reconcile(project.alerts(), project.projectId(), project.buyer(),
        conditions, ev.deadlines(), now, rules::info);
    Set<String> suppressed = AlertBook.stillSuppressed(project.alerts().suppressed(), ev.conditions());
    return new Watch(List.copyOf(changes), suppressed, ev.nextWakeAt());
  }

  /** The identities of everything that holds now. */
  public static Set<String> holdingKeys(ProjectState project, Instant now, RuleEngine rules) {
    return rules.evaluate(project, now).holdingKeys(now);
  }

  /** Nothing to persist: no alert changes, and the silenced identities are as they were. */
  public boolean quiet(ProjectState project) {
    return changes.isEmpty() && suppressed.equals(project.alerts().suppressed());
  }
}
