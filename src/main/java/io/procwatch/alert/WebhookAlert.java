package io.procwatch.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procwatch.infra.Json;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * An alert in the field names of the Alertmanager webhook (v4) alert object — {@code status},
 * {@code labels}, {@code annotations}, {@code startsAt}, {@code endsAt}, {@code generatorURL},
 * {@code fingerprint} — so that receivers written for Alertmanager read procwatch's feed unchanged.
 *
 * <p>Labels are the identity and the routing keys (domain.md §5: amounts and text never change identity):
 * {@code alertname} (the rule id), {@code severity} (lower case, as Prometheus rules write it),
 * {@code buyer}, {@code project_id}, {@code rule_subject}, and {@code supplier} / {@code prewarning} when
 * present. Everything else is an annotation. A firing alert's {@code endsAt} is Alertmanager's zero time.
 */
public final class WebhookAlert {
  /** What Alertmanager writes for "not ended". */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";
  private static final ObjectMapper JSON = Json.mapper();

  private WebhookAlert() {}

  public static ObjectNode of(Alert a) {
    ObjectNode out = JSON.createObjectNode();
    render(a, out);
    return out;
  }

  /** Adds the webhook fields of {@code a} to {@code out}. */
  public static void render(Alert a, ObjectNode out) {
    out.put("status", a.open() ? "firing" : "resolved");
    ObjectNode labels = out.putObject("labels");
    labels.put("alertname", a.rule());
    labels.put("severity", a.severity().name().toLowerCase(Locale.ROOT));
    put(labels, "buyer", a.buyer());
    put(labels, "project_id", a.projectId());
    put(labels, "rule_subject", a.subject());
    put(labels, "supplier", a.supplier());
    if (a.prewarning()) labels.put("prewarning", "true");

    ObjectNode ann = out.putObject("annotations");
    put(ann, "name_zh", a.nameZh());
    put(ann, "name_en", a.nameEn());
    put(ann, "summary", a.nameEn() + " (" + a.rule() + ")" + (a.subject() == null ? "" : ": " + a.subject()));
    put(ann, "message", a.message());
    put(ann, "basis", a.basis());
    put(ann, "state", a.status().name());
    put(ann, "occurred_at", a.occurredAt());
    put(ann, "due_at", a.dueAt());
    put(ann, "raised_at", a.raisedAt());
    put(ann, "lateness", a.lateness());
    if (a.acknowledgement() != null) {
      put(ann, "acknowledged_by", a.acknowledgement().by());
      put(ann, "acknowledgement_note", a.acknowledgement().note());
      put(ann, "acknowledged_at", a.acknowledgement().at());
    }
    if (a.resolution() != null) put(ann, "resolution", a.resolution().name());
    put(ann, "resolution_note", a.resolutionNote());
    if (a.details() != null) {
      for (Map.Entry<String, String> d : a.details().entrySet()) {
        if (!ann.has(d.getKey())) put(ann, d.getKey(), d.getValue());
      }
    }

    // startsAt: when the breach began in business time; raisedAt when the rule gave none.
    out.put("startsAt", (a.occurredAt() != null ? a.occurredAt() : a.raisedAt()).toString());
    out.put("endsAt", a.resolvedAt() == null ? ZERO_TIME : a.resolvedAt().toString());
    out.put("generatorURL", "/api/v1/alerts/" + a.id());
    out.put("fingerprint", a.fingerprint());
  }

  private static void put(ObjectNode n, String key, Object value) {
    if (value == null) return;
    if (value instanceof Instant i) n.put(key, i.toString());
    else n.put(key, value.toString());
  }
}
