package io.procwatch.alert;

import static io.procwatch.alert.AlertFeedTest.contract;
import static io.procwatch.alert.AlertFeedTest.ingest;
import static io.procwatch.alert.AlertFeedTest.post;
import static io.procwatch.alert.AlertFeedTest.sequences;
import static io.procwatch.alert.AlertFeedTest.settled;
import static io.procwatch.alert.AlertFeedTest.sq01;
import static io.procwatch.alert.FeedClient.kind;
import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.testing.MutableClock;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A client resumes across a full restart of the service on the real PostgreSQL: nothing lost, nothing repeated. */
class AlertFeedRestartTest {

  @Test
  void aClientResumesAfterTheWholeServiceRestarted() throws Exception {
    MutableClock clock = new MutableClock().setNow(Instant.parse("2026-03-10T04:00:00Z"));
    try (Postgres.FreshDatabase db = Postgres.create()) {
      long last;
      String alertId;
      try (TestService first = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, clock, Map.of())) {
        try (FeedClient client = FeedClient.connect(first, "?buyer=B-PG")) {
          client.await(kind("SNAPSHOT_END"));
          ingest(first, sq01("PG-1", "B-PG"));
          alertId = client.await(kind("RAISED")).get("id").asText();
          last = client.changeSequences().get(client.changeSequences().size() - 1);
        }
        // changed while the client is away, before the restart
        assertThat(post(first, "/api/v1/alerts/" + alertId + "/ack", "{}").statusCode()).isEqualTo(200);
        settled(first, "buyer", "B-PG", 2);
      }
      try (TestService second = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, clock, Map.of())) {
        // and after it
        ingest(second, sq01("PG-2", "B-PG"));
        ingest(second, contract("PG-2"));
        List<Long> missed = settled(second, "buyer", "B-PG", 4).stream().filter(s -> s > last).toList();
        try (FeedClient back = FeedClient.connect(second, "?buyer=B-PG&since=" + last)) {
          Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> back.changeSequences().size() >= missed.size());
          assertThat(back.changeSequences()).isEqualTo(missed);
          assertThat(back.changes()).extracting(m -> m.get("kind").asText()).containsSubsequence("ACKNOWLEDGED", "RAISED", "RESOLVED");
          // then live on the new node
          ingest(second, contract("PG-1"));
          List<Long> all = settled(second, "buyer", "B-PG", 5).stream().filter(s -> s > last).toList();
          Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> back.changeSequences().equals(all));
          assertThat(sequences(second, "buyer", "B-PG", 0)).endsWith(all.toArray(Long[]::new));
        }
      }
    }
  }
}
