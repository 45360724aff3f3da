package io.procwatch.alert;

import io.procwatch.infra.CborSerializable;
import io.procwatch.rules.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * One alert of a project, with the fields of domain.md §5. Immutable: each transition yields a new
 * value, and every transition is persisted as an {@link AlertChange} of the owning project.
 *
 * @param id stable and unique: {@code <projectId>~<n>}, so any alert can be routed to its project
 * @param fingerprint hash of the identity (rule, project, subject, pre-warning or not); a re-fire after a
 *     resolve is a new alert with the same fingerprint
 * @param occurredAt business time of the breach
 * @param lateness for a deadline closed late: how late, in words ("late by 5 days")
 */
public record Alert(
    String id,
    String fingerprint,
    String rule,
    String nameZh,
    String nameEn,
    Severity severity,
    boolean prewarning,
    AlertStatus status,
    String projectId,
    String buyer,
    String supplier,
    String subject,
    String message,
    String basis,
    Instant occurredAt,
    Instant dueAt,
    Instant raisedAt,
    Acknowledgement acknowledgement,
    Instant resolvedAt,
    Resolution resolution,
    String resolutionNote,
    Long latenessSeconds,
    String lateness,
    Map<String, String> details)
    implements CborSerializable {

  public record Acknowledgement(String by, String note, Instant at) implements CborSerializable {}

  public boolean open() {
    return status != AlertStatus.RESOLVED;
  }

  public String key() {
    return rule + "|" + subject + (prewarning ? "|prewarning" : "");
  }

  Alert acknowledged(Acknowledgement ack) {
    return new Alert(id, fingerprint, rule, nameZh, nameEn, severity, prewarning, AlertStatus.ACKNOWLEDGED, projectId,
        buyer, supplier, subject, message, basis, occurredAt, dueAt, raisedAt, ack, resolvedAt, resolution,
        resolutionNote, latenessSeconds, lateness, details);
  }

  Alert resolved(Instant at, Resolution why, String note, Long lateSeconds, String lateWords) {
    return new Alert(id, fingerprint, rule, nameZh, nameEn, severity, prewarning, AlertStatus.RESOLVED, projectId,
        buyer, supplier, subject, message, basis, occurredAt, dueAt, raisedAt, acknowledgement, at, why, note,
        lateSeconds, lateWords, details);
  }
}
