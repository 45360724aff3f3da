package io.procwatch.rules;

import io.procwatch.calendar.WorkCalendar;

/** What the rules read besides the project: the catalogue's limits, thresholds, calendar and PT08 lists. */
public record RuleContext(RuleCatalogue catalogue, ThresholdProfiles thresholds, WorkCalendar calendar, Pt08Lists pt08) {

  /** The packaged defaults (the files of {@code conf/} as built into the jar). */
  public static RuleContext defaults() {
    return new RuleContext(RuleCatalogue.defaults(), ThresholdProfiles.defaults(), WorkCalendar.fromClasspath(),
        Pt08Lists.defaults());
  }

  /**
   * From the service configuration: rules and thresholds from {@code procwatch.rules} /
   * {@code procwatch.thresholds}; the calendar and PT08 lists from their folders when they exist, else the
   * packaged copies.
   */
  public static RuleContext load(com.typesafe.config.Config config) {
    java.nio.file.Path calendarDir = java.nio.file.Path.of(config.getString("procwatch.calendar-dir"));
    java.nio.file.Path pt08Dir = java.nio.file.Path.of(config.getString("procwatch.pt08-dir"));
    return new RuleContext(RuleCatalogue.from(config), ThresholdProfiles.from(config),
        java.nio.file.Files.isDirectory(calendarDir) ? WorkCalendar.load(calendarDir) : WorkCalendar.fromClasspath(),
        java.nio.file.Files.isDirectory(pt08Dir) ? Pt08Lists.fromDirectory(pt08Dir) : Pt08Lists.defaults());
  }

  public RuleDefinition rule(RuleId id) {
    return catalogue.get(id);
  }
}
