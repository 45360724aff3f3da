package io.procwatch.pattern;

import static io.procwatch.testing.Facts.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.infra.Json;
import io.procwatch.testing.TestService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A population rule end to end on the default embedded H2 database: eleven tenders, ten with ordinary gaps between the
 * two best bids and one far beyond the upper fence → XP05 on the winner (a supplier's alert naming the process);
 * cancelling that tender takes it out of the population → resolved. Exercises the projection's bid and award
 * handling, the checker's figure queries on H2, and the fence diff that finds the owner to tell.
 */
class PriceGapH2Test {

  @Test
  void outlyingPriceGapFiresOnTheWinnerAndResolvesWhenTheTenderIsCancelled() throws Exception {
    try (TestService s = TestService.h2(Clock.systemUTC())) {
      StringBuilder batch = new StringBuilder();
      for (int i = 1; i <= 10; i++) tender(batch, "T-" + i, "W" + i, "L" + i, 100_000, 100_000 + 1_000 * i); // gaps .01 … .10
      tender(batch, "T-ODD", "WODD", "LODD", 100_000, 150_000); // gap 0.50; upper fence 0.1733
      var r = s.postNdjson(batch.toString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body().lines()).allSatisfy(l -> assertThat(l).contains("\"status\":202"));

      JsonNode alert = awaitOpen(s, 1).get(0);
      assertThat(alert.get("id").asText()).startsWith("supplier@WODD~");
      assertThat(alert.get("projectId").asText()).isEqualTo("T-ODD");
      assertThat(alert.get("supplier").asText()).isEqualTo("WODD");
      assertThat(alert.get("buyer").asText()).isEqualTo("GB");
      assertThat(alert.get("severity").asText()).isEqualTo("INFO");
      assertThat(alert.get("details").get("priceGap").asText()).isEqualTo("0.5000");
      // the fence is an annotation of the moment it fired (the population may still have been filling): only its side
      assertThat(alert.get("details").get("side").asText()).isEqualTo("high");
      assertThat(alert.get("details").get("upperFence").asDouble()).isLessThanOrEqualTo(0.5);

      JsonNode supplier = Json.mapper().readTree(s.get("/api/v1/suppliers/WODD").body());
      assertThat(supplier.get("bids").get("won").asInt()).isEqualTo(1);
      assertThat(supplier.get("wins").get("awardedAmount").decimalValue()).isEqualByComparingTo("100000");
      assertThat(supplier.get("openAlerts")).extracting(a -> a.get("rule").asText()).contains("XP05"); // and its project alerts
      JsonNode loser = Json.mapper().readTree(s.get("/api/v1/suppliers/LODD").body());
      assertThat(loser.get("bids").get("submitted").asInt()).isEqualTo(1);
      assertThat(loser.get("bids").get("won").asInt()).isZero();
      assertThat(s.get("/api/v1/suppliers/NOBODY").statusCode()).isEqualTo(404);

      assertThat(s.postJson(event("cancel-T-ODD", "T-ODD", "ProjectCancelled", "2026-05-20T09:00:00+08:00",
          "{\"reason\":\"complaint upheld\"}")).statusCode()).isEqualTo(202);
      awaitOpen(s, 0);
      JsonNode resolved = Json.mapper().readTree(s.get("/api/v1/alerts/" + alert.get("id").asText()).body()).get("alert");
      assertThat(resolved.get("resolution").asText()).isEqualTo("CLEARED");
    }
  }

  static void tender(StringBuilder b, String p, String winner, String loser, long win, long lose) {
    b.append(event("reg-" + p, p, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
        "{\"buyer\":\"GB\",\"title\":\"设备\",\"category\":\"A02010104\",\"categoryKind\":\"GOODS\",\"budget\":200000,\"fiscalYear\":2026}")).append('\n');
    b.append(event("req-" + p, p, "RequirementApproved", "2026-03-02T10:00:00+08:00", null)).append('\n');
    b.append(event("met-" + p, p, "MethodApproved", "2026-03-02T11:00:00+08:00", "{\"method\":\"OPEN_TENDER\"}")).append('\n');
    b.append(event("not-" + p, p, "NoticePublished", "2026-03-02T12:00:00+08:00",
        "{\"docIssueAt\":\"2026-03-02T12:00:00+08:00\",\"bidDeadline\":\"2026-04-30T09:00:00+08:00\"}")).append('\n');
    b.append(event("bw-" + p, p, "BidReceived", "2026-04-29T10:00:00+08:00", "{\"supplier\":\"" + winner + "\",\"amount\":" + win + "}")).append('\n');
    b.append(event("bl-" + p, p, "BidReceived", "2026-04-29T11:00:00+08:00", "{\"supplier\":\"" + loser + "\",\"amount\":" + lose + "}")).append('\n');
    b.append(event("op-" + p, p, "BidsOpened", "2026-04-30T09:30:00+08:00", null)).append('\n');
    b.append(event("ev-" + p, p, "EvaluationCompleted", "2026-04-30T15:00:00+08:00", "{\"ranking\":[\"" + winner + "\",\"" + loser + "\"]}")).append('\n');
    b.append(event("cf-" + p, p, "SupplierConfirmed", "2026-05-06T10:00:00+08:00", "{\"supplier\":\"" + winner + "\"}")).append('\n');
    b.append(event("aw-" + p, p, "AwardPublished", "2026-05-07T10:00:00+08:00",
        "{\"supplier\":\"" + winner + "\",\"amount\":" + win + "}")).append('\n');
  }

  private static List<JsonNode> awaitOpen(TestService s, int n) {
    List<JsonNode> out = new ArrayList<>();
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      out.clear();
      Json.mapper().readTree(s.get("/api/v1/alerts?status=OPEN&rule=XP05").body()).get("items").forEach(out::add);
      assertThat(out).hasSize(n);
    });
    return out;
  }
}
