package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.pattern.PatternGroupTest.Db;
import io.procwatch.pattern.PatternGroupTest.Row;
import io.procwatch.project.Fact;
import io.procwatch.project.IngestParser;
import io.procwatch.sim.Generator;
import io.procwatch.sim.History;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * XP04 from the award counts per supplier and month (migration V12) against the former read of every valid bid of
 * each supplier in processes awarded in the window, after every group of a simulator history replayed through the
 * production projection (with earlier rows delivered again, as after a projection restart), for windows starting at
 * a month's beginning, in the middle of a month, exactly at an award and just after it, before and inside the
 * history. Mixed into the simulator's history: disqualifications before and after the award (of the winner too), bids
 * after the award (a new bidder, and a bidder bidding again), re-tenders (the award withdrawn) followed or not by an
 * award to another bidder weeks later, and cancellations before and after the award.
 */
class SupplierAwardCountsTest {
  static final IngestParser PARSER = ContractGroupsTest.PARSER;

  /** The reference: V12's backfill query, over the tables as they are now. */
  static final String RECOMPUTE = "SELECT supplier, ym, COUNT(*), SUM(won) FROM (SELECT b.supplier,"
      + " CAST(EXTRACT(YEAR FROM p.award_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) * 100"
      + " + CAST(EXTRACT(MONTH FROM p.award_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) AS ym,"
      + " CASE WHEN p.award_supplier = b.supplier THEN 1 ELSE 0 END AS won"
      + " FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id WHERE NOT p.cancelled AND NOT b.disqualified"
      + " AND p.award_supplier IS NOT NULL AND p.award_at IS NOT NULL) t GROUP BY supplier, ym";

