package io.procwatch.auth;

import static io.procwatch.auth.WsClient.kind;
import static io.procwatch.testing.ApiAssertions.assertError;
import static io.procwatch.testing.ApiAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 over real HTTP and WebSocket: every endpoint and the feed without a token (401), with the wrong
 * role (403), and a supervisor of buyer B-A against buyer B-B's projects, alerts and feed messages.
 */
class AccessControlTest {
  static SecuredService s;
  static String alertA;
  static String alertB;

  @BeforeAll
  static void start() throws Exception {
    s = new SecuredService(List.of(
        new SecuredService.Spec("admin", EnumSet.of(Role.ADMIN), null),
        new SecuredService.Spec("platform", EnumSet.of(Role.INGEST), null),
        new SecuredService.Spec("sup-a", EnumSet.of(Role.SUPERVISOR), List.of("B-A")),
        new SecuredService.Spec("sup-b", EnumSet.of(Role.SUPERVISOR), List.of("B-B")),
        new SecuredService.Spec("sup-all", EnumSet.of(Role.SUPERVISOR), null)), Map.of());
    alertA = s.projectWithSq01("PA-1", "B-A", s.token("platform"));
    alertB = s.projectWithSq01("PB-1", "B-B", s.token("platform"));
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  /** Every route of the API but health and metrics: method, path, body. */
  static List<String[]> endpoints() {
    return List.of(
        new String[] {"POST", "/api/v1/events", "{}"},
        new String[] {"GET", "/api/v1/projects", null},
        new String[] {"GET", "/api/v1/projects/PA-1", null},
        new String[] {"GET", "/api/v1/alerts", null},
        new String[] {"GET", "/api/v1/alerts/" + alertA, null},
        new String[] {"POST", "/api/v1/alerts/" + alertA + "/ack", "{}"},
        new String[] {"POST", "/api/v1/alerts/" + alertA + "/resolve", "{\"note\":\"x\"}"},
        new String[] {"GET", "/api/v1/alerts/stream", null},
        new String[] {"POST", "/api/v1/alerts/stream/ticket", null},
        new String[] {"GET", "/api/v1/rules", null},
        new String[] {"GET", "/api/v1/buyers/B-A", null},
        new String[] {"GET", "/api/v1/suppliers/S-SHARED", null},
        new String[] {"GET", "/api/v1/audit", null});
  }

  @Test
  void withoutATokenEveryEndpointAndTheFeedAnswer401() {
    for (String[] e : endpoints()) {
      for (String token : new String[] {null, "pwt_00000000_forged", "not-even-our-shape"}) {
        HttpResponse<String> r = s.call(e[0], e[1], token, e[2]);
        assertError(r, 401, "UNAUTHENTICATED", null);
        assertThat(r.headers().firstValue("WWW-Authenticate")).as(e[1]).hasValue("Bearer realm=\"procwatch\"");
      }
    }
    assertThat(WsClient.attempt(s.ws("/api/v1/alerts/stream"), null).status()).isEqualTo(401);
    assertThat(WsClient.attempt(s.ws("/api/v1/alerts/stream"), s.token("admin") + "x").status()).isEqualTo(401);
    // a token of the right shape with a known id but the wrong secret
    String admin = s.token("admin");
    assertThat(s.get("/api/v1/rules", admin.substring(0, admin.length() - 2) + "xx").statusCode()).isEqualTo(401);
    // health and metrics stay open
    assertThat(s.get("/health/live", null).statusCode()).isEqualTo(200);
    assertThat(s.get("/health/ready", null).statusCode()).isEqualTo(200);
    assertThat(s.get("/metrics", null).statusCode()).isEqualTo(200);
  }

  @Test
  void theWrongRoleIs403() {
    for (String[] e : endpoints()) {
      if (e[1].equals("/api/v1/events")) continue;
      assertError(s.call(e[0], e[1], s.token("platform"), e[2]), 403, "FORBIDDEN", null);
    }
    assertThat(WsClient.attempt(s.ws("/api/v1/alerts/stream"), s.token("platform")).status()).isEqualTo(403);
    for (String sup : new String[] {"sup-a", "sup-all"}) {
      assertError(s.call("POST", "/api/v1/events", s.token(sup), "{}"), 403, "FORBIDDEN", null);
      assertError(s.get("/api/v1/audit", s.token(sup)), 403, "FORBIDDEN", null);
    }
    // and the right role gets through (an ingest token's bad event is judged, not refused)
    assertError(s.call("POST", "/api/v1/events", s.token("platform"), "{}"), 422, null, "eventId");
    assertThat(s.get("/api/v1/rules", s.token("sup-a")).statusCode()).isEqualTo(200);
    assertThat(s.get("/api/v1/audit", s.token("admin")).statusCode()).isEqualTo(200);
  }

  @Test
  void aSupervisorOfOneBuyerNeverSeesAnotherBuyersProjectsOrAlerts() {
    // Other tests add projects of both buyers (PA-n of B-A, PB-n of B-B): every listing must hold A's only.
    String a = s.token("sup-a");
    for (String q : new String[] {"", "?stage=", "?buyer=B-A", "?limit=500", "?after=PA-1", "?after=PA-9"}) {
      JsonNode page = json(s.get("/api/v1/projects" + q, a));
      assertThat(values(page, "buyer")).as(q).allMatch("B-A"::equals);
      assertThat(ids(page, "projectId")).as(q).allMatch(id -> id.startsWith("PA-"));
    }
    // past A's last project an unscoped listing would go on with PB-1
    assertThat(ids(json(s.get("/api/v1/projects?after=PA-9", a)), "projectId")).isEmpty();
    assertThat(ids(json(s.get("/api/v1/projects?after=PA-9", s.token("admin"))), "projectId")).contains("PB-1");
    assertThat(ids(json(s.get("/api/v1/projects", a)), "projectId")).contains("PA-1");
    assertError(s.get("/api/v1/projects?buyer=B-B", a), 403, "BUYER_NOT_IN_SCOPE", "buyer");
    assertThat(s.get("/api/v1/projects/PA-1", a).statusCode()).isEqualTo(200);
    assertError(s.get("/api/v1/projects/PB-1", a), 404, "NOT_FOUND", "projectId");

    for (String q : new String[] {"", "?rule=SQ01", "?status=OPEN", "?severity=INFO", "?buyer=B-A", "?after=0"}) {
      JsonNode page = json(s.get("/api/v1/alerts" + q, a));
      assertThat(values(page, "buyer")).as(q).containsOnly("B-A");
      assertThat(ids(page, "id")).as(q).contains(alertA).doesNotContain(alertB);
    }
    assertThat(ids(json(s.get("/api/v1/alerts?projectId=PB-1", a)), "id")).isEmpty();
    assertError(s.get("/api/v1/alerts?buyer=B-B", a), 403, "BUYER_NOT_IN_SCOPE", "buyer");
    assertError(s.get("/api/v1/alerts/" + alertB, a), 404, "NOT_FOUND", null);
    assertError(s.call("POST", "/api/v1/alerts/" + alertB + "/ack", a, "{\"note\":\"not mine\"}"), 404, "NOT_FOUND", null);
    assertError(s.call("POST", "/api/v1/alerts/" + alertB + "/resolve", a, "{\"note\":\"not mine\"}"), 404, "NOT_FOUND", null);
    assertThat(json(s.get("/api/v1/alerts/" + alertB, s.token("admin"))).get("alert").get("status").asText())
        .as("B's alert untouched").isEqualTo("FIRING");

    // the all-buyers supervisor and the admin see both
    for (String who : new String[] {"sup-all", "admin"}) {
      assertThat(ids(json(s.get("/api/v1/projects", s.token(who))), "projectId")).contains("PA-1", "PB-1");
      assertThat(ids(json(s.get("/api/v1/alerts?rule=SQ01", s.token(who))), "id")).contains(alertA, alertB);
    }
  }

  @Test
  void theFeedSendsASupervisorOnlyItsBuyersAlertsInTheSnapshotLiveAndOnResume() throws Exception {
    String a = s.token("sup-a");
    assertThat(WsClient.attempt(s.ws("/api/v1/alerts/stream?buyer=B-B"), a).status()).isEqualTo(403);
    try (WsClient scoped = WsClient.connect(s.ws("/api/v1/alerts/stream"), a);
        WsClient filteredToB = WsClient.connect(s.ws("/api/v1/alerts/stream?projectId=PB-2"), a);
        WsClient all = WsClient.connect(s.ws("/api/v1/alerts/stream"), s.token("sup-all"))) {
      JsonNode end = scoped.await(kind("SNAPSHOT_END"));
      all.await(kind("SNAPSHOT_END"));
      filteredToB.await(kind("SNAPSHOT_END"));
      // live: a new alert for each buyer
      String liveB = s.projectWithSq01("PB-2", "B-B", s.token("platform"));
      String liveA = s.projectWithSq01("PA-2", "B-A", s.token("platform"));
      all.await(m -> m.path("id").asText().equals(liveA));
      all.await(m -> m.path("id").asText().equals(liveB));
      scoped.await(m -> m.path("id").asText().equals(liveA));
      // B's alert was numbered before A's: had it reached the scoped client, it would be there by now
      assertThat(buyers(scoped.received)).containsOnly("B-A");
      assertThat(ids(scoped.received)).contains(alertA, liveA).doesNotContain(alertB, liveB);
      assertThat(filteredToB.received).allMatch(kind("SNAPSHOT_END"));

      // resume from before everything: only A's changes
      try (WsClient resumed = WsClient.connect(s.ws("/api/v1/alerts/stream?since=0"), a)) {
        resumed.await(m -> m.path("id").asText().equals(liveA));
        assertThat(buyers(resumed.received)).containsOnly("B-A");
        assertThat(ids(resumed.received)).doesNotContain(alertB, liveB);
      }
      try (WsClient resumedToB = WsClient.connect(s.ws("/api/v1/alerts/stream?since=0&projectId=PB-1"), a)) {
        // nothing is to arrive: it stays so for half a second
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
            .until(() -> resumedToB.received.stream().noneMatch(m -> m.has("id")));
      }
      assertThat(end.path("sequence").asLong()).isPositive();
    }
  }

  @Test
  void buyerAndSupplierViewsShowASupervisorOnlyItsBuyers() {
    // ids below PA-9: another test pages the listing after it
    s.contractedPurchase("PA-0S", "B-A", "S-SHARED", "1000.00", s.token("platform"));
    s.contractedPurchase("PB-0S", "B-B", "S-SHARED", "3000.00", s.token("platform"));
    String a = s.token("sup-a");
    // the pattern projection runs behind ingest
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
        json(s.get("/api/v1/suppliers/S-SHARED", s.token("admin"))).path("wins").path("contracts").asInt() == 2);

    assertThat(s.get("/api/v1/buyers/B-A", a).statusCode()).isEqualTo(200);
    // outside the scope: the same answer as a buyer that does not exist
    assertThat(assertError(s.get("/api/v1/buyers/B-B", a), 404, "NOT_FOUND", "buyerId").toString())
        .isEqualTo(assertError(s.get("/api/v1/buyers/B-NONE", s.token("admin")), 404, "NOT_FOUND", "buyerId")
            .toString().replace("B-NONE", "B-B"));
    assertThat(s.get("/api/v1/buyers/B-B", s.token("sup-b")).statusCode()).isEqualTo(200);

    JsonNode scoped = json(s.get("/api/v1/suppliers/S-SHARED", a));
    assertThat(scoped.get("wins").get("contracts").asInt()).isEqualTo(1);
    assertThat(scoped.get("wins").get("contractedAmount").decimalValue()).isEqualByComparingTo("1000.00");
    assertThat(scoped.get("buyers")).extracting(b -> b.get("buyer").asText()).containsExactly("B-A");
    JsonNode all = json(s.get("/api/v1/suppliers/S-SHARED", s.token("sup-all")));
    assertThat(all.get("wins").get("contractedAmount").decimalValue()).isEqualByComparingTo("4000.00");
    assertThat(all.get("buyers")).extracting(b -> b.get("buyer").asText()).containsExactly("B-A", "B-B");
    // a supplier that only worked for buyer B does not exist for A's supervisor
    s.contractedPurchase("PB-0T", "B-B", "S-ONLY-B", "500.00", s.token("platform"));
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
        s.get("/api/v1/suppliers/S-ONLY-B", s.token("admin")).statusCode() == 200);
    assertError(s.get("/api/v1/suppliers/S-ONLY-B", a), 404, "NOT_FOUND", "supplierId");
  }

  @Test
  void acknowledgementsAreAttributedToThePrincipalAndAudited() {
    String a = s.token("sup-a");
    String alert = s.projectWithSq01("PA-3", "B-A", s.token("platform"));
    assertError(s.call("POST", "/api/v1/alerts/" + alert + "/ack", a, "{\"by\":\"someone.else\"}"), 400, "UNKNOWN_FIELD", "by");
    HttpResponse<String> ack = s.call("POST", "/api/v1/alerts/" + alert + "/ack", a, "{\"note\":\"核实中\"}");
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    assertThat(json(ack).get("alert").get("acknowledgement").get("by").asText()).isEqualTo("sup-a");
    HttpResponse<String> resolved = s.call("POST", "/api/v1/alerts/" + alert + "/resolve", s.token("admin"), "{\"note\":\"已整改\"}");
    assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);

    JsonNode trail = Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(() -> json(s.get("/api/v1/audit?alertId=" + alert, s.token("admin"))).get("items"), i -> i.size() == 2);
    assertThat(trail.get(0).get("principal").asText()).isEqualTo("sup-a");
    assertThat(trail.get(0).get("action").asText()).isEqualTo("ACKNOWLEDGE");
    assertThat(trail.get(0).get("note").asText()).isEqualTo("核实中");
    assertThat(trail.get(0).get("buyer").asText()).isEqualTo("B-A");
    assertThat(trail.get(0).get("projectId").asText()).isEqualTo("PA-3");
    assertThat(trail.get(1).get("principal").asText()).isEqualTo("admin");
    assertThat(trail.get(1).get("action").asText()).isEqualTo("RESOLVE");
    assertThat(trail.get(0).get("id").asLong()).isLessThan(trail.get(1).get("id").asLong());
    // paged
    JsonNode first = json(s.get("/api/v1/audit?alertId=" + alert + "&limit=1", s.token("admin")));
    assertThat(first.get("items")).hasSize(1);
    JsonNode second = json(s.get("/api/v1/audit?alertId=" + alert + "&limit=1&after=" + first.get("next").asLong(), s.token("admin")));
    assertThat(second.get("items").get(0).get("action").asText()).isEqualTo("RESOLVE");
    assertError(s.get("/api/v1/audit?limit=0", s.token("admin")), 400, "INVALID_PARAMETER", "limit");
  }

  @Test
  void aBrowserConnectsWithAOneTimeTicket() throws Exception {
    HttpResponse<String> issued = s.call("POST", "/api/v1/alerts/stream/ticket", s.token("sup-a"), null);
    assertThat(issued.statusCode()).isEqualTo(200);
    String ticket = json(issued).get("ticket").asText();
    assertThat(json(issued).get("expiresInSeconds").asInt()).isEqualTo(30);
    try (WsClient c = WsClient.connect(s.ws("/api/v1/alerts/stream?ticket=" + ticket), null)) {
      c.await(kind("SNAPSHOT_END"));
      assertThat(buyers(c.received)).containsOnly("B-A"); // the ticket carries the scope of its principal
    }
    assertThat(WsClient.attempt(s.ws("/api/v1/alerts/stream?ticket=" + ticket), null).status()).as("used once").isEqualTo(401);
    assertThat(WsClient.attempt(s.ws("/api/v1/alerts/stream?ticket=forged"), null).status()).isEqualTo(401);
    // a ticket is for the feed only
    assertThat(s.get("/api/v1/alerts?ticket=" + ticket, null).statusCode()).isEqualTo(401);
  }

  @Test
  void tokenValuesNeverAppearInTheLog() {
    // exercise the paths that log: good tokens, wrong secrets, unknown ids, feed connections
    String admin = s.token("admin");
    s.get("/api/v1/rules", admin.substring(0, admin.length() - 3) + "abc");
    s.get("/api/v1/rules", s.token("sup-b"));
    try (WsClient c = WsClient.connect(s.ws("/api/v1/alerts/stream"), s.token("sup-b"))) {
      c.await(kind("SNAPSHOT_END"));
    }
    List<String> lines = s.logLines();
    assertThat(lines).anyMatch(l -> l.contains("Rejected a bearer token")); // the log was captured
    assertThat(lines).anyMatch(l -> l.contains("(sup-b) connected"));
    for (String token : s.tokens.values()) {
      // pwt_<id>_<secret>: the id is hex, the secret base64url (which may itself contain '_')
      String secret = token.substring(token.indexOf('_', Authenticator.PREFIX.length()) + 1);
      assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
      assertThat(lines).noneMatch(l -> l.contains(secret));
    }
  }

  private static List<String> ids(JsonNode page, String field) {
    List<String> out = new ArrayList<>();
    page.get("items").forEach(i -> out.add(i.get(field).asText()));
    return out;
  }

  private static List<String> values(JsonNode page, String field) {
    return ids(page, field);
  }

  private static List<String> ids(List<JsonNode> messages) {
    return messages.stream().filter(m -> m.has("id")).map(m -> m.get("id").asText()).toList();
  }

  private static List<String> buyers(List<JsonNode> messages) {
    return messages.stream().filter(m -> m.has("labels")).map(m -> m.get("labels").path("buyer").asText()).toList();
  }
}
