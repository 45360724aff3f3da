package io.procwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.procwatch.alert.AlertProjection.Numbered;
import io.procwatch.alert.AlertProjection.Source;
import io.procwatch.infra.AppConfig;
import io.procwatch.infra.Database;
import io.procwatch.infra.Json;
import io.procwatch.infra.Settings;
import io.procwatch.rules.Severity;
import io.procwatch.testing.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@link AlertProjection#number} itself, on H2 and on the real PostgreSQL, as both paths call it: the look-ups
 * before the counter lock, the re-check when the counter moved, the batched writes, and a numbered group that
 * never takes the lock.
 */
class AlertNumberingTest {
  private static final ObjectMapper JSON = Json.mapper();
  private static final Instant T0 = Instant.parse("2026-03-10T04:00:00Z");

  // ---- both paths at once, over groups that mix numbered and new events --------------------------------

  @Test
  void bothPathsAtOnceNumberEachChangeOnceInProjectOrderOnH2() throws Exception {
    try (Database db = h2()) {
      bothPathsAtOnce(db);
    }
  }

  @Test
  void bothPathsAtOnceNumberEachChangeOnceInProjectOrderOnPostgres() throws Exception {
    try (Postgres.FreshDatabase fresh = Postgres.create(); Database db = open(fresh.url(), Postgres.USER, Postgres.PASSWORD)) {
      bothPathsAtOnce(db);
    }
  }

