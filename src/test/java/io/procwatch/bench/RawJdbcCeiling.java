package io.procwatch.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The raw ceiling of stack.md §5 case (c): plain JDBC {@code addBatch}/{@code executeBatch} of
 * event_journal-shaped rows into a clone of the plugin's table (same columns, keys and indexes, its own
 * sequence), {@code batch} rows per transaction, one connection per thread, in the same database as
 * the service. With {@code --tags true}, the generated orderings feed a second batch into a clone of
 * event_tag in the same transaction (one tag per row, as the service writes).
 */
final class RawJdbcCeiling {
  private RawJdbcCeiling() {}

  static int run(IngestBench.Opts o) throws Exception {
    String url = o.str("jdbc");
    String user = o.str("user", "postgres");
    String password = o.str("password", "");
    int threads = o.integer("threads", 8);
    int batch = o.integer("batch", 400);
    int payloadBytes = o.integer("payload-bytes", 36);
    boolean tags = o.bool("tags", false);
    long warmupNs = o.integer("warmup", 3) * 1_000_000_000L;
    long durationNs = o.integer("duration", 10) * 1_000_000_000L;
    String journal = "bench_raw_journal";
    String tagTable = "bench_raw_tag";

    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + tagTable);
      s.execute("DROP TABLE IF EXISTS " + journal);
      // The DDL of V1__journal_and_snapshots.sql (pekko-persistence-jdbc 1.1.1), renamed.
      s.execute("CREATE TABLE " + journal + " (ordering BIGSERIAL, persistence_id VARCHAR(255) NOT NULL,"
          + " sequence_number BIGINT NOT NULL, deleted BOOLEAN DEFAULT FALSE NOT NULL, writer VARCHAR(255) NOT NULL,"
          + " write_timestamp BIGINT, adapter_manifest VARCHAR(255), event_ser_id INTEGER NOT NULL,"
          + " event_ser_manifest VARCHAR(255) NOT NULL, event_payload BYTEA NOT NULL, meta_ser_id INTEGER,"
          + " meta_ser_manifest VARCHAR(255), meta_payload BYTEA, PRIMARY KEY(persistence_id, sequence_number))");
      s.execute("CREATE UNIQUE INDEX " + journal + "_ordering_idx ON " + journal + "(ordering)");
      // without a foreign key to the journal, as the service's event_tag since migration V13
      s.execute("CREATE TABLE " + tagTable + " (event_id BIGINT, tag VARCHAR(256), PRIMARY KEY(event_id, tag))");
    }

    byte[] payload = new byte[payloadBytes];
    new Random(42).nextBytes(payload);
    String insert = "INSERT INTO " + journal + " (deleted, persistence_id, sequence_number, writer, write_timestamp,"
        + " adapter_manifest, event_payload, event_ser_id, event_ser_manifest, meta_payload, meta_ser_id, meta_ser_manifest)"
        + " VALUES (false, ?, ?, ?, ?, '', ?, 33, 'io.procwatch.project.ProcurementProject$FactsRecorded', NULL, NULL, NULL)";
    String insertTag = "INSERT INTO " + tagTable + " (event_id, tag) VALUES (?, ?)";

    LongAdder rows = new LongAdder();
    // Connections stay open a moment after "MARK end", so that the script's CPU sample still sees
    // their backends (a backend that has exited takes its CPU time with it).
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long warmEnd = start + warmupNs;
    long end = warmEnd + durationNs;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final int thread = t;
      Thread w = new Thread(() -> {
        String writer = UUID.randomUUID().toString();
        try (Connection c = DriverManager.getConnection(url, user, password)) {
          c.setAutoCommit(false);
          try (PreparedStatement ps = tags ? c.prepareStatement(insert, new String[] {"ordering"}) : c.prepareStatement(insert);
              PreparedStatement pt = c.prepareStatement(insertTag)) {
            long i = 0;
            while (System.nanoTime() < end) {
              for (int b = 0; b < batch; b++, i++) {
                // 1000 "entities" per thread, each writing its next sequence number.
                ps.setString(1, "Project|raw-" + thread + "-" + (i % 1000));
                ps.setLong(2, i / 1000 + 1);
                ps.setString(3, writer);
                ps.setLong(4, System.currentTimeMillis());
                ps.setBytes(5, payload);
                ps.addBatch();
              }
              ps.executeBatch();
              if (tags) {
                try (ResultSet keys = ps.getGeneratedKeys()) {
                  while (keys.next()) {
                    long ordering = keys.getLong(1);
                    pt.setLong(1, ordering);
                    pt.setString(2, "project-" + (ordering & 3));
                    pt.addBatch();
                  }
                }
                pt.executeBatch();
              }
              c.commit();
              long now = System.nanoTime();
              if (now >= warmEnd && now <= end) rows.add(batch);
            }
          }
          release.await();
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "raw-" + t);
      w.start();
      workers.add(w);
    }
    BulkDriver.sleepUntil(warmEnd);
    BulkDriver.mark("start");
    BulkDriver.sleepUntil(end);
    BulkDriver.mark("end");
    Thread.sleep(2000);
    release.countDown();
    for (Thread w : workers) w.join();
    if (failure.get() != null) {
      failure.get().printStackTrace();
      return 1;
    }
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + tagTable);
      s.execute("DROP TABLE IF EXISTS " + journal);
    }
    double seconds = durationNs / 1e9;
    double perSecond = rows.sum() / seconds;
    System.err.printf("ceiling: %d thread(s), batch %d, %d-byte payload%s: %.0f rows/s%n", threads, batch, payloadBytes,
        tags ? ", with tag rows" : "", perSecond);
    System.out.printf("RESULT mode=ceiling threads=%d batch=%d payload_bytes=%d tags=%s rows=%d seconds=%.0f rows_per_s=%.0f%n",
        threads, batch, payloadBytes, tags, rows.sum(), seconds, perSecond);
    return 0;
  }
}
