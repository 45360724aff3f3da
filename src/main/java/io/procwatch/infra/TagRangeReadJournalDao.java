package io.procwatch.infra;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization$;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableConfiguration;
import org.apache.pekko.persistence.jdbc.config.EventTagTableConfiguration;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import scala.Option;
import scala.Tuple2;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * The JDBC read journal of pekko-persistence-jdbc 1.1.1 with a cheaper {@code eventsByTag} query; everything
 * else is the plugin's own ({@code jdbc-read-journal.dao} in {@code conf/persistence.conf}).
 *
 * <p>Why: the plugin's query bounds the offset range on {@code event_journal.ordering} only and joins
 * {@code event_tag} on it. PostgreSQL does not carry a range across a join, so it merge-joined the range with
 * the tag's entries read from the start of history: every poll of every projection cost time proportional to
 * the whole journal (docs/performance.md: 700 µs of PostgreSQL CPU per ingested event, a listing 75k rows
 * behind). Here the range is also put on {@code event_tag.event_id} and the rows are read in {@code event_id}
 * order, so the index {@code event_tag(tag, event_id)} (migration V7) yields exactly the rows of one page and
 * each is fetched from the journal by its ordering: the cost of a poll is the size of the page.
 *
 * <p>Same answer as the plugin: the journal rows of one tag in {@code (offset, maxOffset]}, not deleted, by
 * ordering, at most {@code max}, deserialized by the plugin's own {@code PekkoSerialization.fromRow}; like the
 * plugin it returns an empty tag set (the envelopes' tags are not read back).
 *
 * <p>Decoded once for all readers: every row of a project tag is read by two projections (the listing and the
 * patterns) and each {@code AlertsChanged} row by a third (the alerts tag), each polling the same recent pages. The
 * CBOR decoding was most of a page's cost (JFR: 12.8% of the service's samples in a bulk load), so a row decoded by
 * one reader is kept, by ordering, in a bounded {@link DecodedRows} for the others
 * ({@code jdbc-read-journal.decoded-rows} in {@code conf/persistence.conf}). A miss only costs the decoding.
 *
 * <p>Read once for all readers of a tag: the second reader of a project tag's page is answered from the tag's most
 * recent rows, kept as stored ({@link TagWindows}, {@code jdbc-read-journal.tag-windows}; decoded as above), and
 * only what lies beyond them is queried: half the page queries, their round trips and the payloads' transfer (the
 * ingest benchmark's page queries fell from 758–804 to 374–398 a window, single events and bulk alike).
 */
public class TagRangeReadJournalDao extends DefaultReadJournalDao {
  /** Journal rows kept decoded for the other projections reading the same page ({@link DecodedRows}); 0: off. */
  static final String DECODED_SLOTS = "jdbc-read-journal.decoded-rows.slots";
  /** Serialized payload bytes those rows may take at most. */
  static final String DECODED_BYTES = "jdbc-read-journal.decoded-rows.max-bytes";
  /** Serialized payload bytes of the recent rows kept per tag for the other readers of the tag ({@link TagWindows}); 0: off. */
  static final String WINDOW_BYTES = "jdbc-read-journal.tag-windows.max-bytes";

