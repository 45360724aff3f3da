package io.procwatch.project;

import io.procwatch.infra.Database;
import io.procwatch.infra.PlainJdbcSession;
import io.procwatch.infra.Sql;
import io.procwatch.project.Fact.ContractAmended;
import io.procwatch.project.Fact.ContractSigned;
import io.procwatch.project.Fact.MethodApproved;
import io.procwatch.project.Fact.PaymentMade;
import io.procwatch.project.Fact.ProjectRegistered;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
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
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Maintains {@code project_summary}, the listing table, from the project events: one projection instance
 * per tag (eventsByTag; the JDBC journal has no slices, stack.md G9), offsets stored exactly-once in the
 * same transaction as the rows. Runs as a sharded daemon process so it keeps running when nodes join.
 */
public final class ProjectSummaryProjection {
  public static final String NAME = "project-summary";

  private ProjectSummaryProjection() {}

  public static void init(ActorSystem<?> system, Database db, Clock clock, int tagCount) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        NAME,
        tagCount,
        i -> ProjectionBehavior.create(projection(system, db, clock, ProcurementProject.tag(i))),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  /**
   * Groups of up to 500 events, or what arrived within 250 ms, in one transaction with their offset: still
   * exactly-once (the updates are increments, so they must never be replayed), but one commit per group
   * instead of one per journal row, which made the listing cost as much as ingest itself.
   */
  static GroupedProjection<Offset, EventEnvelope<ProcurementProject.Event>> projection(
      ActorSystem<?> system, Database db, Clock clock, String tag) {
    SourceProvider<Offset, EventEnvelope<ProcurementProject.Event>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, tag),
            source,
            () -> new PlainJdbcSession(db.dataSource()),
            () -> new Handler(clock),
            system)
        .withGroup(500, java.time.Duration.ofMillis(250));
  }

  /** Folds the facts of each journal event into one insert (registration) and one update. */
  static final class Handler extends JdbcHandler<java.util.List<EventEnvelope<ProcurementProject.Event>>, PlainJdbcSession> {
    private final Clock clock;

    Handler(Clock clock) {
      this.clock = clock;
    }

    @Override
    public void process(PlainJdbcSession session, java.util.List<EventEnvelope<ProcurementProject.Event>> envelopes)
        throws Exception {
      Instant now = clock.instant();
      session.withConnection(conn -> {
        for (EventEnvelope<ProcurementProject.Event> envelope : envelopes) {
          ProcurementProject.Event event = envelope.event();
          String projectId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
          if (event instanceof ProcurementProject.FactsRecorded recorded) apply(conn, recorded, now, clock);
          else if (event instanceof ProcurementProject.AlertsChanged changed) apply(conn, projectId, changed, now);
        }
        return null;
      });
    }

    /** Alerts move the open count and the wake-up time; nothing else of the summary. */
    static void apply(Connection conn, String projectId, ProcurementProject.AlertsChanged changed, Instant now) throws Exception {
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE project_summary SET open_irregularities = ?, wake_at = ?, updated_at = ? WHERE project_id = ?")) {
        ps.setInt(1, changed.openAlerts());
        Sql.setInstant(ps, 2, changed.wakeAt());
        ps.setTimestamp(3, Timestamp.from(now));
        ps.setString(4, projectId);
        ps.executeUpdate();
      }
    }

    static void apply(Connection conn, ProcurementProject.FactsRecorded recorded, Instant now) throws Exception {
      String projectId = null;
      Stage stage = null;
      Instant last = null;
      String method = null;
      BigDecimal contract = null;
      BigDecimal contractDelta = BigDecimal.ZERO;
      BigDecimal paid = BigDecimal.ZERO;
      for (RecordedFact r : recorded.facts()) {
        Fact f = r.fact();
        projectId = f.projectId();
        if (f.data() instanceof ProjectRegistered reg) insert(conn, f, reg, now);
        stage = r.stageAfter();
        if (last == null || f.occurredAt().isAfter(last)) last = f.occurredAt();
        if (f.data() instanceof MethodApproved m) method = m.method().name();
        else if (f.data() instanceof ContractSigned c) contract = c.amount();
        else if (f.data() instanceof ContractAmended a) contractDelta = contractDelta.add(a.amountDelta());
        else if (f.data() instanceof PaymentMade p) paid = paid.add(p.amount());
      }
      if (projectId == null) return;
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE project_summary SET stage = ?, method = COALESCE(?, method),"
              + " contract_amount = COALESCE(?, contract_amount) + ?, paid = paid + ?,"
              + " last_event_at = GREATEST(last_event_at, ?), wake_at = ?, updated_at = ? WHERE project_id = ?")) {
        ps.setString(1, stage.name());
        ps.setString(2, method);
        ps.setBigDecimal(3, contract);
        ps.setBigDecimal(4, contractDelta);
        ps.setBigDecimal(5, paid);
        ps.setTimestamp(6, Timestamp.from(last));
        Sql.setInstant(ps, 7, recorded.wakeAt());
        ps.setTimestamp(8, Timestamp.from(now));
        ps.setString(9, projectId);
        ps.executeUpdate();
      }
    }

    /** As above, and a data clock follows what the read side has caught up on (after a restart, the journal's tail). */
    static void apply(Connection conn, ProcurementProject.FactsRecorded recorded, Instant now, Clock clock) throws Exception {
      apply(conn, recorded, now);
      Instant latest = null;
      for (RecordedFact r : recorded.facts()) {
        if (latest == null || r.fact().occurredAt().isAfter(latest)) latest = r.fact().occurredAt();
      }
      io.procwatch.infra.DataClock.accepted(clock, latest);
    }

    private static void insert(Connection conn, Fact f, ProjectRegistered reg, Instant now) throws Exception {
      try (PreparedStatement ps = conn.prepareStatement(
          "INSERT INTO project_summary (project_id, buyer, buyer_name, title, category, category_kind, fiscal_year,"
              + " stage, budget, paid, last_event_at, open_irregularities, updated_at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?)")) {
        ps.setString(1, f.projectId());
        ps.setString(2, reg.buyer());
        if (reg.buyerName() == null) ps.setNull(3, Types.VARCHAR);
        else ps.setString(3, reg.buyerName());
        ps.setString(4, reg.title());
        ps.setString(5, reg.category());
        ps.setString(6, reg.categoryKind().name());
        ps.setInt(7, reg.fiscalYear());
        ps.setString(8, Stage.REGISTERED.name());
        ps.setBigDecimal(9, reg.budget());
        ps.setTimestamp(10, Timestamp.from(f.occurredAt()));
        ps.setTimestamp(11, Timestamp.from(now));
        ps.executeUpdate();
      }
    }
  }
}
