package io.procwatch.rules;

import java.util.List;

/** The catalogue of rule implementations, in code order. */
final class StandardRules {
  private StandardRules() {}

  static List<ProjectRule> projectRules() {
    return List.of(new SequenceRules(), new MinimumPeriodRules(), new MoneyRules(), new OpenTenderRule(),
        new BidPatternRules(), new ApprovalTimingRule(), new ItemStandardsRule(), new ThresholdProximityRule());
  }

  static List<DeadlineRule> deadlineRules() {
    return List.of(new DeadlineRules());
  }
}
