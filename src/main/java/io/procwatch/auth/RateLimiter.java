package io.procwatch.auth;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per principal: {@code ratePerSecond} requests on average, bursts of up to {@code burst}.
 * A refused request is told how long to wait for its next token ({@code Retry-After}).
 */
public final class RateLimiter {
  private final double rate;
  private final double burst;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** @param ratePerSecond 0 or less: no limit */
  public RateLimiter(double ratePerSecond, int burst, Clock clock) {
    this.rate = ratePerSecond;
    this.burst = Math.max(1, burst);
    this.clock = clock;
  }

  /** 0 when {@code who} may go ahead now (a token is taken); else the seconds to wait (at least 1). */
  public long acquire(String who) {
    if (rate <= 0) return 0;
    Bucket b = buckets.computeIfAbsent(who, k -> new Bucket(burst, nanos()));
    synchronized (b) {
      long now = nanos();
      b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1e9 * rate);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / rate));
    }
  }

  private long nanos() {
    // The service clock may be a test's manual clock: refill follows it, so tests need not sleep.
    java.time.Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }
}
