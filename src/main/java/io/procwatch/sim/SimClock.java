package io.procwatch.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that starts at {@code start} and runs {@code speed} times faster than the wall clock, from construction or,
 * for a clock made {@link #paused}, from {@link #run()} (it stands still at {@code start} until then).
 */
public final class SimClock extends Clock {
  private final Instant start;
  private final double speed;
  private volatile long origin;
  private volatile boolean running;

  public SimClock(Instant start, double speed) {
    this(start, speed, true);
  }

  private SimClock(Instant start, double speed, boolean running) {
    if (!(speed > 0)) throw new IllegalArgumentException("speed must be positive");
    this.start = start;
    this.speed = speed;
    this.origin = System.nanoTime();
    this.running = running;
  }

  /** A clock standing at {@code start} until {@link #run()}. */
  public static SimClock paused(Instant start, double speed) {
    return new SimClock(start, speed, false);
  }

  /** Starts a paused clock (no effect on a running one). */
  public synchronized void run() {
    if (running) return;
    origin = System.nanoTime();
    running = true;
  }

  public double speed() {
    return speed;
  }

  @Override
  public Instant instant() {
    if (!running) return start;
    double elapsed = (System.nanoTime() - origin) * speed;
    long seconds = (long) (elapsed / 1e9);
    long nanos = (long) (elapsed - seconds * 1e9);
    return start.plusSeconds(seconds).plusNanos(nanos);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
