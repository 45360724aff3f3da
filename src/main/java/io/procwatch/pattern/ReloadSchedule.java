package io.procwatch.pattern;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * When the {@link PatternChecker} reloads its populations: once {@code interval} of the service clock has passed
 * (processes leave the rolling windows in the service's time), but never more often than {@code interval} or
 * {@link #MIN_WALL_GAP} of real time, whichever is shorter. On the wall clock the two are the same; on the data
 * clock ({@code serve --clock data}) a replay moves service time by hours per second, and without the real-time
 * floor the checker would reload every population on every cycle. The price on a replay: a process leaves a
 * window up to {@code MIN_WALL_GAP} of real time late.
 */
final class ReloadSchedule {
  static final Duration MIN_WALL_GAP = Duration.ofSeconds(30);

  private final Clock clock;
  private final Duration interval;
  private final long wallGapNanos;
  private final LongSupplier nanoTime;
  private Instant next = Instant.MIN;
  private long nextWall = Long.MIN_VALUE;
  private boolean first = true;

  ReloadSchedule(Clock clock, Duration interval, LongSupplier nanoTime) {
    this.clock = clock;
    this.interval = interval;
    this.wallGapNanos = (interval.compareTo(MIN_WALL_GAP) < 0 ? interval : MIN_WALL_GAP).toNanos();
    this.nanoTime = nanoTime;
  }

  /** True when a reload is due now; the next one is then counted from now. */
  boolean due() {
    Instant now = clock.instant();
    long wall = nanoTime.getAsLong();
    if (!first && (now.isBefore(next) || wall - nextWall < 0)) return false;
    first = false;
    next = now.plus(interval);
    nextWall = wall + wallGapNanos;
    return true;
  }
}
