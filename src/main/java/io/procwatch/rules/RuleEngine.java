package io.procwatch.rules;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Runs every enabled single-project rule on a fact, in catalogue order. */
public final class RuleEngine {
  private final List<ProjectRule> rules;

  public RuleEngine(List<ProjectRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The rules that judge an event as it arrives (domain.md §2): the sequence checks. */
  public static RuleEngine standard() {
    return new RuleEngine(List.of(new SequenceRules()));
  }

  public List<Finding> evaluate(ProjectState before, Fact fact, Instant now) {
    List<Finding> found = new ArrayList<>();
    for (ProjectRule rule : rules) found.addAll(rule.evaluate(before, fact, now));
    return found;
  }
}
