package io.procwatch.rules;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import java.time.Instant;
import java.util.List;

/**
 * A single-project rule: a pure function of the project as it was before the fact, the fact, and the
 * service clock. It returns what it finds; the project actor persists the outcome. No rule keeps state
 * of its own, so every rule is testable without an actor.
 */
@FunctionalInterface
public interface ProjectRule {
  /**
   * @param before the project before this fact; {@code null} when the fact is the registration
   */
  List<Finding> evaluate(ProjectState before, Fact fact, Instant now);
}