  private final Serialization serialization;
  private final Executor blocking;
  private final String sql;
  private final DecodedRows<Try<Tuple2<PersistentRepr, Object>>> decoded;
  private final TagWindows<JournalTables.JournalPekkoSerializationRow> windows;
  private final java.util.concurrent.atomic.AtomicLong lastLog = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
  private final java.util.concurrent.atomic.AtomicLong loggedReads = new java.util.concurrent.atomic.AtomicLong();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TagRangeReadJournalDao.class);

  public TagRangeReadJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, ReadJournalConfig config,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, config, serialization, ec, mat);
    this.serialization = serialization;
    this.blocking = mat.system().dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
    com.typesafe.config.Config c = mat.system().settings().config();
    this.decoded = new DecodedRows<>(
        c.hasPath(DECODED_SLOTS) ? c.getInt(DECODED_SLOTS) : 4096,
        c.hasPath(DECODED_BYTES) ? c.getBytes(DECODED_BYTES) : 16L << 20);
    this.windows = new TagWindows<>(c.hasPath(WINDOW_BYTES) ? c.getBytes(WINDOW_BYTES) : 4L << 20);
    String journal = table(config.eventJournalTableConfiguration());
    String tags = table(config.eventTagTableConfiguration());
    // Column names are the plugin's defaults, which the migrations create (V1) and conf/ does not rename.
    this.sql = "SELECT j.\"ordering\", j.\"deleted\", j.\"persistence_id\", j.\"sequence_number\", j.\"writer\","
        + " j.\"write_timestamp\", j.\"adapter_manifest\", j.\"event_payload\", j.\"event_ser_id\","
        + " j.\"event_ser_manifest\", j.\"meta_payload\", j.\"meta_ser_id\", j.\"meta_ser_manifest\""
        + " FROM " + tags + " t JOIN " + journal + " j ON j.\"ordering\" = t.\"event_id\""
        + " WHERE t.\"tag\" = ? AND t.\"event_id\" > ? AND t.\"event_id\" <= ? AND j.\"deleted\" = FALSE"
        + " ORDER BY t.\"event_id\" LIMIT ?";
  }

  private static String table(EventJournalTableConfiguration t) {
    return qualified(t.schemaName(), t.tableName());
  }

  private static String table(EventTagTableConfiguration t) {
    return qualified(t.schemaName(), t.tableName());
  }

  private static String qualified(Option<String> schema, String name) {
    return (schema.isDefined() ? "\"" + schema.get() + "\"." : "") + "\"" + name + "\"";
  }

  @Override
  public org.apache.pekko.stream.scaladsl.Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(
      String tag, long offset, long maxOffset, long max) {
    CompletableFuture<List<Try<Tuple3<PersistentRepr, Set<String>, Object>>>> page =
        CompletableFuture.supplyAsync(() -> page(tag, offset, maxOffset, max), blocking);
    return Source.completionStage(page).mapConcat(rows -> rows).asScala();
  }

  private List<Try<Tuple3<PersistentRepr, Set<String>, Object>>> page(String tag, long offset, long maxOffset, long max) {
    List<TagWindows.Row<JournalTables.JournalPekkoSerializationRow>> rows;
    try {
      rows = windows.page(tag, offset, maxOffset, (int) Math.min(max, Integer.MAX_VALUE), this::query);
    } catch (SQLException e) {
      throw new IllegalStateException("eventsByTag(" + tag + ", " + offset + ", " + maxOffset + ") failed", e);
    }
    List<Try<Tuple3<PersistentRepr, Set<String>, Object>>> out = new ArrayList<>(rows.size());
    Set<String> noTags = scala.collection.immutable.Set$.MODULE$.empty();
    for (var r : rows) {
      JournalTables.JournalPekkoSerializationRow row = r.value();
      // only what decoded is kept: a failure is decoded again (and reported again) by the next reader
      Try<Tuple2<PersistentRepr, Object>> repr = decoded.get(row.ordering(), row.persistenceId(), row.sequenceNumber(),
          row.eventPayload().length, () -> PekkoSerialization$.MODULE$.fromRow(serialization, row), Try::isSuccess);
      out.add(repr.map(t -> new Tuple3<>(t._1(), noTags, t._2())));
    }
    logDecoded();
    return out;
  }

  /**
   * The journal rows of {@code tag} in {@code (after, upTo]}, at most {@code limit}, as stored (decoded by
   * {@link #page}); each counted at its payload's size and a little more for its other columns.
   */
  private List<TagWindows.Row<JournalTables.JournalPekkoSerializationRow>> query(String tag, long after, long upTo,
      int limit) throws SQLException {
    List<TagWindows.Row<JournalTables.JournalPekkoSerializationRow>> out = new ArrayList<>();
    try (Connection c = db().source().createConnection(); PreparedStatement ps = prepare(c, sql)) {
      ps.setString(1, tag);
      ps.setLong(2, after);
      ps.setLong(3, upTo);
      ps.setLong(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long ordering = rs.getLong(1);
          byte[] payload = rs.getBytes(8);
          JournalTables.JournalPekkoSerializationRow row = new JournalTables.JournalPekkoSerializationRow(
              ordering, rs.getBoolean(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getLong(6),
              rs.getString(7), payload, rs.getInt(9), rs.getString(10), Option.apply(rs.getBytes(11)),
              metaSerId(rs), Option.apply(rs.getString(13)));
          out.add(new TagWindows.Row<>(ordering, payload.length + ROW_OVERHEAD, row));
        }
      }
      if (!c.getAutoCommit()) c.commit(); // the read-only transaction of prepare(); the pool rolls back on failure
    }
    return out;
  }

  /** What a journal row takes besides its payload: the row object, its ids, writer and manifest (about). */
  private static final int ROW_OVERHEAD = 256;

  /**
   * The page query, prepared so that PostgreSQL plans it for each poll with its own bounds and answers in binary.
   *
   * <p>Planned per poll: a generic plan, once the server caches one for a prepared statement, is kept. The projections
   * poll from the service's start, so it was made while the journal was empty (or its statistics said so): a nested
   * loop of sequential scans, each poll then reading the whole journal once per row of its page (a bulk load with
   * statistics from before its first row: 12,000 buffers and 28 ms a poll on average, most of the database's time).
   * {@code plan_cache_mode = force_custom_plan}, set for this transaction only, forbids it; a plan per poll costs about
   * 0.1 ms.
   *
   * <p>Binary: without it (an unnamed statement, as before: threshold 0) results come as text, so every payload
   * crossed as hex, twice its size, for the server to encode and the driver to decode — the driver's hex decoding
   * was a fifth of the service's CPU samples in a bulk load of 2 KB rows. A threshold of -1 makes pgjdbc prepare the
   * statement on the server from its first use and ask for binary results. ({@code TagRangeReadJournalDaoTest}
   * checks both; a polling statement with neither the setting nor its transaction went back to generic plans.)
   */
  static PreparedStatement prepare(Connection c, String sql) throws SQLException {
    if (!c.isWrapperFor(org.postgresql.PGConnection.class)) return c.prepareStatement(sql);
    c.setAutoCommit(false);
    try (java.sql.Statement st = c.createStatement()) {
      st.execute("SET LOCAL plan_cache_mode = force_custom_plan");
    }
    PreparedStatement ps = c.prepareStatement(sql);
    ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
    return ps;
  }

  /** Every 30 s at most, and only when rows were read since, how many reads the decoded rows answered (INFO, for benchmarks and operators). */
  private void logDecoded() {
    long now = System.nanoTime();
    long last = lastLog.get();
    if (now - last < 30_000_000_000L || !lastLog.compareAndSet(last, now)) return;
    long hits = decoded.hits();
    long misses = decoded.misses();
    if (hits + misses == loggedReads.getAndSet(hits + misses)) return; // idle: said already
    LOG.info("journal rows read by the projections: {} decoded, {} shared with another reader ({}%); {} KiB held;"
            + " {} read from the database, {} answered from a tag's recent rows ({}%), {} KiB of them kept",
        misses, hits, hits + misses == 0 ? 0 : Math.round(100.0 * hits / (hits + misses)), decoded.bytes() / 1024,
        windows.queried(), windows.shared(),
        windows.queried() + windows.shared() == 0 ? 0 : Math.round(100.0 * windows.shared() / (windows.queried() + windows.shared())),
        windows.bytes() / 1024);
  }

  private static Option<Object> metaSerId(ResultSet rs) throws SQLException {
    int id = rs.getInt(12);
    return rs.wasNull() ? Option.empty() : Option.apply(id);
  }
}
