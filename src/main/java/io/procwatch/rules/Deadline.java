package io.procwatch.rules;

import io.procwatch.calendar.WorkCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * A deadline of a project (DL01–DL11): armed when its start step happened, closed by its closing step,
 * judged in business time (domain.md §3 note).
 *
 * @param closedAt business time of the closing step, or null while it is open
 * @param prewarnAt when the INFO pre-warning is due (one working day before {@code dueAt} by default)
 */
public record Deadline(
    String rule,
    String subject,
    Severity severity,
    Instant startedAt,
    Instant dueAt,
    Instant prewarnAt,
    Instant closedAt,
    String supplier,
    String message,
    Map<String, String> details) {

  public Deadline {
    subject = subject == null ? "" : subject;
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  public boolean open() {
    return closedAt == null;
  }

  /** The breach is a fact: the limit passed without the closing step (on the clock or in business time). */
  public boolean breached(Instant now) {
    return closedAt == null ? !now.isBefore(dueAt) : closedAt.isAfter(dueAt);
  }

  public boolean prewarning(Instant now) {
    return closedAt == null && prewarnAt != null && !now.isBefore(prewarnAt) && now.isBefore(dueAt);
  }

  /** How late the closing step was (zero when in time), for "late by N days": see {@link #latenessAt}. */
  public Duration lateness() {
    return closedAt == null ? Duration.ZERO : latenessAt(closedAt);
  }

  /**
   * How late a step at {@code t} is, or how late the deadline is at {@code t} while still open. Counted in whole days
   * in China time, like the period itself (domain.md §1): a step on the first day after the last day is late by 1 day
   * whatever the hour, so a contract signed on day 35 of a 30-day period is "late by 5 days", not "4 days 10 hours".
   * Only a due instant that is not a midnight, with the step on that same day, is late by less than a day.
   */
  public Duration latenessAt(Instant t) {
    if (!t.isAfter(dueAt)) return Duration.ZERO;
    LocalDate lastDay = dueAt.minusNanos(1).atZone(WorkCalendar.ZONE).toLocalDate();
    long days = ChronoUnit.DAYS.between(lastDay, t.atZone(WorkCalendar.ZONE).toLocalDate());
    return days > 0 ? Duration.ofDays(days) : Duration.between(dueAt, t);
  }

  /** The next instant at which this deadline changes on the wall clock, or null. */
  public Instant nextChangeAfter(Instant now) {
    if (closedAt != null) return null;
    if (prewarnAt != null && now.isBefore(prewarnAt)) return prewarnAt;
    if (now.isBefore(dueAt)) return dueAt;
    return null;
  }
}
