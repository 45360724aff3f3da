package io.procwatch.calendar;

import java.time.LocalTime;
import java.util.Objects;

/**
 * Office hours on a working day, used by the "approval off working hours" signal (PT07).
 *
 * <p>The range is half-open, {@code [start, end)}: an approval stamped exactly at closing time was made after the
 * office closed. No regulation fixes these hours, which is why they are a setting: domain.md §1 gives 08:30–18:00
 * as a default the operator must confirm for the bureau.
 */
public record WorkingHours(LocalTime start, LocalTime end) {

  /** 08:30–18:00 (domain.md §1, marked [confirm]). */
  public static final WorkingHours DEFAULT = new WorkingHours(LocalTime.of(8, 30), LocalTime.of(18, 0));

  public WorkingHours {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    // Night shifts spanning midnight do not exist in a procurement office; refusing them keeps contains() trivial.
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException("working hours must start before they end: " + start + "–" + end);
    }
  }

  /** Whether a local time of day falls within office hours. */
  public boolean contains(LocalTime time) {
    return !time.isBefore(start) && time.isBefore(end);
  }
}
