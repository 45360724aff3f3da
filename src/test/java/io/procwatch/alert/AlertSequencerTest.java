package io.procwatch.alert;

import static io.procwatch.alert.AlertFeedTest.contract;
import static io.procwatch.alert.AlertFeedTest.ingest;
import static io.procwatch.alert.AlertFeedTest.post;
import static io.procwatch.alert.AlertFeedTest.sq01;
import static io.procwatch.alert.FeedClient.kind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.testing.MutableClock;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.ProjectionManagement;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The two numbering paths on the real PostgreSQL: the sequencer (right after persist) and the alert
 * projection (the safety net over the journal). Whichever sees an event first numbers it; the numbers stay
 * gap-free, each change is numbered once, a project's changes keep their journal order, and a feed client
 * gets every number once, in order.
 */
class AlertSequencerTest {
  private static final ProjectionId ALERTS = ProjectionId.of(AlertProjection.NAME, "alerts");

  @Test
  void theFastPathNumbersRightAfterPersistAndTheProjectionSeesTheSameEventsWithoutNumberingThemAgain() throws Exception {
    MutableClock clock = new MutableClock().setNow(Instant.parse("2026-03-10T04:00:00Z"));
    try (Postgres.FreshDatabase db = Postgres.create();
        TestService s = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, clock, Map.of());
        FeedClient client = FeedClient.connect(s, "")) {
      client.await(kind("SNAPSHOT_END"));
      for (int i = 0; i < 6; i++) ingest(s, sq01("SEQ-" + i, "B-SEQ"));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) ids.add(client.await(m -> m.get("kind").asText().equals("RAISED")
          && m.get("labels").get("alertname").asText().equals("SQ01")
          && m.get("labels").get("project_id").asText().equals("SEQ-" + ids.size())).get("id").asText());
      for (int i = 0; i < 6; i += 2) {
        assertThat(post(s, "/api/v1/alerts/" + ids.get(i) + "/ack", "{\"note\":\"seen\"}").statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 6; i += 3) ingest(s, contract("SEQ-" + i));

      // the projection has read every alert event of the journal (it saw them all) ...
      long newest = newestAlertEvent(s);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> projectionOffset(s) >= newest);
      // ... and numbered none of them a second time: one source row per event. The fast path numbered them
      // (the projection only wins an event when the sequencer's commit takes longer than the journal's polling)
      Map<String, Long> by = numberedBy(s);
      assertThat(by.getOrDefault("sequencer", 0L)).isGreaterThan(by.getOrDefault("projection", 0L));
      assertThat(countOf(s, "SELECT COUNT(*) FROM alert_source")).isEqualTo(alertEvents(s));
      long last = AlertProjection.lastSequence(s.db());
      assertThat(sequences(s)).isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
      assertKindsInOrderPerAlert(s);
      // the client got each number once, in order, and only changes whose event is in the journal
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> client.changeSequences().size() >= last);
      assertThat(client.changeSequences()).isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
      for (JsonNode change : client.changes()) assertThat(inJournal(s, change.get("sequence").asLong())).isTrue();
    }
  }

  @Test
  void eventsPersistedButNeverToldAreNumberedByTheProjectionBeforeAnyLaterChangeOfTheirProject() throws Exception {
    MutableClock clock = new MutableClock().setNow(Instant.parse("2026-03-10T04:00:00Z"));
    try (Postgres.FreshDatabase db = Postgres.create()) {
      try (TestService first = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, clock, Map.of())) {
        // The node dies right after each journal write, before telling the sequencer (simulated: the hand-off is
        // cut), and before the projection read anything (it is paused).
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
            ProjectionManagement.get(first.system()).pause(ALERTS).toCompletableFuture().get(5, TimeUnit.SECONDS) != null);
        AlertHandoff.get(first.system()).install((pid, seqNr, changes) -> {});
        for (int i = 0; i < 4; i++) ingest(first, sq01("CUT-" + i, "B-CUT"));
        assertThat(countOf(first, "SELECT COUNT(*) FROM alert_change")).isZero();
        assertThat(alertEvents(first)).isGreaterThanOrEqualTo(4);
      }
      try (TestService second = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, clock, Map.of());
          FeedClient client = FeedClient.connect(second, "?since=0")) {
        // While the projection is still behind, the same projects change again: the raises they resolve are not
        // numbered yet, so the fast path must leave these to the projection too (the gate), to keep their order.
        for (int i = 0; i < 4; i += 2) ingest(second, contract("CUT-" + i));
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
            .until(() -> countOf(second, "SELECT COUNT(*) FROM alert_change") == 0);
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
            ProjectionManagement.get(second.system()).resume(ALERTS).toCompletableFuture().get(5, TimeUnit.SECONDS) != null);
        long newest = newestAlertEvent(second);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> projectionOffset(second) >= newest);
        assertThat(numberedBy(second)).containsOnlyKeys("projection");

        // caught up: the fast path is open again, for old projects and new ones alike
        ingest(second, contract("CUT-1"));
        ingest(second, sq01("CUT-9", "B-CUT"));
        JsonNode raised = client.await(m -> m.get("kind").asText().equals("RAISED")
            && m.get("labels").get("project_id").asText().equals("CUT-9"));
        client.await(m -> m.get("kind").asText().equals("RESOLVED")
            && m.get("labels").get("project_id").asText().equals("CUT-1"));
        assertThat(numberedBy(second).get("sequencer")).isGreaterThanOrEqualTo(2L);
        long newestNow = newestAlertEvent(second);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> projectionOffset(second) >= newestNow);

        assertThat(countOf(second, "SELECT COUNT(*) FROM alert_source")).isEqualTo(alertEvents(second));
        long last = AlertProjection.lastSequence(second.db());
        assertThat(sequences(second)).isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
        assertKindsInOrderPerAlert(second);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> client.changeSequences().size() >= last);
        assertThat(client.changeSequences()).isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
        assertThat(raised.get("sequence").asLong()).isGreaterThan(0);
      }
    }
  }

  // ---- the read side, as it is in the database --------------------------------------------------------

  static List<Long> sequences(TestService s) throws Exception {
    List<Long> out = new ArrayList<>();
    try (Connection c = s.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT sequence FROM alert_change ORDER BY sequence");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(rs.getLong(1));
    }
    return out;
  }

  /** Every alert's changes, in sequence order, follow its life: one raise first, at most one ack, one resolution last. */
  static void assertKindsInOrderPerAlert(TestService s) throws Exception {
    Map<String, List<String>> kinds = new LinkedHashMap<>();
    try (Connection c = s.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT alert_id, kind FROM alert_change ORDER BY sequence");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) kinds.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
    }
    assertThat(kinds).isNotEmpty();
    kinds.forEach((alert, ks) -> assertThat(String.join(",", ks)).as(alert)
        .matches("(RAISED|PREWARNING)(,ACKNOWLEDGED)?(,RESOLVED)?"));
  }

  static Map<String, Long> numberedBy(TestService s) throws Exception {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = s.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT numbered_by, COUNT(*) FROM alert_source GROUP BY numbered_by");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
    }
    return out;
  }

  /** Journal events tagged for the alert numbering. */
  static long alertEvents(TestService s) throws Exception {
    return countOf(s, "SELECT COUNT(*) FROM event_tag WHERE tag = 'alerts'");
  }

  static long newestAlertEvent(TestService s) throws Exception {
    return countOf(s, "SELECT COALESCE(MAX(event_id), 0) FROM event_tag WHERE tag = 'alerts'");
  }

  static long projectionOffset(TestService s) throws Exception {
    try (Connection c = s.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT current_offset FROM pekko_projection_offset_store WHERE projection_name = 'alerts'");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Long.parseLong(rs.getString(1)) : -1;
    }
  }

  /** The change numbered {@code sequence} came from an event that is in the journal, tagged for the alert numbering. */
  static boolean inJournal(TestService s, long sequence) throws Exception {
    return countOf(s, "SELECT COUNT(*) FROM alert_source a JOIN event_journal j ON j.persistence_id = a.persistence_id"
        + " AND j.sequence_number = a.sequence_nr JOIN event_tag t ON t.event_id = j.ordering AND t.tag = 'alerts'"
        + " WHERE " + sequence + " BETWEEN a.first_sequence AND a.last_sequence") == 1;
  }

  static long countOf(TestService s, String sql) throws Exception {
    try (Connection c = s.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
