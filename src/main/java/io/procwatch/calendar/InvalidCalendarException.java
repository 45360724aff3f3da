package io.procwatch.calendar;

/**
 * A calendar file (or in-memory year) that cannot be trusted. Thrown at load time, never later: a wrong holiday
 * silently moves every working-day deadline around it, so the service must refuse to start rather than count on a
 * half-read calendar. The message names the file and the reason so the operator can fix it without reading code.
 */
public final class InvalidCalendarException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String origin;
  private final String reason;

  public InvalidCalendarException(String origin, String reason, Throwable cause) {
    super("Invalid working-day calendar " + origin + ": " + reason, cause);
    this.origin = origin;
    this.reason = reason;
  }

  public InvalidCalendarException(String origin, String reason) {
    this(origin, reason, null);
  }

  /** The file (or other source) that is wrong, e.g. {@code conf/calendar/2026.conf}. */
  public String origin() {
    return origin;
  }

  /** What is wrong with it, without the origin. */
  public String reason() {
    return reason;
  }
}
