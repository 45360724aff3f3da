package io.procwatch.rules;

import io.procwatch.project.ProjectState;
import java.util.List;

/**
 * A single-project rule: a pure function of the project — its facts, in business time — that says which of
 * its conditions hold. The wall clock is deliberately not an input: only deadlines meet the clock, in one
 * place ({@link Deadline#breached}), which is also what lets the project actor reuse an evaluation until
 * its next fact. It keeps no state and raises nothing itself; the alert lifecycle
 * ({@link io.procwatch.alert.AlertBook}) turns conditions into alerts, and the project actor persists them.
 * Every rule is therefore testable without an actor.
 */
@FunctionalInterface
public interface ProjectRule {
  List<Condition> conditions(ProjectState project, RuleContext ctx);
}
