package io.procwatch.project;

import static io.procwatch.testing.ApiAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.infra.DataClock;
import io.procwatch.sim.Generator;
import io.procwatch.sim.History;
import java.math.BigDecimal;
import java.time.LocalDate;
import io.procwatch.testing.Lifecycles;
import io.procwatch.testing.Lifecycles.Step;
import io.procwatch.testing.TestService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code procwatch.clock.mode = data}: a history replayed one event per request in business-time order is judged as
 * it was at that point of the history. A clean project raises nothing (on the wall clock the same requests raise the
 * stalled-stage and deadline churn); a deadline fires when data time passes it; a restart keeps the data time.
 */
class DataClockServiceTest {
  static final Map<String, Object> DATA = Map.of("procwatch.clock.mode", "data");
  /**
   * The clean-history tests are about the projects' own rules: without the cross-project checker, whose populations
   * (XP02 over a buyer's year only partly in, XP05 over one tender) are not what this test is about.
   */
  static final Map<String, Object> DATA_NO_PATTERNS = Map.of("procwatch.clock.mode", "data", "procwatch.patterns.enabled", false);
  static final Map<String, Object> WALL_NO_PATTERNS = Map.of("procwatch.patterns.enabled", false);

  static TestService h2(Map<String, Object> overrides) {
    return TestService.start("jdbc:h2:mem:procwatch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "",
        Clock.systemUTC(), overrides);
  }

  /**
   * A clean simulated year (no planted irregularity) of self purchases, in business-time order. Self purchases only:
   * the simulator's government-procurement timelines leave REGISTERED later than DL11's 10 WD (a stall a live feed
   * does report; docs/simulator.md), and a handful of tenders make the cross-project populations degenerate.
   */
  static History cleanYear() {
    return Generator.generate(new Generator.Options(5, LocalDate.of(2025, 1, 1), 1, 60, 0, 6, 400, 0,
        new BigDecimal("3000000")), WorkCalendar.fromClasspath());
  }

  static void sendOneByOne(TestService s, List<History.Event> events) {
    for (History.Event e : events) {
      var r = s.postJson(e.json());
      assertThat(r.statusCode()).as(e.projectId() + " " + e.type() + ": " + r.body()).isEqualTo(202);
      assertThat(json(r).get("result").asText()).as(e.projectId() + " " + e.type() + ": " + r.body()).isEqualTo("applied");
    }
  }

  static void sendSteps(TestService s, List<Step> steps) {
    for (Step step : steps) assertThat(s.postJson(step.json()).statusCode()).as(step.eventId()).isEqualTo(202);
  }

  static List<JsonNode> alerts(TestService s, String query) {
    JsonNode items = json(s.get("/api/v1/alerts?limit=500" + query)).get("items");
    return StreamSupport.stream(items.spliterator(), false).toList();
  }

  static Instant at(String isoWithOffset) {
    return OffsetDateTime.parse(isoWithOffset).toInstant();
  }

