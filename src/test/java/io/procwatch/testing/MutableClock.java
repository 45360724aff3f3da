package io.procwatch.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The wall clock shifted by an adjustable offset: time still flows (timers and polls behave as in
 * production), but a test can stand a few seconds before a deadline that is in fact weeks away.
 */
public final class MutableClock extends Clock {
  private volatile Duration offset = Duration.ZERO;

  /** Shifts the clock so that now is {@code at}. */
  public MutableClock setNow(Instant at) {
    offset = Duration.between(Instant.now(), at);
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset);
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
