package io.procwatch.metrics;

import static io.procwatch.metrics.MetricsScenario.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.procwatch.testing.ApiAssertions;
import io.procwatch.testing.MutableClock;
import io.procwatch.testing.TestService;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code GET /metrics} after {@link MetricsScenario}: the values, the format, the label discipline. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {
  TestService s;
  MutableClock clock = new MutableClock().setNow(MetricsScenario.dl01Due().minusSeconds(60));

  @BeforeAll
  void start() {
    s = TestService.start("jdbc:h2:mem:procwatch-metrics-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "", clock,
        Map.of("procwatch.metrics.refresh-interval", "200ms"));
    MetricsScenario.run(s, clock);
  }

  @AfterAll
  void stop() {
    if (s != null) s.close();
  }

  Exposition scrape() {
    var r = s.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return Exposition.parse(r.body());
  }

  /** The read-side gauges catch up within a refresh or two; wait until the projections are through. */
  Exposition settled() {
    return Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(this::scrape, e -> !e.find("procwatch_projects", "stage", "CONTRACT_SIGNED", "buyer", B2).isEmpty()
            && e.value("procwatch_projection_lag_events") == 0
            && e.find("procwatch_alerts_open", "rule", "DL01", "severity", "CRITICAL").isEmpty());
  }

  @Test
  void servedAsTextFormat004() {
    var r = s.get("/metrics");
    assertThat(ApiAssertions.contentType(r)).isEqualTo("text/plain; version=0.0.4; charset=UTF-8");
    assertThat(r.body()).contains("# TYPE procwatch_events_ingested_total counter");
  }

  @Test
  void nameParametersKeepOnlyTheMetricsNamed() {
    Exposition all = settled();
    // a gauge family, a counter by its exposed name (…_total) and a timer by its base name; Prometheus clients send
    // the brackets percent-encoded
    var r = s.get("/metrics?name%5B%5D=procwatch_projects&name%5B%5D=procwatch_events_ingested_total"
        + "&name%5B%5D=procwatch_jvm_gc_pause_seconds");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(ApiAssertions.contentType(r)).isEqualTo("text/plain; version=0.0.4; charset=UTF-8");
    Exposition some = Exposition.parse(r.body());
    assertThat(some.names()).contains("procwatch_projects", "procwatch_events_ingested_total")
        .allMatch(n -> n.equals("procwatch_projects") || n.equals("procwatch_events_ingested_total")
            || n.startsWith("procwatch_jvm_gc_pause_seconds"));
    assertThat(some.find("procwatch_projects", "stage", "CLOSED", "buyer", B1))
        .isEqualTo(all.find("procwatch_projects", "stage", "CLOSED", "buyer", B1)).hasSize(1);
    assertThat(all.names()).hasSizeGreaterThan(some.names().size() + 20);
    // the counter by its base name too; a name nothing has selects nothing
    assertThat(Exposition.parse(s.get("/metrics?name%5B%5D=procwatch_events_ingested").body()).names())
        .containsExactly("procwatch_events_ingested_total");
    var none = s.get("/metrics?name%5B%5D=procwatch_no_such_metric");
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.body()).isEmpty();
  }

  @Test
  void projectsByStageAndBuyer() {
    Exposition e = settled();
    assertThat(e.value("procwatch_projects", "stage", "CLOSED", "buyer", B1)).isEqualTo(1);
    assertThat(e.value("procwatch_projects", "stage", "CONTRACT_SIGNED", "buyer", B1)).isEqualTo(1);
    assertThat(e.value("procwatch_projects", "stage", "CONTRACT_SIGNED", "buyer", B2)).isEqualTo(1);
    assertThat(e.value("procwatch_projects")).isEqualTo(3);
  }

  @Test
  void moneyByBuyerAndFiscalYear() {
    Exposition e = settled();
    // B1: the competitive project (budget 800 000, contract = paid = 749 321.37) and the self-purchase
    // (budget 50 000, contract 48 000, nothing paid yet).
    assertThat(e.value("procwatch_budget_cny", "buyer", B1, "fiscal_year", "2026")).isEqualTo(850_000.00);
    assertThat(e.value("procwatch_contracted_cny", "buyer", B1, "fiscal_year", "2026")).isCloseTo(797_321.37, within(0.005));
    assertThat(e.value("procwatch_paid_cny", "buyer", B1, "fiscal_year", "2026")).isCloseTo(749_321.37, within(0.005));
    assertThat(e.value("procwatch_saved_cny", "buyer", B1, "fiscal_year", "2026")).isCloseTo(52_678.63, within(0.005));
    assertThat(e.value("procwatch_execution_ratio", "buyer", B1, "fiscal_year", "2026"))
        .isCloseTo(749_321.37 / 850_000, within(1e-9));
    // B2: contracted late, nothing paid.
    assertThat(e.value("procwatch_paid_cny", "buyer", B2, "fiscal_year", "2026")).isZero();
    assertThat(e.value("procwatch_saved_cny", "buyer", B2, "fiscal_year", "2026")).isCloseTo(50_678.63, within(0.005));
    // The scenario stands at P2's DL01 due time (14 April 2026 00:00 China time: 30 CD end on a Sunday
    // and roll to the Monday): 103 of 365 days gone.
    assertThat(e.value("procwatch_fiscal_year_elapsed_ratio", "fiscal_year", "2026")).isCloseTo(103.0 / 365, within(0.001));
  }

  @Test
  void alertsRaisedAcknowledgedAndResolved() {
    Exposition e = settled();
    assertThat(e.value("procwatch_alerts_raised_total", "rule", "DL01", "severity", "CRITICAL")).isEqualTo(1);
    assertThat(e.value("procwatch_alerts_resolved_total", "rule", "DL01", "severity", "CRITICAL")).isEqualTo(1);
    assertThat(e.value("procwatch_alert_time_to_acknowledge_seconds_count", "severity", "CRITICAL")).isEqualTo(1);
    assertThat(e.value("procwatch_alert_time_to_resolve_seconds_count", "severity", "CRITICAL")).isGreaterThanOrEqualTo(1);
    // Raised a few seconds before the supervisor acknowledged it: inside the first bucket (1 min).
    assertThat(e.value("procwatch_alert_time_to_acknowledge_seconds_bucket", "severity", "CRITICAL", "le", "60.0")).isEqualTo(1);
    // DL01 fired on the wall clock, within a second of its due time.
    assertThat(e.value("procwatch_deadline_firing_delay_seconds_count", "rule", "DL01")).isEqualTo(1);
    assertThat(e.value("procwatch_deadline_firing_delay_seconds_bucket", "rule", "DL01", "le", "1.0")).isEqualTo(1);
    // The DL01 breach is cleared; the other breaches of the late facts (deposits, publication) stay open.
    assertThat(e.find("procwatch_alerts_open", "rule", "DL01", "severity", "CRITICAL")).isEmpty();
    assertThat(e.value("procwatch_alerts_open")).isPositive();
    assertThat(e.value("procwatch_alerts_open_by_buyer", "buyer", B2)).isPositive();
  }

  @Test
  void ingestByTypeAndOutcome() {
    Exposition e = settled();
    assertThat(e.value("procwatch_events_ingested_total", "type", "ProjectRegistered", "outcome", "applied")).isEqualTo(3);
    assertThat(e.value("procwatch_events_ingested_total", "type", "ProjectRegistered", "outcome", "duplicate")).isEqualTo(1);
    assertThat(e.value("procwatch_events_ingested_total", "type", "Delivered", "outcome", "rejected")).isEqualTo(1);
    assertThat(e.value("procwatch_events_ingested_total", "type", "PaymentMade")).isEqualTo(1);
    // 21 + 13 + 4 + 2 lines in one batch, then the late contract.
    assertThat(e.value("procwatch_events_ingested_total")).isEqualTo(41);
    assertThat(e.value("procwatch_ingest_latency_seconds_count")).isEqualTo(2);
    // one Record per project of the batch (P1, P2, P3, the ghost), then one for the contract
    assertThat(e.value("procwatch_journal_write_seconds_count")).isEqualTo(5);
  }

  @Test
  void stageDurationsInBusinessTime() {
    Exposition e = settled();
    // P1 and P2 were registered on 5 Jan 09:00 and published their intent on 6 Jan 10:00: 25 h each;
    // P3 was registered on 1 Apr 09:00 and its requirement approved at 10:30: 1.5 h.
    assertThat(e.value("procwatch_stage_duration_seconds_count", "stage", "REGISTERED")).isEqualTo(3);
    assertThat(e.value("procwatch_stage_duration_seconds_bucket", "stage", "REGISTERED", "le", "3600.0")).isZero();
    assertThat(e.value("procwatch_stage_duration_seconds_bucket", "stage", "REGISTERED", "le", "86400.0")).isEqualTo(1);
    assertThat(e.value("procwatch_stage_duration_seconds_sum", "stage", "REGISTERED")).isEqualTo(2 * 25 * 3600 + 5400);
    // P1 paid on 19 Mar 10:00 and closed on 20 Mar 10:00; its deposits in between keep the stage.
    assertThat(e.value("procwatch_stage_duration_seconds_sum", "stage", "PAID")).isEqualTo(86_400);
  }

  @Test
  void serviceGauges() {
    Exposition e = settled();
    assertThat(e.value("procwatch_projection_lag_events", "projection", "project-summary")).isZero();
    assertThat(e.value("procwatch_projection_lag_seconds", "projection", "alerts")).isZero();
    // P2 (DL04: the winner's bid deposit) and P3 still wait on deadlines.
    assertThat(e.value("procwatch_deadlines_open")).isGreaterThanOrEqualTo(1);
    assertThat(e.value("procwatch_entities_live")).isGreaterThanOrEqualTo(3);
    assertThat(e.value("procwatch_jvm_memory_used_bytes")).isPositive();
    assertThat(e.value("procwatch_process_uptime_seconds")).isPositive();
  }

  /** What the dashboards query exists: a typo in a dashboard would otherwise just show "No data". */
  @Test
  void everyMetricTheDashboardsNameIsExposed() {
    assertThat(Dashboards.metricNames()).isNotEmpty();
    // The JVM's GC pause meters only exist once a collection has happened in this process (the service
    // always has one within seconds; a short test may not): ask for one.
    System.gc();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(settled().names()).containsAll(Dashboards.metricNames()));
  }

  /** Every series: procwatch_ prefix, and only labels from the closed list (never a project id). */
  @Test
  void namesAndLabelsAreBounded() {
    Exposition e = settled();
    var allowed = java.util.Set.of("stage", "rule", "severity", "buyer", "method", "outcome", "type", "projection",
        "fiscal_year", "le",
        // the JVM binders' own, each from a small closed set
        "area", "id", "action", "cause", "gc", "state", "quantile");
    Pattern projectId = Pattern.compile("CQ-M-.*");
    for (var sample : e.samples()) {
      assertThat(sample.name()).startsWith("procwatch_");
      assertThat(allowed).as("labels of %s", sample.name()).containsAll(sample.labels().keySet());
      assertThat(sample.labels().values()).noneMatch(v -> projectId.matcher(v).matches());
    }
  }
}
