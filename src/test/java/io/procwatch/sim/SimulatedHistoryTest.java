package io.procwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.infra.Json;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A generated history sent to the real service over HTTP: a clean history is accepted whole without a single flag
 * or alert; in an irregular one every planted irregularity raises its rule's alert on its project, and no clean
 * project raises a CRITICAL alert.
 */
class SimulatedHistoryTest {
  static final WorkCalendar CALENDAR = WorkCalendar.fromClasspath();

  static Generator.Options small(long seed, double irregular) {
    // 400 projects of which 20 are government procurement, so that every kind of irregularity has room
    return new Generator.Options(seed, LocalDate.of(2025, 1, 1), 1, 400, 0.05, 8, 120, irregular,
        new java.math.BigDecimal("15000000"));
  }

  static Sender.Summary send(TestService service, History history, int batch) throws InterruptedException {
    Sender sender = new Sender(new Sender.Options(URI.create(service.baseUrl()), null, batch, 0, null, Clock.systemUTC(), null));
    return sender.send(history.events());
  }

  /** The project's alerts as the project itself holds them (not the read side, which lags). */
  static List<JsonNode> alertsOf(TestService service, String projectId) throws Exception {
    HttpResponse<String> r = service.get("/api/v1/projects/" + projectId);
    assertThat(r.statusCode()).as(projectId).isEqualTo(200);
    List<JsonNode> out = new java.util.ArrayList<>();
    Json.mapper().readTree(r.body()).path("alerts").forEach(out::add);
    return out;
  }

  static List<JsonNode> openAlerts(TestService service, String rule) throws Exception {
    HttpResponse<String> r = service.get("/api/v1/alerts?status=OPEN&limit=500&rule=" + rule);
    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> out = new java.util.ArrayList<>();
    Json.mapper().readTree(r.body()).path("items").forEach(out::add);
    return out;
  }

  @Test
  void aCleanHistoryIsAcceptedWithoutAFlagOrAlert() throws Exception {
    History history = Generator.generate(small(11, 0), CALENDAR);
    assertThat(history.planted()).isEmpty();
    try (TestService service = TestService.h2(Clock.systemUTC())) {
      Sender.Summary summary = send(service, history, 250);
      assertThat(summary.rejections).isEmpty();
      assertThat(summary.rejected.sum()).isZero();
      assertThat(summary.undeliverable.sum()).isZero();
      assertThat(summary.flagged.sum()).as("flags %s", summary.flagsByRule).isZero();
      assertThat(summary.applied.sum()).isEqualTo(history.events().size());
      for (String id : history.projectIds()) {
        assertThat(alertsOf(service, id)).as(id).isEmpty();
      }
    }
  }

  @Test
  void everyPlantedIrregularityRaisesItsAlertAndNoCleanProjectACriticalOne() throws Exception {
    Postgres.assumeAvailable();
    History history = Generator.generate(small(7, 0.03), CALENDAR);
    try (Postgres.FreshDatabase db = Postgres.create();
        TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
      Sender.Summary summary = send(service, history, 500);
      assertThat(summary.rejections).isEmpty();
      assertThat(summary.rejected.sum()).isZero();
      assertThat(summary.accepted()).isEqualTo(history.events().size());

      Set<String> catalogue = new HashSet<>();
      Json.mapper().readTree(service.get("/api/v1/rules").body()).path("rules").forEach(r -> catalogue.add(r.path("id").asText()));
      Set<String> checked = new TreeSet<>(history.plantedByCode().keySet());
      checked.retainAll(catalogue);
      assertThat(checked).as("checked codes").containsAll(Generator.SINGLE_PROJECT_CODES)
          .containsAll(Generator.CROSS_PROJECT_CODES);

      Map<String, Set<String>> raised = new HashMap<>();
      for (String id : history.projectIds()) {
        Set<String> rules = new TreeSet<>();
        for (JsonNode a : alertsOf(service, id)) rules.add(a.path("rule").asText());
        raised.put(id, rules);
      }
      for (History.Planted p : history.planted()) {
        if (!checked.contains(p.code()) || Generator.CROSS_PROJECT_CODES.contains(p.code())) continue;
        for (String id : p.projectIds()) {
          assertThat(raised.get(id)).as("%s planted on %s (%s)", p.code(), id, p.kind()).contains(p.code());
        }
      }
      // one to one: an alert of a checked rule appears only where that rule's case was planted
      Map<String, Set<String>> plantedOn = new HashMap<>();
      for (History.Planted p : history.planted()) {
        if (Generator.CROSS_PROJECT_CODES.contains(p.code())) continue; // a buyer's alert, checked below
        for (String id : p.projectIds()) plantedOn.computeIfAbsent(id, k -> new TreeSet<>()).add(p.code());
      }
      for (var e : raised.entrySet()) {
        Set<String> unexpected = new TreeSet<>(e.getValue());
        unexpected.retainAll(checked);
        unexpected.removeAll(plantedOn.getOrDefault(e.getKey(), Set.of()));
        assertThat(unexpected).as("alerts on %s without a planted case", e.getKey()).isEmpty();
      }
      // the cross-project cases: each raises its rule on the planted buyer (the pattern checker runs behind
      // ingest, hence the wait), XP01 naming every contributing project and XP02 the supplier; and only there
      for (String code : Generator.CROSS_PROJECT_CODES) {
        List<History.Planted> cases = history.planted().stream().filter(p -> p.code().equals(code)).toList();
        assertThat(cases).as(code + " planted").isNotEmpty();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
            .untilAsserted(() -> {
              List<JsonNode> open = openAlerts(service, code);
              assertThat(open).extracting(a -> a.path("buyer").asText())
                  .as("%s buyers, alerts %s", code, open).containsExactlyInAnyOrderElementsOf(cases.stream().map(History.Planted::buyer).toList());
              for (History.Planted p : cases) {
                JsonNode alert = open.stream().filter(a -> a.path("buyer").asText().equals(p.buyer())).findFirst().orElseThrow();
                if (p.supplier() != null) assertThat(alert.path("supplier").asText()).as(code).isEqualTo(p.supplier());
                if (code.equals("XP01")) {
                  for (String id : p.projectIds()) assertThat(alert.toString()).as("XP01 lists " + id).contains(id);
                }
              }
            });
      }
      Set<String> irregular = history.irregularProjects();
      for (String id : history.projectIds()) {
        if (irregular.contains(id)) continue;
        for (JsonNode a : alertsOf(service, id)) {
          assertThat(a.path("severity").asText()).as("clean project %s: %s", id, a).isNotEqualTo("CRITICAL");
        }
      }
      // the read side (what `simulate` reports) ends up with the same planted rules
      Sender reader = new Sender(new Sender.Options(URI.create(service.baseUrl()), null, 1, 0, null, Clock.systemUTC(), null));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> assertThat(reader.alertsByRule(history.projectIds(), history.buyers(), Duration.ZERO).keySet())
              .as("rules of the alerts counted by the sender").containsAll(checked));
    }
  }
}
