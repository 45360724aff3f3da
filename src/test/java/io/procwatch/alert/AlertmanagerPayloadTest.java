package io.procwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procwatch.rules.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The v2 postable alert as a pure function of the alert and the wall clock. */
class AlertmanagerPayloadTest {
  static final Instant NOW = Instant.parse("2026-03-10T04:00:00Z");
  static final Duration LEASE = Duration.ofMinutes(4);

  static Alert firing(Instant occurredAt) {
    return new Alert("P-1~1", "0123456789abcdef", "SQ01", "程序倒置", "Steps out of order", Severity.CRITICAL, false,
        AlertStatus.FIRING, "P-1", "B-1", null, "Delivered", "delivered before any contract", "L46", occurredAt, null,
        occurredAt, null, null, null, null, null, null, Map.of("amount-yuan", "2900", "ok_key", "v"));
  }

  @Test
  void aFiringAlertCarriesItsLabelsAnnotationsAndALeaseOfFourResends() {
    ObjectNode p = AlertmanagerPush.payload(firing(NOW.minusSeconds(3600)), NOW, LEASE, "http://pw:8080");
    assertThat(p.get("labels").get("alertname").asText()).isEqualTo("SQ01");
    assertThat(p.get("labels").get("severity").asText()).isEqualTo("critical");
    assertThat(p.get("labels").get("buyer").asText()).isEqualTo("B-1");
    assertThat(p.get("labels").get("project_id").asText()).isEqualTo("P-1");
    assertThat(p.get("labels").get("rule_subject").asText()).isEqualTo("Delivered");
    assertThat(p.get("annotations").get("name_zh").asText()).isEqualTo("程序倒置");
    assertThat(p.get("annotations").get("basis").asText()).isEqualTo("L46");
    assertThat(p.get("annotations").get("summary").asText()).contains("SQ01");
    // free-form detail keys become valid annotation names, or Alertmanager would refuse the whole alert
    assertThat(p.get("annotations").get("amount_yuan").asText()).isEqualTo("2900");
    assertThat(p.get("annotations").has("amount-yuan")).isFalse();
    assertThat(p.get("startsAt").asText()).isEqualTo(NOW.minusSeconds(3600).toString());
    assertThat(p.get("endsAt").asText()).isEqualTo(NOW.plus(LEASE).toString());
    assertThat(p.get("generatorURL").asText()).isEqualTo("http://pw:8080/api/v1/alerts/P-1~1");
    assertThat(p.has("status")).as("not a field of the v2 postable alert").isFalse();
    assertThat(p.has("fingerprint")).isFalse();
  }

  @Test
  void aResolvedAlertEndsWhenItWasResolvedButNeverInTheFuture() {
    Alert a = firing(NOW.minusSeconds(3600)).resolved(NOW.minusSeconds(60), Resolution.CLEARED, null, null, null);
    ObjectNode p = AlertmanagerPush.payload(a, NOW, LEASE, "");
    assertThat(p.get("endsAt").asText()).isEqualTo(NOW.minusSeconds(60).toString());
    Alert ahead = firing(NOW.minusSeconds(3600)).resolved(NOW.plusSeconds(600), Resolution.CLEARED, null, null, null);
    assertThat(AlertmanagerPush.payload(ahead, NOW, LEASE, "").get("endsAt").asText()).isEqualTo(NOW.toString());
  }

  @Test
  void businessTimeAheadOfTheWallClockNeverStartsAfterItEnds() {
    ObjectNode p = AlertmanagerPush.payload(firing(NOW.plusSeconds(1800)), NOW, LEASE, "");
    assertThat(p.get("startsAt").asText()).isEqualTo(NOW.toString());
    Alert resolved = firing(NOW.plusSeconds(1800)).resolved(NOW.plusSeconds(1900), Resolution.CLEARED, null, null, null);
    ObjectNode r = AlertmanagerPush.payload(resolved, NOW, LEASE, "");
    assertThat(Instant.parse(r.get("startsAt").asText())).isBeforeOrEqualTo(Instant.parse(r.get("endsAt").asText()));
  }

  @Test
  void labelNamesAreMadeValid() {
    assertThat(AlertmanagerPush.labelName("name_zh")).isEqualTo("name_zh");
    assertThat(AlertmanagerPush.labelName("a.b-c")).isEqualTo("a_b_c");
    assertThat(AlertmanagerPush.labelName("1st")).isEqualTo("_1st");
    assertThat(AlertmanagerPush.labelName("")).isEqualTo("_");
  }
}
