package io.procwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class GaugeFamilyTest {

  @Test
  void rowsComeGoAndChangeValue() {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var family = new GaugeFamily(registry, "procwatch.test.rows", "rows");
    family.set(Map.of(Tags.of("stage", "NOTICE"), 3, Tags.of("stage", "AWARD"), 1));
    family.set(Map.of(Tags.of("stage", "NOTICE"), 5));

    String text = registry.scrape();
    assertThat(text).contains("procwatch_test_rows{stage=\"NOTICE\"} 5.0");
    assertThat(text).doesNotContain("stage=\"AWARD\"");

    family.set(Map.of(Tags.of("stage", "AWARD"), 2));
    text = registry.scrape();
    assertThat(text).contains("procwatch_test_rows{stage=\"AWARD\"} 2.0").doesNotContain("stage=\"NOTICE\"");
  }

  /**
   * The refresh runs beside scrapes. Re-registering every row on each refresh removed and re-added the
   * meter of an unchanged row, and under load a scrape failed with a duplicate-labels error on the one-row
   * {@code fiscal_year_elapsed_ratio} (a 500 from /metrics in MetricsTest). The family never removes a
   * row that stays; this checks that scrapes beside constant refreshes keep succeeding.
   */
  @Test
  void scrapesDuringRefreshesNeverSeeARowTwice() throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var family = new GaugeFamily(registry, "procwatch.test.churn", "churn");
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Void> refresher = CompletableFuture.runAsync(() -> {
      for (int i = 0; !stop.get(); i++) {
        Map<Tags, Number> rows = new LinkedHashMap<>();
        rows.put(Tags.of("fiscal_year", "2026"), i);
        family.set(rows);
      }
    });
    try {
      for (int n = 0; n < 3_000; n++) registry.scrape();
    } finally {
      stop.set(true);
    }
    refresher.get();
    assertThat(registry.scrape()).contains("procwatch_test_churn{fiscal_year=\"2026\"}");
  }
}
