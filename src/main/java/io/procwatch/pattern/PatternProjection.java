package io.procwatch.pattern;

import io.procwatch.infra.Database;
import io.procwatch.infra.PlainJdbcSession;
import io.procwatch.infra.Vendor;
import io.procwatch.project.Fact;
import io.procwatch.project.ProcurementProject;
import io.procwatch.project.RecordedFact;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Feeds the cross-project aggregates ({@code xp_project}, {@code xp_contract}, {@code xp_bid}) from the project
 * events: one instance per project tag, groups of events committed with their offset (exactly-once). On top of that
 * the handling is idempotent: each project keeps the journal sequence number it last counted ({@code last_seq}) and
 * an envelope at or below it is skipped, so a replay — an offset reset, a restored backup — never counts a fact
 * twice (amendments are the one increment). Each group also records which owners must be checked again
 * ({@code xp_dirty}); the {@link PatternChecker} does that after the commit.
 */
public final class PatternProjection {
  public static final String NAME = "patterns";

  private PatternProjection() {}

  public static void init(ActorSystem<?> system, Database db, int tagCount, PatternSettings settings, Runnable committed) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        NAME,
        tagCount,
        i -> ProjectionBehavior.create(projection(system, db, ProcurementProject.tag(i), settings, committed)),
        ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  static GroupedProjection<Offset, EventEnvelope<ProcurementProject.Event>> projection(
      ActorSystem<?> system, Database db, String tag, PatternSettings settings, Runnable committed) {
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, tag),
            EventSourcedProvider.<ProcurementProject.Event>eventsByTag(system, JdbcReadJournal.Identifier(), tag),
            () -> new PlainJdbcSession(db.dataSource()) {
              @Override
              public void commit() throws java.sql.SQLException {
                super.commit();
                committed.run();
              }
            },
            () -> new Handler(db.vendor()),
            system)
        .withGroup(settings.groupSize(), settings.groupWithin());
  }

  static final class Handler extends JdbcHandler<List<EventEnvelope<ProcurementProject.Event>>, PlainJdbcSession> {
    private final Vendor vendor;

    Handler(Vendor vendor) {
      this.vendor = vendor;
    }

    @Override
    public void process(PlainJdbcSession session, List<EventEnvelope<ProcurementProject.Event>> envelopes) throws Exception {
      List<PatternGroup.Item> items = new ArrayList<>();
      for (EventEnvelope<ProcurementProject.Event> env : envelopes) {
        if (!(env.event() instanceof ProcurementProject.FactsRecorded recorded)) continue;
        List<Fact> facts = new ArrayList<>();
        for (RecordedFact r : recorded.facts()) if (PatternGroup.read(r.fact().data())) facts.add(r.fact());
        if (!facts.isEmpty()) items.add(new PatternGroup.Item(env.sequenceNr(), facts.get(0).projectId(), facts));
      }
      if (items.isEmpty()) return; // nothing an XP rule reads: no statement at all
      session.withConnection(conn -> {
        try (var probes = PatternSql.indexProbes(conn)) {
          new PatternGroup(conn, vendor).run(items);
        }
        return null;
      });
    }
  }
}
