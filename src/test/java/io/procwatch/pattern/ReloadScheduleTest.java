package io.procwatch.pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReloadScheduleTest {
  private final AtomicReference<Instant> service = new AtomicReference<>(Instant.parse("2026-03-02T02:00:00Z"));
  private final AtomicLong wall = new AtomicLong(0);
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return service.get(); }
  };

  private void advance(Duration serviceTime, Duration wallTime) {
    service.set(service.get().plus(serviceTime));
    wall.addAndGet(wallTime.toNanos());
  }

  @Test
  void onTheWallClockTheIntervalDecides() {
    ReloadSchedule s = new ReloadSchedule(clock, Duration.ofHours(1), wall::get);
    assertTrue(s.due(), "the first cycle loads");
    advance(Duration.ofMinutes(59), Duration.ofMinutes(59));
    assertFalse(s.due());
    advance(Duration.ofMinutes(1), Duration.ofMinutes(1));
    assertTrue(s.due(), "an hour later");
    assertFalse(s.due(), "and then not again at once");
  }

  @Test
  void aReplayedHourDoesNotReloadEveryCycle() {
    ReloadSchedule s = new ReloadSchedule(clock, Duration.ofHours(1), wall::get);
    assertTrue(s.due());
    // a data clock: two service hours pass in a tenth of a real second, many times over
    for (int i = 0; i < 100; i++) {
      advance(Duration.ofHours(2), Duration.ofMillis(100));
      assertFalse(s.due(), "cycle " + i + ": only " + (i + 1) * 100 + " ms of real time since the last reload");
    }
    advance(Duration.ofHours(2), Duration.ofSeconds(21));
    assertTrue(s.due(), "30 s of real time and more than an hour of service time have passed");
  }

  @Test
  void aShortIntervalIsTheRealTimeFloorToo() {
    ReloadSchedule s = new ReloadSchedule(clock, Duration.ofSeconds(5), wall::get);
    assertTrue(s.due());
    advance(Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertTrue(s.due(), "a 5 s interval is not held back to 30 s");
    advance(Duration.ofHours(1), Duration.ofSeconds(4));
    assertFalse(s.due());
  }
}
