package io.procwatch.rules;

import io.procwatch.project.ProjectState;
import java.time.Instant;
import java.util.List;

/**
 * A single-project rule: a pure function of the project and the service clock that says which of its
 * conditions hold now. It keeps no state and raises nothing itself; the alert lifecycle
 * ({@link io.procwatch.alert.AlertBook}) turns conditions into alerts, and the project actor persists them.
 * Every rule is therefore testable without an actor.
 */
@FunctionalInterface
public interface ProjectRule {
  List<Condition> conditions(ProjectState project, Instant now, RuleContext ctx);
}
