package io.procwatch.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procwatch.infra.Database;
import io.procwatch.infra.PlainJdbcSession;
import io.procwatch.infra.Settings;
import io.procwatch.infra.Sql;
import io.procwatch.project.Fact.ContractAmended;
import io.procwatch.project.Fact.ContractSigned;
import io.procwatch.project.Fact.MethodApproved;
import io.procwatch.project.Fact.PaymentMade;
import io.procwatch.project.Fact.ProjectRegistered;
import io.procwatch.rules.CategoryKind;
import io.procwatch.testing.Postgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listing projection's group handling (one statement per project per group) against the former handler (an
 * INSERT at registration, then one UPDATE per event), on H2 and PostgreSQL: a random history of registrations,
 * methods, contracts signed and amended, payments, other facts, several facts in one journal row and alert changes,
 * interleaved across projects, gives the same {@code project_summary} applied in random groups of 1–40 rows, one row
 * per group, and by the former handler one row per transaction.
 */
class ProjectSummaryGroupTest {
  private static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");
  private static final Stage[] STAGES = Stage.values();

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void groupsGiveTheSameListingAsTheFormerHandler(String vendor) throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      List<EventEnvelope<ProcurementProject.Event>> history = history(new Random(seed), 40);
      String legacy, grouped, single;
      try (Db db = Db.open(vendor)) {
        for (EventEnvelope<ProcurementProject.Event> e : history) db.legacy(List.of(e));
        legacy = db.table();
      }
      try (Db db = Db.open(vendor)) {
        Random r = new Random(seed * 17);
        for (int i = 0; i < history.size(); ) {
          int n = 1 + r.nextInt(40);
          db.handle(history.subList(i, Math.min(history.size(), i + n)));
          i += n;
        }
        grouped = db.table();
      }
      try (Db db = Db.open(vendor)) {
        for (EventEnvelope<ProcurementProject.Event> e : history) db.handle(List.of(e));
        single = db.table();
      }
      assertThat(legacy.lines().count()).as("projects").isGreaterThan(30);
      assertThat(grouped).as("seed %d, random groups", seed).isEqualTo(legacy);
      assertThat(single).as("seed %d, one row per group", seed).isEqualTo(legacy);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aProjectRegisteredTwiceFailsTheGroupAsBefore(String vendor) throws Exception {
    List<EventEnvelope<ProcurementProject.Event>> twice = List.of(
        envelope("P-1", 1, new ProcurementProject.FactsRecorded(List.of(recorded(registration("P-1"), Stage.REGISTERED)), null)),
        envelope("P-1", 2, new ProcurementProject.FactsRecorded(List.of(recorded(registration("P-1"), Stage.REGISTERED)), null)));
    try (Db db = Db.open(vendor)) {
      assertThatThrownBy(() -> db.handle(twice)).isInstanceOf(IllegalStateException.class);
      assertThat(db.table()).isEmpty();
      db.handle(twice.subList(0, 1));
      assertThatThrownBy(() -> db.handle(twice.subList(1, 2))).isInstanceOf(java.sql.SQLException.class);
    }
  }

