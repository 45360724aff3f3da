package io.procwatch.infra;

import static io.procwatch.testing.Facts.event;
import static io.procwatch.testing.Facts.registration;
import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

/**
 * The read journal's eventsByTag, answered by {@link TagRangeReadJournalDao}, gives exactly the journal rows of
 * the tag after the offset, in ordering order, across pages (a page of 7 rows here), on H2 and PostgreSQL alike.
 */
class TagRangeReadJournalDaoTest {
  private static final Map<String, Object> SMALL_PAGES = Map.of("jdbc-read-journal.max-buffer-size", "7");

  @Test
  void eventsByTagOnH2() throws Exception {
    String url = "jdbc:h2:mem:procwatch-dao-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (TestService service = TestService.start(url, "sa", "", Clock.systemUTC(), SMALL_PAGES)) {
      check(service, "\"event_tag\"");
    }
  }

  @Test
  void eventsByTagOnPostgres() throws Exception {
    try (Postgres.FreshDatabase db = Postgres.create();
        TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), SMALL_PAGES)) {
      check(service, "event_tag");
    }
  }

  /**
   * The page query on PostgreSQL: answered in binary (a bytea column as its bytes, not as hex text) and planned for
   * each execution with its own values, never with a generic plan, however often it runs — the two settings
   * {@link TagRangeReadJournalDao#prepare} combines. On this small table the server's own choice (plan_cache_mode
   * auto) turns generic after five executions, so the count of generic plans tells.
   */
  @Test
  void pageQueryPlannedPerExecutionAndAnsweredInBinary() throws Exception {
    String sql = "SELECT id, payload FROM rows WHERE id > ? ORDER BY id LIMIT ?";
    try (Postgres.FreshDatabase db = Postgres.create();
        Connection c = java.sql.DriverManager.getConnection(db.url(), Postgres.USER, Postgres.PASSWORD)) {
      try (var st = c.createStatement()) {
        st.execute("CREATE TABLE rows (id INT PRIMARY KEY, payload BYTEA)");
        st.execute("INSERT INTO rows SELECT g, decode(repeat(to_hex(g % 16), 64), 'hex') FROM generate_series(1, 50) g");
      }
      for (int i = 0; i < 12; i++) {
        try (PreparedStatement ps = TagRangeReadJournalDao.prepare(c, sql)) {
          ps.setInt(1, i);
          ps.setInt(2, 5);
          try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.getMetaData().unwrap(org.postgresql.PGResultSetMetaData.class).getFormat(2)).as("bytea format")
                .isEqualTo(1);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(i + 1);
            assertThat(rs.getBytes(2)).hasSize(32).containsOnly((byte) (((i + 1) % 16) * 17));
          }
        }
        c.commit();
        c.setAutoCommit(true);
      }
      try (var st = c.createStatement(); ResultSet rs = st.executeQuery(
          "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%FROM rows%'")) {
        assertThat(rs.next()).as("prepared on the server").isTrue();
        assertThat(rs.getLong(1)).as("generic plans").isZero();
        assertThat(rs.getLong(2)).as("custom plans").isEqualTo(12);
      }
    }
  }

  /**
   * A row read by a second reader (another projection on the same tag, or the alerts tag's reader of a row it shares
   * with a project tag) is the object the first decoded, with the cache on; decoded again with it off.
   */
  @Test
  void eachRowDecodedOnceForAllReaders() throws Exception {
    for (boolean on : new boolean[] {true, false}) {
      String url = "jdbc:h2:mem:procwatch-dao-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      Map<String, Object> overrides = new java.util.HashMap<>(SMALL_PAGES);
      if (!on) {
        overrides.put(TagRangeReadJournalDao.DECODED_SLOTS, "0");
        overrides.put(TagRangeReadJournalDao.WINDOW_BYTES, "0");
      }
      try (TestService service = TestService.start(url, "sa", "", Clock.systemUTC(), overrides)) {
        for (int i = 0; i < 6; i++) {
          String p = "DEC-" + i;
          assertThat(service.postJson(registration(p, "B", "10000")).statusCode()).isEqualTo(202);
          assertThat(service.postJson(event(p, "RequirementApproved", "2026-03-03T10:00:00+08:00", null)).statusCode())
              .isEqualTo(202);
        }
        JdbcReadJournal journal = PersistenceQuery.get(service.system()).getReadJournalFor(JdbcReadJournal.class,
            JdbcReadJournal.Identifier());
        int rows = 0;
        for (String tag : List.of("project-0", "project-1", "project-2", "project-3")) {
          List<EventEnvelope> first = read(service, journal, tag);
          List<EventEnvelope> second = read(service, journal, tag);
          assertThat(second).hasSameSizeAs(first);
          for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).offset()).isEqualTo(first.get(i).offset());
            assertThat(second.get(i).event()).isEqualTo(first.get(i).event());
            if (on) assertThat(second.get(i).event()).as("decoded once").isSameAs(first.get(i).event());
            else assertThat(second.get(i).event()).as("decoded by each reader").isNotSameAs(first.get(i).event());
          }
          rows += first.size();
        }
        assertThat(rows).isGreaterThanOrEqualTo(12);
      }
    }
  }

  /**
   * Readers of a tag at different places while new rows arrive, as the listing and the patterns read it: each gets
   * exactly the rows the tables hold after its offset, whether its page comes from the database, from the tag's recent
   * rows ({@link TagWindows}), or from both — on H2 and on PostgreSQL, with the windows on and off.
   */
  @Test
  void readersAtDifferentPlacesWhileRowsArriveOnH2() throws Exception {
    for (String bytes : List.of("4m", "2k", "0")) {
      String url = "jdbc:h2:mem:procwatch-dao-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      Map<String, Object> overrides = new java.util.HashMap<>(SMALL_PAGES);
      overrides.put(TagRangeReadJournalDao.WINDOW_BYTES, bytes);
      try (TestService service = TestService.start(url, "sa", "", Clock.systemUTC(), overrides)) {
        readersWhileRowsArrive(service, "\"event_tag\"");
      }
    }
  }

  @Test
  void readersAtDifferentPlacesWhileRowsArriveOnPostgres() throws Exception {
    for (String bytes : List.of("4m", "2k")) {
      Map<String, Object> overrides = new java.util.HashMap<>(SMALL_PAGES);
      overrides.put(TagRangeReadJournalDao.WINDOW_BYTES, bytes);
      try (Postgres.FreshDatabase db = Postgres.create();
          TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), overrides)) {
        readersWhileRowsArrive(service, "event_tag");
      }
    }
  }

  private static void readersWhileRowsArrive(TestService service, String tagTable) throws Exception {
    JdbcReadJournal journal = PersistenceQuery.get(service.system()).getReadJournalFor(JdbcReadJournal.class,
        JdbcReadJournal.Identifier());
    String[] steps = {"RequirementApproved", "MethodApproved"};
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 8; i++) {
        String p = "WIN-" + round + "-" + i;
        assertThat(service.postJson(registration(p, "B", "10000")).statusCode()).isEqualTo(202);
        for (String step : steps) {
          String data = step.equals("MethodApproved") ? "{\"method\":\"SELF_PURCHASE\"}" : null;
          assertThat(service.postJson(event(p, step, "2026-03-0" + (3 + round) + "T10:00:00+08:00", data)).statusCode())
              .isEqualTo(202);
        }
      }
      for (String tag : List.of("project-0", "project-1", "project-2", "project-3", "alerts")) {
        List<Long> all = orderings(service, tagTable, tag, 0);
        // from the start (the window's rows, then the new ones), from the middle, and from the last row but one
        long[] froms = {0, all.isEmpty() ? 0 : all.get(all.size() / 2), all.size() < 2 ? 0 : all.get(all.size() - 2)};
        for (long from : froms) {
          List<Long> got = new ArrayList<>();
          for (EventEnvelope e : journal.currentEventsByTag(tag, Offset.sequence(from)).runWith(Sink.seq(), service.system())
              .toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS)) {
            got.add(((Sequence) e.offset()).value());
            assertThat(e.event()).isNotNull();
          }
          assertThat(got).as("round %d, tag %s after %d", round, tag, from).isEqualTo(orderings(service, tagTable, tag, from));
        }
      }
    }
  }

  private static List<EventEnvelope> read(TestService service, JdbcReadJournal journal, String tag) throws Exception {
    return journal.currentEventsByTag(tag, Offset.sequence(0)).runWith(Sink.seq(), service.system())
        .toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static void check(TestService service, String tagTable) throws Exception {
    assertThat(service.system().settings().config().getString("jdbc-read-journal.dao"))
        .isEqualTo(TagRangeReadJournalDao.class.getName());
    // 12 projects, each in its own requests: several journal rows per project, spread over the 4 project tags
    for (int i = 0; i < 12; i++) {
      String p = "DAO-" + i;
      assertThat(service.postJson(registration(p, "B", "10000")).statusCode()).isEqualTo(202);
      assertThat(service.postJson(event(p, "RequirementApproved", "2026-03-03T10:00:00+08:00", null)).statusCode())
          .isEqualTo(202);
      assertThat(service.postJson(event(p, "MethodApproved", "2026-03-04T10:00:00+08:00", "{\"method\":\"SELF_PURCHASE\"}"))
          .statusCode()).isEqualTo(202);
    }
    JdbcReadJournal journal = PersistenceQuery.get(service.system()).getReadJournalFor(JdbcReadJournal.class,
        JdbcReadJournal.Identifier());
    for (String tag : List.of("project-0", "project-1", "project-2", "project-3", "alerts")) {
      List<Long> all = orderings(service, tagTable, tag, 0);
      for (long from : new long[] {0, all.isEmpty() ? 0 : all.get(all.size() / 2)}) {
        List<Long> expected = orderings(service, tagTable, tag, from);
        List<EventEnvelope> got = journal.currentEventsByTag(tag, Offset.sequence(from))
            .runWith(Sink.seq(), service.system()).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        List<Long> gotOrderings = new ArrayList<>();
        for (EventEnvelope e : got) {
          gotOrderings.add(((Sequence) e.offset()).value());
          assertThat(e.persistenceId()).startsWith("Project|DAO-");
          assertThat(e.event()).isNotNull();
        }
        assertThat(gotOrderings).as("tag %s after %d", tag, from).isEqualTo(expected);
      }
      if (tag.startsWith("project-")) assertThat(all).as("rows of %s", tag).isNotEmpty();
    }
  }

  private static List<Long> orderings(TestService service, String tagTable, String tag, long after) throws Exception {
    List<Long> out = new ArrayList<>();
    try (Connection c = service.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT \"event_id\" FROM " + tagTable + " WHERE \"tag\" = ? AND \"event_id\" > ? ORDER BY \"event_id\"")) {
      ps.setString(1, tag);
      ps.setLong(2, after);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    }
    return out;
  }
}
