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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
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
 * XP06 from the process counts per supplier, month and category (migration V11) against the former read of every
 * award and contract of each supplier in the window, after every group of a simulator history replayed through the
 * production projection, for windows starting at a month's beginning, in the middle of a month, before and inside the
 * history. Mixed into the simulator's history: contracts signed with another supplier than the winner, often in a
 * later month (a process counted for two suppliers, or for the winner in a later month), a contract re-signed with
 * another supplier, contracts with the winner dated before the award, re-tenders (the award no longer stands) and
 * cancellations.
 */
class SupplierProcessCountsTest {
  static final IngestParser PARSER = ContractGroupsTest.PARSER;

  @ParameterizedTest(name = "{0}, seed {1}")
  @CsvSource({"h2, 5", "postgresql, 13", "h2, 29"})
  void countsEqualTheFormerReadAfterEveryGroup(String vendor, long seed) throws Exception {
    Random r = new Random(seed);
    List<Row> history = history(seed, r);
    Instant start = LocalDate.of(2025, 1, 1).atStartOfDay(BuyerRules.SHANGHAI).toInstant();
    int checks = 0, partialMonths = 0;
    boolean twoSuppliers = false;
    try (Db db = Db.open(vendor)) {
      int i = 0;
      while (i < history.size()) {
        int n = 1 + r.nextInt(150);
        List<Row> group = new ArrayList<>(history.subList(i, Math.min(history.size(), i + n)));
        if (r.nextInt(4) == 0 && i > 0) group.addAll(0, history.subList(Math.max(0, i - 40), i)); // a replay: no change
        db.handle(group);
        i += n;
        try (Connection c = db.db.dataSource().getConnection()) {
          assertThat(Db.rows(c, "SELECT supplier, ym, category, processes FROM xp_supplier_process_count WHERE processes <> 0"))
              .as("counts after " + i + " rows").isEqualTo(Db.rows(c, PatternGroupTestSql.RECOMPUTE));
          Set<String> suppliers = new TreeSet<>();
          try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT DISTINCT award_supplier FROM xp_project"
              + " WHERE award_supplier IS NOT NULL UNION SELECT DISTINCT supplier FROM xp_contract")) {
            while (rs.next()) suppliers.add(rs.getString(1));
          }
          if (suppliers.isEmpty()) continue;
          List<Instant> windows = new ArrayList<>(List.of(Instant.EPOCH, start));
          for (int k = 0; k < 4; k++) {
            ZonedDateTime z = start.atZone(BuyerRules.SHANGHAI).plusDays(r.nextInt(420)).plusMinutes(r.nextInt(1440));
            windows.add(z.toInstant());
            windows.add(z.withDayOfMonth(1).toLocalDate().atStartOfDay(BuyerRules.SHANGHAI).toInstant());
          }
          for (Instant since : windows) {
            for (int prefixLen : new int[] {1, 3}) {
              Map<String, int[]> processes = new HashMap<>();
              Map<String, Set<String>> prefixes = new HashMap<>();
              PatternChecker.processCounts(c, suppliers, prefixLen, since, processes, prefixes);
              Map<String, int[]> expected = PatternChecker.processCountsFromRows(c, suppliers, prefixLen, since);
              for (String s : suppliers) {
                int[] e = expected.get(s);
                assertThat(new int[] {processes.getOrDefault(s, new int[1])[0], prefixes.getOrDefault(s, Set.of()).size()})
                    .as("supplier " + s + " since " + since + " prefix " + prefixLen + " after " + i + " rows").containsExactly(e);
                if (e[0] > 0 && !PatternSql.monthStart(since) && !since.equals(Instant.EPOCH)) partialMonths++;
              }
            }
          }
          twoSuppliers |= count(c, "SELECT COUNT(*) FROM xp_project p JOIN xp_contract w ON w.project_id = p.project_id"
              + " WHERE p.award_supplier IS NOT NULL AND w.supplier <> p.award_supplier AND NOT p.cancelled") > 0;
          checks++;
        }
      }
    }
    assertThat(checks).isGreaterThan(20);
    assertThat(partialMonths).isPositive();
    assertThat(twoSuppliers).as("a live process counted for two suppliers").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void theMigrationFillsTheCountsFromExistingRows(String vendor) throws Exception {
    try (Db db = Db.open(vendor, "10")) {
      try (Connection c = db.db.dataSource().getConnection(); Statement st = c.createStatement()) {
        st.execute("INSERT INTO xp_project (project_id, buyer, category, category_kind, fiscal_year, method, cancelled,"
            + " award_supplier, award_amount, award_at, last_seq) VALUES"
            + " ('P1', 'B1', 'A02', 'GOODS', 2026, NULL, FALSE, 'S1', 10, TIMESTAMP WITH TIME ZONE '2026-01-10 00:00:00+00', 5),"
            + " ('P2', 'B1', 'A03', 'GOODS', 2026, NULL, TRUE, 'S1', 10, TIMESTAMP WITH TIME ZONE '2026-01-10 00:00:00+00', 5),"
            + " ('P3', 'B1', 'C01', 'GOODS', 2026, NULL, FALSE, NULL, NULL, NULL, 5),"
            + " ('P4', 'B2', 'A02', 'GOODS', 2026, NULL, FALSE, 'S2', 10, TIMESTAMP WITH TIME ZONE '2026-03-10 00:00:00+00', 5)");
        st.execute("INSERT INTO xp_contract (project_id, contract_id, supplier, amount, signed_at) VALUES"
            // awarded in January, contracted on 1 February in Shanghai: counted once, in February
            + " ('P1', 'H1', 'S1', 100, TIMESTAMP WITH TIME ZONE '2026-01-31 16:30:00+00'),"
            + " ('P1', 'H2', 'S3', 100, TIMESTAMP WITH TIME ZONE '2026-01-20 00:00:00+00'),"
            + " ('P2', 'H1', 'S1', 999, TIMESTAMP WITH TIME ZONE '2026-01-31 16:30:00+00')," // cancelled
            + " ('P3', 'H1', 'S1', 7, TIMESTAMP WITH TIME ZONE '2026-03-01 16:30:00+00'),"
            + " ('P4', 'H1', 'S2', 5, TIMESTAMP WITH TIME ZONE '2026-02-01 00:00:00+00')"); // before its award
      }
      db.migrate(null);
      try (Connection c = db.db.dataSource().getConnection()) {
        assertThat(Db.rows(c, "SELECT supplier, ym, category, processes FROM xp_supplier_process_count")).containsExactlyInAnyOrder(
            "S1|202602|A02|1|", "S1|202603|C01|1|", "S2|202603|A02|1|", "S3|202601|A02|1|");
        assertThat(Db.rows(c, PatternGroupTestSql.RECOMPUTE)).isEqualTo(Db.rows(c, "SELECT * FROM xp_supplier_process_count"));
      }
    }
  }

  /** The reference: V11's backfill query, over the tables as they are now. */
  static final class PatternGroupTestSql {
    static final String RECOMPUTE = "SELECT supplier, ym, category, COUNT(*) FROM (SELECT supplier, category,"
        + " CAST(EXTRACT(YEAR FROM last_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) * 100"
        + " + CAST(EXTRACT(MONTH FROM last_at AT TIME ZONE 'Asia/Shanghai') AS INTEGER) AS ym FROM ("
        + " SELECT supplier, project_id, category, MAX(at) AS last_at FROM ("
        + " SELECT p.award_supplier AS supplier, p.project_id, p.category, p.award_at AS at FROM xp_project p"
        + " WHERE p.award_supplier IS NOT NULL AND p.award_at IS NOT NULL AND NOT p.cancelled UNION ALL"
        + " SELECT w.supplier, p.project_id, p.category, w.signed_at FROM xp_contract w JOIN xp_project p"
        + " ON p.project_id = w.project_id WHERE NOT p.cancelled) t GROUP BY supplier, project_id, category) l) m"
        + " GROUP BY supplier, ym, category";

    private PatternGroupTestSql() {}
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }



  /**
   * A simulator history of few suppliers (so that they repeat), in business-time order, with, after an award: now and
   * then a contract with another supplier 20–70 days later, a re-tender, or a contract with the winner dated before it; after a contract: now and then the same
   * contract re-signed with another supplier, or a cancellation.
   */
  private static List<Row> history(long seed, Random r) {
    Generator.Options options = new Generator.Options(seed, LocalDate.of(2025, 1, 1), 1, 300, 0.08, 4, 20, 0.2,
        new BigDecimal("15000000"));
    History h = Generator.generate(options, ContractGroupsTest.CALENDAR);
    List<History.Event> events = new ArrayList<>(h.events());
    events.sort(Comparator.comparing(History.Event::occurredAt));
    Map<String, Integer> seq = new HashMap<>();
    List<Row> out = new ArrayList<>();
    int other = 0, resigned = 0, retendered = 0, cancelled = 0, backdated = 0;
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
      if (f.data() instanceof Fact.AwardPublished a) {
        if (roll < 30) {
          extra.add(fact(id, f.occurredAt().plusSeconds(86_400L * (20 + r.nextInt(51))), new Fact.ContractSigned(
              "X-" + id, "S-other-" + r.nextInt(6), new BigDecimal("1000.00"), null, null, null, null)));
          other++;
        } else if (roll < 45) {
          extra.add(fact(id, f.occurredAt().plusSeconds(3_600), new Fact.ProcurementFailed("again")));
          retendered++;
        } else if (roll < 70) {
          // a contract with the winner dated weeks before the award: the award is its latest touch
          extra.add(fact(id, f.occurredAt().minusSeconds(86_400L * (10 + r.nextInt(40))), new Fact.ContractSigned(
              "Y-" + id, a.supplier(), new BigDecimal("1000.00"), null, null, null, null)));
          backdated++;
        }
      } else if (f.data() instanceof Fact.ContractSigned cs) {
        if (roll < 8) {
          extra.add(fact(id, f.occurredAt().plusSeconds(86_400L * r.nextInt(40)), new Fact.ContractSigned(cs.contractId(),
              "S-other-" + r.nextInt(6), cs.amount(), null, null, null, null)));
          resigned++;
        } else if (roll < 14) {
          extra.add(fact(id, f.occurredAt().plusSeconds(60), new Fact.ProjectCancelled("duplicate")));
          gone.add(id);
          cancelled++;
        }
      }
      for (Fact x : extra) out.add(new Row(id, seq.merge(id, 1, Integer::sum), List.of(x)));
    }
    assertThat(other).isPositive();
    assertThat(resigned).isPositive();
    assertThat(retendered).isPositive();
    assertThat(cancelled).isPositive();
    assertThat(backdated).isPositive();
    return out;
  }

  private static Fact fact(String id, Instant at, Fact.Data data) {
    return new Fact(UUID.randomUUID().toString(), id, at, "test", data);
  }
}
