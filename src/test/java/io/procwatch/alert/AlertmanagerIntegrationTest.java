package io.procwatch.alert;

import static io.procwatch.testing.Facts.event;
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
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * procwatch pushing to a real Alertmanager (Debian package {@code prometheus-alertmanager}), started here on a
 * loopback port with clustering off: an alert that fires in procwatch appears in Alertmanager with its labels;
 * when the condition clears Alertmanager receives it resolved; with Alertmanager down, what is raised and
 * resolved meanwhile arrives once it is back on the same port. Skipped when the binary is absent, except under
 * {@code CI=true}, where {@code .ci/run} installs it.
 */
class AlertmanagerIntegrationTest {
  static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(30);

  static void requireBinary() {
    boolean present = Files.isExecutable(ALERTMANAGER);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(ALERTMANAGER + " missing under CI=true: apt-get install -y prometheus-alertmanager");
    }
    Assumptions.assumeTrue(present,
        ALERTMANAGER + " is not installed (apt-get install -y prometheus-alertmanager); skipping");
  }

  @Test
  void alertsFireResolveAndSurviveAnAlertmanagerOutage() throws Exception {
    requireBinary();
    Path tmp = Files.createTempDirectory("procwatch-alertmanager-");
    int port = freePort();
    String am = "http://127.0.0.1:" + port;
    Process alertmanager = startAlertmanager(tmp, port, "first");
    // Before the facts below: no deadline has run out, so the alerts are the ones this test makes.
    MutableClock clock = new MutableClock().setNow(Instant.parse("2026-03-10T04:00:00Z"));
    try (TestService s = TestService.start("jdbc:h2:mem:procwatch-am-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
        "sa", "", clock, Map.of(
            // a comma-separated string, as PROCWATCH_ALERTMANAGER_URLS gives it
            "procwatch.alertmanager.urls", am + ",",
            "procwatch.alertmanager.resend-interval", "2s",
            "procwatch.alertmanager.min-backoff", "200ms",
            "procwatch.alertmanager.max-backoff", "1s",
            "procwatch.alertmanager.external-url", "http://procwatch.example"))) {

      // 1. fires in procwatch -> active in Alertmanager, with the routing labels
      String id = sq01(s, "AM-1");
      JsonNode fired = awaitOne(am, "AM-1");
      JsonNode labels = fired.get("labels");
      assertThat(labels.get("alertname").asText()).isEqualTo("SQ01");
      assertThat(labels.get("severity").asText()).isEqualTo("critical");
      assertThat(labels.get("buyer").asText()).isEqualTo("B-AM");
      assertThat(labels.get("project_id").asText()).isEqualTo("AM-1");
      assertThat(labels.get("rule_subject").asText()).isEqualTo("Delivered");
      assertThat(fired.get("annotations").get("name_zh").asText()).isEqualTo("程序倒置");
      assertThat(fired.get("annotations").get("basis").asText()).isNotBlank();
      assertThat(fired.get("status").get("state").asText()).isEqualTo("active");
      assertThat(fired.get("generatorURL").asText()).isEqualTo("http://procwatch.example/api/v1/alerts/" + id);
      // endsAt is a lease of 4 resends (8 s here), renewed by each resend
      Instant ends = Instant.parse(fired.get("endsAt").asText());
      assertThat(ends).isAfter(Instant.now()).isBefore(Instant.now().plusSeconds(9));
      // still there well after one lease: the resends renew it
      org.awaitility.Awaitility.await().pollDelay(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(12))
          .untilAsserted(() -> assertThat(alerts(am, "AM-1")).hasSize(1));

      // 2. clears in procwatch (the contract, earlier in business time) -> resolved in Alertmanager. The
      // active listing hides it; the "resolved" receipt counter shows it was sent resolved, not left to expire.
      assertThat(s.postJson(event("AM-1-5", "AM-1", "ContractSigned", "2026-03-05T10:00:00+08:00",
          "{\"contractId\":\"HT-AM-1\",\"supplier\":\"S\",\"amount\":2900}")).statusCode()).isEqualTo(202);
      Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        assertThat(alerts(am, "AM-1")).isEmpty();
        assertThat(received(am, "resolved")).isGreaterThanOrEqualTo(1);
      });

      // 3. Alertmanager down: AM-2 fires, AM-3 fires and clears meanwhile; procwatch keeps trying.
      stop(alertmanager);
      sq01(s, "AM-2");
      sq01(s, "AM-3");
      assertThat(s.postJson(event("AM-3-5", "AM-3", "ContractSigned", "2026-03-05T10:00:00+08:00",
          "{\"contractId\":\"HT-AM-3\",\"supplier\":\"S\",\"amount\":100}")).statusCode()).isEqualTo(202);
      Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
          metric(s.get("/metrics").body(), "procwatch_alertmanager_requests_total\\{outcome=\"failed\"}") >= 2
              && resolvedInProcwatch(s, "AM-3"));

      // ... and up again on the same port, empty (Alertmanager keeps alerts in memory only)
      alertmanager = startAlertmanager(tmp, port, "second");
      JsonNode arrived = awaitOne(am, "AM-2");
      assertThat(arrived.get("labels").get("alertname").asText()).isEqualTo("SQ01");
      assertThat(arrived.get("status").get("state").asText()).isEqualTo("active");
      // AM-3's resolution, kept while it was down, arrives too (and AM-3 is not active there)
      Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .until(() -> received(am, "resolved") >= 1);
      assertThat(alerts(am, "AM-3")).isEmpty();
      assertThat(alerts(am, "AM-1")).as("resolved before the outage: not sent again").isEmpty();
      assertThat(metric(s.get("/metrics").body(), "procwatch_alertmanager_requests_total\\{outcome=\"ok\"}"))
          .isGreaterThan(0);
    } finally {
      stop(alertmanager);
      deleteTree(tmp);
    }
  }

  /** A self-purchase project whose delivery is reported before any contract: SQ01 fires. */
  static String sq01(TestService s, String projectId) {
    assertThat(s.postNdjson(String.join("\n",
        event(projectId + "-1", projectId, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
            "{\"buyer\":\"B-AM\",\"title\":\"纸张\",\"category\":\"A05040101\",\"categoryKind\":\"GOODS\",\"budget\":3000,\"fiscalYear\":2026}"),
        event(projectId + "-2", projectId, "RequirementApproved", "2026-03-03T09:30:00+08:00", null),
        event(projectId + "-3", projectId, "MethodApproved", "2026-03-04T10:00:00+08:00", "{\"method\":\"SELF_PURCHASE\"}"),
        event(projectId + "-4", projectId, "Delivered", "2026-03-10T10:00:00+08:00", null))).statusCode()).isEqualTo(200);
    JsonNode items = Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .until(() -> JSON.readTree(s.get("/api/v1/alerts?rule=SQ01&projectId=" + projectId).body()).get("items"),
            i -> i.size() == 1);
    return items.get(0).get("id").asText();
  }

  static boolean resolvedInProcwatch(TestService s, String projectId) throws IOException {
    JsonNode items = JSON.readTree(s.get("/api/v1/alerts?rule=SQ01&status=RESOLVED&projectId=" + projectId).body())
        .get("items");
    return items.size() == 1;
  }

  static JsonNode awaitOne(String am, String projectId) {
    return Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> alerts(am, projectId), a -> a.size() == 1).get(0);
  }

  /**
   * Alertmanager's active SQ01 alerts of one project (v2 lists only alerts whose endsAt has not passed). SQ01
   * only: the contract that clears it may raise others (DL02, contract not published in time).
   */
  static JsonNode alerts(String am, String projectId) throws Exception {
    String project = URLEncoder.encode("project_id=\"" + projectId + "\"", StandardCharsets.UTF_8);
    String rule = URLEncoder.encode("alertname=\"SQ01\"", StandardCharsets.UTF_8);
    HttpResponse<String> r = get(am + "/api/v2/alerts?active=true&filter=" + project + "&filter=" + rule);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** alertmanager_alerts_received_total{status=...}: alerts Alertmanager received firing or resolved. */
  static double received(String am, String status) throws Exception {
    return metric(get(am + "/metrics").body(),
        "alertmanager_alerts_received_total\\{status=\"" + status + "\",version=\"v2\"}");
  }

  /** The value of the first sample matching {@code series} (a regex) in a text exposition, or 0. */
  static double metric(String exposition, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  static Process startAlertmanager(Path tmp, int port, String run) throws Exception {
    Path config = tmp.resolve("alertmanager.yml");
    Files.writeString(config, String.join("\n",
        "route:",
        "  receiver: \"null\"",
        "receivers:",
        "  - name: \"null\"",
        ""));
    Path storage = Files.createDirectories(tmp.resolve("data-" + run));
    Process p = new ProcessBuilder(ALERTMANAGER.toString(), "--config.file=" + config, "--storage.path=" + storage,
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("alertmanager-" + run + ".log").toFile()).start();
    String base = "http://127.0.0.1:" + port;
    Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> p.isAlive() && get(base + "/-/ready").statusCode() == 200);
    return p;
  }

  static void stop(Process p) throws InterruptedException {
    if (p == null || !p.isAlive()) return;
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
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
