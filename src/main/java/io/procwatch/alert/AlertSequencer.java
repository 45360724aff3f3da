package io.procwatch.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procwatch.infra.Database;
import io.procwatch.infra.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path of alert numbering (issue 4 item 2): a project tells it each {@code AlertsChanged} event
 * right after the journal write succeeded ({@link AlertHandoff}); it numbers the changes and writes the
 * alert tables in <b>group commits</b> — one transaction for everything that arrived while the previous one
 * was committing, up to {@code max-group} events — and publishes them as soon as that commits. Latency is
 * about one commit instead of the journal's polling plus the projection's backlog.
 *
 * <p><b>Exactly once with the safety net.</b> The {@link AlertProjection} still reads every event from the
 * journal and numbers what this path did not; both number through {@link AlertProjection#number}, which
 * skips the events already in {@code alert_source} and numbers the rest under the counter-row lock (the
 * look-ups are made before the lock and checked under it by the counter's value; the writes are batches, so
 * the lock is held for a fixed number of statements per group). A change is therefore numbered once, and
 * nothing unpersisted is ever numbered (the project tells only after its write).
 *
 * <p><b>Order per project.</b> A project's changes must be numbered in its journal order (a resolution after
 * the raise it resolves). The projection reads in journal order; this path numbers a project's event only
 * when no earlier event of the same project is left to the projection ("deferred"): after a failed group
 * commit, and for every event persisted before this node's sequencer started until the projection has passed
 * the last {@code alerts} event that was in the journal at start (the <i>gate</i>). While deferred, events
 * take the projection's latency; the projection reports what it saw, and the project returns to the fast
 * path once all its deferred events are numbered.
 *
 * <p><b>Publication order.</b> Both paths publish after their commit, from different threads; the
 * {@link Publisher} releases numbers strictly in sequence order (the feed drops a sequence not above the last
 * it sent), and a number that never arrives within {@link Publisher#GAP_LIMIT} (a publisher crash between
 * commit and publish) is read back from the database.
 *
 * <p><b>More than one node.</b> Each node runs its own sequencer for the projects it hosts; the counter-row lock
 * keeps the numbers global, gap-free and exactly once. But the event stream is local: a node's feed gets the
 * changes numbered on that node at once, and those numbered on another node not at all (the projection skips
 * them) — clients see them on resume only. The feed is single-node today (see {@link AlertFeed}); a cluster
 * would need the sequencer as a cluster singleton, or a cross-node publication.
 */
public final class AlertSequencer {
  private static final Logger log = LoggerFactory.getLogger(AlertSequencer.class);
  private static final ObjectMapper JSON = Json.mapper();

  record EventId(String persistenceId, long sequenceNr) {
    static EventId of(AlertProjection.Source s) {
      return new EventId(s.persistenceId(), s.sequenceNr());
    }
  }

  sealed interface Msg {}

  record Told(AlertProjection.Source source) implements Msg {}

  record GroupDone(List<AlertProjection.Source> group, Throwable failure) implements Msg {}

  record ProjectionSaw(List<AlertProjection.Source> seen, long offset) implements Msg {}

  /** What the fast path did since start, for tests and logs. */
  public static final class Stats {
    final AtomicLong numberedEvents = new AtomicLong();
    final AtomicLong groups = new AtomicLong();
    final AtomicLong deferredEvents = new AtomicLong();
    final AtomicLong failedGroups = new AtomicLong();

    public long numberedEvents() {
      return numberedEvents.get();
    }

    public long groups() {
      return groups.get();
    }

    public long deferredEvents() {
      return deferredEvents.get();
    }

    public long failedGroups() {
      return failedGroups.get();
    }
  }

  private final Publisher publisher;
  private final ActorRef<Msg> actor;
  private final Stats stats = new Stats();

  /**
   * Starts the node's sequencer (when {@code procwatch.alert-sequencer.enabled}) and its publisher. Call before
   * the projects and the alert projection start; pass {@link #projectionCommitted} to {@link AlertProjection#init}.
   */
  public static AlertSequencer start(ActorSystem<?> system, Database db, Executor blocking) {
    var config = system.settings().config().getConfig("procwatch.alert-sequencer");
    return new AlertSequencer(system, db, blocking, config.getBoolean("enabled"), config.getInt("max-group"));
  }

  private AlertSequencer(ActorSystem<?> system, Database db, Executor blocking, boolean enabled, int maxGroup) {
    this.publisher = new Publisher(system, db);
    if (enabled) {
      this.actor = system.systemActorOf(
          Behaviors.supervise(Behaviors.<Msg>setup(ctx -> new Running(ctx, db, blocking, maxGroup, publisher, stats)))
              .onFailure(SupervisorStrategy.restart()),
          "alert-sequencer", Props.empty());
      AlertHandoff.get(system).install((pid, seqNr, changes) ->
          actor.tell(new Told(new AlertProjection.Source(pid, seqNr, List.copyOf(changes), System.currentTimeMillis()))));
    } else {
      this.actor = null;
      log.info("Alert sequencer off: alert changes are numbered by the alert projection only");
    }
    Duration every = Duration.ofMillis(Publisher.GAP_LIMIT.toMillis() / 2);
    system.scheduler().scheduleWithFixedDelay(every, every, () -> blocking.execute(publisher::checkGap), system.executionContext());
  }

