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

  /**
   * Folds a group's events into one statement per project: an INSERT with the project's final values when it was
   * registered in the group, an UPDATE otherwise; each kind sent as one JDBC batch. Row for row it is what applying
   * the events one at a time gives (an insert at registration, then one update per event): {@link Summary} folds them
   * in order as those statements would. A group of a bulk load holds a project's registration and its first facts
   * (and often its alerts), which cost an INSERT and two or three UPDATEs a project before.
   */
  static final class Handler extends JdbcHandler<java.util.List<EventEnvelope<ProcurementProject.Event>>, PlainJdbcSession> {
    static final String INSERT =
        "INSERT INTO project_summary (project_id, buyer, buyer_name, title, category, category_kind, fiscal_year,"
            + " stage, budget, method, contract_amount, paid, last_event_at, open_irregularities, wake_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** Every column an event changes; a null parameter (but wake_at's) keeps the column. */
    static final String UPDATE =
        "UPDATE project_summary SET stage = COALESCE(?, stage), method = COALESCE(?, method),"
            + " contract_amount = COALESCE(?, contract_amount) + ?, paid = paid + ?,"
            + " last_event_at = GREATEST(last_event_at, COALESCE(?, last_event_at)), wake_at = ?,"
            + " open_irregularities = COALESCE(?, open_irregularities), updated_at = ? WHERE project_id = ?";

    private final Clock clock;

    Handler(Clock clock) {
      this.clock = clock;
    }

    @Override
    public void process(PlainJdbcSession session, java.util.List<EventEnvelope<ProcurementProject.Event>> envelopes)
        throws Exception {
      Instant now = clock.instant();
      java.util.Map<String, Summary> projects = new java.util.LinkedHashMap<>();
      for (EventEnvelope<ProcurementProject.Event> envelope : envelopes) {
        ProcurementProject.Event event = envelope.event();
        if (event instanceof ProcurementProject.FactsRecorded recorded) {
          if (recorded.facts().isEmpty()) continue;
          String projectId = recorded.facts().get(recorded.facts().size() - 1).fact().projectId();
          projects.computeIfAbsent(projectId, Summary::new).add(recorded);
          Instant latest = null;
          for (RecordedFact r : recorded.facts()) {
            if (latest == null || r.fact().occurredAt().isAfter(latest)) latest = r.fact().occurredAt();
          }
          // a data clock follows what the read side has caught up on (after a restart, the journal's tail)
          io.procwatch.infra.DataClock.accepted(clock, latest);
        } else if (event instanceof ProcurementProject.AlertsChanged changed) {
          String projectId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
          projects.computeIfAbsent(projectId, Summary::new).add(changed);
        }
      }
      if (projects.isEmpty()) return;
      session.withConnection(conn -> {
        write(conn, projects.values(), now);
        return null;
      });
    }

    static void write(Connection conn, java.util.Collection<Summary> summaries, Instant now) throws Exception {
      Timestamp at = Timestamp.from(now);
      int inserts = 0;
      int updates = 0;
      try (PreparedStatement ins = conn.prepareStatement(INSERT); PreparedStatement upd = conn.prepareStatement(UPDATE)) {
        for (Summary s : summaries) {
          if (s.registration != null) {
            ProjectRegistered reg = (ProjectRegistered) s.registration.data();
            ins.setString(1, s.projectId);
            ins.setString(2, reg.buyer());
            if (reg.buyerName() == null) ins.setNull(3, Types.VARCHAR);
            else ins.setString(3, reg.buyerName());
            ins.setString(4, reg.title());
            ins.setString(5, reg.category());
            ins.setString(6, reg.categoryKind().name());
            ins.setInt(7, reg.fiscalYear());
            ins.setString(8, (s.stage != null ? s.stage : Stage.REGISTERED).name());
            ins.setBigDecimal(9, reg.budget());
            ins.setString(10, s.method);
            ins.setBigDecimal(11, s.contract == null ? null : s.contract.add(s.contractDelta));
            ins.setBigDecimal(12, s.paid);
            Instant last = s.registration.occurredAt();
            if (s.last != null && s.last.isAfter(last)) last = s.last;
            ins.setTimestamp(13, Timestamp.from(last));
            ins.setInt(14, s.openAlerts == null ? 0 : s.openAlerts);
            Sql.setInstant(ins, 15, s.wakeAtSet ? s.wakeAt : null);
            ins.setTimestamp(16, at);
            ins.addBatch();
            inserts++;
          } else {
            upd.setString(1, s.stage == null ? null : s.stage.name());
            upd.setString(2, s.method);
            upd.setBigDecimal(3, s.contract);
            upd.setBigDecimal(4, s.contractDelta);
            upd.setBigDecimal(5, s.paid);
            Sql.setInstant(upd, 6, s.last);
            Sql.setInstant(upd, 7, s.wakeAt);
            if (s.openAlerts == null) upd.setNull(8, Types.INTEGER);
            else upd.setInt(8, s.openAlerts);
            upd.setTimestamp(9, at);
            upd.setString(10, s.projectId);
            upd.addBatch();
            updates++;
          }
        }
        // inserts first: as before, a project's row exists before anything else of the group is written
        if (inserts > 0) ins.executeBatch();
        if (updates > 0) upd.executeBatch();
      }
    }
  }

  /**
   * One project's events of a group folded in journal order, as the former statements applied them one event at a
   * time: the registration's INSERT (stage REGISTERED, nothing paid, no contract), then per {@code FactsRecorded}
   * {@code stage = last stage, method = COALESCE(method of the event, method), contract_amount =
   * COALESCE(last ContractSigned of the event, contract_amount) + its amendments, paid = paid + its payments,
   * last_event_at = GREATEST(last_event_at, its latest occurredAt), wake_at = its wakeAt}, and per
   * {@code AlertsChanged} {@code open_irregularities = its count, wake_at = its wakeAt}.
   */
  static final class Summary {
    final String projectId;
    /** The registration fact, when the project was registered in this group: its row is then inserted whole. */
    Fact registration;
    Stage stage;
    String method;
    /** The last contract amount signed in the group (replaces the row's), or null: the row's is kept. */
    BigDecimal contract;
    /** Amendments to add to {@code contract} if set, else to the row's amount. */
    BigDecimal contractDelta = BigDecimal.ZERO;
    BigDecimal paid = BigDecimal.ZERO;
    Instant last;
    Instant wakeAt;
    boolean wakeAtSet;
    Integer openAlerts;

    Summary(String projectId) {
      this.projectId = projectId;
    }

    void add(ProcurementProject.FactsRecorded recorded) {
      for (RecordedFact r : recorded.facts()) {
        if (!(r.fact().data() instanceof ProjectRegistered)) continue;
        // the former INSERT failed on the primary key here: fail the group the same way
        if (registration != null) {
          throw new IllegalStateException("project " + projectId + " registered twice in one projection group");
        }
        registration = r.fact();
        // events before the registration updated no row (there was none; had there been one, the INSERT failed)
        stage = null;
        method = null;
        contract = null;
        contractDelta = BigDecimal.ZERO;
        paid = BigDecimal.ZERO;
        last = null;
        wakeAt = null;
        wakeAtSet = false;
        openAlerts = null;
      }
      BigDecimal signed = null;
      BigDecimal delta = BigDecimal.ZERO;
      for (RecordedFact r : recorded.facts()) {
        Fact f = r.fact();
        stage = r.stageAfter();
        if (last == null || f.occurredAt().isAfter(last)) last = f.occurredAt();
        if (f.data() instanceof MethodApproved m) method = m.method().name();
        else if (f.data() instanceof ContractSigned c) signed = c.amount();
        else if (f.data() instanceof ContractAmended a) delta = delta.add(a.amountDelta());
        else if (f.data() instanceof PaymentMade p) paid = paid.add(p.amount());
      }
      if (signed != null) {
        contract = signed;
        contractDelta = delta;
      } else {
        contractDelta = contractDelta.add(delta);
      }
      wakeAt = recorded.wakeAt();
      wakeAtSet = true;
    }

    void add(ProcurementProject.AlertsChanged changed) {
      openAlerts = changed.openAlerts();
      wakeAt = changed.wakeAt();
      wakeAtSet = true;
    }
  }
}
