package io.procwatch.alert;

import static io.procwatch.alert.FeedClient.kind;
import static io.procwatch.testing.ApiAssertions.assertError;
import static io.procwatch.testing.Facts.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.testing.MutableClock;
import io.procwatch.testing.TestService;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The alert feed over a real WebSocket connection to the whole service (H2). */
class AlertFeedTest {
  static TestService service;

  @BeforeAll
  static void start() {
    service = TestService.start("jdbc:h2:mem:feed-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "",
        new MutableClock().setNow(Instant.parse("2026-03-10T04:00:00Z")), Map.of("procwatch.feed.keep-alive", "1s"));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  // ---- facts that make alerts -------------------------------------------------------------------------

  /** A self-purchase project whose delivery comes before any contract: SQ01 (CRITICAL) fires. */
  static String sq01(String p, String buyer) {
    return String.join("\n",
        event(p + "-1", p, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
            "{\"buyer\":\"" + buyer + "\",\"title\":\"纸张\",\"category\":\"A05040101\",\"categoryKind\":\"GOODS\",\"budget\":3000,\"fiscalYear\":2026}"),
        event(p + "-2", p, "RequirementApproved", "2026-03-03T09:30:00+08:00", null),
        event(p + "-3", p, "MethodApproved", "2026-03-04T10:00:00+08:00", "{\"method\":\"SELF_PURCHASE\"}"),
        event(p + "-4", p, "Delivered", "2026-03-10T10:00:00+08:00", null));
  }

  /** A contract signed earlier in business time: the SQ01 of {@code p} resolves CLEARED. */
  static String contract(String p) {
    return event(p + "-5", p, "ContractSigned", "2026-03-05T10:00:00+08:00",
        "{\"contractId\":\"HT-" + p + "\",\"supplier\":\"S\",\"amount\":2900}");
  }

  /** A step after the project was cancelled: SQ03 (WARNING). */
  static String sq03(String p, String buyer) {
    return String.join("\n",
        event(p + "-1", p, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
            "{\"buyer\":\"" + buyer + "\",\"title\":\"纸张\",\"category\":\"A05040101\",\"categoryKind\":\"GOODS\",\"budget\":3000,\"fiscalYear\":2026}"),
        event(p + "-2", p, "ProjectCancelled", "2026-03-03T09:30:00+08:00", "{\"reason\":\"需求取消\"}"),
        event(p + "-3", p, "RequirementApproved", "2026-03-04T10:00:00+08:00", null));
  }

  static void ingest(TestService s, String ndjson) {
    HttpResponse<String> r = s.postNdjson(ndjson);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static HttpResponse<String> post(TestService s, String path, String body) {
    return s.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** Sequences of the alert changes in the read side whose column {@code column} is {@code value}. */
  static List<Long> sequences(TestService s, String column, String value, long after) {
    List<Long> out = new ArrayList<>();
    try (Connection c = s.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT sequence FROM alert_change WHERE " + column + " = ? AND sequence > ? ORDER BY sequence")) {
      ps.setString(1, value);
      ps.setLong(2, after);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Waits until the read side has {@code n} changes for {@code value} and no more arrive for a moment. */
  static List<Long> settled(TestService s, String column, String value, int atLeast) {
    List<Long> first = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> sequences(s, column, value, 0), l -> l.size() >= atLeast);
    Awaitility.await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    List<Long> again = sequences(s, column, value, 0);
    return again.size() == first.size() ? again : settled(s, column, value, again.size());
  }

  // ---- tests ------------------------------------------------------------------------------------------

  @Test
  void snapshotThenLiveChangesInSequenceOrder() {
    ingest(service, sq01("FS-1", "B-SNAP"));
    settled(service, "buyer", "B-SNAP", 1);
    try (FeedClient client = FeedClient.connect(service, "?buyer=B-SNAP")) {
      JsonNode snap = client.await(kind("SNAPSHOT"));
      JsonNode end = client.await(kind("SNAPSHOT_END"));
      assertThat(client.messages().get(0)).isEqualTo(snap);
      String id = snap.get("id").asText();
      assertThat(snap.get("status").asText()).isEqualTo("firing");
      assertThat(snap.get("labels").get("alertname").asText()).isEqualTo("SQ01");
      assertThat(snap.get("labels").get("severity").asText()).isEqualTo("critical");
      assertThat(snap.get("labels").get("buyer").asText()).isEqualTo("B-SNAP");
      assertThat(snap.get("labels").get("project_id").asText()).isEqualTo("FS-1");
      assertThat(snap.get("labels").get("rule_subject").asText()).isEqualTo("Delivered");
      assertThat(snap.get("annotations").get("name_zh").asText()).isEqualTo("程序倒置");
      assertThat(snap.get("annotations").get("basis").asText()).isNotBlank();
      assertThat(snap.get("endsAt").asText()).isEqualTo(WebhookAlert.ZERO_TIME);
      assertThat(snap.get("fingerprint").asText()).hasSize(16);
      assertThat(Instant.parse(snap.get("startsAt").asText())).isNotNull();
      assertThat(end.get("sequence").asLong()).isGreaterThanOrEqualTo(snap.get("sequence").asLong());

      // live: acknowledge it, raise another, clear that one
      assertThat(post(service, "/api/v1/alerts/" + id + "/ack", "{\"note\":\"核实中\"}").statusCode())
          .isEqualTo(200);
      JsonNode acked = client.await(kind("ACKNOWLEDGED", id));
      assertThat(acked.get("status").asText()).isEqualTo("firing");
      assertThat(acked.get("annotations").get("acknowledged_by").asText()).isEqualTo("local");
      assertThat(acked.get("sequence").asLong()).isGreaterThan(end.get("sequence").asLong());

      ingest(service, sq01("FS-2", "B-SNAP"));
      JsonNode raised = client.await(m -> m.get("kind").asText().equals("RAISED")
          && m.get("labels").get("project_id").asText().equals("FS-2"));
      ingest(service, contract("FS-2"));
      JsonNode resolved = client.await(kind("RESOLVED", raised.get("id").asText()));
      assertThat(resolved.get("status").asText()).isEqualTo("resolved");
      assertThat(resolved.get("endsAt").asText()).isNotEqualTo(WebhookAlert.ZERO_TIME);
      assertThat(resolved.get("annotations").get("resolution").asText()).isEqualTo("CLEARED");

      // exactly the read side's changes after the snapshot, in order; and a keep-alive when quiet
      List<Long> expected = sequences(service, "buyer", "B-SNAP", end.get("sequence").asLong());
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client.changeSequences().equals(expected));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.received.stream().anyMatch(kind("PING")));
    }
  }

  @Test
  void filtersByBuyerMinimumSeverityAndRule() {
    try (FeedClient all = FeedClient.connect(service, "?buyer=B-FLT");
        FeedClient critical = FeedClient.connect(service, "?buyer=B-FLT&severity=critical");
        FeedClient warningUp = FeedClient.connect(service, "?buyer=B-FLT&severity=WARNING&rule=sq03");
        FeedClient other = FeedClient.connect(service, "?buyer=B-NOBODY")) {
      for (FeedClient c : List.of(all, critical, warningUp, other)) c.await(kind("SNAPSHOT_END"));
      ingest(service, sq03("FF-1", "B-FLT") + "\n" + sq01("FF-2", "B-FLT") + "\n" + sq01("FF-3", "B-OTHER"));
      List<Long> everything = settled(service, "buyer", "B-FLT", 2);

      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> all.changeSequences().equals(everything));
      assertThat(all.changes()).extracting(m -> m.get("labels").get("alertname").asText()).contains("SQ01", "SQ03");
      assertThat(all.changes()).allSatisfy(m -> assertThat(m.get("labels").get("buyer").asText()).isEqualTo("B-FLT"));

      critical.await(m -> m.path("labels").path("alertname").asText().equals("SQ01"));
      warningUp.await(m -> m.path("labels").path("alertname").asText().equals("SQ03"));
      Awaitility.await().pollDelay(Duration.ofMillis(500)).until(() -> true);
      assertThat(critical.changes()).isNotEmpty()
          .allSatisfy(m -> assertThat(m.get("labels").get("severity").asText()).isEqualTo("critical"));
      assertThat(warningUp.changes()).isNotEmpty()
          .allSatisfy(m -> assertThat(m.get("labels").get("alertname").asText()).isEqualTo("SQ03"));
      assertThat(other.changes()).isEmpty();
    }
  }

  /** The per-client rendering the feed used before frames were shared: kind, sequence, id, the webhook fields. */
  static String perClientRendering(String kind, long sequence, Alert alert) throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode out = io.procwatch.infra.Json.mapper().createObjectNode();
    out.put("kind", kind);
    out.put("sequence", sequence);
    out.put("id", alert.id());
    WebhookAlert.render(alert, out);
    return io.procwatch.infra.Json.mapper().writeValueAsString(out);
  }

