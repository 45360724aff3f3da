package io.procwatch.pattern;

import io.procwatch.infra.Vendor;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** SQL shared by the pattern projection and checker: id lists as one array parameter, month keys, the counter upsert. */
final class PatternSql {
  /** At most this many keys in one array parameter. */
  static final int CHUNK = 1_000;

  private PatternSql() {}

  /**
   * A list of keys as a table to join with, {@code alias(column)}, bound as one array parameter (PostgreSQL and H2 2.x
   * alike). Joined through {@link #perKey}'s LATERAL subquery it probes the index once per key, whatever the plan:
   * {@code column = ANY(?)} left PostgreSQL's generic plans free to filter a whole table or index range with the array
   * instead, and so does a plain join or {@code IN (SELECT … FROM UNNEST(?))} (a nested loop that rescans the array for
   * every row of a table the statistics call empty; see {@link PatternChecker#deleteMarks}).
   */
  static String keys(String alias, String column) {
    return "UNNEST(CAST(? AS VARCHAR ARRAY)) AS " + alias + "(" + column + ")";
  }

  /**
   * The rows of {@code fromWhere} for each key of {@code keys} (whose conditions name the key, e.g. {@code n.owner =
   * k.owner}); parameters: the keys' arrays first, then those of {@code fromWhere}. On PostgreSQL a LATERAL subquery
   * that {@code OFFSET 0} keeps from being flattened: a nested loop of one index probe per key, whatever the
   * statistics say (tables the projection fills quickly have none until the next ANALYZE, and a plain join was then
   * planned as a scan of every owner's rows for each key). H2, which has no LATERAL, joins per key by itself.
   */
  static String perKey(Connection c, String keys, String columns, String fromWhere) throws SQLException {
    if (vendor(c) == Vendor.POSTGRESQL) {
      return "SELECT x.* FROM " + keys + " CROSS JOIN LATERAL (SELECT " + columns + " FROM " + fromWhere + " OFFSET 0) x";
    }
    return "SELECT " + columns + " FROM " + keys + ", " + fromWhere;
  }

  /** A connection setting held for a block; {@link #close} puts it back. */
  interface Scope extends AutoCloseable {
    @Override
    void close() throws SQLException;
  }

  /**
   * For the block: on PostgreSQL, no sequential scan where an index serves ({@code enable_seqscan = off}, put back on
   * close; a no-op on H2). Every statement of the pattern projection's groups and of the checker's cycles reads or
   * writes the rows of given keys, so an index probe per key is always the plan wanted, and the LATERAL of
   * {@link #perKey} alone does not guarantee one: a statement the server prepared while its table was still empty
   * (0 pages: a sequential scan costs nothing) keeps that generic plan until the table's statistics change, and on a
   * cluster that never analyses (autovacuum off) that is never. In a bench run, XP07's bid counters were then read by
   * a sequential scan of {@code xp_bid_count} for each of a thousand owners: 0.8–2.1 s a call, about as much PostgreSQL
   * time as the other top statements of a bulk load together (docs/performance.md). With the setting such a plan costs more than
   * any index path, whatever the statistics. Statements without a usable index still scan.
   */
  static Scope indexProbes(Connection c) throws SQLException {
    if (vendor(c) != Vendor.POSTGRESQL) return () -> {};
    try (Statement s = c.createStatement()) {
      s.execute("SET enable_seqscan = off");
    }
    return () -> {
      try (Statement s = c.createStatement()) {
        s.execute("RESET enable_seqscan");
      }
    };
  }

  static Vendor vendor(Connection c) throws SQLException {
    return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres")
        ? Vendor.POSTGRESQL : Vendor.H2;
  }

  /** One parameter holding a list of strings (for {@link #keys}). */
  static Array strings(Connection c, Collection<String> values) throws SQLException {
    return c.createArrayOf("VARCHAR", values.toArray(new String[0]));
  }

  /** Splits a collection into lists of at most {@link #CHUNK}. */
  static <T> List<List<T>> chunks(Collection<T> values) {
    List<List<T>> out = new ArrayList<>();
    List<T> cur = new ArrayList<>();
    for (T v : values) {
      cur.add(v);
      if (cur.size() == CHUNK) {
        out.add(cur);
        cur = new ArrayList<>();
      }
    }
    if (!cur.isEmpty()) out.add(cur);
    return out;
  }

  /** The month of an instant in Asia/Shanghai, as year * 100 + month (the key of {@code xp_bid_count}). */
  static int ym(Instant t) {
    ZonedDateTime z = t.atZone(BuyerRules.SHANGHAI);
    return z.getYear() * 100 + z.getMonthValue();
  }

  /** The first instant of the Shanghai month after the one {@code t} lies in. */
  static Instant nextMonth(Instant t) {
    return t.atZone(BuyerRules.SHANGHAI).withDayOfMonth(1).toLocalDate().plusMonths(1).atStartOfDay(BuyerRules.SHANGHAI)
        .toInstant();
  }

  /** True if {@code t} is the first instant of a Shanghai month. */
  static boolean monthStart(Instant t) {
    ZonedDateTime z = t.atZone(BuyerRules.SHANGHAI);
    return z.getDayOfMonth() == 1 && z.toLocalTime().equals(java.time.LocalTime.MIDNIGHT);
  }

  /**
   * H2: adds to a counter row of {@code xp_bid_count}, creating it if needed (PostgreSQL upserts a whole group's rows
   * in one {@code INSERT … ON CONFLICT}, see {@code PatternGroup}).
   */
  static final String H2_COUNTER_MERGE = "MERGE INTO xp_bid_count t USING (VALUES (CAST(? AS VARCHAR(1)),"
      + " CAST(? AS VARCHAR(256)), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER)))"
      + " s (kind, owner, ym, submitted, disqualified) ON t.kind = s.kind AND t.owner = s.owner AND t.ym = s.ym"
      + " WHEN MATCHED THEN UPDATE SET submitted = t.submitted + s.submitted, disqualified = t.disqualified + s.disqualified"
      + " WHEN NOT MATCHED THEN INSERT (kind, owner, ym, submitted, disqualified)"
      + " VALUES (s.kind, s.owner, s.ym, s.submitted, s.disqualified)";

  /**
   * The first string after every string that starts with {@code prefix}, in code point order (PostgreSQL's C
   * collation): {@code prefix <= s < afterPrefix(prefix)} holds exactly for the strings {@code s} that start with it.
   * The last code point below U+10FFFF is raised by one (past the surrogates) and what follows it dropped. A prefix
   * of U+10FFFF alone has no such string; then the prefix followed by 65 of them, which is after every string of at most
   * 64 code points that starts with it (the longest category, {@code xp_project.category VARCHAR(64)}).
   */
  static String afterPrefix(String prefix) {
    int end = prefix.length();
    while (end > 0) {
      int last = prefix.codePointBefore(end);
      int start = end - Character.charCount(last);
      if (last < Character.MAX_CODE_POINT) {
        int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
        return new StringBuilder(prefix.substring(0, start)).appendCodePoint(next).toString();
      }
      end = start;
    }
    return prefix + new String(Character.toChars(Character.MAX_CODE_POINT)).repeat(65);
  }

  /** Code point order: PostgreSQL's C collation and H2's default, for the tie-break of {@code MAX(contract_id)}. */
  static int compareCodePoints(String a, String b) {
    int i = 0, j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i), y = b.codePointAt(j);
      if (x != y) return Integer.compare(x, y);
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
