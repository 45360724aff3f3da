package io.procwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboards as files: they parse, have unique fixed uids, use only the pinned datasource, and their
 * rates follow Grafana's $__rate_interval. (That each metric they name is exposed: {@link MetricsTest};
 * that each query returns data from a real Prometheus: {@link PrometheusIntegrationTest}.)
 */
class DashboardsTest {

  @Test
  void theThreeDashboardsExistWithUniqueFixedUids() {
    Set<String> uids = new HashSet<>();
    for (Path f : Dashboards.files()) {
      JsonNode d = Dashboards.read(f);
      String uid = d.path("uid").asText();
      assertThat(uid).as("uid of %s", f).matches("procwatch-[a-z-]+");
      assertThat(uids.add(uid)).as("uid %s is unique", uid).isTrue();
      assertThat(d.path("title").asText()).as("title of %s", f).isNotBlank();
      assertThat(d.has("id") && !d.get("id").isNull()).as("%s carries no instance id", f).isFalse();
      assertThat(Dashboards.panels(d)).as("panels of %s", f).isNotEmpty();
    }
    assertThat(uids).containsExactlyInAnyOrder("procwatch-overview", "procwatch-warnings", "procwatch-service");
  }

  @Test
  void everyDatasourceIsThePinnedUid() throws Exception {
    for (Path f : Dashboards.files()) {
      String text = Files.readString(f);
      assertThat(text).as("%s has no export inputs", f).doesNotContain("${DS_").doesNotContain("__inputs");
      List<JsonNode> datasources = new ArrayList<>();
      Dashboards.read(f).findParents("datasource").forEach(parent -> datasources.add(parent.get("datasource")));
      assertThat(datasources).as("datasources of %s", f).isNotEmpty();
      for (JsonNode ds : datasources) {
        assertThat(ds.isObject()).as("datasource %s in %s is an object with a uid", ds, f).isTrue();
        assertThat(ds.path("uid").asText()).as("datasource of %s", f).isEqualTo(Dashboards.DATASOURCE_UID);
        assertThat(ds.path("type").asText()).isEqualTo("prometheus");
      }
    }
    String provisioned = Files.readString(Path.of("dashboards/provisioning/datasources/procwatch.yml"));
    assertThat(provisioned).contains("uid: " + Dashboards.DATASOURCE_UID);
  }

  @Test
  void everyPanelHasQueriesAndTheOverviewSpeaksChineseWithEnglishDescriptions() {
    for (Path f : Dashboards.files()) {
      for (JsonNode p : Dashboards.panels(Dashboards.read(f))) {
        if (p.path("type").asText().equals("row")) continue;
        assertThat(p.path("targets")).as("targets of %s", p.path("title")).isNotEmpty();
        assertThat(p.path("description").asText()).as("description of %s", p.path("title")).isNotBlank();
      }
    }
    for (JsonNode p : Dashboards.panels(Dashboards.read(Path.of("dashboards/procurement-overview.json")))) {
      assertThat(p.path("title").asText()).as("Chinese title").matches(".*\\p{IsHan}.*");
      assertThat(p.path("description").asText()).as("English subtitle of %s", p.path("title")).matches("[A-Z].*");
    }
  }

  @Test
  void templateVariablesBuyerFiscalYearAndSeverity() {
    for (String file : List.of("procurement-overview.json", "warnings.json")) {
      List<String> names = new ArrayList<>();
      Dashboards.read(Path.of("dashboards", file)).path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
      assertThat(names).as(file).contains("buyer", "fiscal_year", "severity");
    }
  }

  /** rate/irate over $__rate_interval; increase over $__rate_interval or the whole $__range (slow, human-scale histograms). */
  @Test
  void ratesUseTheGrafanaInterval() {
    Pattern range = Pattern.compile("\\b(rate|irate|increase)\\((.*?)\\[([^\\]]+)\\]");
    for (Dashboards.Query q : Dashboards.queries()) {
      Matcher m = range.matcher(q.expr());
      while (m.find()) {
        String fn = m.group(1), window = m.group(3);
        if (fn.equals("increase")) assertThat(window).as("%s / %s", q.dashboard(), q.panel()).isIn("$__rate_interval", "$__range");
        else assertThat(window).as("%s / %s", q.dashboard(), q.panel()).isEqualTo("$__rate_interval");
      }
      assertThat(q.expr()).as("%s / %s: no fixed windows", q.dashboard(), q.panel()).doesNotContainPattern("\\[\\d+[smhd]\\]");
    }
  }
}
