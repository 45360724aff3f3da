package io.procwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.procwatch.infra.AppConfig;
import io.procwatch.infra.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --demo} as Main starts it: within a minute the API shows projects, alerts and a moving clock. */
class DemoTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  @Test
  void theDemoShowsALivingSystemWithinAMinute(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("demo");
    Files.createDirectories(data);
    Path stale = Files.writeString(data.resolve("procwatch.mv.db"), "left by an earlier demo");
    Path other = Files.writeString(data.resolve("notes.txt"), "not the demo's");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, Object> m = new HashMap<>();
    m.put("procwatch.http.port", port);
    m.put("procwatch.http.host", "127.0.0.1");
    m.put("procwatch.demo.data-dir", data.toString());
    m.put("pekko.remote.artery.canonical.port", 0);
    m.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    m.put("pekko.loglevel", "WARNING");
    // a fifth of the bureau's year, so that a loaded CI machine keeps up with one simulated day per second
    m.put("procwatch.demo.projects", 600);
    m.put("procwatch.demo.irregular-share", 0.1);
    var config = ConfigFactory.parseMap(m).withFallback(AppConfig.load(null));
    try (Demo.Running demo = Demo.start(config, Demo.Options.from(config))) {
      assertThat(other).exists().hasContent("not the demo's");
      // the simulated clock stands on 1 January until the service is ready and the year generated
      Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
          .until(() -> demo.clock().instant().isAfter(LocalDate.of(LocalDate.now().getYear(), 1, 1).atTime(8, 0)
              .atZone(ZoneId.of("Asia/Shanghai")).toInstant()));
      Instant started = Instant.now();
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .until(() -> get(port, "/api/v1/projects?limit=10").path("items").size() >= 10
              && get(port, "/api/v1/alerts?limit=5").path("items").size() >= 1);
      long seconds = Duration.between(started, Instant.now()).toSeconds();
      assertThat(seconds).as("projects and alerts after %d s", seconds).isLessThan(90);
      // the data is the demo's own, from a fresh database (the stale file was removed, not opened)
      assertThat(Files.readString(stale, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("left by an earlier demo");
      // the service runs on the simulated clock: its alerts carry simulated business times of this year
      JsonNode alert = get(port, "/api/v1/alerts?limit=1").path("items").get(0);
      assertThat(alert.path("projectId").asText()).startsWith("CQZ");
      LocalDate simulated = demo.clock().instant().atZone(ZoneId.of("Asia/Shanghai")).toLocalDate();
      assertThat(simulated).isAfter(LocalDate.of(LocalDate.now().getYear(), 1, 10));
    }
  }
}
