package io.procwatch.project;

import static io.procwatch.testing.Facts.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.infra.Json;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * On the real PostgreSQL: ingest, stop the whole actor system, start a new one on the same database,
 * and find every acknowledged fact, every project's state and the listing intact — and the listing
 * projection neither losing nor double-counting anything when it resumes.
 */
class PostgresRestartTest {
  static final int PROJECTS = 20;

  @Test
  void everyAcknowledgedFactSurvivesARestartOfTheService() throws Exception {
    try (Postgres.FreshDatabase db = Postgres.create()) {
      Map<String, String> before = new HashMap<>();
      try (TestService first = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < PROJECTS; i++) {
          String p = "PG-" + i;
          batch.append(event("reg-" + p, p, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
              "{\"buyer\":\"B" + (i % 3) + "\",\"title\":\"采购 " + i + "\",\"category\":\"A05\",\"categoryKind\":\"GOODS\","
                  + "\"budget\":10000,\"fiscalYear\":2026}")).append('\n');
          batch.append(event("req-" + p, p, "RequirementApproved", "2026-03-03T09:00:00+08:00", null)).append('\n');
          batch.append(event("met-" + p, p, "MethodApproved", "2026-03-04T09:00:00+08:00", "{\"method\":\"SELF_PURCHASE\"}")).append('\n');
          batch.append(event("con-" + p, p, "ContractSigned", "2026-03-05T09:00:00+08:00",
              "{\"contractId\":\"HT-" + i + "\",\"supplier\":\"S" + i + "\",\"amount\":9999.99}")).append('\n');
        }
        HttpResponse<String> r = first.postNdjson(batch.toString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().lines()).hasSize(PROJECTS * 4).allSatisfy(l -> assertThat(l).contains("\"status\":202"));
        // one more single event per project: a payment of 0.01 on the first half
        for (int i = 0; i < PROJECTS / 2; i++) {
          String p = "PG-" + i;
          assertThat(first.postJson(event("pay-" + p, p, "PaymentMade", "2026-03-06T09:00:00+08:00",
              "{\"amount\":0.01,\"kind\":\"PREPAY\"}")).statusCode()).isEqualTo(202);
        }
        awaitListing(first);
        for (int i = 0; i < PROJECTS; i++) before.put("PG-" + i, first.get("/api/v1/projects/PG-" + i).body());
      }

      try (TestService second = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
        for (int i = 0; i < PROJECTS; i++) {
          HttpResponse<String> r = second.get("/api/v1/projects/PG-" + i);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(Json.mapper().readTree(r.body())).isEqualTo(Json.mapper().readTree(before.get("PG-" + i)));
        }
        // retries after the restart are still recognised
        HttpResponse<String> retry = second.postJson(event("pay-PG-0", "PG-0", "PaymentMade", "2026-03-06T09:00:00+08:00",
            "{\"amount\":0.01,\"kind\":\"PREPAY\"}"));
        assertThat(Json.mapper().readTree(retry.body()).get("result").asText()).isEqualTo("duplicate");
        // new facts are projected once, on top of what was there
        assertThat(second.postJson(event("pay2-PG-0", "PG-0", "PaymentMade", "2026-03-07T09:00:00+08:00",
            "{\"amount\":0.02,\"kind\":\"PROGRESS\"}")).statusCode()).isEqualTo(202);
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          JsonNode page = Json.mapper().readTree(second.get("/api/v1/projects?buyer=B0&limit=500").body());
          JsonNode pg0 = page.get("items").get(0);
          assertThat(pg0.get("projectId").asText()).isEqualTo("PG-0");
          assertThat(pg0.get("paid").decimalValue()).isEqualByComparingTo("0.03");
        });
        awaitListing(second);
      }
    }
  }

  /** All projects listed with their contract, the first half with their payment. */
  private static void awaitListing(TestService service) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      JsonNode page = Json.mapper().readTree(service.get("/api/v1/projects?limit=500").body());
      assertThat(page.get("items")).hasSize(PROJECTS);
      for (JsonNode item : page.get("items")) {
        assertThat(item.get("stage").asText()).isIn("CONTRACT_SIGNED", "PAYING");
        assertThat(item.get("contractAmount").decimalValue()).isEqualByComparingTo("9999.99");
        int i = Integer.parseInt(item.get("projectId").asText().substring(3));
        assertThat(item.get("paid").decimalValue()).isGreaterThanOrEqualTo(
            new java.math.BigDecimal(i < PROJECTS / 2 ? "0.01" : "0"));
      }
    });
  }
}
