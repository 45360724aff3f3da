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
import java.util.List;
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
 * Both take the {@code alert_sequence} row lock first, then skip the events already in {@code alert_source};
 * so a change is numbered once, whichever path sees it first, and the counter row and the rows commit
 * together, so a rollback can neither skip nor repeat a number.
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

  /**
   * Numbers the changes of {@code sources} not numbered yet, in the given order, inside the caller's
   * transaction. Takes the counter row's lock first: whoever holds it sees every event the other path
   * committed before, so the skip test is exact; the primary key of {@code alert_source} backs it up.
   */
  static Result number(Connection conn, List<Source> sources, String by) throws Exception {
    long last;
    try (PreparedStatement q = conn.prepareStatement("SELECT last_value FROM alert_sequence WHERE id = 1 FOR UPDATE");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      last = rs.getLong(1);
    }
    long before = last;
    List<Numbered> numbered = new ArrayList<>();
    try (PreparedStatement known = conn.prepareStatement(
            "SELECT 1 FROM alert_source WHERE persistence_id = ? AND sequence_nr = ?");
        PreparedStatement mark = conn.prepareStatement(
            "INSERT INTO alert_source (persistence_id, sequence_nr, first_sequence, last_sequence, numbered_by)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      for (Source source : sources) {
        known.setString(1, source.persistenceId());
        known.setLong(2, source.sequenceNr());
        try (ResultSet rs = known.executeQuery()) {
          if (rs.next()) continue;
        }
        long first = last + 1;
        for (AlertChange change : source.changes()) {
          numbered.add(record(conn, ++last, change, source.persistedAtMillis()));
        }
        mark.setString(1, source.persistenceId());
        mark.setLong(2, source.sequenceNr());
        mark.setLong(3, first);
        mark.setLong(4, last);
        mark.setString(5, by);
        mark.executeUpdate();
      }
    }
    if (last != before) {
      try (PreparedStatement up = conn.prepareStatement("UPDATE alert_sequence SET last_value = ? WHERE id = 1")) {
        up.setLong(1, last);
        up.executeUpdate();
      }
    }
    return new Result(List.copyOf(numbered), List.copyOf(sources));
  }

  static Numbered record(Connection conn, long seq, AlertChange change, long persistedAtMillis) throws Exception {
    Alert before = change instanceof AlertChange.Raised ? null : load(conn, change.alertId());
    Alert after = change.apply(before);
    String kind = kind(change);
    try (PreparedStatement ps = conn.prepareStatement(
        "INSERT INTO alert_change (sequence, alert_id, kind, changed_at, project_id, buyer, rule, severity, body)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
      ps.executeUpdate();
    }
    if (before == null) {
      try (PreparedStatement ps = conn.prepareStatement(
          "INSERT INTO alert (alert_id, fingerprint, rule, severity, prewarning, status, project_id, buyer, supplier, subject,"
              + " occurred_at, due_at, raised_at, resolved_at, resolution, raised_sequence, last_sequence, body)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, after.id());
        ps.setString(2, after.fingerprint());
        ps.setString(3, after.rule());
        ps.setString(4, after.severity().name());
        ps.setBoolean(5, after.prewarning());
        ps.setString(6, after.status().name());
        ps.setString(7, after.projectId());
        ps.setString(8, after.buyer());
        ps.setString(9, after.supplier());
        ps.setString(10, after.subject());
        Sql.setInstant(ps, 11, after.occurredAt());
        Sql.setInstant(ps, 12, after.dueAt());
        Sql.setInstant(ps, 13, after.raisedAt());
        Sql.setInstant(ps, 14, after.resolvedAt());
        ps.setString(15, after.resolution() == null ? null : after.resolution().name());
        ps.setLong(16, seq);
        ps.setLong(17, seq);
        ps.setString(18, JSON.writeValueAsString(after));
        ps.executeUpdate();
      }
    } else {
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE alert SET status = ?, resolved_at = ?, resolution = ?, last_sequence = ?, body = ? WHERE alert_id = ?")) {
        ps.setString(1, after.status().name());
        Sql.setInstant(ps, 2, after.resolvedAt());
        ps.setString(3, after.resolution() == null ? null : after.resolution().name());
        ps.setLong(4, seq);
        ps.setString(5, JSON.writeValueAsString(after));
        ps.setString(6, after.id());
        ps.executeUpdate();
      }
    }
    audit(conn, seq, change, after);
    return new Numbered(seq, kind, change, after, persistedAtMillis);
  }

  /** A supervisor's acknowledgement or manual resolution goes to the audit trail, with its principal. */
  private static void audit(Connection conn, long seq, AlertChange change, Alert after) throws Exception {
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
      return;
    }
    try (PreparedStatement ps = conn.prepareStatement(
        "INSERT INTO audit (id, principal, action, alert_id, project_id, buyer, at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setString(2, by);
      ps.setString(3, action);
      ps.setString(4, after.id());
      ps.setString(5, after.projectId());
      ps.setString(6, after.buyer());
      ps.setTimestamp(7, Timestamp.from(change.at()));
      ps.setString(8, note);
      ps.executeUpdate();
    }
  }

  static String kind(AlertChange change) {
    if (change instanceof AlertChange.Raised r) return r.alert().prewarning() ? "PREWARNING" : "RAISED";
    if (change instanceof AlertChange.Acknowledged) return "ACKNOWLEDGED";
    return "RESOLVED";
  }

  private static Alert load(Connection conn, String alertId) throws Exception {
    try (PreparedStatement q = conn.prepareStatement("SELECT body FROM alert WHERE alert_id = ?")) {
      q.setString(1, alertId);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) throw new IllegalStateException("alert " + alertId + " changed before it was raised");
        return JSON.readValue(rs.getString(1), Alert.class);
      }
    }
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
