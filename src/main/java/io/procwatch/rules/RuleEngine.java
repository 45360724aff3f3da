package io.procwatch.rules;

import io.procwatch.alert.AlertBook;
import io.procwatch.project.Fact;
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

  /**
   * What the rules say about a project at one instant. Besides the findings it keeps, for the next incremental
   * evaluation, each rule's part of them and the running aggregates of the history it was made from.
   */
  public static final class Evaluation {
    public static final Evaluation NONE = new Evaluation(List.of(), List.of(), null, null, null, null, -1, null);

    private final List<Condition> conditions;
    private final List<Deadline> deadlines;
    private final Instant nextWakeAt;
    /** Per project rule / deadline rule, in engine order, enabled findings only; null for {@link #NONE}. */
    private final List<Condition>[] ruleConditions;
    private final List<Deadline>[] ruleDeadlines;
    /** Shared along one evaluation chain; valid for this evaluation only while it {@link FactIndex#describes} it. */
    private final FactIndex index;
    private final int facts;
    private final Fact last;

    private Evaluation(List<Condition> conditions, List<Deadline> deadlines, Instant nextWakeAt,
        List<Condition>[] ruleConditions, List<Deadline>[] ruleDeadlines, FactIndex index, int facts, Fact last) {
      this.conditions = conditions;
      this.deadlines = deadlines;
      this.nextWakeAt = nextWakeAt;
      this.ruleConditions = ruleConditions;
      this.ruleDeadlines = ruleDeadlines;
      this.index = index;
      this.facts = facts;
      this.last = last;
    }

    public List<Condition> conditions() {
      return conditions;
    }

    public List<Deadline> deadlines() {
      return deadlines;
    }

    /** When a deadline or pre-warning next changes on the wall clock, or null. */
    public Instant nextWakeAt() {
      return nextWakeAt;
    }

    /** The same findings seen at another instant: only the next wake-up depends on the clock. */
    public Evaluation at(Instant now) {
      return new Evaluation(conditions, deadlines, nextWake(deadlines, now), ruleConditions, ruleDeadlines, index,
          facts, last);
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

    /** Whether this evaluation was made of exactly this project (its facts; alerts do not matter to rules). */
    boolean isOf(ProjectState p) {
      int n = p.history().size();
      return ruleConditions != null && facts == n && n > 0 && last == p.history().get(n - 1).fact();
    }
  }

  private final RuleContext ctx;
  private final List<ProjectRule> rules;
  private final List<DeadlineRule> deadlineRules;
  /** Per rule, its {@link ProjectRule#dependsOn} (null: every type). */
  private final List<Set<String>> ruleDependsOn;
  private final List<Set<String>> deadlineDependsOn;

  public RuleEngine(RuleContext ctx, List<ProjectRule> rules, List<DeadlineRule> deadlineRules) {
    this.ctx = ctx;
    this.rules = List.copyOf(rules);
    this.deadlineRules = List.copyOf(deadlineRules);
    List<Set<String>> r = new ArrayList<>();
    for (ProjectRule rule : this.rules) r.add(rule.dependsOn(ctx));
    this.ruleDependsOn = java.util.Collections.unmodifiableList(r);
    List<Set<String>> d = new ArrayList<>();
    for (DeadlineRule rule : this.deadlineRules) d.add(rule.dependsOn(ctx));
    this.deadlineDependsOn = java.util.Collections.unmodifiableList(d);
  }

  /** Every single-project rule of domain.md §3. */
  public static RuleEngine standard(RuleContext ctx) {
    return new RuleEngine(ctx, StandardRules.projectRules(), StandardRules.deadlineRules());
  }

  public RuleContext context() {
    return ctx;
  }

  /** The full evaluation: every rule over the whole project. */
  @SuppressWarnings("unchecked")
  public Evaluation evaluate(ProjectState project, Instant now) {
    if (project == null) return Evaluation.NONE;
    List<Condition>[] byRule = new List[rules.size()];
    for (int i = 0; i < rules.size(); i++) byRule[i] = enabledConditions(rules.get(i).conditions(project, ctx));
    List<Deadline>[] byDeadlineRule = new List[deadlineRules.size()];
    for (int i = 0; i < deadlineRules.size(); i++) {
      byDeadlineRule[i] = enabledDeadlines(deadlineRules.get(i).deadlines(project, ctx));
    }
    int n = project.history().size();
    // the index is built only when an incremental evaluation first needs it (a project view never does)
    return new Evaluation(flatten(byRule), flatten(byDeadlineRule), null, byRule, byDeadlineRule, null, n,
        n == 0 ? null : project.history().get(n - 1).fact()).at(now);
  }

  /**
   * What the rules say of {@code after}, the project {@code before} plus one more fact, given what they said of
   * {@code before}: equal to {@code evaluate(after, now)}, at the cost of what the fact can change. A rule is re-run
   * only if the fact's type is one it {@linkplain ProjectRule#dependsOn depends on} and it cannot tell from the
   * running aggregates that the fact {@linkplain ProjectRule#unchangedBy changes nothing}; every other rule keeps its
   * previous findings. A flag is "a condition that did not hold before the fact", so each fact of a batch needs its
   * own evaluation; this is what makes that cheap. Falls back to the full evaluation when {@code previous} is not an
   * evaluation of {@code before}.
   */
  public Evaluation evaluate(ProjectState before, Evaluation previous, ProjectState after, Instant now) {
    if (before == null || after == null || previous == null || !previous.isOf(before)
        || after.history().size() != previous.facts + 1) {
      return evaluate(after, now);
    }
    FactIndex index = previous.index;
    Fact fact = after.history().get(previous.facts).fact();
    if (index == null || !index.describes(previous.facts, previous.last)) index = FactIndex.of(before, ctx);
    String type = fact.type();

    List<Condition>[] byRule = previous.ruleConditions.clone();
    boolean conditionsChanged = false;
    for (int i = 0; i < rules.size(); i++) {
      Set<String> deps = ruleDependsOn.get(i);
      if (deps != null && !deps.contains(type)) continue;
      ProjectRule rule = rules.get(i);
      if (rule.unchangedBy(fact, before, after, byRule[i], index, ctx)) continue;
      List<Condition> fresh = enabledConditions(rule.conditions(after, ctx));
      if (fresh.equals(byRule[i])) continue;
      byRule[i] = fresh;
      conditionsChanged = true;
    }
    List<Deadline>[] byDeadlineRule = previous.ruleDeadlines.clone();
    boolean deadlinesChanged = false;
    for (int i = 0; i < deadlineRules.size(); i++) {
      Set<String> deps = deadlineDependsOn.get(i);
      if (deps != null && !deps.contains(type)) continue;
      DeadlineRule rule = deadlineRules.get(i);
      if (rule.unchangedBy(fact, before, after, byDeadlineRule[i], index, ctx)) continue;
      List<Deadline> fresh = enabledDeadlines(rule.deadlines(after, ctx));
      // same dates and the same inputs of their words: keep the last ones (comparing the words would make them)
      if (Deadline.sameAs(fresh, byDeadlineRule[i])) continue;
      byDeadlineRule[i] = fresh;
      deadlinesChanged = true;
    }
    index.add(after.history(), previous.facts);
    // Unchanged findings keep their list (the same object): Judge then knows without comparing that no condition
    // of this fact is new.
    List<Condition> conditions = conditionsChanged ? flatten(byRule) : previous.conditions;
    List<Deadline> deadlines = deadlinesChanged ? flatten(byDeadlineRule) : previous.deadlines;
    return new Evaluation(conditions, deadlines, nextWake(deadlines, now), byRule, byDeadlineRule, index,
        previous.facts + 1, fact);
  }

  private List<Condition> enabledConditions(List<Condition> found) {
    List<Condition> out = new ArrayList<>(found.size());
    for (Condition c : found) if (enabled(c.rule())) out.add(c);
    return List.copyOf(out);
  }

  private List<Deadline> enabledDeadlines(List<Deadline> found) {
    List<Deadline> out = new ArrayList<>(found.size());
    for (Deadline d : found) if (enabled(d.rule())) out.add(d);
    return List.copyOf(out);
  }

  private static <T> List<T> flatten(List<T>[] parts) {
    List<T> out = new ArrayList<>();
    for (List<T> p : parts) out.addAll(p);
    return List.copyOf(out);
  }

  private static Instant nextWake(List<Deadline> deadlines, Instant now) {
    Instant next = null;
    for (Deadline d : deadlines) {
      Instant change = d.nextChangeAfter(now);
      if (change != null && (next == null || change.isBefore(next))) next = change;
    }
    return next;
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
