package io.procwatch.rules;

import java.time.Duration;
import java.time.Instant;
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

  /** How late the closing step was (zero when in time), for "late by N days". */
  public Duration lateness() {
    return closedAt == null || !closedAt.isAfter(dueAt) ? Duration.ZERO : Duration.between(dueAt, closedAt);
  }

  /** The next instant at which this deadline changes on the wall clock, or null. */
  public Instant nextChangeAfter(Instant now) {
    if (closedAt != null) return null;
    if (prewarnAt != null && now.isBefore(prewarnAt)) return prewarnAt;
    if (now.isBefore(dueAt)) return dueAt;
    return null;
  }
}
