package io.procwatch.rules;

import java.time.Instant;
import java.util.Map;

/**
 * Something a rule finds true of a project right now. Its identity — rule, subject, and whether it is a
 * pre-warning — becomes the alert identity of domain.md §5 (with the project); the message, amounts and
 * times are annotations that never change identity.
 *
 * @param subject what the condition is about (a supplier, a contract id, a step, a challenge id), or "" for
 *     the project as a whole
 * @param occurredAt business time of the breach
 * @param dueAt for deadlines, when the limit passed (or will pass, for a pre-warning); else null
 * @param supplier the supplier concerned, if any (shown and filterable on the alert)
 */
public record Condition(
    String rule,
    Severity severity,
    String subject,
    boolean prewarning,
    Instant occurredAt,
    Instant dueAt,
    String supplier,
    String message,
    Map<String, String> details) {

  public Condition {
    subject = subject == null ? "" : subject;
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  /** The identity key within one project. */
  public String key() {
    return rule + "|" + subject + (prewarning ? "|prewarning" : "");
  }
}
