package io.procwatch.alert;

import static io.procwatch.alert.AlertFeedTest.ingest;
import static io.procwatch.alert.AlertFeedTest.settled;
import static io.procwatch.alert.AlertFeedTest.sq01;
import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.testing.MutableClock;
import io.procwatch.testing.TestService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.Test;

/**
 * The publisher both numbering paths publish through: strictly in sequence order whatever order commits
 * report in, and a number that is committed but never reported is read back from the database.
 */
class AlertPublisherTest {

  @Test
  void publishesInSequenceOrderAndReadsBackAGapThatIsNeverReported() throws Exception {
    try (TestService s = TestService.start("jdbc:h2:mem:pub-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "",
        new MutableClock().setNow(Instant.parse("2026-03-10T04:00:00Z")), Map.of())) {
      for (int i = 0; i < 3; i++) ingest(s, sq01("PUB-" + i, "B-PUB"));
      List<Long> numbered = settled(s, "buyer", "B-PUB", 3);
      long first = numbered.get(0);
      long last = numbered.get(numbered.size() - 1);
      assertThat(last - first).isGreaterThanOrEqualTo(2);

      TestProbe<AlertProjection.AlertsNumbered> probe = TestProbe.create(s.system());
      s.system().eventStream().tell(new EventStream.Subscribe<>(AlertProjection.AlertsNumbered.class, probe.ref()));
      probe.expectNoMessage(Duration.ofMillis(300)); // subscribed, and the service is quiet
      // the gap is measured on the test's ticker: moved on by hand, not waited for
      java.util.concurrent.atomic.AtomicLong ticker = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
      AlertSequencer.Publisher publisher = new AlertSequencer.Publisher(s.system(), s.db(), first, ticker::get);
      List<AlertProjection.Numbered> all = publisher.load(first, last);
      assertThat(all).extracting(AlertProjection.Numbered::sequence).containsExactlyElementsOf(numbered);

      // the last one is reported first: held back until the others come
      publisher.accept(List.of(all.get(all.size() - 1)));
      probe.expectNoMessage(Duration.ofMillis(300));
      // the first one comes: it goes out at once; the middle ones never come
      publisher.accept(List.of(all.get(0)));
      assertThat(probe.receiveMessage().changes()).extracting(AlertProjection.Numbered::sequence).containsExactly(first);
      publisher.checkGap(); // too early: still waiting for the other path
      probe.expectNoMessage(Duration.ofMillis(300));
      ticker.addAndGet(AlertSequencer.Publisher.GAP_LIMIT.toNanos() - 1);
      publisher.checkGap(); // a nanosecond short of the limit: still waiting
      probe.expectNoMessage(Duration.ofMillis(300));
      ticker.addAndGet(1);
      publisher.checkGap();
      List<Long> rest = new ArrayList<>();
      for (AlertProjection.Numbered n : probe.receiveMessage().changes()) {
        rest.add(n.sequence());
        assertThat(n.alert().projectId()).startsWith("PUB-");
        assertThat(n.kind()).isIn("RAISED", "PREWARNING");
      }
      assertThat(rest).containsExactlyElementsOf(numbered.subList(1, numbered.size()));
      // a duplicate report of a published number changes nothing
      publisher.accept(List.of(all.get(1)));
      probe.expectNoMessage(Duration.ofMillis(300));
    }
  }
}
