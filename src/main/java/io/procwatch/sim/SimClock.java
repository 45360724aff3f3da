package io.procwatch.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that starts at {@code start} and runs {@code speed} times faster than the wall clock. */
public final class SimClock extends Clock {
  private final Instant start;
  private final double speed;
  private final long origin = System.nanoTime();

  public SimClock(Instant start, double speed) {
    if (!(speed > 0)) throw new IllegalArgumentException("speed must be positive");
    this.start = start;
    this.speed = speed;
  }

  public double speed() {
    return speed;
  }

  @Override
  public Instant instant() {
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
