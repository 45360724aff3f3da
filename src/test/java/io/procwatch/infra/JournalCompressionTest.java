package io.procwatch.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.testing.Lifecycles;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Migration V19 on PostgreSQL: journal and snapshot payloads large enough to be compressed are compressed with lz4,
 * and they read back as they were written (the project's answer and the listing, which the projection fills from
 * the journal).
 */
class JournalCompressionTest {

  @Test
  void aBatchRowAboveTheThresholdIsStoredWithLz4AndReadsBack() throws Exception {
    String project = "P-LZ4-1";
    try (Postgres.FreshDatabase db = Postgres.create()) {
      try (TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
        writeAndCheck(service, project);
      }
      // read back by a new service: the project recovers from its journal rows, and the listing (filled by the
      // projection from the same rows) has it
      try (TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
        var status = service.get("/api/v1/projects/" + project);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"stage\":\"CLOSED\"").contains("\"eventId\":\"" + project + "-21\"");
        assertThat(service.get("/api/v1/projects?buyer=B-LZ4").body()).contains(project).contains("\"stage\":\"CLOSED\"");
      }
    }
  }

  private static void writeAndCheck(TestService service, String project) throws Exception {
    try (Connection c = service.db().dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT attrelid::regclass::text, attcompression FROM pg_attribute"
            + " WHERE (attrelid, attname) IN (('event_journal'::regclass, 'event_payload'), ('snapshot'::regclass,"
            + " 'snapshot_payload')) ORDER BY 1")) {
      List<String> methods = new ArrayList<>();
      while (r.next()) methods.add(r.getString(1) + "=" + r.getString(2));
      // 'l' is lz4 in pg_attribute.attcompression ('' the server's default, pglz)
      assertThat(methods).containsExactly("event_journal=l", "snapshot=l");
    }

    // one project's whole life cycle in one batch: its facts are persisted together, one row of several kB
    List<Lifecycles.Step> steps = Lifecycles.competitive(project, "B-LZ4");
    var response = service.postNdjson(steps.stream().map(Lifecycles.Step::json).collect(Collectors.joining("\n")));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body().lines()).hasSize(steps.size()).allSatisfy(line -> assertThat(line).contains("\"status\":202"));

    List<String> stored = new ArrayList<>();
    try (Connection c = service.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT length(event_payload), pg_column_compression(event_payload)"
            + " FROM event_journal WHERE persistence_id LIKE ? ORDER BY sequence_number")) {
      ps.setString(1, "%" + project);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) stored.add(r.getInt(1) + ":" + r.getString(2));
      }
    }
    // the batch's row is over the threshold (about 2 kB) and compressed with lz4; nothing was compressed with pglz
    assertThat(stored).anySatisfy(row -> {
      assertThat(Integer.parseInt(row.substring(0, row.indexOf(':')))).isGreaterThan(2_100);
      assertThat(row).endsWith(":lz4");
    });
    assertThat(stored).noneMatch(row -> row.endsWith(":pglz"));

    // the listing, which the projection filled from that row
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(service.get("/api/v1/projects?buyer=B-LZ4").body()).contains(project).contains("\"stage\":\"CLOSED\""));
  }
}
