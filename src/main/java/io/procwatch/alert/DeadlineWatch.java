package io.procwatch.alert;

import io.procwatch.infra.DataClock;
import io.procwatch.infra.Database;
import io.procwatch.project.ProcurementProject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Wakes projects whose deadline or pre-warning comes due, so that a deadline fires on time even when its
 * project has been passivated or the whole service restarted in between: the due times live in the
 * database ({@code project_summary.wake_at}, kept by the projection from the projects' events), not only in
 * memory. It polls for what comes due within the look-ahead and wakes each project at its exact instant;
 * the project decides (idempotently) what is due. One per cluster (a singleton). On a {@link DataClock} it wakes the
 * projects whose wake-up time data time has passed, at each poll.
 */
public final class DeadlineWatch {

  interface Message {}

  private record Poll() implements Message {}

  private record Due(Map<String, Instant> rows) implements Message {}

  private record PollFailed(Throwable cause) implements Message {}

  private record Wake(String projectId, Instant wakeAt) implements Message {}

  public static void init(org.apache.pekko.actor.typed.ActorSystem<?> system, Database db, Clock clock,
      Executor blocking, Duration pollInterval, Duration lookAhead, int maxWakesPerPoll) {
    ClusterSingleton.get(system).init(SingletonActor.of(
        Behaviors.<Message>supervise(create(db, clock, blocking, pollInterval, lookAhead, maxWakesPerPoll))
            .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(
                Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
        "deadline-watch"));
  }

  static Behavior<Message> create(Database db, Clock clock, Executor blocking, Duration pollInterval, Duration lookAhead,
      int maxWakesPerPoll) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay("poll", new Poll(), Duration.ZERO, pollInterval);
      return new DeadlineWatch(ctx, timers, db, clock, blocking, lookAhead, maxWakesPerPoll).behavior();
    }));
  }

  private final ActorContext<Message> ctx;
  private final TimerScheduler<Message> timers;
  private final Database db;
  private final Clock clock;
  private final Executor blocking;
  private final Duration lookAhead;
  private final int maxWakesPerPoll;
  private final ClusterSharding sharding;
  /** Wake-ups armed or already delivered, per project: a row seen again with the same time is not re-woken. */
  private final Map<String, Instant> armed = new HashMap<>();
  /** The rows of the last read, in due order, and the polls since that read (a backlog is armed from one read). */
  private Map<String, Instant> lastRead = Map.of();
  private int pollsSinceRead;
  private boolean polling;

  /**
   * A backlog larger than a poll may arm is armed from the rows of one read for at most this many polls; then the table
   * is read again (for rows that came due since, and wake-ups that changed).
   */
  static final int REREAD_AFTER_POLLS = 10;

  private DeadlineWatch(ActorContext<Message> ctx, TimerScheduler<Message> timers, Database db, Clock clock,
      Executor blocking, Duration lookAhead, int maxWakesPerPoll) {
    if (maxWakesPerPoll < 1) throw new IllegalArgumentException("max-wakes-per-poll must be at least 1");
    this.maxWakesPerPoll = maxWakesPerPoll;
    this.ctx = ctx;
    this.timers = timers;
    this.db = db;
    this.clock = clock;
    this.blocking = blocking;
    this.lookAhead = lookAhead;
    this.sharding = ClusterSharding.get(ctx.getSystem());
  }

  private Behavior<Message> behavior() {
    return Behaviors.receive(Message.class)
        .onMessage(Poll.class, m -> poll())
        .onMessage(Due.class, this::onDue)
        .onMessage(PollFailed.class, m -> {
          polling = false;
          ctx.getLog().warn("Could not read due deadlines; will retry: {}", m.cause().toString());
          return Behaviors.same();
        })
        .onMessage(Wake.class, this::onWake)
        .build();
  }

  private Behavior<Message> poll() {
    if (polling) return Behaviors.same();
    if (!reread(lastRead, armed, pollsSinceRead)) {
      pollsSinceRead++;
      arm(lastRead);
      return Behaviors.same();
    }
    polling = true;
    // A data clock does not run between requests: look no further than data now, and wake at once what it passed
    // (a wake-up armed ahead would fire on the wall clock, find nothing due yet, and not be armed again).
    Instant horizon = DataClock.runs(clock) ? clock.instant().plus(lookAhead) : clock.instant();
    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> dueBefore(horizon), blocking),
        (rows, error) -> error != null ? new PollFailed(error) : new Due(rows));
    return Behaviors.same();
  }

  private Behavior<Message> onDue(Due due) {
    polling = false;
    lastRead = due.rows();
    pollsSinceRead = 0;
    armed.keySet().retainAll(due.rows().keySet());
    arm(due.rows());
    return Behaviors.same();
  }

  /**
   * Whether the next poll reads the table again: yes when every row of the last read is armed (the usual case: few
   * rows, all armed at once), or after {@link #REREAD_AFTER_POLLS} polls; otherwise it arms the next of the rows
   * already read. The read costs a pass over {@code project_summary} (its {@code wake_at} is not indexed, V14): 150 ms
   * at 290,000 projects, every second, while a replay's data clock had left 10,000 projects overdue and the watch
   * woke 200 a poll.
   */
  static boolean reread(Map<String, Instant> lastRead, Map<String, Instant> armed, int pollsSinceRead) {
    if (pollsSinceRead + 1 >= REREAD_AFTER_POLLS) return true;
    for (Map.Entry<String, Instant> row : lastRead.entrySet()) {
      if (!row.getValue().equals(armed.get(row.getKey()))) return false;
    }
    return true;
  }

  private void arm(Map<String, Instant> rows) {
    Instant now = clock.instant();
    List<Map.Entry<String, Instant>> arm = toArm(rows, armed, maxWakesPerPoll);
    for (Map.Entry<String, Instant> row : arm) {
      String projectId = row.getKey();
      Instant wakeAt = row.getValue();
      armed.put(projectId, wakeAt);
      Duration delay = Duration.between(now, wakeAt);
      timers.startSingleTimer("wake-" + projectId, new Wake(projectId, wakeAt), delay.isNegative() ? Duration.ZERO : delay);
    }
    long waiting = rows.entrySet().stream().filter(r -> !r.getValue().equals(armed.get(r.getKey()))).count();
    if (waiting > 0) {
      ctx.getLog().info("{} more projects have a deadline due; waking at most {} per poll, the earliest first", waiting,
          maxWakesPerPoll);
    }
  }

  /**
   * The wake-ups to arm from one poll's rows (in due order): those not already armed for the same instant, at most
   * {@code max} of them. A backlog — many projects overdue at once after a restart, a jump of the data clock, or a
   * day's deadlines all ending at 24:00 — would otherwise wake thousands of projects in the same instant: each a
   * recovery from the journal and a write, enough to stall ingest behind them and trip the journal's circuit
   * breaker. The rest stay in the table and come back at the next poll.
   */
  static List<Map.Entry<String, Instant>> toArm(Map<String, Instant> due, Map<String, Instant> armed, int max) {
    List<Map.Entry<String, Instant>> arm = new ArrayList<>();
    for (Map.Entry<String, Instant> row : due.entrySet()) {
      if (row.getValue().equals(armed.get(row.getKey()))) continue;
      if (arm.size() == max) break;
      arm.add(Map.entry(row.getKey(), row.getValue()));
    }
    return arm;
  }

  private Behavior<Message> onWake(Wake wake) {
    ctx.getLog().debug("Waking project {} for what is due at {}", wake.projectId(), wake.wakeAt());
    sharding.entityRefFor(ProcurementProject.ENTITY_TYPE_KEY, wake.projectId()).tell(new ProcurementProject.WakeUp());
    return Behaviors.same();
  }

  private Map<String, Instant> dueBefore(Instant horizon) {
    Map<String, Instant> rows = new LinkedHashMap<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement q = c.prepareStatement(
            "SELECT project_id, wake_at FROM project_summary WHERE wake_at IS NOT NULL AND wake_at <= ? ORDER BY wake_at LIMIT 10000")) {
      q.setTimestamp(1, Timestamp.from(horizon));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) rows.put(rs.getString(1), rs.getTimestamp(2).toInstant());
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }
}
