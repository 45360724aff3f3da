package io.procwatch.rules;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import java.util.List;
import java.util.Set;

/**
 * A single-project rule: a pure function of the project — its facts, in business time — that says which of
 * its conditions hold. The wall clock is deliberately not an input: only deadlines meet the clock, in one
 * place ({@link Deadline#breached}), which is also what lets the project actor reuse an evaluation until
 * its next fact. It keeps no state and raises nothing itself; the alert lifecycle
 * ({@link io.procwatch.alert.AlertBook}) turns conditions into alerts, and the project actor persists them.
 * Every rule is therefore testable without an actor.
 *
 * <p><b>Incremental evaluation.</b> {@link #conditions} is the rule's definition, and what a full evaluation runs.
 * After each new fact, {@link RuleEngine} re-runs a rule only if the fact may change what it finds: not if the
 * fact's type is outside {@link #dependsOn}, nor if {@link #unchangedBy} can tell from the running aggregates of
 * the history ({@link FactIndex}) that it changes nothing. Both default to "may change", which is always right.
 */
@FunctionalInterface
public interface ProjectRule {
  List<Condition> conditions(ProjectState project, RuleContext ctx);

  /**
   * The fact types (as {@link Fact#type()} names them) whose arrival can change this rule's conditions; a fact of
   * any other type leaves them as they were. Null (the default): every type. Asked once per engine.
   */
  default Set<String> dependsOn(RuleContext ctx) {
    return null;
  }

  /**
   * Whether {@code fact}, appended to {@code before} to give {@code after}, certainly leaves this rule's conditions
   * equal to {@code previous} (what it found of {@code before}, after the engine dropped disabled rules' ones).
   * Must be cheap, must never answer true wrongly, and may answer false whenever unsure: the rule is then
   * evaluated in full. {@code index} describes {@code before}'s history.
   */
  default boolean unchangedBy(Fact fact, ProjectState before, ProjectState after, List<Condition> previous,
      FactIndex index, RuleContext ctx) {
    return false;
  }
}
