package io.procwatch.rules;

import io.procwatch.project.ProjectState;
import java.util.List;

/**
 * A deadline rule (DL): which deadlines the project has, open or closed, with their due times computed on
 * the working-day calendar. Whether one is breached or pre-warned is then a matter of the clock
 * ({@link Deadline#breached}, {@link Deadline#prewarning}), decided in one place.
 */
@FunctionalInterface
public interface DeadlineRule {
  List<Deadline> deadlines(ProjectState project, RuleContext ctx);
}
