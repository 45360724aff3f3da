package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.testing.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link PatternSql#afterPrefix}: the upper end of the index range through which XP01 reads one category prefix of a
 * buyer's year (V17). The range must hold exactly the strings that start with the prefix — checked in Java's code point
 * order and in PostgreSQL's C collation, over strings with the code points where an off-by-one would show (the
 * surrogate gap, the last BMP character, U+10FFFF, CJK).
 */
class PatternSqlTest {
  private static final int MAX = Character.MAX_CODE_POINT;

  @Test
  void theBoundIsTheFirstStringAfterThePrefix() {
    assertThat(PatternSql.afterPrefix("A0704")).isEqualTo("A0705");
    assertThat(PatternSql.afterPrefix("A079")).isEqualTo("A07:");
    assertThat(PatternSql.afterPrefix("办公")).isEqualTo("办六");
    assertThat(PatternSql.afterPrefix("A\ud7ff")).isEqualTo("A\ue000"); // past the surrogates
    assertThat(PatternSql.afterPrefix("A\uffff")).isEqualTo("A" + cp(0x10000));
    assertThat(PatternSql.afterPrefix("A" + cp(0x1F600))).isEqualTo("A" + cp(0x1F601));
    assertThat(PatternSql.afterPrefix("A" + cp(MAX))).isEqualTo("B"); // U+10FFFF cannot be raised: the one before is
    assertThat(PatternSql.afterPrefix(cp(MAX) + cp(MAX))).isEqualTo(cp(MAX).repeat(2 + 65)); // nothing can be raised
    assertThat(PatternSql.afterPrefix("")).isEqualTo(cp(MAX).repeat(65));
  }

  @Test
  void theRangeHoldsExactlyTheStringsWithThePrefixInCodePointOrder() {
    Random r = new Random(17);
    List<String> strings = strings(r, 3_000);
    for (int i = 0; i < 300; i++) {
      String s = strings.get(r.nextInt(strings.size()));
      String prefix = s.substring(0, s.offsetByCodePoints(0, r.nextInt(s.codePointCount(0, s.length()) + 1)));
      String upper = PatternSql.afterPrefix(prefix);
      for (String t : strings) {
        boolean inRange = PatternSql.compareCodePoints(t, prefix) >= 0 && PatternSql.compareCodePoints(t, upper) < 0;
        assertThat(inRange).as("'%s' against prefix '%s'", t, prefix).isEqualTo(t.startsWith(prefix));
      }
    }
  }