  /** Every project listed (the read side has caught up with everything sent). */
  static void awaitListed(TestService s, String buyer, int projects) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> json(s.get("/api/v1/projects?limit=500&buyer=" + buyer)).get("items").size() == projects);
  }

  static void awaitListed(TestService s, int projects) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> json(s.get("/api/v1/projects?limit=500")).get("items").size() == projects);
  }

  @Test
  void aCleanHistoryReplayedOneEventPerRequestRaisesNoAlert() {
    History year = cleanYear();
    assertThat(year.planted()).isEmpty();
    List<History.Event> events = year.chronological();
    try (TestService s = h2(DATA_NO_PATTERNS)) {
      assertThat(s.clock()).isInstanceOf(DataClock.class);
      sendOneByOne(s, events);
      // data time is the latest occurredAt accepted
      assertThat(s.clock().instant()).isEqualTo(events.get(events.size() - 1).occurredAt());
      awaitListed(s, year.projectIds().size());
      // give the watch and the alert read side time to show anything they would
      Awaitility.await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
      assertThat(alerts(s, "")).isEmpty();
    }
  }

  @Test
  void onTheWallClockTheSameRequestsRaiseTheChurn() {
    History year = cleanYear();
    try (TestService s = h2(WALL_NO_PATTERNS)) {
      assertThat(s.clock()).isNotInstanceOf(DataClock.class);
      sendOneByOne(s, year.chronological());
      // a year and more after these dates, intermediate states are past their deadlines: raised, then resolved by the
      // project's next step
      List<JsonNode> raised = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> alerts(s, ""), l -> l.size() >= year.projectIds().size());
      assertThat(raised).extracting(a -> a.get("rule").asText()).contains("DL11");
    }
  }

  /** A single-source purchase awarded on 1 September: DL01 wants the contract signed within 30 CD. */
  static List<String> awarded(String p) {
    return List.of(
        Lifecycles.event(p + "-1", p, "ProjectRegistered", "2026-07-01T09:00:00+08:00", null,
            Lifecycles.registrationData("B-LATE", "900000")),
        Lifecycles.event(p + "-2", p, "RequirementApproved", "2026-07-02T10:00:00+08:00", "li.na", null),
        Lifecycles.event(p + "-3", p, "MethodApproved", "2026-07-03T10:00:00+08:00", "li.na",
            "{\"method\":\"SINGLE_SOURCE\",\"approvalRef\":\"CQ-2026-7\"}"),
        Lifecycles.event(p + "-4", p, "AwardPublished", "2026-09-01T10:00:00+08:00", null,
            "{\"supplier\":\"S1\",\"amount\":850000}"));
  }

  /** An unrelated project's registration: only moves data time. */
  static String tick(String p, String at) {
    return Lifecycles.event(p + "-1", p, "ProjectRegistered", at, null, Lifecycles.registrationData("B-TICK", "50000"));
  }

  static JsonNode oneBreach(TestService s, String rule, String projectId) {
    List<JsonNode> found = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> alerts(s, "&rule=" + rule + "&projectId=" + projectId).stream()
            .filter(a -> !a.get("prewarning").asBoolean()).toList(), l -> !l.isEmpty());
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  static List<JsonNode> breaches(TestService s, String rule, String projectId) {
    return alerts(s, "&rule=" + rule + "&projectId=" + projectId).stream().filter(a -> !a.get("prewarning").asBoolean())
        .toList();
  }

  @Test
  void aLateContractAndALatePaymentFireWhenDataTimePassesTheirDueTimes() {
    try (TestService s = h2(DATA)) {
      // late payment: a self purchase accepted on 8 April, paid only on 25 May (DL05: 30 CD)
      List<Step> pay = Lifecycles.selfPurchase("LATEPAY", "B-LATE");
      sendSteps(s, Lifecycles.upTo(pay, "Accepted"));
      assertThat(s.postJson(tick("TICK-1", "2026-04-20T09:00:00+08:00")).statusCode()).isEqualTo(202);
      awaitListed(s, "B-TICK", 1);
      Awaitility.await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
      assertThat(breaches(s, "DL05", "LATEPAY")).as("not due yet in data time").isEmpty();

      // data time passes the payment's due date through another project: the watch fires DL05 at that data time
      String mayTick = "2026-05-20T09:00:00+08:00";
      assertThat(s.postJson(tick("TICK-2", mayTick)).statusCode()).isEqualTo(202);
      JsonNode dl05 = oneBreach(s, "DL05", "LATEPAY");
      assertThat(dl05.get("status").asText()).isEqualTo("FIRING");
      Instant due = Instant.parse(dl05.get("dueAt").asText());
      assertThat(due).isAfter(at("2026-05-01T00:00:00+08:00")).isBefore(at(mayTick));
      assertThat(Instant.parse(dl05.get("raisedAt").asText())).as("raised in data time").isEqualTo(at(mayTick));

      // the late payment then resolves it, late by days
      var paid = s.postJson(Lifecycles.event("LATEPAY-pay", "LATEPAY", "PaymentMade", "2026-05-25T10:00:00+08:00", null,
          "{\"amount\":" + Lifecycles.SELF_AMOUNT + ",\"kind\":\"FINAL\"}"));
      assertThat(paid.statusCode()).isEqualTo(202);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
          breaches(s, "DL05", "LATEPAY").get(0).get("status").asText().equals("RESOLVED"));
      assertThat(breaches(s, "DL05", "LATEPAY").get(0).get("lateness").asText()).startsWith("late by");

      // late contract: awarded 1 September, DL01 due in October; nothing before data time gets there
      for (String line : awarded("LATECON")) assertThat(s.postJson(line).statusCode()).isEqualTo(202);
      assertThat(s.postJson(tick("TICK-3", "2026-09-20T09:00:00+08:00")).statusCode()).isEqualTo(202);
      Awaitility.await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
      assertThat(breaches(s, "DL01", "LATECON")).isEmpty();
      String octTick = "2026-10-20T09:00:00+08:00";
      assertThat(s.postJson(tick("TICK-4", octTick)).statusCode()).isEqualTo(202);
      JsonNode dl01 = oneBreach(s, "DL01", "LATECON");
      assertThat(Instant.parse(dl01.get("dueAt").asText())).isBefore(at(octTick));
      assertThat(Instant.parse(dl01.get("raisedAt").asText())).isEqualTo(at(octTick));
    }
  }

  @Test
  void aRestartContinuesAtTheDataTimeItWasAt(@TempDir Path dir) {
    String url = "jdbc:h2:file:" + dir.resolve("procwatch") + ";DB_CLOSE_DELAY=-1";
    List<Step> pay = Lifecycles.selfPurchase("RESTART", "B-RST");
    Instant accepted;
    try (TestService first = TestService.start(url, "sa", "", Clock.systemUTC(), DATA)) {
      sendSteps(first, Lifecycles.upTo(pay, "Accepted"));
      // the read side has the last fact (the restart restores from it; a tail it lacks is caught up after the start)
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
        JsonNode items = json(first.get("/api/v1/projects?limit=5&buyer=B-RST")).get("items");
        return items.size() == 1 && items.get(0).get("stage").asText().equals("ACCEPTED");
      });
      accepted = first.clock().instant();
      assertThat(accepted).isEqualTo(at(pay.get(5).occurredAt()));
    }
    try (TestService second = TestService.start(url, "sa", "", Clock.systemUTC(), DATA)) {
      assertThat(second.clock().instant()).as("restored from the database, not the wall clock").isEqualTo(accepted);
      // an older event (another project) is judged at data time, which does not go back
      assertThat(second.postJson(tick("RST-OLD", "2026-03-01T09:00:00+08:00")).statusCode()).isEqualTo(202);
      assertThat(second.clock().instant()).isEqualTo(accepted);
      assertThat(breaches(second, "DL05", "RESTART")).isEmpty();
      // and the deadlines of projects recorded before the restart fire when data time passes them
      String mayTick = "2026-05-20T09:00:00+08:00";
      assertThat(second.postJson(tick("RST-TICK", mayTick)).statusCode()).isEqualTo(202);
      assertThat(Instant.parse(oneBreach(second, "DL05", "RESTART").get("raisedAt").asText())).isEqualTo(at(mayTick));
    }
  }
}