  @ParameterizedTest(name = "{0}, seed {1}")
  @CsvSource({"h2, 3", "postgresql, 11", "h2, 23", "postgresql, 37"})
  void countsEqualTheFormerReadAfterEveryGroup(String vendor, long seed) throws Exception {
    Random r = new Random(seed);
    List<Row> history = history(seed, r);
    Instant start = LocalDate.of(2025, 1, 1).atStartOfDay(BuyerRules.SHANGHAI).toInstant();
    int checks = 0, partialMonths = 0, wonInPartialMonth = 0;
    try (Db db = Db.open(vendor)) {
      int i = 0;
      while (i < history.size()) {
        int n = 1 + r.nextInt(150);
        List<Row> group = new ArrayList<>(history.subList(i, Math.min(history.size(), i + n)));
        if (r.nextInt(4) == 0 && i > 0) group.addAll(0, history.subList(Math.max(0, i - 40), i)); // a replay: no change
        db.handle(group);
        i += n;
        try (Connection c = db.db.dataSource().getConnection()) {
          assertTableEqualsRecomputation(c, "after " + i + " rows");
          assertThat(count(c, "SELECT COUNT(*) FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id"
              + " WHERE b.award_at IS DISTINCT FROM p.award_at")).as("bid rows with another award time than their project")
              .isZero();
          Set<String> suppliers = new TreeSet<>(strings(c, "SELECT DISTINCT supplier FROM xp_bid"));
          List<Instant> awards = awardTimes(c);
          if (suppliers.isEmpty()) continue;
          List<Instant> windows = new ArrayList<>(List.of(Instant.EPOCH, start));
          for (int k = 0; k < 4; k++) {
            ZonedDateTime z = start.atZone(BuyerRules.SHANGHAI).plusDays(r.nextInt(420)).plusMinutes(r.nextInt(1440));
            windows.add(z.toInstant());
            windows.add(z.withDayOfMonth(1).toLocalDate().atStartOfDay(BuyerRules.SHANGHAI).toInstant());
          }
          if (!awards.isEmpty()) {
            // a window starting exactly at an award counts it, one starting a microsecond later does not
            Instant at = awards.get(r.nextInt(awards.size()));
            windows.add(at);
            windows.add(at.plusNanos(1_000));
          }
          for (Instant since : windows) {
            Map<String, int[]> counts = PatternChecker.awardCounts(c, suppliers, since);
            Map<String, int[]> expected = formerAwardCounts(c, suppliers, since);
            for (String s : suppliers) {
              int[] e = expected.getOrDefault(s, new int[2]);
              assertThat(counts.getOrDefault(s, new int[2])).as("supplier " + s + " since " + since + " after " + i + " rows")
                  .containsExactly(e);
              if (e[0] > 0 && !PatternSql.monthStart(since) && !since.equals(Instant.EPOCH)) {
                partialMonths++;
                // the first month read from the rows holds some of the figures
                Map<String, int[]> later = formerAwardCounts(c, List.of(s), PatternSql.nextMonth(since));
                int[] l = later.getOrDefault(s, new int[2]);
                if (l[1] < e[1]) wonInPartialMonth++;
              }
            }
          }
          checks++;
        }
      }
      String before = db.tables(true);
      db.handle(history); // an offset reset: everything delivered again
      assertThat(db.tables(true)).isEqualTo(before);
      try (Connection c = db.db.dataSource().getConnection()) {
        assertThat(count(c, "SELECT COUNT(*) FROM xp_project WHERE cancelled AND award_supplier IS NOT NULL"))
            .as("cancelled awarded processes").isPositive();
        assertThat(count(c, "SELECT COUNT(*) FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id"
            + " WHERE b.disqualified AND p.award_supplier = b.supplier")).as("disqualified winners").isPositive();
      }
    }
    assertThat(checks).isGreaterThan(20);
    assertThat(partialMonths).isPositive();
    assertThat(wonInPartialMonth).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void theMigrationFillsTheCountsAndTheAwardTimesFromExistingRows(String vendor) throws Exception {
    try (Db db = Db.open(vendor, "11")) {
      try (Connection c = db.db.dataSource().getConnection(); Statement st = c.createStatement()) {
        st.execute("INSERT INTO xp_project (project_id, buyer, category, category_kind, fiscal_year, method, cancelled,"
            + " award_supplier, award_amount, award_at, last_seq) VALUES"
            // awarded on 1 February in Shanghai
            + " ('P1', 'B1', 'A02', 'GOODS', 2026, NULL, FALSE, 'S1', 10, TIMESTAMP WITH TIME ZONE '2026-01-31 16:30:00+00', 5),"
            + " ('P2', 'B1', 'A03', 'GOODS', 2026, NULL, TRUE, 'S1', 10, TIMESTAMP WITH TIME ZONE '2026-01-10 00:00:00+00', 5),"
            + " ('P3', 'B1', 'C01', 'GOODS', 2026, NULL, FALSE, NULL, NULL, NULL, 5),"
            + " ('P4', 'B2', 'A02', 'GOODS', 2026, NULL, FALSE, 'S2', 10, TIMESTAMP WITH TIME ZONE '2026-01-31 15:30:00+00', 5)");
        st.execute("INSERT INTO xp_bid (project_id, supplier, buyer, amount, bids, disqualified, received_at) VALUES"
            + " ('P1', 'S1', 'B1', 10, 1, FALSE, TIMESTAMP WITH TIME ZONE '2026-01-05 00:00:00+00'),"
            + " ('P1', 'S2', 'B1', 10, 2, FALSE, TIMESTAMP WITH TIME ZONE '2026-01-05 00:00:00+00'),"
            + " ('P1', 'S3', 'B1', 10, 1, TRUE, TIMESTAMP WITH TIME ZONE '2026-01-05 00:00:00+00')," // disqualified
            + " ('P2', 'S1', 'B1', 10, 1, FALSE, TIMESTAMP WITH TIME ZONE '2026-01-05 00:00:00+00')," // cancelled
            + " ('P3', 'S1', 'B1', 10, 1, FALSE, TIMESTAMP WITH TIME ZONE '2026-01-05 00:00:00+00')," // not awarded
            + " ('P4', 'S2', 'B2', 10, 1, FALSE, TIMESTAMP WITH TIME ZONE '2026-01-05 00:00:00+00'),"
            + " ('P4', 'S1', 'B2', 10, 1, FALSE, TIMESTAMP WITH TIME ZONE '2026-02-05 00:00:00+00')"); // after the award
      }
      db.migrate(null);
      try (Connection c = db.db.dataSource().getConnection()) {
        assertThat(Db.rows(c, "SELECT supplier, ym, processes, wins FROM xp_supplier_award_count")).containsExactlyInAnyOrder(
            "S1|202601|1|0|", "S1|202602|1|1|", "S2|202601|1|1|", "S2|202602|1|0|");
        assertThat(Db.rows(c, RECOMPUTE)).isEqualTo(Db.rows(c, "SELECT supplier, ym, processes, wins FROM xp_supplier_award_count"));
        assertThat(count(c, "SELECT COUNT(*) FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id"
            + " WHERE b.award_at IS NOT DISTINCT FROM p.award_at")).isEqualTo(7);
        assertThat(count(c, "SELECT COUNT(*) FROM xp_bid WHERE award_at IS NULL")).isEqualTo(1);
      }
    }
  }

  /**
   * PatternChecker's XP04 read before V12, verbatim: every valid bid of each supplier in a process awarded at or after
   * {@code since} and not cancelled. Per supplier {processes, wins}.
   */
  static Map<String, int[]> formerAwardCounts(Connection c, Collection<String> suppliers, Instant since) throws Exception {
    Map<String, int[]> wins = new HashMap<>();
    for (List<String> chunk : PatternSql.chunks(suppliers)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "s"), "b.supplier, p.award_supplier",
          "xp_bid b JOIN xp_project p ON p.project_id = b.project_id WHERE b.supplier = k.s AND NOT p.cancelled"
              + " AND NOT b.disqualified AND p.award_supplier IS NOT NULL AND p.award_at >= ?"))) {
        q.setArray(1, PatternSql.strings(c, chunk));
        q.setTimestamp(2, java.sql.Timestamp.from(since));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            int[] w = wins.computeIfAbsent(rs.getString(1), k -> new int[2]);
            w[0]++;
            if (rs.getString(2).equals(rs.getString(1))) w[1]++;
          }
        }
      }
    }
    return wins;
  }

  /** The table's non-zero rows against V12's backfill query over the tables as they are now. */
  static void assertTableEqualsRecomputation(Connection c, String when) throws Exception {
    assertThat(Db.rows(c, "SELECT supplier, ym, processes, wins FROM xp_supplier_award_count WHERE processes <> 0 OR wins <> 0"))
        .as("award counts " + when).isEqualTo(Db.rows(c, RECOMPUTE));
  }

  /** The award times of the awarded, live processes. */
  private static List<Instant> awardTimes(Connection c) throws Exception {
    List<Instant> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT award_at FROM xp_project"
        + " WHERE award_at IS NOT NULL AND NOT cancelled ORDER BY project_id")) {
      while (rs.next()) out.add(rs.getTimestamp(1).toInstant());
    }
    return out;
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> strings(Connection c, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) out.add(rs.getString(1));
    }
    return out;
  }



  /**
   * A simulator history with many tenders among few suppliers (so that they repeat), in business-time order, with,
   * after a bid: now and then its disqualification; after an award: a disqualification of one of the bidders (the
   * winner too) days or weeks later, a bid after the award (a new bidder or one bidding again), a re-tender an hour
   * later (followed, half the time, by an award to another bidder 20–50 days later, often in another month), or a
   * cancellation; after a contract: now and then a cancellation.
   */
  private static List<Row> history(long seed, Random r) {
    Generator.Options options = new Generator.Options(seed, LocalDate.of(2025, 1, 1), 1, 300, 0.4, 4, 12, 0.2,
        new BigDecimal("15000000"));
    History h = Generator.generate(options, ContractGroupsTest.CALENDAR);
    List<History.Event> events = new ArrayList<>(h.events());
    events.sort(Comparator.comparing(History.Event::occurredAt));
    Map<String, Integer> seq = new HashMap<>();
    Map<String, List<String>> bidders = new HashMap<>();
    List<Row> out = new ArrayList<>();
    int disqualifiedEarly = 0, disqualifiedLate = 0, lateBids = 0, retendered = 0, reawarded = 0, cancelled = 0;
    Set<String> gone = new LinkedHashSet<>();
    for (History.Event e : events) {
      IngestParser.Parsed p = PARSER.parse(e.json(), e.occurredAt());
      assertThat(p.error()).as(e.json()).isNull();
      Fact f = p.fact();
      String id = f.projectId();
      out.add(new Row(id, seq.merge(id, 1, Integer::sum), List.of(f)));
      if (gone.contains(id)) continue;
      int roll = r.nextInt(100);
      List<Fact> extra = new ArrayList<>();
      if (f.data() instanceof Fact.BidReceived b) {
        bidders.computeIfAbsent(id, x -> new ArrayList<>()).add(b.supplier());
        if (roll < 8) {
          extra.add(fact(id, f.occurredAt().plusSeconds(600), new Fact.BidDisqualified(b.supplier(), "late")));
          disqualifiedEarly++;
        }
      } else if (f.data() instanceof Fact.AwardPublished a) {
        List<String> ids = bidders.getOrDefault(id, List.of(a.supplier()));
        if (roll < 20) {
          String who = r.nextBoolean() ? a.supplier() : ids.get(r.nextInt(ids.size()));
          extra.add(fact(id, f.occurredAt().plusSeconds(86_400L * (1 + r.nextInt(40))), new Fact.BidDisqualified(who,
              "found false")));
          disqualifiedLate++;
        } else if (roll < 35) {
          String who = r.nextBoolean() ? "S-late-" + r.nextInt(4) : ids.get(r.nextInt(ids.size()));
          extra.add(fact(id, f.occurredAt().plusSeconds(86_400L * (1 + r.nextInt(30))), new Fact.BidReceived(who, null,
              new BigDecimal("999.00"), null, null, null, null, null)));
          lateBids++;
        } else if (roll < 50) {
          extra.add(fact(id, f.occurredAt().plusSeconds(3_600), new Fact.ProcurementFailed("complaint upheld")));
          retendered++;
          if (r.nextBoolean()) {
            String next = ids.get(r.nextInt(ids.size()));
            extra.add(fact(id, f.occurredAt().plusSeconds(86_400L * (20 + r.nextInt(31))), new Fact.AwardPublished(next,
                a.amount())));
            reawarded++;
          }
        } else if (roll < 56) {
          extra.add(fact(id, f.occurredAt().plusSeconds(86_400L * r.nextInt(20)), new Fact.ProjectCancelled("withdrawn")));
          gone.add(id);
          cancelled++;
        }
      } else if (f.data() instanceof Fact.ContractSigned && roll < 6) {
        extra.add(fact(id, f.occurredAt().plusSeconds(60), new Fact.ProjectCancelled("duplicate")));
        gone.add(id);
        cancelled++;
      }
      for (Fact x : extra) out.add(new Row(id, seq.merge(id, 1, Integer::sum), List.of(x)));
    }
    assertThat(disqualifiedEarly).isPositive();
    assertThat(disqualifiedLate).isPositive();
    assertThat(lateBids).isPositive();
    assertThat(retendered).isPositive();
    assertThat(reawarded).isPositive();
    assertThat(cancelled).isPositive();
    return out;
  }

  private static Fact fact(String id, Instant at, Fact.Data data) {
    return new Fact(UUID.randomUUID().toString(), id, at, "test", data);
  }
}
