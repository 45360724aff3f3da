package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.infra.Database;
import io.procwatch.infra.PlainJdbcSession;
import io.procwatch.infra.Settings;
import io.procwatch.infra.Vendor;
import io.procwatch.pattern.PopulationRules.BuyerFigures;
import io.procwatch.pattern.PopulationRules.SupplierFigures;
import io.procwatch.project.Fact;
import io.procwatch.project.ProcurementProject;
import io.procwatch.project.RecordedFact;
import io.procwatch.rules.CategoryKind;
import io.procwatch.testing.Postgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pattern projection's group handling on H2 and PostgreSQL, against references: a random history of bids,
 * disqualifications, awards, re-tenders, contracts, amendments and cancellations (with facts no XP rule reads, facts
 * of a project never registered, and several facts in one journal row), applied
 * <ul>
 *   <li>in random groups of 1–60 rows, with earlier rows delivered again (replays, whole groups and mixed in);</li>
 *   <li>one row per group;</li>
 *   <li>by the former row-at-a-time handler ({@link LegacyPatternHandler});</li>
 * </ul>
 * gives the same tables; the bid counters equal a recomputation from the bid rows; and the checker's figures from
 * the counters equal the former full scans, for a window starting mid-month and at a month's start.
 */
class PatternGroupTest {
  private static final String[] BUYERS = {"B1", "B2", "B3"};
  private static final String[] SUPPLIERS = {"S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"};