  /** For {@link AlertProjection#init}: publish what the projection numbered, and tell the sequencer what it saw. */
  public AlertProjection.Committed projectionCommitted() {
    return (numbered, seen, offset) -> {
      publisher.accept(numbered);
      if (actor != null) actor.tell(new ProjectionSaw(seen, offset));
    };
  }

  public Stats stats() {
    return stats;
  }

  private static final class Running extends AbstractBehavior<Msg> {
    private static final int REMEMBER_SEEN = 10_000;

    private final Database db;
    private final Executor blocking;
    private final int maxGroup;
    private final Publisher publisher;
    private final Stats stats;
    private final ArrayDeque<AlertProjection.Source> queue = new ArrayDeque<>();
    private final Set<EventId> deferred = new HashSet<>();
    private final Map<String, Integer> deferredPerProject = new HashMap<>();
    /** Events the projection reported lately: a deferral that comes after the projection saw the event is void. */
    private final Map<EventId, Boolean> seenByProjection = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<EventId, Boolean> eldest) {
        return size() > REMEMBER_SEEN;
      }
    };
    private boolean inFlight;
    /** The journal ordering the projection must reach before the fast path may number anything; -1: open. */
    private long gate;

    Running(ActorContext<Msg> ctx, Database db, Executor blocking, int maxGroup, Publisher publisher, Stats stats) {
      super(ctx);
      this.db = db;
      this.blocking = blocking;
      this.maxGroup = maxGroup;
      this.publisher = publisher;
      this.stats = stats;
      this.gate = gate(db);
      if (gate >= 0) {
        log.info("Alert sequencer: alert events up to journal ordering {} are not all numbered yet;"
            + " the alert projection numbers everything until it has passed them", gate);
      }
    }

    /** The newest {@code alerts} event in the journal if the projection has not passed it yet, else -1. */
    static long gate(Database db) {
      try (Connection c = db.dataSource().getConnection()) {
        long newest = -1;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT MAX(\"event_id\") FROM \"event_tag\" WHERE \"tag\" = 'alerts'");
            ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getObject(1) != null) newest = rs.getLong(1);
        }
        if (newest < 0) return -1;
        try (PreparedStatement ps = c.prepareStatement("SELECT \"current_offset\" FROM \"pekko_projection_offset_store\""
            + " WHERE \"projection_name\" = ?")) {
          ps.setString(1, AlertProjection.NAME);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next() && Long.parseLong(rs.getString(1)) >= newest) return -1;
          }
        }
        return newest;
      } catch (Exception e) {
        throw new IllegalStateException("cannot read the alert projection's position", e);
      }
    }

    @Override
    public Receive<Msg> createReceive() {
      return newReceiveBuilder()
          .onMessage(Told.class, this::onTold)
          .onMessage(GroupDone.class, this::onGroupDone)
          .onMessage(ProjectionSaw.class, this::onProjectionSaw)
          .build();
    }

    private Behavior<Msg> onTold(Told told) {
      AlertProjection.Source s = told.source();
      if (gate >= 0 || deferredPerProject.containsKey(s.persistenceId())) defer(s);
      else queue.add(s);
      startGroup();
      return this;
    }

    private void defer(AlertProjection.Source s) {
      EventId id = EventId.of(s);
      if (seenByProjection.containsKey(id) || !deferred.add(id)) return;
      deferredPerProject.merge(id.persistenceId(), 1, Integer::sum);
      stats.deferredEvents.incrementAndGet();
    }

    private Behavior<Msg> onProjectionSaw(ProjectionSaw saw) {
      for (AlertProjection.Source s : saw.seen()) {
        EventId id = EventId.of(s);
        seenByProjection.put(id, Boolean.TRUE);
        if (deferred.remove(id)) deferredPerProject.computeIfPresent(id.persistenceId(), (k, n) -> n == 1 ? null : n - 1);
      }
      if (gate >= 0 && saw.offset() >= gate) {
        log.info("Alert sequencer: the alert projection has passed journal ordering {}; fast path open", gate);
        gate = -1;
      }
      return this;
    }

    private void startGroup() {
      if (inFlight || queue.isEmpty()) return;
      List<AlertProjection.Source> group = new ArrayList<>(Math.min(queue.size(), maxGroup));
      while (!queue.isEmpty() && group.size() < maxGroup) group.add(queue.poll());
      inFlight = true;
      getContext().pipeToSelf(CompletableFuture.runAsync(() -> commit(group), blocking),
          (ok, error) -> new GroupDone(group, error));
    }

    /** One group commit; publishes right after it, from this thread. */
    private void commit(List<AlertProjection.Source> group) {
      AlertProjection.Result result;
      try (Connection c = db.dataSource().getConnection()) {
        c.setAutoCommit(false);
        try {
          result = AlertProjection.number(c, group, "sequencer");
          c.commit();
        } catch (Exception e) {
          c.rollback();
          throw e;
        }
      } catch (Exception e) {
        throw new IllegalStateException("alert group commit failed", e);
      }
      publisher.accept(result.numbered());
    }

    private Behavior<Msg> onGroupDone(GroupDone done) {
      inFlight = false;
      if (done.failure() == null) {
        stats.groups.incrementAndGet();
        stats.numberedEvents.addAndGet(done.group().size());
      } else {
        // Left to the projection, and so is every later event of the same projects, to keep their order.
        stats.failedGroups.incrementAndGet();
        log.warn("Alert sequencer: a group of {} events failed; the alert projection numbers them", done.group().size(),
            done.failure());
        done.group().forEach(this::defer);
        ArrayDeque<AlertProjection.Source> keep = new ArrayDeque<>();
        for (AlertProjection.Source s : queue) {
          if (deferredPerProject.containsKey(s.persistenceId())) defer(s);
          else keep.add(s);
        }
        queue.clear();
        queue.addAll(keep);
      }
      startGroup();
      return this;
    }
  }

  /**
   * Publishes numbered changes on the event stream strictly in sequence order, whichever path committed
   * them. Numbers are assigned under the counter-row lock and commit in that order, so every number up to
   * the highest committed one is committed: a gap only waits for the other path's publication, and is read
   * back from the database if that does not come within {@link #GAP_LIMIT}.
   */
  static final class Publisher {
    static final Duration GAP_LIMIT = Duration.ofSeconds(2);

    private final org.apache.pekko.event.EventStream stream;
    private final Database db;
    private final TreeMap<Long, AlertProjection.Numbered> waiting = new TreeMap<>();
    /** The monotonic time a gap is measured in (System.nanoTime; a test's own ticker). */
    private final java.util.function.LongSupplier nanoTime;
    private long next;
    private long gapSince;

    Publisher(ActorSystem<?> system, Database db) {
      this(system, db, AlertProjection.lastSequence(db) + 1, System::nanoTime);
    }

    /** @param next the first sequence to publish */
    Publisher(ActorSystem<?> system, Database db, long next, java.util.function.LongSupplier nanoTime) {
      this.stream = system.classicSystem().getEventStream();
      this.db = db;
      this.next = next;
      this.nanoTime = nanoTime;
    }

    synchronized void accept(List<AlertProjection.Numbered> numbered) {
      for (AlertProjection.Numbered n : numbered) {
        if (n.sequence() >= next) waiting.put(n.sequence(), n);
      }
      List<AlertProjection.Numbered> out = new ArrayList<>();
      while (!waiting.isEmpty() && waiting.firstKey() == next) {
        out.add(waiting.pollFirstEntry().getValue());
        next++;
      }
      // Synchronous hand-over to the subscribers' mailboxes, inside the lock: order is kept across threads.
      if (!out.isEmpty()) stream.publish(new AlertProjection.AlertsNumbered(List.copyOf(out)));
      if (waiting.isEmpty()) gapSince = 0;
      else if (gapSince == 0 || !out.isEmpty()) gapSince = nanoTime.getAsLong();
    }

    void checkGap() {
      long from;
      long to;
      synchronized (this) {
        if (waiting.isEmpty() || nanoTime.getAsLong() - gapSince < GAP_LIMIT.toNanos()) return;
        from = next;
        to = waiting.firstKey() - 1;
      }
      log.warn("Alert publisher: sequences {}..{} were committed but not published; reading them back", from, to);
      try {
        accept(load(from, to));
      } catch (Exception e) {
        log.error("Alert publisher: cannot read back sequences {}..{}", from, to, e);
      }
    }

    /** The changes numbered {@code from..to}, each with its alert as it was after it. */
    List<AlertProjection.Numbered> load(long from, long to) throws Exception {
      List<AlertProjection.Numbered> out = new ArrayList<>();
      Map<String, Alert> alerts = new HashMap<>();
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT c.sequence, c.kind, c.body FROM alert_change c"
              + " WHERE c.sequence <= ? AND c.alert_id IN"
              + " (SELECT m.alert_id FROM alert_change m WHERE m.sequence >= ? AND m.sequence <= ?) ORDER BY c.sequence")) {
        ps.setLong(1, to);
        ps.setLong(2, from);
        ps.setLong(3, to);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long seq = rs.getLong(1);
            JsonNode body = JSON.readTree(rs.getString(3));
            AlertChange change = JSON.treeToValue(body.get("change"), AlertChange.class);
            Alert after = change.apply(alerts.get(change.alertId()));
            alerts.put(change.alertId(), after);
            if (seq >= from) out.add(new AlertProjection.Numbered(seq, rs.getString(2), change, after, 0));
          }
        }
      }
      return out;
    }
  }
}
