package io.procwatch.metrics;

import static io.procwatch.testing.ApiAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.calendar.DayKind;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.testing.Lifecycles;
import io.procwatch.testing.MutableClock;
import io.procwatch.testing.TestService;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;

/**
 * Three projects, one paid, one overdue — every metric family gets a value:
 * <ul>
 *   <li>P1 (buyer 500101): the whole competitive life cycle, paid in full and closed;</li>
 *   <li>P2 (buyer 500102): competitive up to the award; its DL01 (contract within 30 CD of the award) fires on
 *       the wall clock, a supervisor acknowledges it, then the contract arrives late and clears it;</li>
 *   <li>P3 (buyer 500101): self-purchase up to the signed contract, not paid yet;</li>
 *   <li>one line repeated (duplicate) and one for a project never registered (rejected).</li>
 * </ul>
 * The service clock stands a few seconds before P2's DL01 due time when the facts arrive.
 */
final class MetricsScenario {
  static final String P1 = "CQ-M-1", P2 = "CQ-M-2", P3 = "CQ-M-3";
  static final String B1 = "500101", B2 = "500102";
  /** The award of {@link Lifecycles#competitive}. */
  static final Instant AWARD = Instant.parse("2026-03-13T02:00:00Z");

  private MetricsScenario() {}

  static Instant dl01Due() {
    return WorkCalendar.fromClasspath().dueAt(AWARD, 30, DayKind.CALENDAR);
  }

  /** Runs the scenario to its end (DL01 of P2 raised, acknowledged and cleared) and returns that alert's id. */
  static String run(TestService s, MutableClock clock) {
    Instant due = dl01Due();
    clock.setNow(due.minusSeconds(8));
    List<String> lines = new ArrayList<>();
    Lifecycles.competitive(P1, B1).forEach(step -> lines.add(step.json()));
    Lifecycles.upTo(Lifecycles.competitive(P2, B2), "AwardPublished").forEach(step -> lines.add(step.json()));
    Lifecycles.upTo(Lifecycles.selfPurchase(P3, B1), "ContractSigned").forEach(step -> lines.add(step.json()));
    lines.add(Lifecycles.competitive(P1, B1).get(0).json());
    lines.add(Lifecycles.event("ghost-1", "CQ-M-GHOST", "Delivered", "2026-04-01T10:00:00+08:00", null, null));
    var response = s.postNdjson(String.join("\n", lines));
    assertThat(response.statusCode()).isEqualTo(200);

    JsonNode dl01 = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> firedDl01(s), a -> a != null);
    String id = dl01.get("id").asText();
    var ack = s.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/v1/alerts/" + id + "/ack"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"note\":\"已督办\"}")).build());
    assertThat(ack.statusCode()).as(ack.body()).isBetween(200, 299);

    // The contract, signed (business time) after the deadline: the breach stands and is cleared, late.
    String signedAt = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(clock.instant().minusSeconds(1).atOffset(ZoneOffset.ofHours(8)));
    var contract = s.postJson(Lifecycles.event(P2 + "-90", P2, "ContractSigned", signedAt, null,
        "{\"contractId\":\"C-" + P2 + "\",\"supplier\":\"S1\",\"amount\":" + Lifecycles.AMOUNT + ",\"sme\":true}"));
    assertThat(contract.statusCode()).as(contract.body()).isEqualTo(202);
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> json(s.get("/api/v1/alerts/" + id)).get("alert").get("status").asText(), "RESOLVED"::equals);
    return id;
  }

  private static JsonNode firedDl01(TestService s) {
    JsonNode items = json(s.get("/api/v1/alerts?rule=DL01&projectId=" + P2 + "&limit=500")).get("items");
    return StreamSupport.stream(items.spliterator(), false).filter(a -> !a.get("prewarning").asBoolean())
        .findFirst().orElse(null);
  }
}
