package io.procwatch.rules;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import java.util.List;
import java.util.Set;

/**
 * A deadline rule (DL): which deadlines the project has, open or closed, with their due times computed on
 * the working-day calendar. Whether one is breached or pre-warned is then a matter of the clock
 * ({@link Deadline#breached}, {@link Deadline#prewarning}), decided in one place.
 */
@FunctionalInterface
public interface DeadlineRule {
  List<Deadline> deadlines(ProjectState project, RuleContext ctx);

  /** As {@link ProjectRule#dependsOn}. */
  default Set<String> dependsOn(RuleContext ctx) {
    return null;
  }

  /** As {@link ProjectRule#unchangedBy}: true only if {@code fact} certainly leaves the deadlines as {@code previous}. */
  default boolean unchangedBy(Fact fact, ProjectState before, ProjectState after, List<Deadline> previous,
      FactIndex index, RuleContext ctx) {
    return false;
  }
}
