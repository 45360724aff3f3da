package io.procwatch.alert;

import static io.procwatch.testing.ApiAssertions.assertError;
import static io.procwatch.testing.ApiAssertions.json;
import static io.procwatch.testing.Facts.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.testing.TestService;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The alert API over real HTTP: listings, one alert with its history, and the supervisor's transitions. */
class AlertHttpTest {
  static TestService service;

  @BeforeAll
  static void start() {
    // Just after the facts below: no deadline has run out yet, so the alerts are the ones each test makes.
    service = TestService.h2(new io.procwatch.testing.MutableClock().setNow(java.time.Instant.parse("2026-03-10T04:00:00Z")));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /** A self-purchase project whose delivery is reported before any contract: SQ01 fires. */
  static String projectWithSq01(String projectId) {
    assertThat(service.postNdjson(String.join("\n",
        event(projectId + "-1", projectId, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
            "{\"buyer\":\"B-ALERT\",\"title\":\"纸张\",\"category\":\"A05040101\",\"categoryKind\":\"GOODS\",\"budget\":3000,\"fiscalYear\":2026}"),
        event(projectId + "-2", projectId, "RequirementApproved", "2026-03-03T09:30:00+08:00", null),
        event(projectId + "-3", projectId, "MethodApproved", "2026-03-04T10:00:00+08:00", "{\"method\":\"SELF_PURCHASE\"}"),
        event(projectId + "-4", projectId, "Delivered", "2026-03-10T10:00:00+08:00", null))).statusCode()).isEqualTo(200);
    JsonNode items = Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(() -> json(service.get("/api/v1/alerts?rule=SQ01&projectId=" + projectId)).get("items"), i -> i.size() == 1);
    return items.get(0).get("id").asText();
  }

  static JsonNode awaitAlert(String alertId, String status) {
    return Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          HttpResponse<String> r = service.get("/api/v1/alerts/" + alertId);
          return r.statusCode() == 200 ? json(r) : null;
        }, a -> a != null && a.get("alert").get("status").asText().equals(status));
  }

  static HttpResponse<String> post(String path, String body) {
    return service.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void anAlertIsRaisedListedAcknowledgedAndResolvedWithItsHistory() {
    String id = projectWithSq01("AL-1");
    JsonNode raised = awaitAlert(id, "FIRING").get("alert");
    assertThat(raised.get("rule").asText()).isEqualTo("SQ01");
    assertThat(raised.get("subject").asText()).isEqualTo("Delivered");
    assertThat(raised.get("severity").asText()).isEqualTo("CRITICAL");
    assertThat(raised.get("nameZh").asText()).isEqualTo("程序倒置");
    assertThat(raised.get("fingerprint").asText()).hasSize(16);
    assertThat(raised.get("buyer").asText()).isEqualTo("B-ALERT");

    JsonNode listed = json(service.get("/api/v1/alerts?projectId=AL-1&status=OPEN"));
    assertThat(listed.get("items")).extracting(n -> n.get("id").asText()).containsExactly(id);

    HttpResponse<String> ack = post("/api/v1/alerts/" + id + "/ack", "{\"note\":\"核实中\"}");
    assertThat(ack.statusCode()).isEqualTo(200);
    assertThat(json(ack).get("alert").get("status").asText()).isEqualTo("ACKNOWLEDGED");
    assertThat(json(ack).get("alert").get("acknowledgement").get("by").asText()).as("the open-mode principal").isEqualTo("local");
    assertError(post("/api/v1/alerts/" + id + "/ack", "{}"), 409, "NOT_ALLOWED", null);

    assertError(post("/api/v1/alerts/" + id + "/resolve", "{}"), 422, "MISSING_FIELD", "note");
    assertError(post("/api/v1/alerts/" + id + "/resolve", "{\"by\":\"wang.fang\",\"note\":\"x\"}"), 400, "UNKNOWN_FIELD", "by");
    assertError(post("/api/v1/alerts/" + id + "/resolve", "{\"note\":1}"), 400, "WRONG_TYPE", "note");
    assertError(post("/api/v1/alerts/" + id + "/resolve", "{\"note\":\"x\",\"who\":\"b\"}"), 400, "UNKNOWN_FIELD", "who");
    HttpResponse<String> resolved = post("/api/v1/alerts/" + id + "/resolve", "{\"note\":\"合同补录\"}");
    assertThat(resolved.statusCode()).isEqualTo(200);
    assertThat(json(resolved).get("alert").get("resolution").asText()).isEqualTo("MANUAL");
    assertError(post("/api/v1/alerts/" + id + "/resolve", "{\"note\":\"again\"}"), 409, "NOT_ALLOWED", null);

    JsonNode done = awaitAlert(id, "RESOLVED");
    List<String> kinds = new ArrayList<>();
    List<Long> sequences = new ArrayList<>();
    for (JsonNode h : done.get("history")) {
      kinds.add(h.get("kind").asText());
      sequences.add(h.get("sequence").asLong());
    }
    assertThat(kinds).containsExactly("RAISED", "ACKNOWLEDGED", "RESOLVED");
    assertThat(sequences).isSorted().doesNotHaveDuplicates();
    assertThat(done.get("alert").get("resolutionNote").asText()).isEqualTo("local: 合同补录");

    // the project view shows it too
    JsonNode project = json(service.get("/api/v1/projects/AL-1"));
    assertThat(project.get("alerts")).extracting(a -> a.get("id").asText()).containsExactly(id);
  }

  @Test
  void aSequenceAlertResolvesItselfWhenTheMissingStepArrivesEarlierInBusinessTime() {
    String id = projectWithSq01("AL-2");
    awaitAlert(id, "FIRING");
    assertThat(service.postJson(event("AL-2-5", "AL-2", "ContractSigned", "2026-03-05T10:00:00+08:00",
        "{\"contractId\":\"HT-AL-2\",\"supplier\":\"S\",\"amount\":2900}")).statusCode()).isEqualTo(202);
    JsonNode resolved = awaitAlert(id, "RESOLVED").get("alert");
    assertThat(resolved.get("resolution").asText()).isEqualTo("CLEARED");
  }

  @Test
  void unknownAlertsAndBadFiltersAreClearErrors() {
    assertError(service.get("/api/v1/alerts/NOPE~9"), 404, "NOT_FOUND", null);
    assertError(post("/api/v1/alerts/NOPE~9/ack", "{}"), 404, "NOT_FOUND", null);
    assertError(post("/api/v1/alerts/no-tilde/ack", "{}"), 404, "NOT_FOUND", null);
    assertError(post("/api/v1/alerts/X~1/ack", "{not json"), 400, "MALFORMED_JSON", null);
    assertError(service.get("/api/v1/alerts?severity=LOUD"), 400, "INVALID_PARAMETER", "severity");
    assertError(service.get("/api/v1/alerts?status=SLEEPING"), 400, "INVALID_PARAMETER", "status");
    assertError(service.get("/api/v1/alerts?rule=ZZ99"), 400, "INVALID_PARAMETER", "rule");
    assertError(service.get("/api/v1/alerts?limit=0"), 400, "INVALID_PARAMETER", "limit");
    assertError(service.get("/api/v1/alerts?after=x"), 400, "INVALID_PARAMETER", "after");
  }

  @Test
  void theSequenceHasNoGapsAndNoDuplicatesUnderConcurrentProjects() throws Exception {
    int projects = 24;
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < projects; i++) {
      String p = "SEQ-" + i;
      all.add(CompletableFuture.runAsync(() -> {
        projectWithSq01(p);
        // and resolve it again by recording the contract earlier in business time
        service.postJson(event(p + "-5", p, "ContractSigned", "2026-03-05T10:00:00+08:00",
            "{\"contractId\":\"HT-" + p + "\",\"supplier\":\"S\",\"amount\":100}"));
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(json(service.get("/api/v1/alerts?rule=SQ01&status=RESOLVED&limit=500")).get("items").size())
            .isGreaterThanOrEqualTo(projects));
    List<Long> sequences = new ArrayList<>();
    try (Connection c = service.db().dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sequence FROM alert_change ORDER BY sequence")) {
      while (rs.next()) sequences.add(rs.getLong(1));
    }
    assertThat(sequences).isNotEmpty();
    for (int i = 0; i < sequences.size(); i++) assertThat(sequences.get(i)).isEqualTo(i + 1L);
  }

  @Test
  void theRuleCatalogueIsServedAsConfigured() {
    JsonNode rules = json(service.get("/api/v1/rules")).get("rules");
    assertThat(rules).hasSize(41);
    JsonNode dl01 = rules.get(0);
    assertThat(dl01.get("id").asText()).isEqualTo("DL01");
    assertThat(dl01.get("zh").asText()).isEqualTo("合同签订超期");
    assertThat(dl01.get("severity").asText()).isEqualTo("CRITICAL");
    assertThat(dl01.get("basis").asText()).isEqualTo("L46");
    assertThat(dl01.get("params").get("limit").asInt()).isEqualTo(30);
    assertThat(dl01.get("resolves").asText()).isEqualTo("AUTOMATIC");
  }
}
