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
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.ExactlyOnceProjection;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Numbers every alert change with a global, gap-free, strictly increasing {@code sequence} and keeps the
 * {@code alert} and {@code alert_change} tables. One instance, over the one {@code alerts} tag, in journal
 * order; the counter row is updated in the same transaction as the rows and the offset, so a rollback or
 * a replay can neither skip nor repeat a number.
 */
public final class AlertProjection {
  public static final String NAME = "alerts";
  private static final ObjectMapper JSON = Json.mapper();

  /** One numbered change: what the live feed will deliver. */
  public record Numbered(long sequence, String kind, AlertChange change, Alert alert) {}

  /**
   * Published on the actor system's event stream after each committed batch, in sequence order; the
   * {@link AlertFeed} subscribes. It lives here, with the feature, so that the alert package does not
   * depend on the root package that wires it.
   */
  public record AlertsNumbered(List<Numbered> changes) {}

  private AlertProjection() {}

  /**
   * @param committed told of each batch of numbered changes once its transaction has committed
   */
  public static void init(ActorSystem<?> system, Database db, Consumer<List<Numbered>> committed) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        NAME,
        1,
        i -> ProjectionBehavior.create(projection(system, db, committed)),
        ShardedDaemonProcessSettings.create(system),
        java.util.Optional.of(ProjectionBehavior.stopMessage()));
  }

  static ExactlyOnceProjection<Offset, EventEnvelope<ProcurementProject.Event>> projection(
      ActorSystem<?> system, Database db, Consumer<List<Numbered>> committed) {
    return JdbcProjection.exactlyOnce(
        ProjectionId.of(NAME, ProcurementProject.ALERTS_TAG),
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), ProcurementProject.ALERTS_TAG),
        () -> new NotifyingSession(db, committed),
        Handler::new,
        system);
  }

  /** A session that tells the feed what it numbered, only after the commit succeeded. */
  static final class NotifyingSession extends PlainJdbcSession {
    private final Consumer<List<Numbered>> committed;
    final List<Numbered> pending = new ArrayList<>();

    NotifyingSession(Database db, Consumer<List<Numbered>> committed) {
      super(db.dataSource());
      this.committed = committed;
    }

    @Override
    public void commit() throws java.sql.SQLException {
      super.commit();
      if (!pending.isEmpty()) {
        committed.accept(List.copyOf(pending));
        pending.clear();
      }
    }

    @Override
    public void rollback() throws java.sql.SQLException {
      pending.clear();
      super.rollback();
    }
  }

  static final class Handler extends JdbcHandler<EventEnvelope<ProcurementProject.Event>, NotifyingSession> {
    @Override
    public void process(NotifyingSession session, EventEnvelope<ProcurementProject.Event> envelope) throws Exception {
      if (!(envelope.event() instanceof ProcurementProject.AlertsChanged changed)) return;
      session.withConnection(conn -> {
        for (AlertChange change : changed.changes()) session.pending.add(record(conn, change));
        return null;
      });
    }
  }

  static Numbered record(Connection conn, AlertChange change) throws Exception {
    long seq = nextSequence(conn);
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
    return new Numbered(seq, kind, change, after);
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

  private static long nextSequence(Connection conn) throws Exception {
    try (PreparedStatement up = conn.prepareStatement("UPDATE alert_sequence SET last_value = last_value + 1 WHERE id = 1")) {
      up.executeUpdate();
    }
    try (PreparedStatement q = conn.prepareStatement("SELECT last_value FROM alert_sequence WHERE id = 1");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
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