  @Test
  void postgresqlsCCollationSelectsTheSameStrings() throws Exception {
    Random r = new Random(29);
    List<String> strings = strings(r, 2_000);
    try (Postgres.FreshDatabase db = Postgres.create();
        Connection c = DriverManager.getConnection(db.url(), Postgres.USER, Postgres.PASSWORD)) {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, category VARCHAR(64) NOT NULL)");
        st.execute("CREATE INDEX t_c ON t (category COLLATE \"C\")");
      }
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 0; i < strings.size(); i++) {
          ins.setInt(1, i);
          ins.setString(2, strings.get(i));
          ins.addBatch();
        }
        ins.executeBatch();
      }
      try (PreparedStatement q = c.prepareStatement(
          "SELECT id FROM t WHERE category COLLATE \"C\" >= ? AND category COLLATE \"C\" < ?")) {
        for (int i = 0; i < 200; i++) {
          String s = strings.get(r.nextInt(strings.size()));
          String prefix = s.substring(0, s.offsetByCodePoints(0, r.nextInt(Math.min(6, s.codePointCount(0, s.length())) + 1)));
          q.setString(1, prefix);
          q.setString(2, PatternSql.afterPrefix(prefix));
          Set<Integer> found = new TreeSet<>(), expected = new TreeSet<>();
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) found.add(rs.getInt(1));
          }
          for (int j = 0; j < strings.size(); j++) if (strings.get(j).startsWith(prefix)) expected.add(j);
          assertThat(found).as("prefix '%s'", prefix).isEqualTo(expected).isNotEmpty();
        }
      }
    }
  }

  /**
   * {@link PatternSql#indexProbes}: a per-key read prepared while its table was empty keeps a sequential scan as its
   * generic plan (free on 0 pages) after the table has grown, as long as nothing analyses it again — the plan that
   * read XP07's counters by a scan per owner in a bench run. Prepared inside the scope, the plan probes the index
   * however empty the statistics say the table is; outside it the setting is as before.
   */
  @Test
  void perKeyReadsProbeTheIndexWhateverTheStatistics() throws Exception {
    try (Postgres.FreshDatabase db = Postgres.create();
        Connection c = DriverManager.getConnection(db.url(), Postgres.USER, Postgres.PASSWORD);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE xp_bid_count (kind VARCHAR(1) NOT NULL, owner VARCHAR(256) NOT NULL, ym INTEGER NOT NULL,"
          + " submitted INTEGER NOT NULL, disqualified INTEGER NOT NULL, PRIMARY KEY (kind, owner, ym))");
      st.execute("ANALYZE xp_bid_count"); // statistics of an empty table, and then no ANALYZE again
      st.execute("SET plan_cache_mode = force_generic_plan"); // the plan a statement keeps after its fifth execution
      String sql = PatternSql.perKey(c, PatternSql.keys("k", "owner"), "n.owner, n.ym, n.submitted, n.disqualified",
          "xp_bid_count n WHERE n.kind = ? AND n.owner = k.owner AND n.ym >= ?");
      for (int i = 1; sql.contains("?"); i++) sql = sql.replaceFirst("\\?", "\\$" + i);
      st.execute("PREPARE plain (VARCHAR[], VARCHAR, INTEGER) AS " + sql);
      st.execute("PREPARE probing (VARCHAR[], VARCHAR, INTEGER) AS " + sql);
      assertThat(plan(st, "plain")).contains("Seq Scan on xp_bid_count");
      try (PatternSql.Scope probes = PatternSql.indexProbes(c)) {
        assertThat(plan(st, "probing")).contains("Index Scan using xp_bid_count_pkey").doesNotContain("Seq Scan");
      }
      st.execute("INSERT INTO xp_bid_count SELECT 's', 'supplier-' || i, 202600 + i % 12 + 1, 1, 0"
          + " FROM generate_series(1, 20000) AS i");
      assertThat(plan(st, "plain")).as("the cached plan outlives the empty table").contains("Seq Scan on xp_bid_count");
      assertThat(plan(st, "probing")).contains("Index Scan using xp_bid_count_pkey").doesNotContain("Seq Scan");
      try (ResultSet rs = st.executeQuery("SHOW enable_seqscan")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).as("put back when the scope closes").isEqualTo("on");
      }
    }
  }

  private static String plan(Statement st, String name) throws Exception {
    StringBuilder out = new StringBuilder();
    try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE " + name + "('{supplier-1,supplier-2}', 's', 202601)")) {
      while (rs.next()) out.append(rs.getString(1)).append('\n');
    }
    return out.toString();
  }

  /** Strings of up to 64 code points over an alphabet of neighbours of the boundaries, and long runs of U+10FFFF. */
  private static List<String> strings(Random r, int n) {
    int[] alphabet = {'0', '7', '8', '9', ':', 'A', 'B', 'Z', 0x7f + 1, 0x529e, 0x529f, 0x516c, 0xd7ff, 0xe000, 0xfffd,
        0xffff, 0x10000, 0x1f600, 0x1f601, MAX - 1, MAX};
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(10) == 0 ? 64 : 1 + r.nextInt(7);
      int[] narrow = r.nextInt(3) == 0 ? alphabet : new int[] {'A', '0', '7', MAX, 0x529e};
      for (int j = 0; j < len; j++) b.appendCodePoint(narrow[r.nextInt(narrow.length)]);
      out.add(b.toString());
    }
    return out;
  }

  private static String cp(int codePoint) {
    return new String(Character.toChars(codePoint));
  }
}
