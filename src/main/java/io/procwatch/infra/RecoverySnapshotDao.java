package io.procwatch.infra;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 */
public class RecoverySnapshotDao extends DefaultSnapshotDao {
  private final JdbcBackend.JdbcDatabaseDef db;
  private final Serialization serialization;
  private final RecoveryHints hints;
  private final Executor blocking;
  private final String sql;

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
  }

  private static String q(String name) {
    return "\"" + name + "\"";
  }

  private static String table(Option<String> schema, String name) {
    return (schema.isDefined() ? q(schema.get()) + "." : "") + q(name);
  }

  @Override
  public Future<Option<Tuple2<SnapshotMetadata, Object>>> latestSnapshot(String persistenceId) {
    Object token = hints.begin(persistenceId);
    CompletableFuture<Option<Tuple2<SnapshotMetadata, Object>>> result = CompletableFuture.supplyAsync(() -> {
      try {
        return read(persistenceId, token);
      } catch (RuntimeException | SQLException e) {
        hints.forget(persistenceId);
        throw new IllegalStateException("latest snapshot of " + persistenceId + " failed", e);
      }
    }, blocking);
    return FutureConverters.asScala(result);
  }

  private Option<Tuple2<SnapshotMetadata, Object>> read(String persistenceId, Object token) throws SQLException {
    try (Connection c = db.source().createConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, persistenceId);
      ps.setString(2, persistenceId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next(); // an aggregate without GROUP BY: always one row
        long highest = rs.getLong(1); // NULL (no journal rows) reads as 0, as the plugin's Option.getOrElse(0)
        hints.known(persistenceId, token, highest);
        long sequenceNr = rs.getLong(2);
        if (rs.wasNull()) return Option.empty();
        long created = rs.getLong(3);
        Object snapshot = serialization.deserialize(rs.getBytes(6), rs.getInt(4), rs.getString(5)).get();
        byte[] metaPayload = rs.getBytes(9);
        Object metaSerId = rs.getObject(7);
        // as the plugin: metadata only when both its payload and its serializer id are there
        SnapshotMetadata meta = metaPayload != null && metaSerId instanceof Number id
            ? SnapshotMetadata$.MODULE$.apply(persistenceId, sequenceNr, created,
                Option.apply(serialization.deserialize(metaPayload, id.intValue(), orEmpty(rs.getString(8))).get()))
            : SnapshotMetadata$.MODULE$.apply(persistenceId, sequenceNr, created);
        return Option.apply(new Tuple2<>(meta, snapshot));
      }
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