  /**
   * On PostgreSQL the listing's updates are heap-only (HOT): no index covers a column an event changes (stage and
   * wake-up time above all), so a project's row is rewritten on its page without new index entries. Counted by the
   * server for the transaction of one group that moves every project to another stage and another wake-up time.
   */
  @org.junit.jupiter.api.Test
  void updatesOnPostgresqlAreHeapOnly() throws Exception {
    try (Db db = Db.open("postgresql")) {
      for (EventEnvelope<ProcurementProject.Event> e : history(new Random(5), 12)) db.handle(List.of(e));
      try (Connection c = db.db.dataSource().getConnection()) {
        c.setAutoCommit(false);
        List<ProjectSummaryProjection.Summary> group = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT project_id, stage, wake_at FROM project_summary")) {
          while (rs.next()) {
            String p = rs.getString(1);
            Stage other = STAGES[(Stage.valueOf(rs.getString(2)).ordinal() + 1) % STAGES.length];
            Timestamp wake = rs.getTimestamp(3);
            Instant otherWake = (wake == null ? NOW : wake.toInstant()).plusSeconds(3_600);
            ProjectSummaryProjection.Summary s = new ProjectSummaryProjection.Summary(p);
            s.add(new ProcurementProject.FactsRecorded(List.of(recorded(
                new Fact(UUID.randomUUID().toString(), p, NOW, "a", new Fact.Delivered()), other)), otherWake));
            group.add(s);
          }
        }
        long[] before = updates(c);
        ProjectSummaryProjection.Handler.write(c, group, NOW);
        long[] after = updates(c);
        assertThat(after[0] - before[0]).as("rows updated").isEqualTo(12);
        assertThat(after[1] - before[1]).as("of them heap-only").isEqualTo(12);
        c.rollback();
      }
    }
  }

  /**
   * On PostgreSQL a group's new listing rows reach the server as a few multi-row INSERTs, not one statement each
   * (the read-side pool sets the driver's {@code reWriteBatchedInserts}): a statement-level trigger counts the INSERT
   * statements one group of 100 registrations runs. A URL that switches the option off wins: then 100.
   */
  @org.junit.jupiter.api.Test
  void newListingRowsReachPostgresqlAsMultiRowInserts() throws Exception {
    try (Db db = Db.open("postgresql", "")) {
      assertThat(insertStatementsForAGroupOf100(db)).as("INSERT statements for 100 rows").isBetween(1, 8);
    }
    try (Db db = Db.open("postgresql", "?reWriteBatchedInserts=false")) {
      assertThat(insertStatementsForAGroupOf100(db)).as("INSERT statements for 100 rows, the URL's choice").isEqualTo(100);
    }
  }

  private static int insertStatementsForAGroupOf100(Db db) throws Exception {
    try (Connection c = db.db.dataSource().getConnection(); var st = c.createStatement()) {
      st.execute("CREATE TABLE insert_statements (n INT NOT NULL)");
      st.execute("INSERT INTO insert_statements VALUES (0)");
      st.execute("CREATE FUNCTION count_insert() RETURNS trigger LANGUAGE plpgsql AS"
          + " 'BEGIN UPDATE insert_statements SET n = n + 1; RETURN NULL; END'");
      st.execute("CREATE TRIGGER count_insert AFTER INSERT ON project_summary FOR EACH STATEMENT EXECUTE FUNCTION count_insert()");
    }
    List<EventEnvelope<ProcurementProject.Event>> group = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      String p = "P-" + i;
      group.add(envelope(p, 1, new ProcurementProject.FactsRecorded(List.of(recorded(registration(p), Stage.REGISTERED)), null)));
    }
    db.handle(group);
    try (Connection c = db.db.dataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT (SELECT n FROM insert_statements), (SELECT COUNT(*) FROM project_summary)")) {
      rs.next();
      assertThat(rs.getInt(2)).as("rows").isEqualTo(100);
      return rs.getInt(1);
    }
  }

  /**
   * The server's counts of this backend's updates of project_summary not yet reported (this transaction's and maybe
   * earlier ones' on the same connection): a difference of two is what happened in between.
   */
  private static long[] updates(Connection c) throws Exception {
    try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_stat_get_xact_tuples_updated('project_summary'::regclass),"
        + " pg_stat_get_xact_tuples_hot_updated('project_summary'::regclass)")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  /** Projects registered one after the other, their later events interleaved. */
  static List<EventEnvelope<ProcurementProject.Event>> history(Random r, int projects) {
    List<EventEnvelope<ProcurementProject.Event>> out = new ArrayList<>();
    List<String> live = new ArrayList<>();
    long[] seq = new long[projects];
    Instant t = Instant.parse("2026-01-05T01:00:00Z");
    int registered = 0;
    while (registered < projects || !live.isEmpty()) {
      t = t.plusSeconds(60 + r.nextInt(86_400));
      if (registered < projects && (live.isEmpty() || r.nextInt(4) == 0)) {
        String p = "P-" + registered;
        List<RecordedFact> facts = new ArrayList<>();
        facts.add(recorded(registration(p, t), Stage.REGISTERED));
        int more = r.nextInt(4); // a bulk line: the registration with the project's first facts in one row
        for (int i = 0; i < more; i++) facts.add(recorded(fact(r, p, t.minusSeconds(r.nextInt(7200))), stage(r)));
        out.add(envelope(p, ++seq[registered], new ProcurementProject.FactsRecorded(facts, wake(r, t))));
        live.add(p);
        registered++;
        continue;
      }
      String p = live.get(r.nextInt(live.size()));
      int k = Integer.parseInt(p.substring(2));
      if (r.nextInt(5) == 0) {
        out.add(envelope(p, ++seq[k], new ProcurementProject.AlertsChanged(List.of(), Set.of(), wake(r, t), r.nextInt(4))));
      } else {
        List<RecordedFact> facts = new ArrayList<>();
        int n = 1 + (r.nextInt(3) == 0 ? r.nextInt(5) : 0);
        for (int i = 0; i < n; i++) facts.add(recorded(fact(r, p, t.minusSeconds(r.nextInt(3 * 86_400))), stage(r)));
        out.add(envelope(p, ++seq[k], new ProcurementProject.FactsRecorded(facts, wake(r, t))));
      }
      if (r.nextInt(12) == 0) live.remove(p);
    }
    return out;
  }

  private static Fact fact(Random r, String p, Instant at) {
    Fact.Data data = switch (r.nextInt(6)) {
      case 0 -> new MethodApproved(Fact.Method.values()[r.nextInt(Fact.Method.values().length)], "ref", null);
      case 1 -> new ContractSigned("C-" + r.nextInt(3), "S1", money(r, 100_000), true, 30, 10, null);
      case 2 -> new ContractAmended(money(r, 5_000).subtract(new BigDecimal("2500.00")), "change");
      case 3 -> new PaymentMade(money(r, 20_000), Fact.PaymentKind.PROGRESS);
      case 4 -> new Fact.Delivered();
      default -> new Fact.RequirementApproved();
    };
    return new Fact(UUID.randomUUID().toString(), p, at, "a", data);
  }

  private static BigDecimal money(Random r, int max) {
    return BigDecimal.valueOf(1 + r.nextInt(max * 100), 2);
  }

  private static Stage stage(Random r) {
    return STAGES[r.nextInt(STAGES.length)];
  }

  private static Instant wake(Random r, Instant t) {
    return r.nextInt(3) == 0 ? null : t.plusSeconds(r.nextInt(30 * 86_400));
  }

  private static Fact registration(String p) {
    return registration(p, Instant.parse("2026-01-05T00:00:00Z"));
  }

  private static Fact registration(String p, Instant at) {
    return new Fact(UUID.randomUUID().toString(), p, at, "a",
        new ProjectRegistered("B-" + Math.floorMod(p.hashCode(), 3), p.endsWith("1") ? null : "某局", "采购 " + p, null,
            "A02", CategoryKind.GOODS, new BigDecimal("100000.00"), 2026, null, List.of()));
  }

  private static RecordedFact recorded(Fact f, Stage stage) {
    return new RecordedFact(f, f.occurredAt(), "fp", stage, List.of());
  }

  private static EventEnvelope<ProcurementProject.Event> envelope(String p, long seq, ProcurementProject.Event e) {
    return EventEnvelope.create(Offset.noOffset(), "Project|" + p, seq, e, 0L);
  }

  /** The former handler, one statement per event (an INSERT at registration, then an UPDATE), as the reference. */
  static void legacy(Connection conn, List<EventEnvelope<ProcurementProject.Event>> envelopes, Instant now) throws Exception {
    for (EventEnvelope<ProcurementProject.Event> envelope : envelopes) {
      ProcurementProject.Event event = envelope.event();
      String projectId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
      if (event instanceof ProcurementProject.FactsRecorded recorded) legacy(conn, recorded, now);
      else if (event instanceof ProcurementProject.AlertsChanged changed) {
        try (PreparedStatement ps = conn.prepareStatement(
            "UPDATE project_summary SET open_irregularities = ?, wake_at = ?, updated_at = ? WHERE project_id = ?")) {
          ps.setInt(1, changed.openAlerts());
          Sql.setInstant(ps, 2, changed.wakeAt());
          ps.setTimestamp(3, Timestamp.from(now));
          ps.setString(4, projectId);
          ps.executeUpdate();
        }
      }
    }
  }

  static void legacy(Connection conn, ProcurementProject.FactsRecorded recorded, Instant now) throws Exception {
    String projectId = null;
    Stage stage = null;
    Instant last = null;
    String method = null;
    BigDecimal contract = null;
    BigDecimal contractDelta = BigDecimal.ZERO;
    BigDecimal paid = BigDecimal.ZERO;
    for (RecordedFact r : recorded.facts()) {
      Fact f = r.fact();
      projectId = f.projectId();
      if (f.data() instanceof ProjectRegistered reg) {
        try (PreparedStatement ps = conn.prepareStatement(
            "INSERT INTO project_summary (project_id, buyer, buyer_name, title, category, category_kind, fiscal_year,"
                + " stage, budget, paid, last_event_at, open_irregularities, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?)")) {
          ps.setString(1, f.projectId());
          ps.setString(2, reg.buyer());
          if (reg.buyerName() == null) ps.setNull(3, Types.VARCHAR);
          else ps.setString(3, reg.buyerName());
          ps.setString(4, reg.title());
          ps.setString(5, reg.category());
          ps.setString(6, reg.categoryKind().name());
          ps.setInt(7, reg.fiscalYear());
          ps.setString(8, Stage.REGISTERED.name());
          ps.setBigDecimal(9, reg.budget());
          ps.setTimestamp(10, Timestamp.from(f.occurredAt()));
          ps.setTimestamp(11, Timestamp.from(now));
          ps.executeUpdate();
        }
      }
      stage = r.stageAfter();
      if (last == null || f.occurredAt().isAfter(last)) last = f.occurredAt();
      if (f.data() instanceof MethodApproved m) method = m.method().name();
      else if (f.data() instanceof ContractSigned c) contract = c.amount();
      else if (f.data() instanceof ContractAmended a) contractDelta = contractDelta.add(a.amountDelta());
      else if (f.data() instanceof PaymentMade p) paid = paid.add(p.amount());
    }
    if (projectId == null) return;
    try (PreparedStatement ps = conn.prepareStatement(
        "UPDATE project_summary SET stage = ?, method = COALESCE(?, method),"
            + " contract_amount = COALESCE(?, contract_amount) + ?, paid = paid + ?,"
            + " last_event_at = GREATEST(last_event_at, ?), wake_at = ?, updated_at = ? WHERE project_id = ?")) {
      ps.setString(1, stage.name());
      ps.setString(2, method);
      ps.setBigDecimal(3, contract);
      ps.setBigDecimal(4, contractDelta);
      ps.setBigDecimal(5, paid);
      ps.setTimestamp(6, Timestamp.from(last));
      Sql.setInstant(ps, 7, recorded.wakeAt());
      ps.setTimestamp(8, Timestamp.from(now));
      ps.setString(9, projectId);
      ps.executeUpdate();
    }
  }

  static final class Db implements AutoCloseable {
    final Database db;
    private final Postgres.FreshDatabase pg;

    private Db(Database db, Postgres.FreshDatabase pg) {
      this.db = db;
      this.pg = pg;
    }

    static Db open(String vendor) throws Exception {
      return open(vendor, "");
    }

    /** {@code urlSuffix}: appended to a PostgreSQL URL (its parameters). */
    static Db open(String vendor, String urlSuffix) throws Exception {
      Postgres.FreshDatabase pg = vendor.equals("postgresql") ? Postgres.create() : null;
      String url = pg != null ? pg.url() + urlSuffix : "jdbc:h2:mem:summary-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      String user = pg != null ? Postgres.USER : "sa";
      String password = pg != null ? Postgres.PASSWORD : "";
      Db db = new Db(Database.open(new Settings.Db(url, user, password, 2, 4, true)), pg);
      Flyway.configure().dataSource(db.db.dataSource())
          .locations("classpath:db/migration/common", "classpath:db/migration/" + db.db.vendor().migrations)
          .load().migrate();
      return db;
    }

    /** One group through the production handler, committed like the projection commits it. */
    void handle(List<EventEnvelope<ProcurementProject.Event>> group) throws Exception {
      PlainJdbcSession session = new PlainJdbcSession(db.dataSource());
      try {
        new ProjectSummaryProjection.Handler(Clock.fixed(NOW, ZoneOffset.UTC)).process(session, group);
        session.commit();
      } catch (Exception e) {
        session.rollback();
        throw e;
      } finally {
        session.close();
      }
    }

    void legacy(List<EventEnvelope<ProcurementProject.Event>> group) throws Exception {
      try (Connection c = db.dataSource().getConnection()) {
        c.setAutoCommit(false);
        ProjectSummaryGroupTest.legacy(c, group, NOW);
        c.commit();
      }
    }

    String table() throws Exception {
      StringBuilder out = new StringBuilder();
      try (Connection c = db.dataSource().getConnection();
          ResultSet rs = c.createStatement().executeQuery("SELECT project_id, buyer, buyer_name, title, category,"
              + " category_kind, fiscal_year, method, stage, budget, contract_amount, paid, last_event_at,"
              + " open_irregularities, wake_at, updated_at FROM project_summary ORDER BY project_id")) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            Object v = rs.getObject(i);
            if (v instanceof BigDecimal b) v = b.stripTrailingZeros().toPlainString();
            if (v instanceof java.sql.Timestamp ts) v = ts.toInstant();
            if (v instanceof java.time.OffsetDateTime o) v = o.toInstant();
            out.append(v).append(i < n ? " | " : "\n");
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
