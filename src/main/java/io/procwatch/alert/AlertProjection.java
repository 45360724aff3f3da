package io.procwatch.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procwatch.infra.Database;
import io.procwatch.infra.Json;
import io.procwatch.infra.PlainJdbcSession;
import io.procwatch.infra.Sql;
import io.procwatch.project.ProcurementProject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Numbers every alert change with a global, gap-free, strictly increasing {@code sequence} and keeps the
 * {@code alert} and {@code alert_change} tables.
 *
 * <p>Two paths number changes; this class holds the numbering both use ({@link #number}):
 * <ul>
 *   <li>the fast path, {@link AlertSequencer}: told by the project right after an {@code AlertsChanged}
 *       event is persisted, numbers in group commits and publishes at once (latency about one commit);
 *   <li>the safety net, this projection: over the {@code alerts} tag in journal order, in groups (one
 *       transaction per group with its offset), it numbers whatever the fast path did not (a crash between
 *       persist and tell, a failed group commit, the events of a previous run) and skips what it did.
 * </ul>
 * Both skip the events already in {@code alert_source} and number the rest under the {@code alert_sequence}
 * row lock, so a change is numbered once, whichever path sees it first; the counter row and the rows commit
 * together, so a rollback can neither skip nor repeat a number. The lock is held only for the writes: the
 * look-ups (which events are numbered, the alert rows to change) are made before it, and are repeated under it
 * only if a numbering transaction committed in between (the counter moved); a group that is numbered already
 * (the projection's usual case) never takes the lock. Under the lock a group costs a fixed number of
 * statements (JDBC batches, one per table), not a few per change. See {@link #number}.
 */
public final class AlertProjection {
  public static final String NAME = "alerts";
  private static final ObjectMapper JSON = Json.mapper();

  /**
   * One numbered change: what the live feed will deliver.
   *
   * @param persistedAtMillis wall-clock time the change's event was persisted (the delivery-latency metric)
   */
  public record Numbered(long sequence, String kind, AlertChange change, Alert alert, long persistedAtMillis) {}

  /**
   * Published on the actor system's event stream after each committed batch, in sequence order (see
   * {@link AlertSequencer.Publisher}); the {@link AlertFeed} subscribes. It lives here, with the feature, so
   * that the alert package does not depend on the root package that wires it.
   */
  public record AlertsNumbered(List<Numbered> changes) {}

  /** One persisted {@code AlertsChanged} event with changes: its journal identity and the changes. */
  public record Source(String persistenceId, long sequenceNr, List<AlertChange> changes, long persistedAtMillis) {}

  /** What one transaction of either path did: the changes it numbered and every event it saw (numbered or skipped). */
  public record Result(List<Numbered> numbered, List<Source> seen) {}

  /** Told of each group the projection committed: what it numbered, what it saw, and its journal offset. */
  public interface Committed {
    void committed(List<Numbered> numbered, List<Source> seen, long offset);
  }

  private AlertProjection() {}

  /** Group size and wait of the safety-net projection. */
  static final int GROUP = 200;

  public static void init(ActorSystem<?> system, Database db, Committed committed) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        NAME,
        1,
        i -> ProjectionBehavior.create(projection(system, db, committed)),
        ShardedDaemonProcessSettings.create(system),
        java.util.Optional.of(ProjectionBehavior.stopMessage()));
  }

  static GroupedProjection<Offset, EventEnvelope<ProcurementProject.Event>> projection(
      ActorSystem<?> system, Database db, Committed committed) {
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, ProcurementProject.ALERTS_TAG),
            EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), ProcurementProject.ALERTS_TAG),
            () -> new NotifyingSession(db, committed),
            Handler::new,
            system)
        .withGroup(GROUP, java.time.Duration.ofMillis(50));
  }

  /** A session that tells what it numbered and saw, only after the commit succeeded. */
  static final class NotifyingSession extends PlainJdbcSession {
    private final Committed committed;
    final List<Numbered> pending = new ArrayList<>();
    final List<Source> seen = new ArrayList<>();
    long offset = -1;

    NotifyingSession(Database db, Committed committed) {
      super(db.dataSource());
      this.committed = committed;
    }

    @Override
    public void commit() throws java.sql.SQLException {
      super.commit();
      if (!pending.isEmpty() || !seen.isEmpty() || offset >= 0) {
        List<Numbered> numbered = List.copyOf(pending);
        List<Source> saw = List.copyOf(seen);
        long at = offset;
        pending.clear();
        seen.clear();
        offset = -1;
        committed.committed(numbered, saw, at);
      }
    }

    @Override
    public void rollback() throws java.sql.SQLException {
      pending.clear();
      seen.clear();
      offset = -1;
      super.rollback();
    }
  }

  static final class Handler extends JdbcHandler<List<EventEnvelope<ProcurementProject.Event>>, NotifyingSession> {
    @Override
    public void process(NotifyingSession session, List<EventEnvelope<ProcurementProject.Event>> envelopes) throws Exception {
      List<Source> sources = new ArrayList<>(envelopes.size());
      for (EventEnvelope<ProcurementProject.Event> envelope : envelopes) {
        if (envelope.offset() instanceof Sequence s) session.offset = Math.max(session.offset, s.value());
        if (envelope.event() instanceof ProcurementProject.AlertsChanged changed && !changed.changes().isEmpty()) {
          sources.add(new Source(envelope.persistenceId(), envelope.sequenceNr(), changed.changes(), envelope.timestamp()));
        }
      }
      if (sources.isEmpty()) return;
      session.withConnection(conn -> {
        Result r = number(conn, sources, "projection");
        session.pending.addAll(r.numbered());
        session.seen.addAll(r.seen());
        return null;
      });
    }
  }

  /** Sources per look-up statement (two parameters each), well under any driver's parameter limit. */
  static final int CHUNK = 256;

  /**
   * The IN-list length for {@code n} values: the next power of two (the list is padded by repeating its last
   * value), so that the look-ups are a handful of distinct statements, not one per group size (for the
   * driver's and the server's statement caches, and for {@code pg_stat_statements}).
   */
  static int padded(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  /**
   * Numbers the changes of {@code sources} not numbered yet, in the given order, inside the caller's
   * transaction, holding the counter-row lock only for the writes:
   * <ol>
   *   <li><i>Without the lock</i>: read the counter (C0), then which sources are in {@code alert_source} and
   *       the current rows of the alerts the new changes modify (one statement each, whatever the group's
   *       size). If every source is numbered already, return: no lock taken (the projection's usual case,
   *       since the sequencer numbers nearly everything first).
   *   <li><i>Lock the counter row</i> ({@code FOR UPDATE}) and read it (C1). The counter and the rows of a
   *       numbering commit together, and it only grows; so C1 = C0 means no numbering transaction committed
   *       since the reads began, and they are exact. Otherwise the reads are repeated under the lock (the
   *       other path numbered something meanwhile; rare).
   *   <li><i>Assign the numbers and write</i> everything as JDBC batches, one per table ({@code alert}
   *       inserts, {@code alert} updates, {@code alert_change}, {@code alert_source}, {@code audit}), then the
   *       counter: a fixed number of round trips per group, not per change. The caller commits, which releases
   *       the lock; the counter row and the rows commit together, so a rollback can neither skip nor repeat a
   *       number. The primary key of {@code alert_source} still backs up the skip test.
   * </ol>
   */
  static Result number(Connection conn, List<Source> sources, String by) throws Exception {
    long seenCounter = counter(conn, false);
    List<Source> todo = notNumbered(conn, sources);
    if (todo.isEmpty()) return new Result(List.of(), List.copyOf(sources));
    Map<String, Alert> current = alerts(conn, todo);

    long last = counter(conn, true);
    if (last != seenCounter) {
      todo = notNumbered(conn, todo);
      if (todo.isEmpty()) return new Result(List.of(), List.copyOf(sources));
      current = alerts(conn, todo);
    }
    long before = last;

    List<Numbered> numbered = new ArrayList<>();
    /** Each alert the group touches, in its state after the group, with the sequences that decide its row. */
    Map<String, Touched> touched = new LinkedHashMap<>();
    try (PreparedStatement change = conn.prepareStatement(
            "INSERT INTO alert_change (sequence, alert_id, kind, changed_at, project_id, buyer, rule, severity, body)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement mark = conn.prepareStatement(
            "INSERT INTO alert_source (persistence_id, sequence_nr, first_sequence, last_sequence, numbered_by)"
                + " VALUES (?, ?, ?, ?, ?)");
        PreparedStatement audit = conn.prepareStatement(
            "INSERT INTO audit (id, principal, action, alert_id, project_id, buyer, at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      int audits = 0;
      for (Source source : todo) {
        long first = last + 1;
        for (AlertChange c : source.changes()) {
          long seq = ++last;
          Touched t = touched.get(c.alertId());
          Alert prior;
          if (c instanceof AlertChange.Raised) {
            prior = null;
          } else {
            prior = t != null ? t.alert : current.get(c.alertId());
            if (prior == null) throw new IllegalStateException("alert " + c.alertId() + " changed before it was raised");
          }
          Alert after = c.apply(prior);
          if (t == null) touched.put(c.alertId(), new Touched(after, prior == null, seq));
          else t.alert = after;
          touched.get(c.alertId()).lastSequence = seq;
          String kind = kind(c);
          addChange(change, seq, kind, c, after);
          if (addAudit(audit, seq, c, after)) audits++;
          numbered.add(new Numbered(seq, kind, c, after, source.persistedAtMillis()));
        }
        mark.setString(1, source.persistenceId());
        mark.setLong(2, source.sequenceNr());
        mark.setLong(3, first);
        mark.setLong(4, last);
        mark.setString(5, by);
        mark.addBatch();
      }
      writeAlerts(conn, touched.values());
      if (!numbered.isEmpty()) change.executeBatch();
      mark.executeBatch();
      if (audits > 0) audit.executeBatch();
    }
    if (last != before) {
      try (PreparedStatement up = conn.prepareStatement("UPDATE alert_sequence SET last_value = ? WHERE id = 1")) {
        up.setLong(1, last);
        up.executeUpdate();
      }
    }
    return new Result(List.copyOf(numbered), List.copyOf(sources));
  }

  /** An alert a group touches: its state after the group, whether the group raised it, its first and last sequence. */
  private static final class Touched {
    Alert alert;
    final boolean raised;
    final long firstSequence;
    long lastSequence;

    Touched(Alert alert, boolean raised, long firstSequence) {
      this.alert = alert;
      this.raised = raised;
      this.firstSequence = firstSequence;
      this.lastSequence = firstSequence;
    }
  }

  private static long counter(Connection conn, boolean lock) throws Exception {
    try (PreparedStatement q = conn.prepareStatement(
            "SELECT last_value FROM alert_sequence WHERE id = 1" + (lock ? " FOR UPDATE" : ""));
        ResultSet rs = q.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The sources not in {@code alert_source}, in their order: one statement per {@link #CHUNK} sources. */
  static List<Source> notNumbered(Connection conn, List<Source> sources) throws Exception {
    Set<String> known = new HashSet<>();
    for (int from = 0; from < sources.size(); from += CHUNK) {
      List<Source> part = sources.subList(from, Math.min(sources.size(), from + CHUNK));
      int slots = padded(part.size());
      String rows = String.join(", ", Collections.nCopies(slots, "(?, ?)"));
      try (PreparedStatement q = conn.prepareStatement("SELECT persistence_id, sequence_nr FROM alert_source"
          + " WHERE (persistence_id, sequence_nr) IN (" + rows + ")")) {
        int i = 1;
        for (int k = 0; k < slots; k++) {
          Source s = part.get(Math.min(k, part.size() - 1));
          q.setString(i++, s.persistenceId());
          q.setLong(i++, s.sequenceNr());
        }
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) known.add(key(rs.getString(1), rs.getLong(2)));
        }
      }
    }
    if (known.isEmpty()) return sources;
    List<Source> out = new ArrayList<>(sources.size());
    for (Source s : sources) if (!known.contains(key(s.persistenceId(), s.sequenceNr()))) out.add(s);
    return out;
  }

  private static String key(String persistenceId, long sequenceNr) {
    return sequenceNr + "|" + persistenceId;
  }

  /** The current rows of the alerts that {@code sources} change but do not raise themselves, by id. */
  private static Map<String, Alert> alerts(Connection conn, List<Source> sources) throws Exception {
    Set<String> raisedHere = new HashSet<>();
    Set<String> wanted = new LinkedHashSet<>();
    for (Source s : sources) {
      for (AlertChange c : s.changes()) {
        if (c instanceof AlertChange.Raised) raisedHere.add(c.alertId());
        else if (!raisedHere.contains(c.alertId())) wanted.add(c.alertId());
      }
    }
    Map<String, Alert> out = new HashMap<>();
    List<String> ids = new ArrayList<>(wanted);
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<String> part = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      int slots = padded(part.size());
      try (PreparedStatement q = conn.prepareStatement("SELECT alert_id, body FROM alert WHERE alert_id IN ("
          + String.join(", ", Collections.nCopies(slots, "?")) + ")")) {
        for (int i = 0; i < slots; i++) q.setString(i + 1, part.get(Math.min(i, part.size() - 1)));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) out.put(rs.getString(1), JSON.readValue(rs.getString(2), Alert.class));
        }
      }
    }
    return out;
  }

  private static void addChange(PreparedStatement ps, long seq, String kind, AlertChange change, Alert after)
      throws Exception {
    ps.setLong(1, seq);
    ps.setString(2, after.id());
    ps.setString(3, kind);
    ps.setTimestamp(4, Timestamp.from(change.at()));
    ps.setString(5, after.projectId());
    ps.setString(6, after.buyer());
    ps.setString(7, after.rule());
    ps.setString(8, after.severity().name());
    ObjectNode body = JSON.createObjectNode();
    body.put("sequence", seq);
    body.put("kind", kind);
    body.set("change", JSON.valueToTree(change));
    ps.setString(9, JSON.writeValueAsString(body));
    ps.addBatch();
  }

  /** Each touched alert's row in its state after the group: one insert batch (raised here), one update batch. */
  private static void writeAlerts(Connection conn, java.util.Collection<Touched> touched) throws Exception {
    try (PreparedStatement ins = conn.prepareStatement(
            "INSERT INTO alert (alert_id, fingerprint, rule, severity, prewarning, status, project_id, buyer, supplier, subject,"
                + " occurred_at, due_at, raised_at, resolved_at, resolution, raised_sequence, last_sequence, body)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement up = conn.prepareStatement(
            "UPDATE alert SET status = ?, resolved_at = ?, resolution = ?, last_sequence = ?, body = ? WHERE alert_id = ?")) {
      int inserts = 0;
      int updates = 0;
      for (Touched t : touched) {
        Alert a = t.alert;
        if (t.raised) {
          ins.setString(1, a.id());
          ins.setString(2, a.fingerprint());
          ins.setString(3, a.rule());
          ins.setString(4, a.severity().name());
          ins.setBoolean(5, a.prewarning());
          ins.setString(6, a.status().name());
          ins.setString(7, a.projectId());
          ins.setString(8, a.buyer());
          ins.setString(9, a.supplier());
          ins.setString(10, a.subject());
          Sql.setInstant(ins, 11, a.occurredAt());
          Sql.setInstant(ins, 12, a.dueAt());
          Sql.setInstant(ins, 13, a.raisedAt());
          Sql.setInstant(ins, 14, a.resolvedAt());
          ins.setString(15, a.resolution() == null ? null : a.resolution().name());
          ins.setLong(16, t.firstSequence);
          ins.setLong(17, t.lastSequence);
          ins.setString(18, JSON.writeValueAsString(a));
          ins.addBatch();
          inserts++;
        } else {
          up.setString(1, a.status().name());
          Sql.setInstant(up, 2, a.resolvedAt());
          up.setString(3, a.resolution() == null ? null : a.resolution().name());
          up.setLong(4, t.lastSequence);
          up.setString(5, JSON.writeValueAsString(a));
          up.setString(6, a.id());
          up.addBatch();
          updates++;
        }
      }
      if (inserts > 0) ins.executeBatch();
      if (updates > 0) {
        for (int n : up.executeBatch()) {
          if (n == 0) throw new IllegalStateException("an alert row to update is gone");
        }
      }
    }
  }

  /**
   * A supervisor's acknowledgement or manual resolution goes to the audit trail, with its principal, in the
   * transaction that numbers it; adds it to the batch and says whether it did.
   */
  private static boolean addAudit(PreparedStatement ps, long seq, AlertChange change, Alert after) throws Exception {
    String by;
    String action;
    String note;
    if (change instanceof AlertChange.Acknowledged a) {
      by = a.by();
      action = "ACKNOWLEDGE";
      note = a.note();
    } else if (change instanceof AlertChange.Resolved r && r.by() != null) {
      by = r.by();
      action = "RESOLVE";
      note = r.note();
    } else {
      return false;
    }
    ps.setLong(1, seq);
    ps.setString(2, by);
    ps.setString(3, action);
    ps.setString(4, after.id());
    ps.setString(5, after.projectId());
    ps.setString(6, after.buyer());
    ps.setTimestamp(7, Timestamp.from(change.at()));
    ps.setString(8, note);
    ps.addBatch();
    return true;
  }

  static String kind(AlertChange change) {
    if (change instanceof AlertChange.Raised r) return r.alert().prewarning() ? "PREWARNING" : "RAISED";
    if (change instanceof AlertChange.Acknowledged) return "ACKNOWLEDGED";
    return "RESOLVED";
  }

  /** For tests and the feed: the highest sequence numbered so far. */
  public static long lastSequence(Database db) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement q = c.prepareStatement("SELECT last_value FROM alert_sequence WHERE id = 1");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
