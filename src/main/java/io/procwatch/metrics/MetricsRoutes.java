package io.procwatch.metrics;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the Prometheus text exposition format, version 0.0.4. {@code ?name[]=N} (repeatable) keeps only
 * the metrics named, as Prometheus' own exporters do: a look at a few figures without rendering every per-buyer
 * gauge (the ingest benchmark reads the GC figures so, at each end of a window).
 */
public final class MetricsRoutes {
  static final ContentType TEXT_0_0_4 =
      MediaTypes.customWithOpenCharset("text", "plain", Map.of("version", "0.0.4"), false)
          .toContentType(HttpCharsets.UTF_8);

  private final Metrics metrics;

  public MetricsRoutes(Metrics metrics) {
    this.metrics = metrics;
  }

  public Route route() {
    return path("metrics", () -> get(() -> parameterList(params -> {
      Set<String> names = new LinkedHashSet<>();
      for (Map.Entry<String, String> p : params) if (p.getKey().equals("name[]")) names.add(p.getValue());
      String body = names.isEmpty() ? metrics.scrape() : metrics.scrape(names);
      return complete(HttpResponse.create().withEntity(TEXT_0_0_4, body.getBytes(StandardCharsets.UTF_8)));
    })));
  }
}
