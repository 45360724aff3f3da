package io.procwatch.project;

import io.procwatch.infra.CborSerializable;
import io.procwatch.rules.Finding;
import java.time.Instant;
import java.util.List;

/**
 * A fact as procwatch accepted it: when it was recorded (wall clock), the fingerprint of its content
 * (for idempotent retries) and what the rules found about it when it was judged.
 */
public record RecordedFact(Fact fact, Instant recordedAt, String fingerprint, Stage stageAfter, List<Finding> findings)
    implements CborSerializable {

  public boolean flagged() {
    return !findings.isEmpty();
  }
}
