package io.procwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procwatch.testing.Local;
import io.procwatch.testing.MutableClock;
import io.procwatch.testing.TestService;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The dashboards against a real Prometheus (Debian package {@code prometheus}) scraping a real procwatch
 * every second: after {@link MetricsScenario}, every PromQL expression of every panel and every variable
 * query must be valid and return at least one series. Skipped when the binaries are absent, except under
 * {@code CI=true}, where {@code .ci/run} installs them.
 */
class PrometheusIntegrationTest {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();

  static void requireBinaries() {
    boolean present = Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(PROMETHEUS + " / " + PROMTOOL + " missing under CI=true: apt-get install -y prometheus");
    }
    Assumptions.assumeTrue(present, PROMETHEUS + " is not installed (apt-get install -y prometheus); skipping");
  }

  @Test
  void theExampleConfigPassesPromtool() throws Exception {
    requireBinaries();
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "config", "dashboards/prometheus.yml")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void everyDashboardQueryReturnsDataFromARealPrometheus() throws Exception {
    requireBinaries();
    MutableClock clock = new MutableClock().setNow(MetricsScenario.dl01Due().minusSeconds(60));
    Path tmp = Files.createTempDirectory("procwatch-prometheus-");
    Process prometheus = null;
    try (TestService s = TestService.start("jdbc:h2:mem:procwatch-prom-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
        "sa", "", clock, Map.of("procwatch.metrics.refresh-interval", "500ms"))) {
      int port = freePort();
      String target = URI.create(s.baseUrl()).getAuthority();
      Path config = tmp.resolve("prometheus.yml");
      Files.writeString(config, String.join("\n",
          "global:",
          "  scrape_interval: 1s",
          "  evaluation_interval: 1s",
          "scrape_configs:",
          "  - job_name: procwatch",
          "    metrics_path: /metrics",
          "    static_configs:",
          "      - targets: [\"" + target + "\"]",
          ""));
      prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
          "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
      String api = "http://127.0.0.1:" + port;
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .ignoreExceptions().until(() -> get(api + "/-/ready").statusCode() == 200);

      // The GC pause meters appear with the first collection (the service runs in this JVM): ask for one
      // rather than hope a collection happens to fall inside the window.
      System.gc();
      MetricsScenario.run(s, clock);
      // The last change of the scenario (the resolution) is scraped, and a few more samples follow it,
      // so that every rate window holds at least two samples of every series.
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .until(() -> samples(api, "count_over_time(procwatch_alerts_resolved_total[1m])") >= 4
              && samples(api, "count_over_time(procwatch_projects{stage=\"CONTRACT_SIGNED\",buyer=\"500102\"}[1m])") >= 3
              && samples(api, "count_over_time(procwatch_jvm_gc_pause_seconds_sum[1m])") >= 3);

      List<String> failures = new ArrayList<>();
      List<Dashboards.Query> queries = Dashboards.queries();
      assertThat(queries).hasSizeGreaterThan(30);
      for (Dashboards.Query q : queries) {
        String promql = q.forPrometheus();
        HttpResponse<String> r = get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(r.body());
        if (!"success".equals(body.path("status").asText())) {
          failures.add(q.dashboard() + " / " + q.panel() + ": invalid: " + body.path("error").asText() + "\n    " + promql);
        } else if (body.path("data").path("result").isEmpty()) {
          failures.add(q.dashboard() + " / " + q.panel() + ": no series\n    " + promql);
        }
      }
      assertThat(failures).as("dashboard queries that fail or return nothing").isEmpty();
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) prometheus.destroyForcibly();
      }
      deleteTree(tmp);
    }
  }

  /** The largest value of an instant query, or 0 when it returns nothing. */
  static double samples(String api, String promql) throws Exception {
    JsonNode body = JSON.readTree(get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body());
    double max = 0;
    for (JsonNode series : body.path("data").path("result")) max = Math.max(max, series.path("value").path(1).asDouble());
    return max;
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return Local.get(url);
  }

  static int freePort() {
    return Local.freePort();
  }

  static void deleteTree(Path dir) throws IOException {
    Local.deleteTree(dir);
  }
}
