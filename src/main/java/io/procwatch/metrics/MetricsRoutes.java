package io.procwatch.metrics;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /metrics}: the Prometheus text exposition format, version 0.0.4. */
public final class MetricsRoutes {
  static final ContentType TEXT_0_0_4 =
      MediaTypes.customWithOpenCharset("text", "plain", Map.of("version", "0.0.4"), false)
          .toContentType(HttpCharsets.UTF_8);

  private final Metrics metrics;

  public MetricsRoutes(Metrics metrics) {
    this.metrics = metrics;
  }

  public Route route() {
    return path("metrics", () -> get(() -> complete(
        HttpResponse.create().withEntity(TEXT_0_0_4, metrics.scrape().getBytes(StandardCharsets.UTF_8)))));
  }
}
