package io.procwatch.pattern;

import static io.procwatch.testing.Facts.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.infra.Json;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The whole path on the real PostgreSQL: project events → PatternProjection → PatternChecker → PatternOwner →
 * the alert read side with its feed sequence; a cancelled contract resolving XP01; the buyer and supplier views;
 * then a projection replay (offsets deleted, every event delivered again) and a service restart, after which every
 * aggregate figure is the same and no alert was raised a second time.
 */
class PatternPostgresTest {

  @Test
  void splitPurchaseFiresResolvesAndSurvivesReplayAndRestart() throws Exception {
    try (Postgres.FreshDatabase db = Postgres.create()) {
      String figures;
      long xpChanges;
      String buyerView;
      try (TestService s = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
        // chongqing-2024: public tender 4,000,000 for goods; 80% = 3,200,000
        purchase(s, "XP-1", "SELF_PURCHASE", "S1", "1500000.00", 5);
        purchase(s, "XP-2", "SINGLE_SOURCE", "S2", "1200000.00", 6);
        purchase(s, "XP-3", "SINGLE_SOURCE", "S2", "600000.00", 9);
        JsonNode xp01 = awaitOpen(s, "XP01", 1).get(0);
        assertThat(xp01.get("severity").asText()).isEqualTo("WARNING");
        assertThat(xp01.get("buyer").asText()).isEqualTo("XB");
        assertThat(xp01.hasNonNull("projectId")).isFalse();
        assertThat(xp01.get("details").get("project:XP-1").asText()).isEqualTo("1500000.00");
        assertThat(xp01.get("details").get("project:XP-3").asText()).isEqualTo("600000.00");
        assertThat(xp01.get("details").get("sum").asText()).isEqualTo("3300000.00");
        assertThat(xp01.get("message").asText()).contains("XP-1 1500000.00", "XP-2 1200000.00", "XP-3 600000.00");
        assertThat(xp01.get("sequence").asLong()).isPositive();
        JsonNode xp03 = awaitOpen(s, "XP03", 1).get(0);
        assertThat(xp03.get("supplier").asText()).isEqualTo("S2");
        // a supervisor acknowledges it like any alert: the route finds its owner (the buyer) from the id
        assertThat(xp03.get("id").asText()).startsWith("buyer@XB~");
        var ack = s.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.baseUrl() + "/api/v1/alerts/"
                + xp03.get("id").asText() + "/ack")).header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"note\":\"asking the unit\"}")).build());
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(ack.body()).get("alert").get("status").asText()).isEqualTo("ACKNOWLEDGED");
        // ... and the audit trail records it, though the alert belongs to no project
        String xp03Id = xp03.get("id").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
          JsonNode audit = Json.mapper().readTree(s.get("/api/v1/audit?alertId=" + xp03Id).body());
          assertThat(audit.get("items")).hasSize(1);
          assertThat(audit.get("items").get(0).get("principal").asText()).isEqualTo("local");
          assertThat(audit.get("items").get(0).get("action").asText()).isEqualTo("ACKNOWLEDGE");
        });

        // the buyer view: spend by category and supplier, concentration, the open XP alerts
        JsonNode buyer = Json.mapper().readTree(s.get("/api/v1/buyers/XB?fiscalYear=2026").body());
        assertThat(buyer.get("contracted").decimalValue()).isEqualByComparingTo("3300000.00");
        assertThat(buyer.get("bySupplier").get(0).get("supplier").asText()).isEqualTo("S2");
        assertThat(buyer.get("bySupplier").get(0).get("amount").decimalValue()).isEqualByComparingTo("1800000.00");
        assertThat(buyer.get("concentration").get("topShare").decimalValue()).isEqualByComparingTo("0.545455");
        assertThat(buyer.get("openAlerts")).extracting(a -> a.get("rule").asText()).contains("XP01", "XP03");
        JsonNode supplier = Json.mapper().readTree(s.get("/api/v1/suppliers/S2").body());
        assertThat(supplier.get("wins").get("contracts").asInt()).isEqualTo(2);
        assertThat(supplier.get("buyers").get(0).get("buyer").asText()).isEqualTo("XB");
        assertThat(supplier.get("openAlerts")).extracting(a -> a.get("rule").asText()).contains("XP03");
        assertThat(s.get("/api/v1/buyers/NOBODY").statusCode()).isEqualTo(404);
        assertThat(s.get("/api/v1/buyers/XB?fiscalYear=twenty").statusCode()).isEqualTo(400);

        // cancelling XP-3 brings the sum under 80% and leaves one single-source contract: both resolve
        assertThat(s.postJson(event("cancel-XP-3", "XP-3", "ProjectCancelled", "2026-03-20T09:00:00+08:00",
            "{\"reason\":\"duplicate purchase\"}")).statusCode()).isEqualTo(202);
        awaitOpen(s, "XP01", 0);
        awaitOpen(s, "XP03", 0);
        JsonNode resolved = Json.mapper().readTree(s.get("/api/v1/alerts/" + xp01.get("id").asText()).body()).get("alert");
        assertThat(resolved.get("status").asText()).isEqualTo("RESOLVED");
        assertThat(resolved.get("resolution").asText()).isEqualTo("CLEARED");

        // a fourth purchase takes it above the threshold: CRITICAL, listing all three live projects
        purchase(s, "XP-4", "INQUIRY", "S3", "2000000.00", 12);
        JsonNode critical = awaitOpen(s, "XP01", 1).get(0);
        assertThat(critical.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(critical.get("details").get("sum").asText()).isEqualTo("4700000.00");
        assertThat(critical.get("details").has("project:XP-3")).isFalse();
        awaitSettled(db);
        figures = figures(db);
        xpChanges = xpChanges(db);
        buyerView = s.get("/api/v1/buyers/XB?fiscalYear=2026").body();
      }

      // replay: forget the projection's offsets; every project event is delivered again
      try (Connection c = DriverManager.getConnection(db.url(), Postgres.USER, Postgres.PASSWORD);
          Statement st = c.createStatement()) {
        assertThat(st.executeUpdate("DELETE FROM pekko_projection_offset_store WHERE projection_name = 'patterns'")).isPositive();
      }
      try (TestService s = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
        Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
            assertThat(offsets(db)).isGreaterThanOrEqualTo(1));
        awaitSettled(db);
        assertThat(figures(db)).isEqualTo(figures);
        assertThat(xpChanges(db)).isEqualTo(xpChanges);
        assertThat(Json.mapper().readTree(s.get("/api/v1/buyers/XB?fiscalYear=2026").body()))
            .isEqualTo(Json.mapper().readTree(buyerView));
        assertThat(awaitOpen(s, "XP01", 1).get(0).get("severity").asText()).isEqualTo("CRITICAL");
      }
    }
  }

  private static void purchase(TestService s, String p, String method, String supplier, String amount, int day) {
    String d = String.format("2026-03-%02dT", day);
    StringBuilder b = new StringBuilder();
    b.append(event("reg-" + p, p, "ProjectRegistered", d + "09:00:00+08:00",
        "{\"buyer\":\"XB\",\"title\":\"办公电脑\",\"category\":\"A02010104\",\"categoryKind\":\"GOODS\","
            + "\"budget\":" + amount + ",\"fiscalYear\":2026}")).append('\n');
    b.append(event("req-" + p, p, "RequirementApproved", d + "10:00:00+08:00", null)).append('\n');
    b.append(event("met-" + p, p, "MethodApproved", d + "11:00:00+08:00",
        "{\"method\":\"" + method + "\",\"approvalRef\":\"CZ-" + p + "\"}")).append('\n');
    b.append(event("con-" + p, p, "ContractSigned", d + "15:00:00+08:00",
        "{\"contractId\":\"HT-" + p + "\",\"supplier\":\"" + supplier + "\",\"amount\":" + amount + "}")).append('\n');
    var r = s.postNdjson(b.toString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().lines()).allSatisfy(l -> assertThat(l).contains("\"status\":202"));
  }

  private static List<JsonNode> awaitOpen(TestService s, String rule, int n) {
    List<JsonNode> out = new ArrayList<>();
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      out.clear();
      JsonNode page = Json.mapper().readTree(s.get("/api/v1/alerts?status=OPEN&rule=" + rule).body());
      page.get("items").forEach(out::add);
      assertThat(out).hasSize(n);
    });
    return out;
  }

  /** Nothing left to project or check. */
  private static void awaitSettled(Postgres.FreshDatabase db) {
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(query(db, "SELECT COUNT(*) FROM xp_dirty")).isEqualTo("0;");
      assertThat(query(db, "SELECT COUNT(*) FROM event_tag t WHERE t.tag LIKE 'project-%' AND t.event_id > COALESCE("
          + "(SELECT CAST(o.current_offset AS BIGINT) FROM pekko_projection_offset_store o"
          + " WHERE o.projection_name = 'patterns' AND o.projection_key = t.tag), 0)")).isEqualTo("0;");
    });
    // and the alert projection has numbered everything the owners persisted
    Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
        query(db, "SELECT COUNT(*) FROM event_tag t WHERE t.tag = 'alerts' AND t.event_id > (SELECT CAST(current_offset AS BIGINT)"
            + " FROM pekko_projection_offset_store WHERE projection_name = 'alerts')")).isEqualTo("0;"));
  }

  private static long offsets(Postgres.FreshDatabase db) throws Exception {
    return Long.parseLong(query(db, "SELECT COUNT(*) FROM pekko_projection_offset_store WHERE projection_name = 'patterns'")
        .replace(";", ""));
  }

  private static String figures(Postgres.FreshDatabase db) throws Exception {
    return query(db, "SELECT project_id, buyer, category, method, cancelled, award_supplier, award_amount, last_seq FROM xp_project ORDER BY project_id")
        + query(db, "SELECT project_id, contract_id, supplier, amount, signed_at FROM xp_contract ORDER BY project_id, contract_id")
        + query(db, "SELECT project_id, supplier, amount, bids, disqualified FROM xp_bid ORDER BY project_id, supplier");
  }

  private static long xpChanges(Postgres.FreshDatabase db) throws Exception {
    return Long.parseLong(query(db, "SELECT COUNT(*) FROM alert_change WHERE rule LIKE 'XP%'").replace(";", ""));
  }

  private static String query(Postgres.FreshDatabase db, String sql) throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection(db.url(), Postgres.USER, Postgres.PASSWORD);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int cols = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= cols; i++) out.append(rs.getString(i)).append(i == cols ? ";" : ",");
        out.append('\n');
      }
    }
    return out.toString().replace("\n", "");
  }
}
