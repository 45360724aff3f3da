package io.procwatch.alert;

import static io.procwatch.alert.AlertFeedTest.ingest;
import static io.procwatch.alert.AlertFeedTest.settled;
import static io.procwatch.alert.AlertFeedTest.sq01;
import static io.procwatch.alert.FeedClient.kind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.testing.MutableClock;
import io.procwatch.testing.TestService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading is dropped once it holds more than its buffer's worth of changes when the next
 * ones are published, with a CLOSE message telling it
 * where to resume, while a client that reads keeps receiving everything and ingestion never waits.
 * Small socket buffers on both ends make the stuck connection push back after a few dozen messages
 * instead of megabytes (Linux grows loopback buffers otherwise).
 */
class AlertFeedBackpressureTest {
  static final int BUFFER = 64;
  static final int PROJECTS = 300;

  @Test
  void aSlowClientIsDroppedWithWhereToResumeWhileAFastOneKeepsReceiving() throws Exception {
    try (TestService service = TestService.start("jdbc:h2:mem:feed-bp-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        "sa", "", new MutableClock().setNow(Instant.parse("2026-03-10T04:00:00Z")),
        Map.of("procwatch.feed.buffer-size", BUFFER,
            "procwatch.feed.keep-alive", "30s",
            "pekko.http.server.socket-options.so-send-buffer-size", "8k"))) {
      FeedCounters counters = FeedCounters.get(service.system());
      try (FeedClient fast = FeedClient.connect(service, "?buyer=B-SLOW");
          RawFeedClient slow = new RawFeedClient(service.port(), "/api/v1/alerts/stream?buyer=B-SLOW")) {
        fast.await(kind("SNAPSHOT_END"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> counters.connectedClients() == 2);

        // several requests, so that there are several publications (each a group commit of the alert sequencer):
        // a client is judged lagging when a publication finds it still holding more than BUFFER changes
        for (int from = 0; from < PROJECTS; from += PROJECTS / 6) {
          StringBuilder batch = new StringBuilder();
          for (int i = from; i < from + PROJECTS / 6; i++) batch.append(i == from ? "" : "\n").append(sq01("SL-" + i, "B-SLOW"));
          ingest(service, batch.toString());
        }
        List<Long> all = settled(service, "buyer", "B-SLOW", PROJECTS);

        // the fast client got every change, in order, while the slow one was not reading at all
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> fast.changeSequences().size() >= all.size());
        assertThat(fast.changeSequences()).isEqualTo(all);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> counters.clientsDroppedForLag() == 1);
        // its queue is gone; the connection stays open only until the CLOSE message it does not read gets out

        // once it reads: what its connection already held, then CLOSE naming the last sequence it got
        List<RawFeedClient.Frame> frames = slow.readAll();
        List<JsonNode> texts = RawFeedClient.texts(frames);
        JsonNode close = texts.get(texts.size() - 1);
        assertThat(close.get("kind").asText()).isEqualTo("CLOSE");
        assertThat(frames.get(frames.size() - 1).opcode()).as("a close frame ends it").isEqualTo(8);
        List<Long> got = texts.stream().filter(m -> m.get("kind").asText().matches("RAISED|PREWARNING|ACKNOWLEDGED|RESOLVED"))
            .map(m -> m.get("sequence").asLong()).toList();
        assertThat(got).isNotEmpty().isEqualTo(all.subList(0, got.size()));
        assertThat(got.size()).isLessThan(all.size());
        long resumeAt = got.get(got.size() - 1);
        assertThat(close.get("since").asLong()).isEqualTo(resumeAt);
        assertThat(close.get("reason").asText()).contains("too slow", "since=" + resumeAt);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> counters.connectedClients() == 1);

        // resuming from there yields exactly the rest
        try (FeedClient back = FeedClient.connect(service, "?buyer=B-SLOW&since=" + resumeAt)) {
          List<Long> rest = new ArrayList<>(all.subList(got.size(), all.size()));
          Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> back.changeSequences().size() >= rest.size());
          assertThat(back.changeSequences()).isEqualTo(rest);
        }
        assertThat(counters.messagesSent()).isGreaterThanOrEqualTo(2L * all.size());
      }
    }
  }
}
