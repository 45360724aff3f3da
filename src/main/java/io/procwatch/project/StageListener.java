package io.procwatch.project;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Told, after a project's facts are stored, of each stage the project left and how long it stood there in
 * business time (from the {@code occurredAt} of the fact that entered the stage to that of the fact that left it).
 * Business time, not arrival time: a backfill of last year's facts shows last year's durations.
 */
@FunctionalInterface
public interface StageListener {
  StageListener NONE = (stage, inStage) -> {};

  void left(Stage stage, Duration inStage);

  /** One stage left by a project. */
  record Left(Stage stage, Duration inStage) {}

  /**
   * The stages left by {@code accepted}, given the project's history before them. A fact that keeps the
   * stage (a second bid, a partial payment) leaves nothing; a negative span (a fact that says it happened
   * before the step it follows, which SQ01 flags) counts as zero.
   */
  static List<Left> stagesLeft(List<RecordedFact> before, List<RecordedFact> accepted) {
    // most commands (bids, payments) keep the stage: then nothing was left, and the history need not be read
    Stage current = before.isEmpty() ? null : before.get(before.size() - 1).stageAfter();
    boolean moves = false;
    for (RecordedFact r : accepted) moves |= r.stageAfter() != current;
    if (!moves) return List.of();
    List<Left> left = new ArrayList<>();
    Stage stage = null;
    java.time.Instant enteredAt = null;
    for (RecordedFact r : before) {
      if (r.stageAfter() != stage) {
        stage = r.stageAfter();
        enteredAt = r.fact().occurredAt();
      }
    }
    for (RecordedFact r : accepted) {
      if (r.stageAfter() == stage) continue;
      java.time.Instant at = r.fact().occurredAt();
      if (stage != null && enteredAt != null && at != null) {
        Duration d = Duration.between(enteredAt, at);
        left.add(new Left(stage, d.isNegative() ? Duration.ZERO : d));
      }
      stage = r.stageAfter();
      enteredAt = at;
    }
    return left;
  }
}
