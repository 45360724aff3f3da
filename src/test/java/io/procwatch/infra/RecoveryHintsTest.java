package io.procwatch.infra;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A highest sequence number read with a snapshot is handed to the journal only if no write of that id began or ended
 * since the read began, only once, and only while fresh; in every other order the journal asks the database.
 */
class RecoveryHintsTest {
  private final RecoveryHints hints = new RecoveryHints();

  @Test
  void aReadWithNoWriteAroundItIsHandedOverOnce() {
    Object token = hints.begin("Project|A");
    hints.known("Project|A", token, 7);
    assertThat(hints.take("Project|A")).isEqualTo(7);
    assertThat(hints.take("Project|A")).as("consumed").isEqualTo(-1);
    assertThat(hints.take("Project|B")).as("never read").isEqualTo(-1);
    assertThat(hints.size()).isZero();
  }

  @Test
  void aNewProjectsEmptyJournalIsHandedOverAsZero() {
    Object token = hints.begin("Project|NEW");
    hints.known("Project|NEW", token, 0);
    assertThat(hints.take("Project|NEW")).isZero();
  }

  @Test
  void aWriteThatBeginsOrEndsWhileTheReadRunsSendsTheJournalToTheDatabase() {
    // the write's start (or end) falls between the read's start and its answer
    Object token = hints.begin("Project|A");
    hints.forget("Project|A");
    hints.known("Project|A", token, 7);
    assertThat(hints.take("Project|A")).isEqualTo(-1);
  }

  @Test
  void aWriteThatEndsAfterTheAnswerSendsTheJournalToTheDatabase() {
    // a write in flight when the read began, finished after it answered: the journal waits for it, then asks
    Object token = hints.begin("Project|A");
    hints.known("Project|A", token, 7);
    hints.forget("Project|A");
    assertThat(hints.take("Project|A")).isEqualTo(-1);
  }

  @Test
  void anOlderReadDoesNotOverwriteANewerOne() {
    Object first = hints.begin("Project|A");
    Object second = hints.begin("Project|A");
    hints.known("Project|A", first, 3);
    assertThat(hints.take("Project|A")).as("the first read's token was replaced").isEqualTo(-1);
    hints.known("Project|A", second, 5);
    assertThat(hints.take("Project|A")).isEqualTo(5);
  }

  @Test
  void aHintLeftBehindIsNotUsedOnceStale() {
    RecoveryHints quick = new RecoveryHints(0);
    Object token = quick.begin("Project|A");
    quick.known("Project|A", token, 7);
    assertThat(quick.take("Project|A")).isEqualTo(-1);
  }
}