  /** One journal row: the project's sequence number and its facts. */
  record Row(String projectId, long seq, List<Fact> facts) {}

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void groupsReplaysAndOneRowGroupsGiveTheSameTablesAsTheFormerHandler(String vendor) throws Exception {
    for (long seed = 1; seed <= 2; seed++) {
      List<Row> history = history(new Random(seed), 80);
      String grouped, single, legacy;
      Map<String, Integer> counters;
      try (Db db = Db.open(vendor)) {
        Random r = new Random(seed * 31);
        int i = 0;
        while (i < history.size()) {
          int n = 1 + r.nextInt(60);
          List<Row> group = new ArrayList<>(history.subList(i, Math.min(history.size(), i + n)));
          if (r.nextInt(3) == 0 && i > 0) {
            // a replay of earlier rows, mixed into the group in order of their projects (as a redelivery would be)
            int from = r.nextInt(i);
            group.addAll(0, history.subList(from, Math.min(i, from + 1 + r.nextInt(30))));
          }
          db.handle(group);
          i += n;
        }
        String before = db.tables(true);
        db.handle(history.subList(0, history.size() / 2)); // an offset reset: everything delivered again
        db.handle(history);
        assertThat(db.tables(true)).isEqualTo(before);
        assertCountersEqualRecomputation(db);
        try (Connection c = db.db.dataSource().getConnection()) {
          SupplierAwardCountsTest.assertTableEqualsRecomputation(c, "seed " + seed);
        }
        grouped = db.tables(true);
        counters = db.counters();
        assertThat(counters).isNotEmpty();
      }
      try (Db db = Db.open(vendor)) {
        for (Row row : history) db.handle(List.of(row));
        single = db.tables(true);
        assertThat(db.counters()).isEqualTo(counters);
      }
      assertThat(single).isEqualTo(grouped);
      try (Db db = Db.open(vendor)) {
        Random r = new Random(seed * 17);
        int i = 0;
        while (i < history.size()) {
          int n = 1 + r.nextInt(60);
          db.legacy(history.subList(i, Math.min(history.size(), i + n)));
          i += n;
        }
        legacy = db.tables(false);
      }
      try (Db db = Db.open(vendor)) {
        for (Row row : history) db.handle(List.of(row));
        assertThat(db.tables(false)).isEqualTo(legacy);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void figuresFromTheCountersEqualTheFormerFullScans(String vendor) throws Exception {
    try (Db db = Db.open(vendor)) {
      db.handle(history(new Random(7), 120));
      try (Connection c = db.db.dataSource().getConnection()) {
        // windows starting mid-month (the first month from the bid rows), at a month's start, before everything
        for (Instant since : List.of(Instant.parse("2025-09-14T03:25:00Z"), LocalDate.of(2025, 10, 1)
            .atStartOfDay(BuyerRules.SHANGHAI).toInstant(), Instant.parse("2026-02-27T23:59:59Z"), Instant.EPOCH)) {
          Map<String, BuyerFigures> buyers = PatternChecker.buyerFigures(c, List.of(BUYERS), since);
          for (String b : BUYERS) assertThat(buyers.get(b)).as(b + " since " + since).isEqualTo(formerBuyerFigures(c, b, since));
          PatternChecker.Since s = new PatternChecker.Since(since, since, since, since);
          Map<String, SupplierFigures> suppliers = PatternChecker.supplierFigures(c, List.of(SUPPLIERS), 3, s);
          for (String sup : SUPPLIERS) {
            assertThat(suppliers.get(sup)).as(sup + " since " + since).isEqualTo(formerSupplierFigures(c, sup, 3, s));
          }
        }
        assertThat(PatternChecker.buyerFigures(c, List.of(BUYERS), Instant.EPOCH).values())
            .anySatisfy(f -> assertThat(f.disqualifiedBids()).isPositive());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void theMigrationFillsTheCountersAndTheBuyerOfEachBid(String vendor) throws Exception {
    try (Db db = Db.open(vendor, "8")) {
      try (Connection c = db.db.dataSource().getConnection(); Statement st = c.createStatement()) {
        st.execute("INSERT INTO xp_project (project_id, buyer, category, category_kind, fiscal_year, cancelled, last_seq)"
            + " VALUES ('P1', 'B1', 'A02', 'GOODS', 2026, FALSE, 5), ('P2', 'B1', 'A02', 'GOODS', 2026, TRUE, 5),"
            + " ('P3', 'B2', 'A02', 'GOODS', 2026, FALSE, 5)");
        st.execute("INSERT INTO xp_bid (project_id, supplier, amount, bids, disqualified, received_at) VALUES"
            + " ('P1', 'S1', 10, 2, FALSE, TIMESTAMP WITH TIME ZONE '2026-01-31 16:30:00+00'),"   // 1 February in Shanghai
            + " ('P1', 'S2', 10, 1, TRUE, TIMESTAMP WITH TIME ZONE '2026-01-31 15:30:00+00'),"    // still 31 January
            + " ('P2', 'S1', 10, 4, TRUE, TIMESTAMP WITH TIME ZONE '2026-01-10 00:00:00+00'),"    // cancelled project
            + " ('P3', 'S2', 10, 3, TRUE, TIMESTAMP WITH TIME ZONE '2026-01-10 00:00:00+00')");
      }
      db.migrate(null);
      assertThat(db.counters()).isEqualTo(new TreeMap<>(Map.of(
          "b|B1|202601", 1, "b|B1|202602", 2, "b|B2|202601", 3, "s|S1|202602", 2, "s|S2|202601", 4)));
      assertCountersEqualRecomputation(db);
      try (Connection c = db.db.dataSource().getConnection()) {
        assertThat(db.query(c, "SELECT project_id, buyer FROM xp_bid ORDER BY project_id, supplier"))
            .isEqualTo("P1,B1;P1,B1;P2,B1;P3,B2;");
      }
    }
  }

  // ------------------------------------------------------------------ references

  private static void assertCountersEqualRecomputation(Db db) throws Exception {
    Map<String, int[]> expected = new TreeMap<>();
    try (Connection c = db.db.dataSource().getConnection();
        PreparedStatement q = c.prepareStatement("SELECT b.buyer, b.supplier, b.bids, b.disqualified, b.received_at"
            + " FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id WHERE NOT p.cancelled");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        int ym = PatternSql.ym(rs.getTimestamp(5).toInstant());
        int bids = rs.getInt(3);
        int disq = rs.getBoolean(4) ? bids : 0;
        for (String key : List.of("b|" + rs.getString(1) + "|" + ym, "s|" + rs.getString(2) + "|" + ym)) {
          int[] n = expected.computeIfAbsent(key, k -> new int[2]);
          n[0] += bids;
          n[1] += disq;
        }
      }
    }
    Map<String, String> want = new TreeMap<>();
    expected.forEach((k, v) -> {
      if (v[0] != 0 || v[1] != 0) want.put(k, v[0] + "/" + v[1]);
    });
    assertThat(db.counterPairs()).isEqualTo(want);
  }

  /** The query PatternChecker.buyerFigures ran before the counters: every bid of the buyer. */
  private static BuyerFigures formerBuyerFigures(Connection c, String buyer, Instant since) throws Exception {
    try (PreparedStatement q = c.prepareStatement(
        "SELECT COALESCE(SUM(b.bids), 0), COALESCE(SUM(CASE WHEN b.disqualified THEN b.bids ELSE 0 END), 0)"
            + " FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id WHERE p.buyer = ? AND NOT p.cancelled"
            + " AND b.received_at >= ?")) {
      q.setString(1, buyer);
      q.setTimestamp(2, java.sql.Timestamp.from(since));
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return new BuyerFigures(rs.getInt(1), rs.getInt(2));
      }
    }
  }

  /** PatternChecker.supplierFigures before the counters (main 1661a68), verbatim. */
  private static SupplierFigures formerSupplierFigures(Connection c, String supplier, int prefixLen, PatternChecker.Since since)
      throws Exception {
    int bidProcesses = 0, wins = 0, submitted = 0, disqualified = 0;
    try (PreparedStatement q = c.prepareStatement(
        "SELECT b.bids, b.disqualified, p.award_supplier, p.award_at, b.received_at FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id"
            + " WHERE b.supplier = ? AND NOT p.cancelled")) {
      q.setString(1, supplier);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          int bids = rs.getInt(1);
          boolean disq = rs.getBoolean(2);
          String winner = rs.getString(3);
          java.sql.Timestamp awardAt = rs.getTimestamp(4);
          if (!rs.getTimestamp(5).toInstant().isBefore(since.xp07())) {
            submitted += bids;
            if (disq) disqualified += bids;
          }
          if (!disq && winner != null && awardAt != null && !awardAt.toInstant().isBefore(since.xp04())) {
            bidProcesses++;
            if (winner.equals(supplier)) wins++;
          }
        }
      }
    }
    java.util.Set<String> projects = new java.util.HashSet<>();
    java.util.Set<String> prefixes = new java.util.HashSet<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT project_id, category, award_at FROM xp_project WHERE award_supplier = ? AND NOT cancelled UNION"
            + " SELECT p.project_id, p.category, k.signed_at FROM xp_contract k JOIN xp_project p ON p.project_id = k.project_id"
            + " WHERE k.supplier = ? AND NOT p.cancelled")) {
      q.setString(1, supplier);
      q.setString(2, supplier);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          if (rs.getTimestamp(3).toInstant().isBefore(since.xp06())) continue;
          projects.add(rs.getString(1));
          String cat = rs.getString(2);
          prefixes.add(cat.length() <= prefixLen ? cat : cat.substring(0, prefixLen));
        }
      }
    }
    return new SupplierFigures(bidProcesses, wins, submitted, disqualified, projects.size(), prefixes.size());
  }

  // ------------------------------------------------------------------ a random history

  /**
   * Projects of three buyers, bids from eight suppliers spread over 2025-06 … 2026-05 (so windows cut months),
   * repeated bids of one supplier, disqualifications (also of a supplier that never bid, and twice), awards,
   * re-tenders with new bids and a new award, contracts (signed again under the same id), amendments, cancellations
   * (also twice, and bids after one), facts no XP rule reads, and a project that was never registered.
   */
  static List<Row> history(Random r, int projects) {
    Map<String, List<List<Fact>>> byProject = new TreeMap<>();
    Instant start = Instant.parse("2025-06-01T00:00:00Z");
    for (int i = 0; i < projects; i++) {
      String p = "P" + i;
      List<List<Fact>> rows = new ArrayList<>();
      String buyer = BUYERS[r.nextInt(BUYERS.length)];
      Instant t = start.plusSeconds((long) r.nextInt(330) * 86_400 + r.nextInt(86_400));
      if (i % 23 != 22) {
        rows.add(List.of(fact(p, t, new Fact.ProjectRegistered(buyer, null, "t", null, "A0" + r.nextInt(4) + "0101",
            CategoryKind.GOODS, new BigDecimal("100000"), 2025 + r.nextInt(2), null, null))));
      }
      rows.add(List.of(fact(p, t, new Fact.RequirementApproved())));
      Fact.Method method = Fact.Method.values()[r.nextInt(Fact.Method.values().length)];
      rows.add(List.of(fact(p, t, new Fact.MethodApproved(method, "ref", null))));
      int rounds = 1 + (r.nextInt(4) == 0 ? 1 : 0);
      for (int round = 0; round < rounds; round++) {
        int bids = r.nextInt(6);
        for (int b = 0; b < bids; b++) {
          t = t.plusSeconds(r.nextInt(20) * 86_400L + r.nextInt(86_400));
          String s = SUPPLIERS[r.nextInt(SUPPLIERS.length)];
          Fact bid = fact(p, t, new Fact.BidReceived(s, null, BigDecimal.valueOf(50_000 + r.nextInt(50_000), 2), null, null,
              null, null, null));
          if (r.nextInt(5) == 0) rows.add(List.of(bid, fact(p, t, new Fact.BidsOpened()))); // two facts in one row
          else rows.add(List.of(bid));
        }
        for (int d = r.nextInt(3); d > 0; d--) {
          rows.add(List.of(fact(p, t, new Fact.BidDisqualified(SUPPLIERS[r.nextInt(SUPPLIERS.length)], "late"))));
        }
        if (r.nextBoolean()) {
          t = t.plusSeconds(86_400);
          rows.add(List.of(fact(p, t, new Fact.AwardPublished(SUPPLIERS[r.nextInt(SUPPLIERS.length)], new BigDecimal("900.00")))));
          if (round + 1 < rounds) rows.add(List.of(fact(p, t, new Fact.ProcurementFailed("complaint"))));
        }
      }
      if (r.nextBoolean()) {
        for (int k = r.nextInt(3); k >= 0; k--) {
          t = t.plusSeconds(86_400 * (r.nextInt(3)));
          rows.add(List.of(fact(p, t, new Fact.ContractSigned("HT-" + p + "-" + r.nextInt(2),
              SUPPLIERS[r.nextInt(SUPPLIERS.length)], BigDecimal.valueOf(100_000 + r.nextInt(900_000), 2), null, null, null,
              null))));
        }
        if (r.nextBoolean()) rows.add(List.of(fact(p, t, new Fact.ContractAmended(new BigDecimal("-12.50"), "less"))));
      }
      if (r.nextInt(5) == 0) {
        rows.add(List.of(fact(p, t, new Fact.ProjectCancelled("duplicate"))));
        if (r.nextBoolean()) rows.add(List.of(fact(p, t, new Fact.BidReceived(SUPPLIERS[0], null, BigDecimal.ONE, null, null,
            null, null, null))));
        if (r.nextBoolean()) rows.add(List.of(fact(p, t, new Fact.ProjectCancelled("again"))));
      }
      byProject.put(p, rows);
    }
    // interleave the projects' rows at random, each project's in its order, as the journal of one tag would
    List<Row> out = new ArrayList<>();
    Map<String, Integer> next = new HashMap<>();
    List<String> open = new ArrayList<>(byProject.keySet());
    while (!open.isEmpty()) {
      String p = open.get(r.nextInt(open.size()));
      int k = next.merge(p, 1, Integer::sum);
      out.add(new Row(p, k, byProject.get(p).get(k - 1)));
      if (k == byProject.get(p).size()) open.remove(p);
    }
    return out;
  }

  private static Fact fact(String projectId, Instant at, Fact.Data data) {
    return new Fact(UUID.randomUUID().toString(), projectId, at, "test", data);
  }

  // ------------------------------------------------------------------ a migrated database, H2 or PostgreSQL

  static final class Db implements AutoCloseable {
    /**
     * The rows a query returns, each as its columns joined, decimals without trailing zeros: for comparing a table
     * with a recomputation (or a former query) whose column types may differ in scale.
     */
    static Set<String> rows(Connection c, String sql) throws Exception {
      Set<String> out = new TreeSet<>();
      try (PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
        int cols = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder b = new StringBuilder();
          for (int i = 1; i <= cols; i++) {
            Object v = rs.getObject(i);
            b.append(v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : String.valueOf(v)).append('|');
          }
          out.add(b.toString());
        }
      }
      return out;
    }

    final Database db;
    final Vendor vendor;
    private final Postgres.FreshDatabase pg;

    private Db(Database db, Postgres.FreshDatabase pg) {
      this.db = db;
      this.vendor = db.vendor();
      this.pg = pg;
    }

    static Db open(String vendor) throws Exception {
      return open(vendor, null);
    }

    /** A fresh database, migrated up to {@code target} (null: the latest). */
    static Db open(String vendor, String target) throws Exception {
      Postgres.FreshDatabase pg = vendor.equals("postgresql") ? Postgres.create() : null;
      String url = pg != null ? pg.url() : "jdbc:h2:mem:patterns-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      String user = pg != null ? Postgres.USER : "sa";
      String password = pg != null ? Postgres.PASSWORD : "";
      Db db = new Db(Database.open(new Settings.Db(url, user, password, 2, 4, true)), pg);
      db.migrate(target);
      return db;
    }

    void migrate(String target) {
      var config = Flyway.configure().dataSource(db.dataSource())
          .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor.migrations);
      if (target != null) config = config.target(target);
      config.load().migrate();
    }

    /** One group through the production handler, committed like the projection commits it. */
    void handle(List<Row> rows) throws Exception {
      PlainJdbcSession session = new PlainJdbcSession(db.dataSource());
      try {
        new PatternProjection.Handler(vendor).process(session, envelopes(rows));
        session.commit();
      } catch (Exception e) {
        session.rollback();
        throw e;
      } finally {
        session.close();
      }
    }

    void legacy(List<Row> rows) throws Exception {
      PlainJdbcSession session = new PlainJdbcSession(db.dataSource());
      try {
        new LegacyPatternHandler.Handler().process(session, envelopes(rows));
        session.commit();
      } catch (Exception e) {
        session.rollback();
        throw e;
      } finally {
        session.close();
      }
    }

    private static List<EventEnvelope<ProcurementProject.Event>> envelopes(List<Row> rows) {
      List<EventEnvelope<ProcurementProject.Event>> out = new ArrayList<>();
      for (Row row : rows) {
        List<RecordedFact> facts = new ArrayList<>();
        for (Fact f : row.facts()) facts.add(new RecordedFact(f, f.occurredAt(), "fp", null, List.of()));
        out.add(EventEnvelope.create(Offset.noOffset(), "ProcurementProject|" + row.projectId(), row.seq(),
            new ProcurementProject.FactsRecorded(facts, null), 0L));
      }
      return out;
    }

    /**
     * The pattern tables as text; {@code all}: also last_seq, the bids' buyer and award time, the counters and the
     * marked owners.
     */
    String tables(boolean all) throws Exception {
      try (Connection c = db.dataSource().getConnection()) {
        return query(c, "SELECT project_id, buyer, category, category_kind, fiscal_year, method, cancelled, award_supplier,"
            + " award_amount, award_at" + (all ? ", last_seq" : "") + " FROM xp_project ORDER BY project_id")
            + "\n" + query(c, "SELECT project_id, contract_id, supplier, amount, signed_at FROM xp_contract"
            + " ORDER BY project_id, contract_id")
            + "\n" + query(c, "SELECT project_id, supplier, amount, bids, disqualified, received_at" + (all ? ", buyer, award_at" : "")
            + " FROM xp_bid ORDER BY project_id, supplier")
            + (all ? "\n" + counterPairs() + "\n" + marks(c)
                + "\n" + query(c, "SELECT buyer, fiscal_year, category, category_kind, method, amount, contracts"
                + " FROM xp_buyer_category WHERE contracts <> 0 OR amount <> 0 ORDER BY 1, 2, 3, 4, 5")
                + "\n" + query(c, "SELECT buyer, fiscal_year, supplier, amount, contracts FROM xp_buyer_supplier"
                + " WHERE contracts <> 0 OR amount <> 0 ORDER BY 1, 2, 3")
                + "\n" + query(c, "SELECT supplier, ym, category, processes FROM xp_supplier_process_count"
                + " WHERE processes <> 0 ORDER BY 1, 2, 3")
                + "\n" + query(c, "SELECT supplier, ym, processes, wins FROM xp_supplier_award_count"
                + " WHERE processes <> 0 OR wins <> 0 ORDER BY 1, 2") : "");
      }
    }

    /** Submitted bids of each non-zero counter row. */
    Map<String, Integer> counters() throws Exception {
      Map<String, Integer> out = new TreeMap<>();
      counterPairs().forEach((k, v) -> out.put(k, Integer.parseInt(v.substring(0, v.indexOf('/')))));
      return out;
    }

    /** Non-zero counter rows as "submitted/disqualified". */
    Map<String, String> counterPairs() throws Exception {
      Map<String, String> out = new TreeMap<>();
      try (Connection c = db.dataSource().getConnection();
          ResultSet rs = c.createStatement().executeQuery("SELECT kind, owner, ym, submitted, disqualified FROM xp_bid_count")) {
        while (rs.next()) {
          if (rs.getInt(4) != 0 || rs.getInt(5) != 0) {
            out.put(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getInt(3), rs.getInt(4) + "/" + rs.getInt(5));
          }
        }
      }
      return out;
    }

    /**
     * The distinct owners marked (single-owner rows as the legacy handler writes them, packed rows as the group
     * does), in order. Without the contract groups: which ones a run marks depends on where its groups end (a
     * supplier a contract had only between two rows of one group is not marked); ContractGroupsTest checks what the
     * checker makes of them.
     */
    String marks(Connection c) throws Exception {
      Set<String> owners = new java.util.TreeSet<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT owner, owners FROM xp_dirty")) {
        while (rs.next()) {
          if (rs.getString(1) != null) owners.add(rs.getString(1));
          if (rs.getString(2) != null) owners.addAll(Marks.unpack(rs.getString(2)));
        }
      }
      StringBuilder out = new StringBuilder();
      for (String o : owners) {
        if (!o.startsWith(PatternGroup.BUYER_YEAR) && !o.startsWith(PatternGroup.BUYER_SOLE)) out.append(o).append(';');
      }
      return out.toString();
    }

    String query(Connection c, String sql) throws Exception {
      StringBuilder out = new StringBuilder();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        int cols = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= cols; i++) {
            Object v = rs.getObject(i);
            String text;
            if (v instanceof java.sql.Timestamp ts) text = ts.toInstant().toString();
            else if (v instanceof java.time.OffsetDateTime o) text = o.toInstant().toString();
            else if (v instanceof BigDecimal d) text = d.stripTrailingZeros().toPlainString();
            else text = String.valueOf(v);
            out.append(text).append(i == cols ? ";" : ",");
          }
        }
      }
      return out.toString();
    }

    @Override
    public void close() throws Exception {
      db.close();
      if (pg != null) pg.close();
    }
  }
}
