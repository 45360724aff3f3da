package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.calendar.WorkCalendar;
import io.procwatch.pattern.PatternGroupTest.Db;
import io.procwatch.pattern.PatternGroupTest.Row;
import io.procwatch.project.Fact;
import io.procwatch.project.IngestParser;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleCatalogue;
import io.procwatch.rules.ThresholdProfiles;
import io.procwatch.sim.Generator;
import io.procwatch.sim.History;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * XP01–XP03 from the running contract sums (migration V10) against a full recomputation, after every group of a
 * simulator history replayed through the production projection: the sums equal a GROUP BY over the live contracts, and
 * the conditions that {@link ContractGroups} keeps from the marked groups equal {@link BuyerRules#evaluate} over each
 * buyer's whole contract list (same rules, subjects, severities, details, order). Into the simulator's history are
 * mixed amendments that lower a contract (often below a threshold), cancellations, and re-approvals of a project's
 * method as single-source (moving its contracts between XP01's sums and into XP03's).
 */
class ContractGroupsTest {
  static final WorkCalendar CALENDAR = WorkCalendar.fromClasspath();
  static final IngestParser PARSER = new IngestParser(Duration.ofDays(36500));

  @ParameterizedTest(name = "{0}, seed {1}")
  @CsvSource({"h2, 7", "postgresql, 11", "h2, 23"})
  void sumsAndConditionsEqualAFullRecomputationAfterEveryGroup(String vendor, long seed) throws Exception {
    Random r = new Random(seed);
    List<Row> history = history(seed, r);
    BuyerRules rules = new BuyerRules(RuleCatalogue.defaults(), ThresholdProfiles.defaults().byId("central-2020").orElseThrow());
    ContractGroups groups = new ContractGroups(rules);
    Set<String> rulesSeen = new TreeSet<>();
    int resolved = 0, checks = 0;
    Map<String, Set<String>> before = new HashMap<>();
    try (Db db = Db.open(vendor)) {
      int i = 0;
      while (i < history.size()) {
        int n = 1 + r.nextInt(150);
        List<Row> group = new ArrayList<>(history.subList(i, Math.min(history.size(), i + n)));
        if (r.nextInt(4) == 0 && i > 0) group.addAll(0, history.subList(Math.max(0, i - 40), i)); // a replay: no change
        db.handle(group);
        i += n;
        try (Connection c = db.db.dataSource().getConnection()) {
          assertSumsEqualRecomputation(c);
          List<Long> ids = new ArrayList<>();
          Set<String> owners = new java.util.LinkedHashSet<>();
          PatternChecker.readMarks(c, ids, owners);
          for (String owner : owners) groups.mark(owner);
          for (long id : ids) c.createStatement().executeUpdate("DELETE FROM xp_dirty WHERE id = " + id);
          Set<String> buyers = new TreeSet<>();
          try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT DISTINCT buyer FROM xp_project")) {
            while (rs.next()) buyers.add(rs.getString(1));
          }
          // the first check computes every buyer whole; later ones only apply the marks (new buyers whole)
          Map<String, List<Condition>> kept = groups.conditions(c, buyers);
          Map<String, List<BuyerRules.Contract>> all = PatternChecker.contracts(c, buyers);
          for (String b : buyers) {
            List<Condition> expected = rules.evaluate(all.get(b));
            assertThat(kept.get(b)).as("buyer " + b + " after " + i + " rows").isEqualTo(expected);
            Set<String> keys = new TreeSet<>();
            for (Condition cond : expected) {
              rulesSeen.add(cond.rule());
              keys.add(cond.key());
            }
            for (String k : before.getOrDefault(b, Set.of())) if (!keys.contains(k)) resolved++;
            before.put(b, keys);
          }
          checks++;
        }
      }
    }
    assertThat(checks).isGreaterThan(20);
    assertThat(rulesSeen).as("rules that held at some point").contains("XP01", "XP02", "XP03");
    assertThat(resolved).as("conditions that stopped holding").isPositive();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"h2", "postgresql"})
  void theMigrationFillsTheSumsFromExistingContracts(String vendor) throws Exception {
    try (Db db = Db.open(vendor, "9")) {
      try (Connection c = db.db.dataSource().getConnection(); Statement st = c.createStatement()) {
        st.execute("INSERT INTO xp_project (project_id, buyer, category, category_kind, fiscal_year, method, cancelled,"
            + " last_seq) VALUES ('P1', 'B1', 'A02', 'GOODS', 2026, 'INQUIRY', FALSE, 5),"
            + " ('P2', 'B1', 'A02', 'GOODS', 2026, 'INQUIRY', TRUE, 5), ('P3', 'B1', 'A02', 'GOODS', 2026, NULL, FALSE, 5),"
            + " ('P4', 'B2', 'C01', 'SERVICES', 2025, 'SINGLE_SOURCE', FALSE, 5)");
        st.execute("INSERT INTO xp_contract (project_id, contract_id, supplier, amount, signed_at) VALUES"
            + " ('P1', 'H1', 'S1', 100.50, TIMESTAMP WITH TIME ZONE '2026-01-31 16:30:00+00'),"
            + " ('P1', 'H2', 'S2', 10, TIMESTAMP WITH TIME ZONE '2026-02-01 16:30:00+00'),"
            + " ('P2', 'H1', 'S1', 999, TIMESTAMP WITH TIME ZONE '2026-01-31 16:30:00+00')," // cancelled
            + " ('P3', 'H1', 'S1', 7, TIMESTAMP WITH TIME ZONE '2026-03-01 16:30:00+00'),"
            + " ('P4', 'H1', 'S1', 5, TIMESTAMP WITH TIME ZONE '2025-03-01 16:30:00+00')");
      }
      db.migrate(null);
      try (Connection c = db.db.dataSource().getConnection()) {
        assertThat(Db.rows(c, "SELECT * FROM xp_buyer_category")).containsExactlyInAnyOrder("B1|2026|A02|GOODS||7|1|",
            "B1|2026|A02|GOODS|INQUIRY|110.5|2|", "B2|2025|C01|SERVICES|SINGLE_SOURCE|5|1|");
        assertThat(Db.rows(c, "SELECT * FROM xp_buyer_supplier")).containsExactlyInAnyOrder("B1|2026|S1|107.5|2|", "B1|2026|S2|10|1|",
            "B2|2025|S1|5|1|");
        assertSumsEqualRecomputation(c);
      }
    }
  }

  /** Every non-empty row of the sums equals the GROUP BY over the live contracts; an emptied row holds nothing. */
  private static void assertSumsEqualRecomputation(Connection c) throws Exception {
    assertThat(Db.rows(c, "SELECT buyer, fiscal_year, category, category_kind, method, amount, contracts FROM xp_buyer_category"
        + " WHERE contracts <> 0 OR amount <> 0")).isEqualTo(Db.rows(c, "SELECT p.buyer, p.fiscal_year, p.category,"
        + " p.category_kind, COALESCE(p.method, ''), SUM(w.amount), COUNT(*) FROM xp_project p JOIN xp_contract w"
        + " ON w.project_id = p.project_id WHERE NOT p.cancelled"
        + " GROUP BY p.buyer, p.fiscal_year, p.category, p.category_kind, COALESCE(p.method, '')"));
    assertThat(Db.rows(c, "SELECT buyer, fiscal_year, supplier, amount, contracts FROM xp_buyer_supplier"
        + " WHERE contracts <> 0 OR amount <> 0")).isEqualTo(Db.rows(c, "SELECT p.buyer, p.fiscal_year, w.supplier,"
        + " SUM(w.amount), COUNT(*) FROM xp_project p JOIN xp_contract w ON w.project_id = p.project_id"
        + " WHERE NOT p.cancelled GROUP BY p.buyer, p.fiscal_year, w.supplier"));
  }



  /**
   * A simulator history of few buyers and suppliers (so that sums reach the thresholds and suppliers repeat), in
   * business-time order, with amendments, cancellations and single-source re-approvals mixed in after contracts.
   */
  private static List<Row> history(long seed, Random r) {
    Generator.Options options = new Generator.Options(seed, LocalDate.of(2025, 1, 1), 1, 400, 0.08, 4, 25, 0.2,
        new BigDecimal("15000000"));
    History h = Generator.generate(options, CALENDAR);
    List<History.Event> events = new ArrayList<>(h.events());
    events.sort(Comparator.comparing(History.Event::occurredAt));
    Map<String, Integer> seq = new HashMap<>();
    List<Row> out = new ArrayList<>();
    int amended = 0, cancelled = 0, resourced = 0;
    Set<String> gone = new LinkedHashSet<>();
    for (History.Event e : events) {
      IngestParser.Parsed p = PARSER.parse(e.json(), e.occurredAt());
      assertThat(p.error()).as(e.json()).isNull();
      Fact f = p.fact();
      String id = f.projectId();
      out.add(new Row(id, seq.merge(id, 1, Integer::sum), List.of(f)));
      if (f.data() instanceof Fact.ContractSigned cs && !gone.contains(id)) {
        int roll = r.nextInt(100);
        Fact extra = null;
        if (roll < 15) {
          // lowers the contract by 10–90 %, often taking a sum back under a threshold or a share
          BigDecimal delta = cs.amount().multiply(BigDecimal.valueOf(10 + r.nextInt(81), 2)).setScale(2, RoundingMode.DOWN)
              .negate();
          extra = new Fact(UUID.randomUUID().toString(), id, f.occurredAt().plusSeconds(60), "test",
              new Fact.ContractAmended(delta, "less"));
          amended++;
        } else if (roll < 23) {
          extra = new Fact(UUID.randomUUID().toString(), id, f.occurredAt().plusSeconds(60), "test",
              new Fact.ProjectCancelled("duplicate"));
          gone.add(id);
          cancelled++;
        } else if (roll < 33) {
          extra = new Fact(UUID.randomUUID().toString(), id, f.occurredAt().plusSeconds(60), "test",
              new Fact.MethodApproved(Fact.Method.SINGLE_SOURCE, "again", null));
          resourced++;
        }
        if (extra != null) out.add(new Row(id, seq.merge(id, 1, Integer::sum), List.of(extra)));
      }
    }
    assertThat(amended).isPositive();
    assertThat(cancelled).isPositive();
    assertThat(resourced).isPositive();
    return out;
  }
}
