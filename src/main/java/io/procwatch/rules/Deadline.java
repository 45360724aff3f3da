package io.procwatch.rules;

import io.procwatch.calendar.WorkCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A deadline of a project (DL01–DL11): armed when its start step happened, closed by its closing step,
 * judged in business time (domain.md §3 note).
 *
 * <p>Its words ({@link #message}, {@link #details}) are read only when an alert is raised or a late step flagged,
 * while every deadline of a project is rebuilt for each fact judged: they are made on first reading ({@link Text}),
 * not with the deadline (formatting them was ≈ 4% of a bulk load's CPU samples).
 *
 * @param closedAt business time of the closing step, or null while it is open
 * @param prewarnAt when the INFO pre-warning is due (one working day before {@code dueAt} by default)
 * @param text the message and details, made when first read
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
    Text text) {

  public Deadline {
    subject = subject == null ? "" : subject;
  }

  /** A deadline with its words given. */
  public Deadline(String rule, String subject, Severity severity, Instant startedAt, Instant dueAt, Instant prewarnAt,
      Instant closedAt, String supplier, String message, Map<String, String> details) {
    this(rule, subject, severity, startedAt, dueAt, prewarnAt, closedAt, supplier, Text.of(message, details));
  }

  /**
   * Whether {@code o} is known to be this deadline without making any words: equal components and the same text or a
   * text of equal inputs. False does not say the words differ; for callers that skip work only on true (the rule
   * engine keeping the last evaluation's deadlines).
   */
  public boolean sameAs(Deadline o) {
    return this == o || (o != null && rule.equals(o.rule) && subject.equals(o.subject) && severity == o.severity
        && java.util.Objects.equals(startedAt, o.startedAt) && java.util.Objects.equals(dueAt, o.dueAt)
        && java.util.Objects.equals(prewarnAt, o.prewarnAt) && java.util.Objects.equals(closedAt, o.closedAt)
        && java.util.Objects.equals(supplier, o.supplier) && text.sameInputs(o.text));
  }

  /** {@link #sameAs} for two lists, element by element. */
  public static boolean sameAs(java.util.List<Deadline> a, java.util.List<Deadline> b) {
    if (a == b) return true;
    if (a == null || b == null || a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) if (!a.get(i).sameAs(b.get(i))) return false;
    return true;
  }

  /** What the alert says, e.g. "合同签订超期: contract within 30 CD after AwardPublished on … (due by the end of …)". */
  public String message() {
    return text.message();
  }

  /** The alert's details (start, limit, last day, …), unmodifiable. */
  public Map<String, String> details() {
    return text.details();
  }

  /**
   * A deadline's message and details, made by {@code make} on first reading and kept (a race only makes them twice,
   * alike). Equal when their words are: the same object, or two made from equal inputs ({@code key}, which decides
   * the words), are equal without making them — the rule engine compares each fresh deadline with the last one, and
   * making the words for that took back half of what making them lazily saved. The hash code is 0 for every text,
   * so that it never needs the words either (a deadline's other components spread its own hash).
   */
  public static final class Text {
    private final Object key;
    private final Supplier<Words> make;
    private volatile Words words;

    private Text(Object key, Supplier<Words> make) {
      this.key = key;
      this.make = make;
    }

    public static Text of(String message, Map<String, String> details) {
      Words w = new Words(message, details);
      Text t = new Text(null, () -> w);
      t.words = w;
      return t;
    }

    /** Words {@code make} will make from inputs that {@code key} stands for: equal keys, equal words. */
    public static Text later(Object key, Supplier<Words> make) {
      return new Text(java.util.Objects.requireNonNull(key, "key"), make);
    }

    private Words words() {
      Words w = words;
      if (w == null) {
        w = make.get();
        words = w;
      }
      return w;
    }

    public String message() {
      return words().message();
    }

    public Map<String, String> details() {
      return words().details();
    }

    /** The same text, or one of equal inputs: equal words, known without making them. */
    boolean sameInputs(Text t) {
      return this == t || (t != null && key != null && key.equals(t.key));
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof Text t)) return false;
      if (key != null && key.equals(t.key)) return true;
      return words().equals(t.words());
    }

    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public String toString() {
      return words().toString();
    }
  }

  /** The words themselves; details copied, unmodifiable. */
  public record Words(String message, Map<String, String> details) {
    public Words {
      details = details == null ? Map.of() : Map.copyOf(details);
    }
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
