package io.procwatch.infra;

import io.procwatch.project.Fact;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service clock of {@code serve --clock data} ({@code procwatch.clock.mode = data}): "now" is the latest business
 * time the service has accepted, the largest {@code occurredAt} of the facts it persisted. It only moves forward, and
 * only when data arrives: for replaying a history (one event per request, in time order) so that each project is
 * judged as it was at that point of the history, not months later at the wall clock, where nearly every intermediate
 * state is past a deadline (docs/simulator.md "Replaying a history: the data clock").
 *
 * <p>What stays on the wall clock ({@link #wall()}): the future-skew check on {@code occurredAt}, tokens and rate
 * limits, Alertmanager's times, the feed's delivery latency, the journal's write timestamps. Alert stamps
 * ({@code raisedAt}, {@code resolvedAt}, acknowledgements) and a fact's {@code recordedAt} are on this clock, so an
 * alert of the replayed history is raised in the history's time, consistent with its {@code dueAt}.
 *
 * <p>With a wall clock (the default) nothing here applies: {@link #judgedAt} is {@code clock.instant()} and
 * {@link #accepted} does nothing.
 */
public final class DataClock extends Clock {
  private static final Logger log = LoggerFactory.getLogger(DataClock.class);

  private final AtomicReference<Instant> now;
  private final Clock wall;

  /** @param start the latest business time already accepted (restored from the database), or EPOCH when none */
  public DataClock(Instant start, Clock wall) {
    this.now = new AtomicReference<>(start);
    this.wall = wall;
  }

  /**
   * The service clock for {@code mode}: {@code wall} itself, or a data clock restored from the read side's latest
   * event time so that a restart continues where the replay was. Logs which one, loudly for {@code data}.
   */
  public static Clock forService(Settings.ClockMode mode, Database db, Clock wall) {
    if (mode != Settings.ClockMode.DATA) {
      log.info("Clock: wall (procwatch.clock.mode = wall): deadlines are judged at the wall clock");
      return wall;
    }
    Instant restored = latestEventTime(db);
    DataClock clock = new DataClock(restored == null ? Instant.EPOCH : restored, wall);
    log.warn("Clock: DATA (procwatch.clock.mode = data), for replaying history and benchmarks, not for live monitoring: "
        + "now is the latest business time accepted ({}); deadlines fire only as data time passes them",
        restored == null ? "no facts yet: the first fact's occurredAt" : restored + ", restored from the read side");
    return clock;
  }

  /** The largest {@code last_event_at} of the read side, or null when it holds no project. */
  static Instant latestEventTime(Database db) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement q = c.prepareStatement("SELECT MAX(last_event_at) FROM project_summary");
        ResultSet rs = q.executeQuery()) {
      Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
      return t == null ? null : t.toInstant();
    } catch (Exception e) {
      throw new IllegalStateException("could not read the latest event time for the data clock", e);
    }
  }

  /** The clock for stamps that stay on the wall clock: {@code clock}'s wall clock if it is a data clock, else itself. */
  public static Clock wallOf(Clock clock) {
    return clock instanceof DataClock d ? d.wall : clock;
  }

  /** Whether {@code clock} runs by itself (wall, simulated) rather than only when data arrives (a data clock). */
  public static boolean runs(Clock clock) {
    return !(clock instanceof DataClock);
  }

  /**
   * The instant facts of one project are judged at: {@code clock.instant()}; on a data clock, not before the latest
   * {@code occurredAt} among them (a fact is judged at max(data now, its own occurredAt); a project's facts of one
   * request are judged together, at the latest of them, as they are reconciled together).
   */
  public static Instant judgedAt(Clock clock, List<Fact> facts) {
    Instant now = clock.instant();
    if (!(clock instanceof DataClock)) return now;
    for (Fact f : facts) if (f.occurredAt().isAfter(now)) now = f.occurredAt();
    return now;
  }

  /** Facts up to business time {@code latest} were persisted: a data clock moves there (if it is behind). */
  public static void accepted(Clock clock, Instant latest) {
    if (clock instanceof DataClock d && latest != null) d.advanceTo(latest);
  }

  /** Moves forward to {@code t}; never back. */
  public void advanceTo(Instant t) {
    now.accumulateAndGet(t, (a, b) -> b.isAfter(a) ? b : a);
  }

  public Clock wall() {
    return wall;
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public String toString() {
    return "DataClock[" + now.get() + "]";
  }
}
