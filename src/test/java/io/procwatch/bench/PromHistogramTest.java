package io.procwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The service's delivery-latency histogram, read from two scrapes: the window between them alone. */
class PromHistogramTest {
  private static final String NAME = "procwatch_feed_delivery_latency_seconds";

  @Test
  void theDifferenceOfTwoScrapesIsTheWindowAndItsQuantilesAreBucketUpperBounds() {
    // the same timer as io.procwatch.metrics.Metrics#bindFeed
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Timer timer = Timer.builder("procwatch.feed.delivery.latency").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    for (int i = 0; i < 50; i++) timer.record(5, TimeUnit.SECONDS); // the setup: slow, before the window
    String before = registry.scrape();
    for (int i = 0; i < 98; i++) timer.record(3, TimeUnit.MILLISECONDS);
    timer.record(40, TimeUnit.MILLISECONDS);
    timer.record(80, TimeUnit.MILLISECONDS);
    String after = registry.scrape();

    PromHistogram whole = PromHistogram.parse(after, NAME);
    assertThat(whole.count()).isEqualTo(150);
    assertThat(whole.quantileUpperBound(0.5)).as("the setup's 5 s dominate the whole run").isGreaterThanOrEqualTo(0.003);

    PromHistogram window = whole.minus(PromHistogram.parse(before, NAME));
    assertThat(window.count()).isEqualTo(100);
    double p50 = window.quantileUpperBound(0.5);
    double p99 = window.quantileUpperBound(0.99);
    assertThat(p50).isBetween(0.003, 0.004);
    assertThat(p99).isBetween(0.040, 0.06);
    assertThat(window.quantileUpperBound(1.0)).isBetween(0.080, 0.1);
    assertThat(window.max()).as("the scrape's max, not the window's").isEqualTo(5.0);
  }

  @Test
  void nothingObservedHasNoQuantile() {
    PromHistogram h = PromHistogram.parse("# nothing here\nother_metric 1\n", NAME);
    assertThat(h.count()).isZero();
    assertThat(h.quantileUpperBound(0.5)).isNaN();
  }
}
