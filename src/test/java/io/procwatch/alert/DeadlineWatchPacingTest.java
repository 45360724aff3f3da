package io.procwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A backlog of due projects is woken a bounded number per poll, the most overdue first, none twice. */
class DeadlineWatchPacingTest {
  static final Instant T0 = Instant.parse("2026-03-02T16:00:00Z");

  /** Rows as the poll returns them: ordered by wake-up time. */
  static Map<String, Instant> due(int n) {
    Map<String, Instant> rows = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) rows.put("P-" + i, T0.plusSeconds(i));
    return rows;
  }

  static List<String> ids(List<Map.Entry<String, Instant>> arm) {
    return arm.stream().map(Map.Entry::getKey).toList();
  }

  @Test
  void aBacklogIsWokenInSlicesOfAtMostTheCapEarliestFirst() {
    Map<String, Instant> rows = due(450);
    Map<String, Instant> armed = new HashMap<>();
    List<Map.Entry<String, Instant>> first = DeadlineWatch.toArm(rows, armed, 200);
    assertThat(first).hasSize(200);
    assertThat(ids(first)).startsWith("P-0", "P-1").endsWith("P-199");
    first.forEach(e -> armed.put(e.getKey(), e.getValue()));

    // the next poll returns the same rows (the woken projects have not rewritten their wake-up yet)
    List<Map.Entry<String, Instant>> second = DeadlineWatch.toArm(rows, armed, 200);
    assertThat(ids(second)).startsWith("P-200").endsWith("P-399").doesNotContainAnyElementsOf(ids(first));
    second.forEach(e -> armed.put(e.getKey(), e.getValue()));

    List<Map.Entry<String, Instant>> third = DeadlineWatch.toArm(rows, armed, 200);
    assertThat(ids(third)).hasSize(50).startsWith("P-400").endsWith("P-449");
    third.forEach(e -> armed.put(e.getKey(), e.getValue()));
    assertThat(DeadlineWatch.toArm(rows, armed, 200)).isEmpty();
  }

  @Test
  void aProjectWithANewWakeUpTimeIsArmedAgain() {
    Map<String, Instant> rows = due(3);
    Map<String, Instant> armed = new HashMap<>();
    DeadlineWatch.toArm(rows, armed, 10).forEach(e -> armed.put(e.getKey(), e.getValue()));
    rows.put("P-1", T0.plusSeconds(3600)); // its next deadline
    assertThat(DeadlineWatch.toArm(rows, armed, 10)).containsExactly(Map.entry("P-1", T0.plusSeconds(3600)));
  }

  @Test
  void aBacklogIsArmedFromOneReadUntilItIsArmedOrTenPollsHavePassed() {
    Map<String, Instant> read = due(450);
    Map<String, Instant> armed = new HashMap<>();
    assertThat(DeadlineWatch.reread(Map.of(), armed, 0)).as("nothing read yet").isTrue();
    int polls = 0;
    DeadlineWatch.toArm(read, armed, 200).forEach(e -> armed.put(e.getKey(), e.getValue())); // the read's own poll
    assertThat(DeadlineWatch.reread(read, armed, polls)).as("250 rows of the read still to arm").isFalse();
    polls++;
    DeadlineWatch.toArm(read, armed, 200).forEach(e -> armed.put(e.getKey(), e.getValue()));
    assertThat(DeadlineWatch.reread(read, armed, polls)).as("50 still to arm").isFalse();
    polls++;
    DeadlineWatch.toArm(read, armed, 200).forEach(e -> armed.put(e.getKey(), e.getValue()));
    assertThat(DeadlineWatch.reread(read, armed, polls)).as("all armed: read again for what came due since").isTrue();

    // a backlog larger than ten polls' wake-ups: the table is read again after ten polls all the same
    Map<String, Instant> big = due(5_000);
    Map<String, Instant> none = new HashMap<>();
    for (int p = 0; p < DeadlineWatch.REREAD_AFTER_POLLS - 1; p++) {
      DeadlineWatch.toArm(big, none, 200).forEach(e -> none.put(e.getKey(), e.getValue()));
      assertThat(DeadlineWatch.reread(big, none, p)).as("poll %d after the read", p).isFalse();
    }
    assertThat(DeadlineWatch.reread(big, none, DeadlineWatch.REREAD_AFTER_POLLS - 1)).isTrue();
  }

  @Test
  void belowTheCapEverythingDueIsArmedAtOnce() {
    assertThat(DeadlineWatch.toArm(due(5), new HashMap<>(), 200)).hasSize(5);
  }
}
