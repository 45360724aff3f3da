package io.procwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procwatch.alert.Alert;
import io.procwatch.alert.AlertStatus;
import io.procwatch.alert.WebhookAlert;
import io.procwatch.infra.Json;
import io.procwatch.rules.Severity;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which POST raised an alert of the simulator's load: the one open (sent, not yet answered) at its raisedAt. */
class AttributionTest {

  @Test
  void anAlertBelongsToThePostOfItsProjectThatWasOpenWhenItWasRaised() {
    Attribution a = new Attribution(0);
    Attribution.Sent first = a.sent("P", "ContractSigned", 1_000);
    a.answered(first, 1_900, 77, true);
    Attribution.Sent second = a.sent("P", "ContractPublished", 5_000);
    a.answered(second, 5_400, 88, true);
    Attribution.Sent other = a.sent("Q", "Delivered", 1_200);
    a.answered(other, 1_300, 99, true);

    assertThat(a.attribute("P", 1_000)).isSameAs(first);
    assertThat(a.attribute("P", 1_500)).isSameAs(first);
    assertThat(a.attribute("P", 1_900)).isSameAs(first);
    assertThat(a.attribute("P", 5_200)).isSameAs(second);
    assertThat(a.attribute("P", 5_200).answeredNanos()).isEqualTo(88);
    // between two POSTs of P, nothing of P was open: the deadline watch or a timer raised it, no 202 did
    assertThat(a.attribute("P", 3_000)).isNull();
    assertThat(a.attribute("P", 999)).isNull();
    assertThat(a.attribute("P", 5_401)).isNull();
    // another project's open POST does not count
    assertThat(a.attribute("Q", 1_500)).isNull();
    assertThat(a.attribute("R", 1_500)).isNull();
  }

  @Test
  void aPostNotYetAnsweredIsStillOpen() {
    Attribution a = new Attribution(0);
    Attribution.Sent s = a.sent("P", "ContractSigned", 1_000);
    assertThat(a.attribute("P", 10_000_000)).isSameAs(s);
    assertThat(s.answered()).isFalse();
  }

  @Test
  void slackCoversAServiceClockCoarserThanTheDriversAndAnExactMatchWins() {
    Attribution exact = new Attribution(0);
    Attribution.Sent s = exact.sent("P", "ContractSigned", 1_000_300);
    exact.answered(s, 1_002_000, 1, true);
    assertThat(exact.attribute("P", 1_000_000)).isNull();

    Attribution slack = new Attribution(1_000);
    Attribution.Sent first = slack.sent("P", "ContractSigned", 1_000_300);
    slack.answered(first, 1_000_600, 1, true);
    Attribution.Sent second = slack.sent("P", "ContractPublished", 1_000_800);
    slack.answered(second, 1_002_000, 2, true);
    assertThat(slack.attribute("P", 1_000_000)).as("300 µs before the send, within the slack").isSameAs(first);
    assertThat(slack.attribute("P", 1_000_500)).as("inside the first; also within the second's slack").isSameAs(first);
    assertThat(slack.attribute("P", 1_000_700)).as("only the second, with slack").isSameAs(second);
  }

