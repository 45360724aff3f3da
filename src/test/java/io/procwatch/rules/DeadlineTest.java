package io.procwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.alert.AlertBook;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lateness of a deadline, counted in days as the period is (domain.md §1 and §5, "late by N days"). */
class DeadlineTest {

  private static Instant cst(String local) {
    return OffsetDateTime.parse(local + "+08:00").toInstant();
  }

  private static Deadline due(String dueLocal, String closedLocal) {
    return new Deadline("DL01", "", Severity.CRITICAL, cst("2026-03-02T10:00:00"), cst(dueLocal), null,
        closedLocal == null ? null : cst(closedLocal), null, "m", Map.of());
  }

  @ParameterizedTest(name = "due {0}, closed {1}: {2}")
  @CsvSource({
      // An award of 03-02 plus 30 CD: the last day is 04-01, due at its 24:00.
      "2026-04-02T00:00:00, 2026-04-01T23:59:59, in time",
      "2026-04-02T00:00:00, 2026-04-02T00:00:00, in time",
      "2026-04-02T00:00:00, 2026-04-02T00:30:00, late by 1 day",
      "2026-04-02T00:00:00, 2026-04-06T10:00:00, late by 5 days",
      "2026-04-02T00:00:00, 2026-04-06T23:59:00, late by 5 days",
      // A due instant that is not a midnight (not produced by the calendar today): hours on the last day itself.
      "2026-03-10T09:30:00, 2026-03-10T13:00:00, late by 3 hours",
      "2026-03-10T09:30:00, 2026-03-11T08:00:00, late by 1 day",
  })
  void lateness_counts_days_after_the_last_day_in_china_time(String due, String closed, String words) {
    Deadline d = due(due, closed);
    assertThat(AlertBook.lateWords(d.lateness())).isEqualTo(words);
    assertThat(d.breached(cst(closed))).isEqualTo(!words.equals("in time"));
  }

  @ParameterizedTest(name = "open at {0}: {1}")
  @CsvSource({
      "2026-04-01T23:59:59, in time",
      "2026-04-02T00:00:00, in time",
      "2026-04-11T09:00:00, late by 10 days",
  })
  void an_open_deadline_is_as_late_as_the_days_that_passed(String now, String words) {
    Deadline d = due("2026-04-02T00:00:00", null);
    assertThat(d.lateness()).isEqualTo(Duration.ZERO);
    assertThat(AlertBook.lateWords(d.latenessAt(cst(now)))).isEqualTo(words);
  }

  /**
   * The words of a deadline ({@link Deadline.Text}) are made when first read, and comparing two deadlines does not
   * make them when it need not: the same text, or texts of equal inputs, are equal as they are; texts of other inputs
   * are compared by their words, so equality stays "the same words" whatever made them.
   */
  @org.junit.jupiter.api.Test
  void wordsAreMadeWhenReadAndComparedWithoutMakingThemWhereTheInputsTell() {
    java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Function<String, java.util.function.Supplier<Deadline.Words>> words = m -> () -> {
      made.incrementAndGet();
      return new Deadline.Words(m, Map.of("limit", "30 CD"));
    };
    Deadline.Text a = Deadline.Text.later("inputs-1", words.apply("合同签订超期"));
    Deadline.Text sameInputs = Deadline.Text.later("inputs-1", words.apply("合同签订超期"));
    assertThat(a).isEqualTo(a).isEqualTo(sameInputs);
    assertThat(made).as("words made to compare").hasValue(0);

    Deadline.Text otherInputsSameWords = Deadline.Text.later("inputs-2", words.apply("合同签订超期"));
    Deadline.Text otherWords = Deadline.Text.later("inputs-3", words.apply("合同公告超期"));
    assertThat(a).isEqualTo(otherInputsSameWords).isNotEqualTo(otherWords);
    assertThat(a).isEqualTo(Deadline.Text.of("合同签订超期", Map.of("limit", "30 CD")));
    assertThat(a).hasSameHashCodeAs(otherWords);

    int before = made.get();
    assertThat(a.message()).isEqualTo("合同签订超期");
    assertThat(a.details()).containsExactly(Map.entry("limit", "30 CD"));
    assertThat(a.message()).isEqualTo("合同签订超期");
    assertThat(made.get() - before).as("made once, then kept").isLessThanOrEqualTo(1);
  }

  /** {@link Deadline#sameAs}: known the same without making words; other inputs are "not known", words not made. */
  @org.junit.jupiter.api.Test
  void sameAsComparesDatesAndInputsNotWords() {
    java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Function<String, Deadline.Text> text = key -> Deadline.Text.later(key, () -> {
      made.incrementAndGet();
      return new Deadline.Words("合同签订超期", Map.of());
    });
    Instant start = cst("2026-03-02T10:00:00"), due = cst("2026-04-02T00:00:00");
    Deadline a = new Deadline("DL01", "", Severity.CRITICAL, start, due, null, null, null, text.apply("k1"));
    Deadline sameInputs = new Deadline("DL01", "", Severity.CRITICAL, start, due, null, null, null, text.apply("k1"));
    Deadline otherInputs = new Deadline("DL01", "", Severity.CRITICAL, start, due, null, null, null, text.apply("k2"));
    Deadline closed = new Deadline("DL01", "", Severity.CRITICAL, start, due, null, due, null, text.apply("k1"));
    assertThat(a.sameAs(sameInputs)).isTrue();
    assertThat(Deadline.sameAs(java.util.List.of(a), java.util.List.of(sameInputs))).isTrue();
    assertThat(a.sameAs(otherInputs)).isFalse();
    assertThat(a.sameAs(closed)).isFalse();
    assertThat(Deadline.sameAs(java.util.List.of(a), java.util.List.of(a, closed))).isFalse();
    assertThat(made).as("words made").hasValue(0);
    assertThat(a).isEqualTo(otherInputs); // equality is still "the same words"
  }
}