  /**
   * The journal order of 30 projects' events (each project: raise, ack, resolve + raise, manual resolve),
   * interleaved. Some are numbered first; then a "sequencer" and a "projection" thread number the whole
   * journal at once, each in its own group sizes, as the two paths do.
   */
  private static void bothPathsAtOnce(Database db) throws Exception {
    List<Source> journal = journal(30);
    List<Source> early = new ArrayList<>();
    for (int i = 0; i < journal.size(); i += 9) early.add(journal.get(i));
    // numbered before: a scattered few, each the first not-numbered event of its project (as a path would)
    List<Source> firstOfProject = new ArrayList<>();
    Set<String> projects = new HashSet<>();
    for (Source s : early) if (s.sequenceNr() == 1 && projects.add(s.persistenceId())) firstOfProject.add(s);
    ConcurrentLinkedQueue<Numbered> all = new ConcurrentLinkedQueue<>();
    all.addAll(inTransaction(db, c -> AlertProjection.number(c, firstOfProject, "sequencer")).numbered());
    assertThat(all).isNotEmpty();

    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<Void> sequencer = CompletableFuture.runAsync(() -> run(db, journal, 5, "sequencer", go, all));
    CompletableFuture<Void> projection = CompletableFuture.runAsync(() -> run(db, journal, 7, "projection", go, all));
    go.countDown();
    CompletableFuture.allOf(sequencer, projection).get(120, TimeUnit.SECONDS);

    int changes = journal.stream().mapToInt(s -> s.changes().size()).sum();
    // every change numbered exactly once, gap-free, by whichever path came first
    assertThat(all.stream().map(Numbered::sequence).sorted().toList())
        .isEqualTo(LongStream.rangeClosed(1, changes).boxed().toList());
    assertThat(sequences(db)).isEqualTo(LongStream.rangeClosed(1, changes).boxed().toList());
    assertThat(AlertProjection.lastSequence(db)).isEqualTo(changes);
    assertThat(count(db, "SELECT COUNT(*) FROM alert_source")).isEqualTo(journal.size());
    // per project, in journal order: each event's numbers follow the previous event's
    Map<String, Long> lastOfProject = new HashMap<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT persistence_id, first_sequence, last_sequence FROM alert_source ORDER BY persistence_id, sequence_nr");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long before = lastOfProject.getOrDefault(rs.getString(1), 0L);
        assertThat(rs.getLong(2)).as(rs.getString(1)).isGreaterThan(before);
        lastOfProject.put(rs.getString(1), rs.getLong(3));
      }
    }
    // the change rows, the alert rows and the published values agree with a replay of the journal
    Map<Long, Numbered> bySequence = new HashMap<>();
    for (Numbered n : all) bySequence.put(n.sequence(), n);
    Map<String, Alert> replay = new LinkedHashMap<>();
    Map<String, long[]> raisedAndLast = new HashMap<>();
    int audits = 0;
    for (long seq = 1; seq <= changes; seq++) {
      Numbered n = bySequence.get(seq);
      Alert after = n.change().apply(replay.get(n.change().alertId()));
      replay.put(after.id(), after);
      assertThat(n.alert()).isEqualTo(after);
      raisedAndLast.computeIfAbsent(after.id(), k -> new long[] {n.sequence(), 0})[1] = n.sequence();
      if (n.change() instanceof AlertChange.Acknowledged
          || (n.change() instanceof AlertChange.Resolved r && r.by() != null)) {
        audits++;
        assertThat(count(db, "SELECT COUNT(*) FROM audit WHERE id = " + seq + " AND alert_id = '" + after.id() + "'"))
            .as("audit row of sequence %d", seq).isEqualTo(1);
      }
    }
    assertThat(count(db, "SELECT COUNT(*) FROM audit")).isEqualTo(audits).isEqualTo(60);
    assertThat(count(db, "SELECT COUNT(*) FROM alert")).isEqualTo(replay.size()).isEqualTo(60);
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT alert_id, status, raised_sequence, last_sequence, body FROM alert");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Alert expected = replay.get(rs.getString(1));
        assertThat(JSON.readValue(rs.getString(5), Alert.class)).isEqualTo(expected);
        assertThat(rs.getString(2)).isEqualTo(expected.status().name()).isEqualTo("RESOLVED");
        assertThat(new long[] {rs.getLong(3), rs.getLong(4)}).containsExactly(raisedAndLast.get(expected.id()));
      }
    }
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT sequence, kind, body FROM alert_change ORDER BY sequence");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Numbered n = bySequence.get(rs.getLong(1));
        assertThat(rs.getString(2)).isEqualTo(n.kind());
        assertThat(JSON.treeToValue(JSON.readTree(rs.getString(3)).get("change"), AlertChange.class)).isEqualTo(n.change());
      }
    }
  }

  /** One path: the whole journal, in groups of {@code size}, one transaction each. */
  private static void run(Database db, List<Source> journal, int size, String by, CountDownLatch go,
      ConcurrentLinkedQueue<Numbered> out) {
    try {
      go.await();
      for (int from = 0; from < journal.size(); from += size) {
        List<Source> group = journal.subList(from, Math.min(journal.size(), from + size));
        AlertProjection.Result r = inTransaction(db, c -> AlertProjection.number(c, group, by));
        assertThat(r.seen()).isEqualTo(group);
        out.addAll(r.numbered());
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- a numbered group takes no lock ------------------------------------------------------------------

  @Test
  void aGroupNumberedAlreadyIsSkippedWithoutTheCounterLockOnH2() throws Exception {
    try (Database db = h2()) {
      numberedGroupTakesNoLock(db);
    }
  }

  @Test
  void aGroupNumberedAlreadyIsSkippedWithoutTheCounterLockOnPostgres() throws Exception {
    try (Postgres.FreshDatabase fresh = Postgres.create(); Database db = open(fresh.url(), Postgres.USER, Postgres.PASSWORD)) {
      numberedGroupTakesNoLock(db);
    }
  }

  private static void numberedGroupTakesNoLock(Database db) throws Exception {
    List<Source> journal = journal(3);
    List<Source> group = journal.subList(0, 6);
    assertThat(inTransaction(db, c -> AlertProjection.number(c, group, "sequencer")).numbered()).hasSize(6);
    try (Connection holder = db.dataSource().getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock = holder.prepareStatement("SELECT last_value FROM alert_sequence WHERE id = 1 FOR UPDATE");
          ResultSet rs = lock.executeQuery()) {
        assertThat(rs.next()).isTrue();
      }
      // the counter row is locked by another transaction: a group that needs a number waits (or times out) ...
      CompletableFuture<AlertProjection.Result> blocked = CompletableFuture.supplyAsync(() -> {
        try {
          return inTransaction(db, c -> AlertProjection.number(c, journal.subList(0, 7), "sequencer"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      // ... but one that is numbered already (the projection seeing the sequencer's events) returns at once
      AlertProjection.Result skipped = CompletableFuture.supplyAsync(() -> {
        try {
          return inTransaction(db, c -> AlertProjection.number(c, group, "projection"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).get(5, TimeUnit.SECONDS);
      assertThat(skipped.numbered()).isEmpty();
      assertThat(skipped.seen()).isEqualTo(group);
      assertThat(blocked).isNotDone();
      holder.rollback();
      assertThat(blocked.get(30, TimeUnit.SECONDS).numbered()).extracting(Numbered::sequence).containsExactly(7L, 8L); // event 3 of P-0: two changes
    }
    assertThat(count(db, "SELECT COUNT(*) FROM alert_source WHERE numbered_by = 'projection'")).isZero();
  }

  // ---- the counter moved between the look-ups and the lock ---------------------------------------------

  @Test
  void lookUpsMadeStaleWhileWaitingForTheLockAreRepeatedUnderItOnH2() throws Exception {
    try (Database db = h2()) {
      staleLookUps(db, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL");
    }
  }

  @Test
  void lookUpsMadeStaleWhileWaitingForTheLockAreRepeatedUnderItOnPostgres() throws Exception {
    try (Postgres.FreshDatabase fresh = Postgres.create(); Database db = open(fresh.url(), Postgres.USER, Postgres.PASSWORD)) {
      staleLookUps(db, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
    }
  }

  /**
   * One path numbers events 1–2 of a project and has not committed; the other reads, before the lock, that
   * neither is numbered and that the alert is unknown, then waits for the lock. When it gets it the counter
   * has moved: it must find 1–2 numbered and read the alert event 2 left, and number only event 3, a
   * resolution of that alert.
   */
  private static void staleLookUps(Database db, String waitingForALock) throws Exception {
    List<Source> project = journal(1); // events 1..4 of one project
    try (Connection first = db.dataSource().getConnection()) {
      first.setAutoCommit(false);
      List<Numbered> byFirst = AlertProjection.number(first, project.subList(0, 2), "projection").numbered();
      assertThat(byFirst).extracting(Numbered::sequence).containsExactly(1L, 2L);
      CompletableFuture<AlertProjection.Result> second = CompletableFuture.supplyAsync(() -> {
        try {
          return inTransaction(db, c -> AlertProjection.number(c, project.subList(0, 3), "sequencer"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count(db, waitingForALock) >= 1);
      first.commit();
      AlertProjection.Result r = second.get(30, TimeUnit.SECONDS);
      // event 3 resolves alert ~1 (acknowledged by event 2) and raises ~2
      assertThat(r.numbered()).extracting(Numbered::sequence).containsExactly(3L, 4L);
      Alert resolved = r.numbered().get(0).alert();
      assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
      assertThat(resolved.acknowledgement()).isNotNull();
    }
    assertThat(sequences(db)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(count(db, "SELECT COUNT(*) FROM alert_source WHERE numbered_by = 'sequencer'")).isEqualTo(1);
  }

  @Test
  void lookUpListsArePaddedToAPowerOfTwo() {
    assertThat(List.of(1, 2, 3, 4, 5, 8, 9, 200, 256).stream().map(AlertProjection::padded).toList())
        .containsExactly(1, 2, 4, 4, 8, 8, 16, 256, 256);
  }

  /** A group larger than one look-up statement: chunks, with padded lists, find exactly the numbered ones. */
  @Test
  void aGroupLargerThanOneLookUpChunkSkipsExactlyTheNumberedEvents() throws Exception {
    try (Database db = h2()) {
      List<Source> journal = journal(150); // 600 events, 3 chunks
      List<Source> some = new ArrayList<>();
      for (int i = 0; i < 150; i += 3) some.add(journal.get(i)); // first events of every third project
      List<Source> none = inTransaction(db, c -> AlertProjection.notNumbered(c, journal));
      assertThat(none).hasSize(600);
      inTransaction(db, c -> AlertProjection.number(c, some, "sequencer"));
      List<Source> left = inTransaction(db, c -> AlertProjection.notNumbered(c, journal));
      assertThat(left).hasSize(550).doesNotContainAnyElementsOf(some);
      AlertProjection.Result r = inTransaction(db, c -> AlertProjection.number(c, journal, "projection"));
      assertThat(r.numbered()).hasSize(journal.stream().mapToInt(s -> s.changes().size()).sum() - 50);
      assertThat(sequences(db)).isEqualTo(LongStream.rangeClosed(1, AlertProjection.lastSequence(db)).boxed().toList());
    }
  }

  // ---- fixtures ----------------------------------------------------------------------------------------

  /**
   * {@code projects} projects, four events each, interleaved round-robin in journal order: 1 raises ~1, 2
   * acknowledges it, 3 resolves it (cleared) and raises ~2 in the same event, 4 resolves ~2 by hand.
   */
  static List<Source> journal(int projects) {
    List<Source> out = new ArrayList<>();
    for (int e = 1; e <= 4; e++) {
      for (int p = 0; p < projects; p++) {
        String pid = "P-" + p;
        String one = pid + "~1";
        String two = pid + "~2";
        Instant at = T0.plusSeconds(60L * e);
        List<AlertChange> changes = switch (e) {
          case 1 -> List.of(new AlertChange.Raised(alert(one, pid, at)));
          case 2 -> List.of(new AlertChange.Acknowledged(one, "sup-" + p, "seen", at));
          case 3 -> List.of(new AlertChange.Resolved(one, Resolution.CLEARED, null, null, null, null, at),
              new AlertChange.Raised(alert(two, pid, at)));
          default -> List.of(new AlertChange.Resolved(two, Resolution.MANUAL, "sup-" + p, "identical bids", null, null, at));
        };
        out.add(new Source("ProcurementProject|" + pid, e, changes, at.toEpochMilli()));
      }
    }
    return out;
  }

  static Alert alert(String id, String project, Instant at) {
    return new Alert(id, "0123456789abcdef", "SQ01", "程序倒置", "Steps out of order", Severity.CRITICAL, false,
        AlertStatus.FIRING, project, "B-1", null, "Delivered", "delivered before any contract", "L46", at, null,
        at, null, null, null, null, null, null, Map.of("amount-yuan", "2900"));
  }

  interface Tx<T> {
    T run(Connection c) throws Exception;
  }

  static <T> T inTransaction(Database db, Tx<T> work) throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        T out = work.run(c);
        c.commit();
        return out;
      } catch (Exception e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  static Database h2() {
    return open("jdbc:h2:mem:numbering-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000", "sa", "");
  }

  static Database open(String url, String user, String password) {
    Map<String, Object> m = new HashMap<>();
    m.put("procwatch.db.url", url);
    m.put("procwatch.db.user", user);
    m.put("procwatch.db.password", password);
    Settings settings = Settings.from(AppConfig.withDatabase(ConfigFactory.parseMap(m).withFallback(AppConfig.load(null))));
    Database db = Database.open(settings.db());
    db.migrate();
    return db;
  }

  static List<Long> sequences(Database db) throws Exception {
    List<Long> out = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT sequence FROM alert_change ORDER BY sequence");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(rs.getLong(1));
    }
    return out;
  }

  static long count(Database db, String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