  @Test
  void theFeedMessageCarriesWhatAttributionNeeds() throws Exception {
    // a RAISED message as the feed writes it (AlertFeed: kind, sequence, id, then the webhook fields)
    Instant raisedAt = Instant.parse("2026-11-30T08:25:58.123456Z");
    Alert alert = new Alert("CQZZ-2025-41EA-00033~2", "f1", "DL02", "合同公告超期", "contract published late", Severity.WARNING,
        false, AlertStatus.FIRING, "CQZZ-2025-41EA-00033", "CQ-000", "SUP-00038", "HT-1", "not published", "R50",
        Instant.parse("2025-01-14T16:00:00Z"), Instant.parse("2025-01-14T16:00:00Z"), raisedAt, null, null, null, null,
        null, null, Map.of("id", "not-this-one", "kind", "not-this-either"));
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("kind", "RAISED");
    out.put("sequence", 42);
    out.put("id", alert.id());
    WebhookAlert.render(alert, out);
    String msg = Json.mapper().writeValueAsString(out);

    assertThat(AlertLatencyBench.sequence(msg)).as("what the catch-up wait compares").isEqualTo(42);
    assertThat(AlertLatencyBench.sequence("{\"kind\":\"PING\"}")).isEqualTo(-1);
    AlertLatencyBench.Alerts alerts = new AlertLatencyBench.Alerts();
    int i = alerts.register(msg, AlertLatencyBench.field(msg, "kind"));
    AlertLatencyBench.Seen seen = alerts.snapshot().get(i);
    assertThat(seen.id()).isEqualTo("CQZZ-2025-41EA-00033~2");
    assertThat(seen.kind()).isEqualTo("RAISED");
    assertThat(seen.rule()).isEqualTo("DL02");
    assertThat(seen.projectId()).isEqualTo("CQZZ-2025-41EA-00033");
    assertThat(seen.source()).isEqualTo(AlertLatencyBench.Source.SIM);
    assertThat(seen.raisedMicros()).as("microseconds survive the feed").isEqualTo(Attribution.micros(raisedAt));
    assertThat(alerts.register(msg, "RAISED")).as("a second client's sight of it").isEqualTo(i);

    Attribution a = new Attribution(0);
    Attribution.Sent post = a.sent("CQZZ-2025-41EA-00033", "ContractSigned", Attribution.micros(raisedAt) - 1);
    a.answered(post, Attribution.micros(raisedAt) + 400, 5, true);
    assertThat(a.attribute(seen.projectId(), seen.raisedMicros())).isSameAs(post);
  }

  @Test
  void sourcesAreToldByProjectId() {
    assertThat(AlertLatencyBench.Source.of("alrt-00001")).isEqualTo(AlertLatencyBench.Source.PROBE);
    assertThat(AlertLatencyBench.Source.of("prom-00001")).isEqualTo(AlertLatencyBench.Source.PROM);
    assertThat(AlertLatencyBench.Source.of("CQZC-2025-41EA-0001")).isEqualTo(AlertLatencyBench.Source.SIM);
    assertThat(AlertLatencyBench.Source.of(null)).isEqualTo(AlertLatencyBench.Source.CROSS_PROJECT);
  }

  @Test
  void onTheDataClockAnAlertBelongsToThePostWhoseBusinessTimeItWasRaisedAt() {
    Attribution a = new Attribution(0);
    long monday = Attribution.micros(Instant.parse("2025-03-03T01:00:00Z"));
    long tuesday = Attribution.micros(Instant.parse("2025-03-04T01:00:00Z"));
    Attribution.Sent registered = a.sent("P", "ProjectRegistered", 1_000, monday);
    a.answered(registered, 1_900, 77, true);
    Attribution.Sent approved = a.sent("P", "RequirementApproved", 5_000, tuesday);
    a.answered(approved, 5_400, 88, true);
    a.sent("Q", "ProjectRegistered", 1_200, tuesday + 5);

    // raised_at is business time, whatever the wall clock said when the POST was open
    assertThat(a.attributeByBusinessTime("P", tuesday)).isSameAs(approved);
    assertThat(a.attributeByBusinessTime("P", monday)).isSameAs(registered);
    // judged at a later data time (another project's event was ahead), or raised by the deadline watch: not P's POST
    assertThat(a.attributeByBusinessTime("P", tuesday + 5)).isNull();
    assertThat(a.attributeByBusinessTime("Q", tuesday)).isNull();
    assertThat(a.attributeByBusinessTime("R", tuesday)).isNull();
    // the wall-clock attribution does not apply to business instants
    assertThat(a.attribute("P", tuesday)).isNull();
  }
}
