package io.procwatch.rules;

/**
 * How a period is counted (domain.md §1): {@code CD} calendar days, {@code WD} working days of the State Council
 * holiday calendar. The counting itself (start day excluded, a period ending on a rest day moves to the next working
 * day) belongs to the calendar; this only names the unit a rule's limit is written in.
 */
public enum DayUnit {
  CD("calendar days"),
  WD("working days");

  private final String words;

  DayUnit(String words) {
    this.words = words;
  }

  /** The unit in plain English, for docs and alert text. */
  public String words() {
    return words;
  }
}
