package io.procwatch.infra;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotMetadata$;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableConfiguration;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.config.SnapshotConfig;
import org.apache.pekko.persistence.jdbc.config.SnapshotTableConfiguration;
import org.apache.pekko.persistence.jdbc.snapshot.dao.DefaultSnapshotDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.Option;
import scala.Tuple2;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * The snapshot store's DAO of pekko-persistence-jdbc 1.1.1 whose latest-snapshot query (the first step of every
 * recovery) also reads the journal's highest sequence number of the same persistence id, for the journal's query
 * that comes next ({@link RecoveryHints}, {@link RecoveryJournalDao}); everything else is the plugin's own
 * ({@code jdbc-snapshot-store.dao} in {@code conf/persistence.conf}).
 *
 * <p>Why: a recovery asked the database twice before the entity could take its first command (three times when the
 * journal has events after the snapshot), and in the simulator's history most commands go to a project that is new
 * (a self purchase has about nine events; a bulk batch is made of whole new projects). Same answer as the plugin: the
 * row of the highest sequence number of that id, decoded as the plugin does (payload and optional metadata by their
 * serializer ids and manifests); the highest sequence number is the plugin's own query, {@code max(sequence_number)}
 * of the id's journal rows, deleted or not.
 *
 * <p>Recoveries that start together are read together: at most {@link #MAX_READS_IN_FLIGHT} reads run at a time, and
 * the recoveries that start meanwhile go in the next one, on PostgreSQL as one statement over an array of ids (a bulk
 * batch starts a hundred new projects at once; each had a connection, a statement and a round trip of its own). An
 * idle service reads at once, as before; a busy one batches as much as it waits.
 */
public class RecoverySnapshotDao extends DefaultSnapshotDao {
  /**
   * Reads in flight at most, each on a blocking-IO thread with a pooled connection; recoveries that start meanwhile
   * wait and go in the next read together (a bulk batch starts a hundred new projects at once).
   */
  static final int MAX_READS_IN_FLIGHT = 2;
  static final int MAX_IDS_PER_READ = 500;

  private final JdbcBackend.JdbcDatabaseDef db;
  private final Serialization serialization;
  private final RecoveryHints hints;
  private final Executor blocking;
  private final String sql;
  /** The same for many ids in one statement (PostgreSQL); null on H2, which reads them one by one. */
  private final String batchSql;
  /** Recoveries waiting for a read, in arrival order; also the lock of {@link #reading}. */
  private final ArrayDeque<Request> waiting = new ArrayDeque<>();
  /** Reads in flight or queued on the dispatcher, at most {@link #MAX_READS_IN_FLIGHT}. */
  private int reading;
  private final AtomicLong reads = new AtomicLong();

  public RecoverySnapshotDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, SnapshotConfig config,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, config, serialization, ec, mat);
    this.db = db;
    this.serialization = serialization;
    this.hints = RecoveryHints.get(mat.system());
    this.blocking = mat.system().dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
    com.typesafe.config.Config system = mat.system().settings().config();
    EventJournalTableConfiguration journal =
        new JournalConfig(system.getConfig(system.getString("pekko.persistence.journal.plugin"))).eventJournalTableConfiguration();
    SnapshotTableConfiguration snapshots = config.snapshotTableConfiguration();
    var s = snapshots.columnNames();
    var j = journal.columnNames();
    // One row whatever exists: the journal's maximum (NULL without rows) and the latest snapshot's columns (NULL
    // without one). LEFT JOIN ... ON 1 = 1 and a LIMIT in a derived table read the same on PostgreSQL and H2.
    this.sql = "SELECT h.highest, s." + q(s.sequenceNumber()) + ", s." + q(s.created()) + ", s." + q(s.snapshotSerId())
        + ", s." + q(s.snapshotSerManifest()) + ", s." + q(s.snapshotPayload()) + ", s." + q(s.metaSerId())
        + ", s." + q(s.metaSerManifest()) + ", s." + q(s.metaPayload())
        + " FROM (SELECT MAX(" + q(j.sequenceNumber()) + ") AS highest FROM " + table(journal.schemaName(), journal.tableName())
        + " WHERE " + q(j.persistenceId()) + " = ?) h"
        + " LEFT JOIN (SELECT * FROM " + table(snapshots.schemaName(), snapshots.tableName())
        + " WHERE " + q(s.persistenceId()) + " = ? ORDER BY " + q(s.sequenceNumber()) + " DESC LIMIT 1) s ON 1 = 1";
    // PostgreSQL: one row per id of the array, the same columns after the id
    this.batchSql = !(profile instanceof slick.jdbc.PostgresProfile) ? null
        : "SELECT k.id, (SELECT MAX(j." + q(j.sequenceNumber()) + ") FROM " + table(journal.schemaName(), journal.tableName())
        + " j WHERE j." + q(j.persistenceId()) + " = k.id), s." + q(s.sequenceNumber()) + ", s." + q(s.created())
        + ", s." + q(s.snapshotSerId()) + ", s." + q(s.snapshotSerManifest()) + ", s." + q(s.snapshotPayload())
        + ", s." + q(s.metaSerId()) + ", s." + q(s.metaSerManifest()) + ", s." + q(s.metaPayload())
        + " FROM UNNEST(CAST(? AS VARCHAR ARRAY)) AS k(id) LEFT JOIN LATERAL (SELECT * FROM "
        + table(snapshots.schemaName(), snapshots.tableName()) + " x WHERE x." + q(s.persistenceId()) + " = k.id"
        + " ORDER BY x." + q(s.sequenceNumber()) + " DESC LIMIT 1) s ON TRUE";
  }

  private static String q(String name) {
    return "\"" + name + "\"";
  }

  private static String table(Option<String> schema, String name) {
    return (schema.isDefined() ? q(schema.get()) + "." : "") + q(name);
  }

  @Override
  public Future<Option<Tuple2<SnapshotMetadata, Object>>> latestSnapshot(String persistenceId) {
    Request request = new Request(persistenceId, hints.begin(persistenceId), new CompletableFuture<>());
    boolean start;
    synchronized (waiting) {
      waiting.add(request);
      start = reading < MAX_READS_IN_FLIGHT;
      if (start) reading++;
    }
    if (start) readNext();
    return FutureConverters.asScala(request.result());
  }

  /** One recovery's read: the id, the hint's token, the answer. */
  private record Request(String persistenceId, Object token, CompletableFuture<Option<Tuple2<SnapshotMetadata, Object>>> result) {}

  /** Reads the ids waiting now (one read slot is held), then hands the slot on: the next read or nothing. */
  private void readNext() {
    try {
      blocking.execute(() -> {
        List<Request> batch = new ArrayList<>();
        synchronized (waiting) {
          Set<String> ids = new HashSet<>();
          for (var it = waiting.iterator(); it.hasNext() && batch.size() < MAX_IDS_PER_READ; ) {
            Request r = it.next();
            // the same id twice (a stop and a start within one read) goes in the next read: one row per id
            if (ids.add(r.persistenceId())) {
              batch.add(r);
              it.remove();
            }
          }
        }
        try {
          if (!batch.isEmpty()) read(batch);
        } finally {
          boolean more;
          synchronized (waiting) {
            more = !waiting.isEmpty();
            if (!more) reading--;
          }
          if (more) readNext();
        }
      });
    } catch (RuntimeException e) { // the dispatcher refused (the system stops): fail what waits, free the slot
      List<Request> failed;
      synchronized (waiting) {
        failed = new ArrayList<>(waiting);
        waiting.clear();
        reading--;
      }
      for (Request r : failed) fail(r, e);
    }
  }

  private void read(List<Request> batch) {
    reads.incrementAndGet();
    try (Connection c = db.source().createConnection()) {
      if (batch.size() == 1 || batchSql == null) {
        // one id, or H2: the one-id statement for each, on one connection
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (Request r : batch) {
            ps.setString(1, r.persistenceId());
            ps.setString(2, r.persistenceId());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next(); // an aggregate without GROUP BY: always one row
              answer(r, rs, 1);
            } catch (RuntimeException | SQLException e) {
              fail(r, e);
            }
          }
        }
        return;
      }
      try (PreparedStatement ps = c.prepareStatement(batchSql)) {
        // planned for each read with its keys and the tables' sizes now: a server-prepared statement's generic plan,
        // made while the journal was empty, could scan it per key (docs/patterns.md, PatternSql.indexProbes)
        ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        ps.setArray(1, c.createArrayOf("varchar", batch.stream().map(Request::persistenceId).toArray()));
        Map<String, Request> byId = new HashMap<>();
        for (Request r : batch) byId.put(r.persistenceId(), r);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Request r = byId.remove(rs.getString(1));
            if (r == null) continue;
            try {
              answer(r, rs, 2);
            } catch (RuntimeException | SQLException e) {
              fail(r, e);
            }
          }
        }
        for (Request r : byId.values()) fail(r, new IllegalStateException("no row for " + r.persistenceId()));
      }
    } catch (RuntimeException | SQLException e) {
      for (Request r : batch) fail(r, e);
    }
  }

  private void fail(Request r, Exception e) {
    hints.forget(r.persistenceId());
    r.result().completeExceptionally(new IllegalStateException("latest snapshot of " + r.persistenceId() + " failed", e));
  }

  /** Completes {@code r} from the current row, whose highest sequence number is at {@code at}, the snapshot after it. */
  private void answer(Request r, ResultSet rs, int at) throws SQLException {
    String persistenceId = r.persistenceId();
    long highest = rs.getLong(at); // NULL (no journal rows) reads as 0, as the plugin's Option.getOrElse(0)
    hints.known(persistenceId, r.token(), highest);
    long sequenceNr = rs.getLong(at + 1);
    if (rs.wasNull()) {
      r.result().complete(Option.empty());
      return;
    }
    long created = rs.getLong(at + 2);
    Object snapshot = serialization.deserialize(rs.getBytes(at + 5), rs.getInt(at + 3), rs.getString(at + 4)).get();
    byte[] metaPayload = rs.getBytes(at + 8);
    Object metaSerId = rs.getObject(at + 6);
    // as the plugin: metadata only when both its payload and its serializer id are there
    SnapshotMetadata meta = metaPayload != null && metaSerId instanceof Number id
        ? SnapshotMetadata$.MODULE$.apply(persistenceId, sequenceNr, created,
            Option.apply(serialization.deserialize(metaPayload, id.intValue(), orEmpty(rs.getString(at + 7))).get()))
        : SnapshotMetadata$.MODULE$.apply(persistenceId, sequenceNr, created);
    r.result().complete(Option.apply(new Tuple2<>(meta, snapshot)));
  }

  /** Reads run so far (each one statement, or on H2 one per id on one connection); for tests. */
  long reads() {
    return reads.get();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