  @Test
  void aSharedFrameIsRenderedOnceAndIsTheSameTextAsThePerClientRendering() throws Exception {
    Alert firing = AlertNumberingTest.alert("P-F~1", "P-F", Instant.parse("2026-03-10T04:00:00Z"));
    Alert acked = new AlertChange.Acknowledged("P-F~1", "sup", "seen \"quoted\" 中文", Instant.parse("2026-03-10T05:00:00Z"))
        .apply(firing);
    for (Alert a : List.of(firing, acked)) {
      String kind = a == firing ? "RAISED" : "ACKNOWLEDGED";
      AlertFeed.Frame frame = new AlertFeed.Frame(new AlertProjection.Numbered(42, kind, null, a, 0));
      String text = frame.text();
      assertThat(text).isEqualTo(perClientRendering(kind, 42, a));
      assertThat(frame.text()).isSameAs(text); // rendered once, then shared
    }
  }

  @Test
  void clientsWithDifferentFiltersAndAResumingClientGetByteIdenticalMessagesForTheSameChange() throws Exception {
    try (FeedClient all = FeedClient.connect(service, "?buyer=B-FRM");
        FeedClient critical = FeedClient.connect(service, "?buyer=B-FRM&severity=critical&rule=SQ01")) {
      for (FeedClient c : List.of(all, critical)) c.await(kind("SNAPSHOT_END"));
      ingest(service, sq01("FM-1", "B-FRM") + "\n" + sq01("FM-2", "B-FRM"));
      List<Long> sequences = settled(service, "buyer", "B-FRM", 2);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> all.changeSequences().equals(sequences)
          && critical.changeSequences().size() >= 2);
      try (FeedClient resumed = FeedClient.connect(service, "?buyer=B-FRM&since=" + (sequences.get(0) - 1))) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> resumed.changeSequences().equals(sequences));
        Map<Long, String> live = changeTexts(all);
        assertThat(live.keySet()).containsExactlyElementsOf(sequences);
        Map<Long, String> filtered = changeTexts(critical);
        assertThat(filtered).hasSizeGreaterThanOrEqualTo(2);
        filtered.forEach((seq, text) -> assertThat(text).isEqualTo(live.get(seq)));
        // read back from the database, rendered without a frame
        assertThat(changeTexts(resumed)).isEqualTo(live);
        for (JsonNode m : all.changes()) {
          Alert alert;
          try (Connection c = service.db().dataSource().getConnection();
              PreparedStatement ps = c.prepareStatement("SELECT body FROM alert WHERE alert_id = ?")) {
            ps.setString(1, m.get("id").asText());
            try (ResultSet rs = ps.executeQuery()) {
              assertThat(rs.next()).isTrue();
              alert = io.procwatch.infra.Json.mapper().readValue(rs.getString(1), Alert.class);
            }
          }
          long seq = m.get("sequence").asLong();
          assertThat(live.get(seq)).isEqualTo(perClientRendering(m.get("kind").asText(), seq, alert));
        }
      }
    }
  }

  /** The change messages a client received, as text, by sequence. */
  private static Map<Long, String> changeTexts(FeedClient c) throws Exception {
    Map<Long, String> out = new java.util.LinkedHashMap<>();
    for (String t : c.texts) {
      JsonNode m = io.procwatch.infra.Json.mapper().readTree(t);
      if (m.get("kind").asText().matches("RAISED|PREWARNING|ACKNOWLEDGED|RESOLVED")) out.put(m.get("sequence").asLong(), t);
    }
    return out;
  }

  @Test
  void resumeDeliversExactlyTheChangesMissedWhileAwayThenLive() {
    ingest(service, sq01("FR-1", "B-RES"));
    settled(service, "buyer", "B-RES", 1);
    long last;
    String first;
    try (FeedClient client = FeedClient.connect(service, "?buyer=B-RES")) {
      JsonNode snap = client.await(kind("SNAPSHOT"));
      first = snap.get("id").asText();
      last = client.await(kind("SNAPSHOT_END")).get("sequence").asLong();
    }
    // while away: its alert is acknowledged, another raised and cleared, other buyers' alerts come and go
    assertThat(post(service, "/api/v1/alerts/" + first + "/ack", "{}").statusCode()).isEqualTo(200);
    ingest(service, sq01("FR-2", "B-RES") + "\n" + sq01("FR-X", "B-ELSE"));
    ingest(service, contract("FR-2"));
    List<Long> missed = settled(service, "buyer", "B-RES", 4).stream().filter(s -> s > last).toList();
    assertThat(missed).hasSizeGreaterThanOrEqualTo(3);

    try (FeedClient back = FeedClient.connect(service, "?buyer=B-RES&since=" + last)) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> back.changeSequences().equals(missed));
      assertThat(back.messages()).noneMatch(kind("SNAPSHOT"));
      assertThat(back.changes()).extracting(m -> m.get("kind").asText())
          .containsSubsequence("ACKNOWLEDGED", "RAISED", "RESOLVED");
      // and then live, once
      ingest(service, contract("FR-1"));
      List<Long> all = settled(service, "buyer", "B-RES", missed.size() + 2).stream().filter(s -> s > last).toList();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> back.changeSequences().equals(all));
    }
  }

  @Test
  void theHandOverLosesAndRepeatsNothingWhileChangesKeepComing() {
    // 20 projects ingested concurrently while clients connect and resume at different moments
    List<CompletableFuture<Void>> load = new ArrayList<>();
    List<FeedClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        String p = "FH-" + i;
        load.add(CompletableFuture.runAsync(() -> {
          ingest(service, sq01(p, "B-HAND"));
          ingest(service, contract(p));
        }));
        if (i % 5 == 0) clients.add(FeedClient.connect(service, "?buyer=B-HAND&since=0"));
      }
      CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).join();
      settled(service, "buyer", "B-HAND", 40);
      // The projection may still be numbering changes (a busy machine pauses it for longer than any
      // "settled" heuristic): each client must end up with exactly the database's list, in order.
      for (FeedClient c : clients) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
            assertThat(c.changeSequences()).isEqualTo(sequences(service, "buyer", "B-HAND", 0)));
      }
    } finally {
      clients.forEach(FeedClient::close);
    }
  }

  @Test
  void badFiltersAreRefusedBeforeTheUpgradeNamingTheParameter() {
    assertError(service.get("/api/v1/alerts/stream?severity=LOUD"), 400, "INVALID_PARAMETER", "severity");
    assertError(service.get("/api/v1/alerts/stream?rule=ZZ99"), 400, "INVALID_PARAMETER", "rule");
    assertError(service.get("/api/v1/alerts/stream?since=-1"), 400, "INVALID_PARAMETER", "since");
    assertError(service.get("/api/v1/alerts/stream?since=abc"), 400, "INVALID_PARAMETER", "since");
    assertError(service.get("/api/v1/alerts/stream"), 400, "WEBSOCKET_REQUIRED", null);

    FeedClient refused = FeedClient.attempt(service, "?severity=LOUD");
    var response = refused.upgrade.toCompletableFuture().join();
    assertThat(response.isValid()).isFalse();
    assertThat(response.response().status().intValue()).isEqualTo(400);

    // a sequence the feed has not reached cannot be known before reading: a CLOSE message says why
    try (FeedClient ahead = FeedClient.connect(service, "?since=99999999")) {
      JsonNode close = ahead.await(kind("CLOSE"));
      assertThat(close.get("reason").asText()).contains("since=99999999", "without since");
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(ahead::isClosed);
    }
  }
}
