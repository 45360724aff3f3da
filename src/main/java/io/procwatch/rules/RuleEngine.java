package io.procwatch.rules;

import io.procwatch.alert.AlertBook;
import io.procwatch.project.ProjectState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Runs every enabled single-project rule over a project at a given time: the conditions that hold, the
 * deadlines it has, and when the wall clock next matters for it.
 */
public final class RuleEngine {

  /**
   * Facts that stay true once they happened: their alerts wait for a supervisor's resolve with a note
   * (domain.md §5, "permanent facts"). Every other rule resolves itself when its condition clears.
   */
  static final Set<RuleId> PERMANENT = EnumSet.of(RuleId.SQ03, RuleId.BG01, RuleId.BG05, RuleId.BG06, RuleId.MP01,
      RuleId.MP02, RuleId.MP03, RuleId.PT02, RuleId.PT03, RuleId.PT04, RuleId.PT05, RuleId.PT06, RuleId.PT07,
      RuleId.PT08, RuleId.PT09);

  /** What the rules say about a project at one instant. */
  public record Evaluation(List<Condition> conditions, List<Deadline> deadlines, Instant nextWakeAt) {
    public static final Evaluation NONE = new Evaluation(List.of(), List.of(), null);

    /** The same findings seen at another instant: only the next wake-up depends on the clock. */
    public Evaluation at(Instant now) {
      Instant next = null;
      for (Deadline d : deadlines) {
        Instant change = d.nextChangeAfter(now);
        if (change != null && (next == null || change.isBefore(next))) next = change;
      }
      return new Evaluation(conditions, deadlines, next);
    }

    /** Identities of everything that holds: conditions, breached deadlines and pre-warnings. */
    public Set<String> holdingKeys(Instant now) {
      Set<String> keys = new java.util.LinkedHashSet<>();
      for (Condition c : conditions) keys.add(c.key());
      for (Deadline d : deadlines) {
        if (d.breached(now)) keys.add(d.rule() + "|" + d.subject());
      }
      return keys;
    }
  }

  private final RuleContext ctx;
  private final List<ProjectRule> rules;
  private final List<DeadlineRule> deadlineRules;

  public RuleEngine(RuleContext ctx, List<ProjectRule> rules, List<DeadlineRule> deadlineRules) {
    this.ctx = ctx;
    this.rules = List.copyOf(rules);
    this.deadlineRules = List.copyOf(deadlineRules);
  }

  /** Every single-project rule of domain.md §3. */
  public static RuleEngine standard(RuleContext ctx) {
    return new RuleEngine(ctx, StandardRules.projectRules(), StandardRules.deadlineRules());
  }

  public RuleContext context() {
    return ctx;
  }

  public Evaluation evaluate(ProjectState project, Instant now) {
    if (project == null) return Evaluation.NONE;
    List<Condition> conditions = new ArrayList<>();
    for (ProjectRule r : rules) {
      for (Condition c : r.conditions(project, ctx)) if (enabled(c.rule())) conditions.add(c);
    }
    List<Deadline> deadlines = new ArrayList<>();
    Instant next = null;
    for (DeadlineRule r : deadlineRules) {
      for (Deadline d : r.deadlines(project, ctx)) {
        if (!enabled(d.rule())) continue;
        deadlines.add(d);
        Instant change = d.nextChangeAfter(now);
        if (change != null && (next == null || change.isBefore(next))) next = change;
      }
    }
    return new Evaluation(List.copyOf(conditions), List.copyOf(deadlines), next);
  }

  public boolean enabled(String rule) {
    return ctx.catalogue().get(rule).enabled();
  }

  /** Names, basis and lifecycle of a rule, as alerts carry them. */
  public AlertBook.RuleInfo info(String rule) {
    RuleDefinition d = ctx.catalogue().get(rule);
    return new AlertBook.RuleInfo(d.zh(), d.en(), d.basis(), !PERMANENT.contains(d.id()));
  }
}
