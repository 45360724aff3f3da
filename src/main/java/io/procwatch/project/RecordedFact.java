package io.procwatch.project;

import io.procwatch.infra.CborSerializable;
import io.procwatch.rules.Finding;
import java.time.Instant;
import java.util.List;

/**
 * A fact as procwatch accepted it: when it was recorded (wall clock) and what the rules found about it when it was
 * judged.
 *
 * @param fingerprint the content fingerprint ({@link Fingerprint#of}) that versions before 2026-11-30 stored with
 *     every fact, for idempotent retries; null for facts recorded since, whose retries are compared with the stored
 *     fact itself ({@link Fingerprint#sameFact}: the same canonical content, so the same answer). Stored journals and
 *     snapshots keep theirs, and a retry of such a fact is still compared by fingerprint.
 */
public record RecordedFact(Fact fact, Instant recordedAt, String fingerprint, Stage stageAfter, List<Finding> findings)
    implements CborSerializable {

  public boolean flagged() {
    return !findings.isEmpty();
  }
}
