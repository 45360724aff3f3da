package io.procwatch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards of {@code dashboards/}, and the PromQL they run. */
final class Dashboards {
  static final Path DIR = Path.of("dashboards");
  static final String DATASOURCE_UID = "procwatch-prometheus";
  private static final Pattern METRIC = Pattern.compile("\\bprocwatch_[a-z0-9_]+");
  private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((\\w+),\\s*(\\w+)\\)$");

  /** One query: which dashboard and panel (or variable) it belongs to, and its text. */
  record Query(String dashboard, String panel, String expr) {
    /** As Prometheus gets it from Grafana: "All" selected for every variable, ranges of a short test. */
    String forPrometheus() {
      Matcher lv = LABEL_VALUES.matcher(expr);
      if (lv.matches()) return lv.group(1); // label_values(m, l) asks for the series of m
      return expr.replace("$__rate_interval", "1m").replace("$__range", "5m")
          .replace("$buyer", ".*").replace("$fiscal_year", ".*").replace("$severity", ".*");
    }
  }

  private Dashboards() {}

  static List<Path> files() {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError(file + " is not JSON", e);
    }
  }

  /** Every panel, nested rows included. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    collect(dashboard.path("panels"), out);
    return out;
  }

  private static void collect(JsonNode panels, List<JsonNode> out) {
    for (JsonNode p : panels) {
      out.add(p);
      collect(p.path("panels"), out);
    }
  }

  /** Every panel target's expression and every query variable's query, of every dashboard. */
  static List<Query> queries() {
    List<Query> out = new ArrayList<>();
    for (Path f : files()) {
      JsonNode d = read(f);
      String name = d.path("uid").asText();
      for (JsonNode p : panels(d)) {
        for (JsonNode t : p.path("targets")) out.add(new Query(name, p.path("title").asText(), t.path("expr").asText()));
      }
      for (JsonNode v : d.path("templating").path("list")) {
        if (v.path("type").asText().equals("query")) {
          JsonNode q = v.path("query");
          out.add(new Query(name, "$" + v.path("name").asText(), q.isObject() ? q.path("query").asText() : q.asText()));
        }
      }
    }
    return out;
  }

  /** The procwatch_ metric names the dashboards use (as exposed: with _total, _bucket ... suffixes). */
  static Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    for (Query q : queries()) {
      Matcher m = METRIC.matcher(q.expr());
      while (m.find()) names.add(m.group());
    }
    return names;
  }
}
