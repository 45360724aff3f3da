package io.procwatch.auth;

import static io.procwatch.auth.WsClient.kind;
import static io.procwatch.testing.ApiAssertions.assertError;
import static io.procwatch.testing.ApiAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 7 §4: body limits (413), per-token ingest rate (429 + Retry-After), feed connections per token. */
class LimitsTest {
  static SecuredService s;

  @BeforeAll
  static void start() throws Exception {
    s = new SecuredService(List.of(
        new SecuredService.Spec("admin", EnumSet.of(Role.ADMIN), null),
        new SecuredService.Spec("platform", EnumSet.of(Role.INGEST), null),
        new SecuredService.Spec("other-platform", EnumSet.of(Role.INGEST), null),
        new SecuredService.Spec("sup", EnumSet.of(Role.SUPERVISOR), null)),
        Map.of("procwatch.auth.ingest-rate", 0.25, "procwatch.auth.ingest-burst", 2,
            "procwatch.auth.feed-connections-per-token", 2, "procwatch.auth.ticket-ttl", "1s",
            "procwatch.ingest.max-batch-bytes", "4k", "procwatch.auth.metrics-public", false));
  }

  @AfterAll
  static void stop() throws Exception {
    s.close();
  }

  @Test
  void ingestBeyondTheTokensRateIs429WithRetryAfterAndOtherTokensAreUnaffected() {
    String platform = s.token("platform");
    // burst of 2 (each a judged, rejected event: the limit counts requests, whatever their outcome)
    assertThat(s.call("POST", "/api/v1/events", platform, "{}").statusCode()).isEqualTo(422);
    assertThat(s.call("POST", "/api/v1/events", platform, "{}").statusCode()).isEqualTo(422);
    HttpResponse<String> third = s.call("POST", "/api/v1/events", platform, "{}");
    assertError(third, 429, "TOO_MANY_REQUESTS", null);
    // 0.25/s: the next token is about 4 s away
    long retryAfter = Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 4L);
    assertThat(s.call("POST", "/api/v1/events", s.token("other-platform"), "{}").statusCode()).isEqualTo(422);
    // after Retry-After the token may send again
    Awaitility.await().atMost(Duration.ofSeconds(retryAfter + 5)).pollDelay(Duration.ofSeconds(retryAfter))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> s.call("POST", "/api/v1/events", platform, "{}").statusCode() == 422);
  }

  @Test
  void oversizedBodiesAre413() {
    String big = "{\"x\":\"" + "a".repeat(5000) + "\"}\n{\"y\":1}";
    assertError(s.call("POST", "/api/v1/events", s.token("admin"), big), 413, "PAYLOAD_TOO_LARGE", null);
    String note = "{\"note\":\"" + "注".repeat(20_000) + "\"}";
    assertError(s.call("POST", "/api/v1/alerts/X~1/ack", s.token("sup"), note), 413, "PAYLOAD_TOO_LARGE", null);
  }

  @Test
  void aTokenMayHoldOnlySoManyFeedConnections() {
    String sup = s.token("sup");
    try (WsClient one = WsClient.connect(s.ws("/api/v1/alerts/stream"), sup);
        WsClient two = WsClient.connect(s.ws("/api/v1/alerts/stream"), sup)) {
      one.await(kind("SNAPSHOT_END"));
      two.await(kind("SNAPSHOT_END"));
      assertThat(WsClient.attempt(s.ws("/api/v1/alerts/stream"), sup).status()).isEqualTo(429);
      HttpResponse<String> refused = s.get("/api/v1/alerts/stream", sup);
      assertError(refused, 429, "TOO_MANY_REQUESTS", null);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      // another token is not held back by this one's connections
      try (WsClient admin = WsClient.connect(s.ws("/api/v1/alerts/stream"), s.token("admin"))) {
        admin.await(kind("SNAPSHOT_END"));
      }
    }
    // closing frees the slots
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          WsClient.Attempt a = WsClient.attempt(s.ws("/api/v1/alerts/stream"), sup);
          if (a.client() != null) a.client().close();
          return a.status() == 101;
        });
  }

  @Test
  void metricsCanBeClosedToo() {
    assertError(s.get("/metrics", null), 401, "UNAUTHENTICATED", null);
    assertThat(s.get("/metrics", s.token("platform")).statusCode()).isEqualTo(200);
    assertThat(s.get("/health/live", null).statusCode()).isEqualTo(200);
  }

  /** Over HTTP, once its 1 s has passed on the service's wall clock (the exact bound: AuthenticatorTest). */
  @Test
  void aTicketExpires() {
    String ticket = json(s.call("POST", "/api/v1/alerts/stream/ticket", s.token("sup"), null)).get("ticket").asText();
    s.clock().setNow(s.clock().instant().plusMillis(1_500)); // ticket-ttl is 1 s here
    assertThat(WsClient.attempt(s.ws("/api/v1/alerts/stream?ticket=" + ticket), null).status()).isEqualTo(401);
  }
}
