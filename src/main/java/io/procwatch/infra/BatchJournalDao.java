package io.procwatch.infra;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.PostgresProfile;

/**
 * The journal of pekko-persistence-jdbc 1.1.1, writing a batch of journal rows and their tags in one statement
 * on PostgreSQL; everything else is the plugin's own ({@link RecoveryJournalDao}, which {@code jdbc-journal.dao} in
 * {@code conf/persistence.conf} names, extends it).
 *
 * <p>Why: the plugin writes a batch (the persists of many projects, gathered by its write queue) with Slick, which
 * inserts the journal rows one statement and one round trip each — it needs each row's generated {@code ordering}
 * for the tag rows — and then the tags as a JDBC batch, in a transaction: for a batch of n rows, n + 3 round
 * trips (the inserts, the tags, BEGIN and COMMIT on the first statement and at the end). Single events make
 * small batches, so most of those trips are paid per event. Here the rows go as arrays into one
 * {@code INSERT … SELECT FROM UNNEST … RETURNING} whose result feeds the tag insert in the same statement
 * (a data-modifying {@code WITH}): one round trip a batch, atomic on its own (auto-commit).
 *
 * <p>Same rows as the plugin: the batch sorted by sequence number (stable), so a project's rows get increasing
 * {@code ordering} in sequence order (the values come from the column's sequence as the rows are inserted in
 * that order); every column the plugin writes, from the same serialized row; a tag row per (row, tag). A failed
 * statement fails the whole batch, as the plugin's transaction does. H2, in the same process, keeps the plugin's
 * writes (no round trips to save).
 */
public class BatchJournalDao extends DefaultJournalDao {

  private final boolean postgres;
  private final String sql;
  private final Executor blocking;

  public BatchJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, JournalConfig config,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, config, serialization, ec, mat);
    this.postgres = profile instanceof PostgresProfile;
    this.blocking = mat.system().dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
    String journal = qualified(config.eventJournalTableConfiguration().schemaName(),
        config.eventJournalTableConfiguration().tableName());
    String tags = qualified(config.eventTagTableConfiguration().schemaName(),
        config.eventTagTableConfiguration().tableName());
    // Column names are the plugin's defaults, which the migrations create (V1) and conf/ does not rename.
    this.sql = "WITH j AS (INSERT INTO " + journal + " (\"deleted\", \"persistence_id\", \"sequence_number\","
        + " \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_ser_id\", \"event_ser_manifest\","
        + " \"event_payload\", \"meta_ser_id\", \"meta_ser_manifest\", \"meta_payload\")"
        + " SELECT r.deleted, r.pid, r.seq, r.writer, r.ts, r.manifest, r.ser_id, r.ser_manifest, r.payload,"
        + " r.meta_ser_id, r.meta_ser_manifest, r.meta_payload"
        + " FROM UNNEST(?::boolean[], ?::varchar[], ?::bigint[], ?::varchar[], ?::bigint[], ?::varchar[], ?::int[],"
        + " ?::varchar[], ?::bytea[], ?::int[], ?::varchar[], ?::bytea[]) WITH ORDINALITY"
        + " AS r(deleted, pid, seq, writer, ts, manifest, ser_id, ser_manifest, payload, meta_ser_id,"
        + " meta_ser_manifest, meta_payload, n)"
        + " ORDER BY r.n"
        + " RETURNING \"ordering\", \"persistence_id\", \"sequence_number\")"
        + " INSERT INTO " + tags + " (\"event_id\", \"tag\")"
        + " SELECT j.\"ordering\", t.tag FROM UNNEST(?::varchar[], ?::bigint[], ?::varchar[]) AS t(pid, seq, tag)"
        + " JOIN j ON j.\"persistence_id\" = t.pid AND j.\"sequence_number\" = t.seq";
  }

  private static String qualified(Option<String> schema, String name) {
    return (schema.isDefined() ? "\"" + schema.get() + "\"." : "") + "\"" + name + "\"";
  }

  @Override
  public Future<BoxedUnit> writeJournalRows(Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> xs) {
    if (!postgres) return super.writeJournalRows(xs);
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows = new ArrayList<>(CollectionConverters.asJava(xs));
    rows.sort(Comparator.comparingLong(r -> r._1().sequenceNumber()));
    return FutureConverters.asScala(CompletableFuture.supplyAsync(() -> {
      write(rows);
      return BoxedUnit.UNIT;
    }, blocking));
  }

  private void write(List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows) {
    int n = rows.size();
    Boolean[] deleted = new Boolean[n];
    String[] pid = new String[n];
    Long[] seq = new Long[n];
    String[] writer = new String[n];
    Long[] ts = new Long[n];
    String[] manifest = new String[n];
    Integer[] serId = new Integer[n];
    String[] serManifest = new String[n];
    byte[][] payload = new byte[n][];
    Integer[] metaSerId = new Integer[n];
    String[] metaSerManifest = new String[n];
    byte[][] metaPayload = new byte[n][];
    List<String> tagPid = new ArrayList<>();
    List<Long> tagSeq = new ArrayList<>();
    List<String> tag = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JournalPekkoSerializationRow r = rows.get(i)._1();
      deleted[i] = r.deleted();
      pid[i] = r.persistenceId();
      seq[i] = r.sequenceNumber();
      writer[i] = r.writer();
      ts[i] = r.writeTimestamp();
      manifest[i] = r.adapterManifest();
      serId[i] = r.eventSerId();
      serManifest[i] = r.eventSerManifest();
      payload[i] = r.eventPayload();
      metaSerId[i] = r.metaSerId().isDefined() ? (Integer) r.metaSerId().get() : null;
      metaSerManifest[i] = r.metaSerManifest().isDefined() ? r.metaSerManifest().get() : null;
      metaPayload[i] = r.metaPayload().isDefined() ? r.metaPayload().get() : null;
      scala.collection.Iterator<String> it = rows.get(i)._2().iterator();
      while (it.hasNext()) {
        tagPid.add(pid[i]);
        tagSeq.add(seq[i]);
        tag.add(it.next());
      }
    }
    try (Connection c = db().source().createConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("boolean", deleted));
      ps.setArray(2, c.createArrayOf("varchar", pid));
      ps.setArray(3, c.createArrayOf("bigint", seq));
      ps.setArray(4, c.createArrayOf("varchar", writer));
      ps.setArray(5, c.createArrayOf("bigint", ts));
      ps.setArray(6, c.createArrayOf("varchar", manifest));
      ps.setArray(7, c.createArrayOf("int4", serId));
      ps.setArray(8, c.createArrayOf("varchar", serManifest));
      ps.setArray(9, c.createArrayOf("bytea", payload));
      ps.setArray(10, c.createArrayOf("int4", metaSerId));
      ps.setArray(11, c.createArrayOf("varchar", metaSerManifest));
      ps.setArray(12, c.createArrayOf("bytea", metaPayload));
      ps.setArray(13, c.createArrayOf("varchar", tagPid.toArray(String[]::new)));
      ps.setArray(14, c.createArrayOf("bigint", tagSeq.toArray(Long[]::new)));
      ps.setArray(15, c.createArrayOf("varchar", tag.toArray(String[]::new)));
      if (!c.getAutoCommit()) c.setAutoCommit(true); // one statement, its own transaction
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("writing " + n + " journal rows failed (" + pid[0] + " #" + seq[0]
          + (n > 1 ? ", ..." : "") + ")", e);
    }
  }
}
