package io.procwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.rules.Condition;
import io.procwatch.rules.Deadline;
import io.procwatch.rules.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The alert lifecycle of domain.md §5 as a pure function, on synthetic conditions and deadlines. */
class AlertBookTest {
  static final Instant T0 = Instant.parse("2026-03-01T16:00:00Z");
  static final Function<String, AlertBook.RuleInfo> RULES =
      r -> new AlertBook.RuleInfo("中文" + r, "English " + r, "L46", !r.equals("PT02"));

  AlertBook.Book book = AlertBook.Book.EMPTY;

  List<AlertChange> step(List<Condition> conditions, List<Deadline> deadlines, Instant now) {
    List<AlertChange> changes = AlertBook.reconcile(book, "P", "B", conditions, deadlines, now, RULES);
    book = AlertBook.apply(book, changes, AlertBook.stillSuppressed(book.suppressed(), conditions));
    return changes;
  }

  static Condition cond(String rule, String subject, String amount) {
    return new Condition(rule, Severity.CRITICAL, subject, false, T0, null, null, "x", Map.of("amount", amount));
  }

  static Deadline deadline(Instant due, Instant closedAt) {
    return new Deadline("DL01", "", Severity.CRITICAL, due.minus(Duration.ofDays(30)), due, due.minus(Duration.ofDays(1)),
        closedAt, null, "合同签订超期", Map.of());
  }

  @Test
  void atMostOneOpenAlertPerIdentityAndAmountsNeverChangeIdentity() {
    assertThat(step(List.of(cond("BG04", "", "100")), List.of(), T0)).hasSize(1);
    assertThat(step(List.of(cond("BG04", "", "250")), List.of(), T0.plusSeconds(60))).isEmpty();
    assertThat(book.alerts()).singleElement().satisfies(a -> {
      assertThat(a.status()).isEqualTo(AlertStatus.FIRING);
      assertThat(a.id()).isEqualTo("P~1");
      assertThat(a.fingerprint()).isEqualTo(AlertBook.fingerprint("P", "BG04|"));
      assertThat(a.nameZh()).isEqualTo("中文BG04");
      assertThat(a.buyer()).isEqualTo("B");
    });
  }

  @Test
  void autoResolvesWhenTheConditionClearsAndAReFireIsANewAlert() {
    step(List.of(cond("BG04", "", "1")), List.of(), T0);
    List<AlertChange> cleared = step(List.of(), List.of(), T0.plusSeconds(10));
    assertThat(cleared).singleElement().isInstanceOfSatisfying(AlertChange.Resolved.class,
        r -> assertThat(r.resolution()).isEqualTo(Resolution.CLEARED));
    step(List.of(cond("BG04", "", "1")), List.of(), T0.plusSeconds(20));
    assertThat(book.alerts()).extracting(Alert::id, Alert::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("P~1", AlertStatus.RESOLVED),
            org.assertj.core.groups.Tuple.tuple("P~2", AlertStatus.FIRING));
    assertThat(book.alerts().get(0).fingerprint()).isEqualTo(book.alerts().get(1).fingerprint());
  }

  @Test
  void permanentFactsStayOpenAfterTheConditionStopsHolding() {
    step(List.of(cond("PT02", "S1+S2", "1")), List.of(), T0);
    assertThat(step(List.of(), List.of(), T0.plusSeconds(10))).isEmpty();
    assertThat(book.alerts().get(0).status()).isEqualTo(AlertStatus.FIRING);
  }

  @Test
  void aManuallyResolvedIdentityStaysSilentWhileItsConditionHoldsThenMayReFire() {
    Condition c = cond("PT02", "S1+S2", "1");
    step(List.of(c), List.of(), T0);
    Alert a = book.alerts().get(0);
    // what the actor does on a supervisor's resolve
    AlertChange manual = new AlertChange.Resolved(a.id(), Resolution.MANUAL, "wang.fang", "核实无串标", null, null, T0.plusSeconds(5));
    Set<String> suppressed = new HashSet<>(Set.of(a.key()));
    book = AlertBook.apply(book, List.of(manual), suppressed);
    assertThat(book.byId(a.id()).resolutionNote()).isEqualTo("wang.fang: 核实无串标");
    assertThat(step(List.of(c), List.of(), T0.plusSeconds(10))).isEmpty();
    step(List.of(), List.of(), T0.plusSeconds(20)); // the condition goes away: the silence lifts
    assertThat(book.suppressed()).isEmpty();
    assertThat(step(List.of(c), List.of(), T0.plusSeconds(30))).singleElement().isInstanceOf(AlertChange.Raised.class);
  }

  @Test
  void deadlineFiresAtItsDueInstantNotOneSecondEarlierAndPreWarnsBefore() {
    Instant due = T0.plus(Duration.ofDays(30));
    Deadline open = deadline(due, null);
    assertThat(step(List.of(), List.of(open), due.minus(Duration.ofDays(2)))).isEmpty();
    List<AlertChange> pre = step(List.of(), List.of(open), due.minus(Duration.ofDays(1)));
    assertThat(pre).singleElement().isInstanceOfSatisfying(AlertChange.Raised.class, r -> {
      assertThat(r.alert().prewarning()).isTrue();
      assertThat(r.alert().severity()).isEqualTo(Severity.INFO);
    });
    assertThat(step(List.of(), List.of(open), due.minusSeconds(1))).isEmpty();
    List<AlertChange> fired = step(List.of(), List.of(open), due);
    assertThat(fired).hasSize(2);
    assertThat(fired.get(0)).isInstanceOf(AlertChange.Resolved.class); // the pre-warning is superseded
    assertThat(fired.get(1)).isInstanceOfSatisfying(AlertChange.Raised.class, r -> {
      assertThat(r.alert().severity()).isEqualTo(Severity.CRITICAL);
      assertThat(r.alert().occurredAt()).isEqualTo(due);
    });
    assertThat(step(List.of(), List.of(open), due.plusSeconds(3600))).isEmpty();
  }

  @Test
  void aLateClosingStepClearsTheBreachKeepingTheLateness() {
    Instant due = T0.plus(Duration.ofDays(30));
    step(List.of(), List.of(deadline(due, null)), due.plusSeconds(1));
    // due at 24:00 on day 30; a step late on the 5th day after it (China time) is late by 5 days
    Instant closedAt = due.plus(Duration.ofDays(5)).minus(Duration.ofHours(1));
    List<AlertChange> closed = step(List.of(), List.of(deadline(due, closedAt)), due.plus(Duration.ofDays(6)));
    assertThat(closed).singleElement().isInstanceOfSatisfying(AlertChange.Resolved.class, r -> {
      assertThat(r.resolution()).isEqualTo(Resolution.CLEARED);
      assertThat(r.lateness()).isEqualTo("late by 5 days");
      assertThat(r.latenessSeconds()).isEqualTo(Duration.ofDays(5).toSeconds());
      assertThat(r.note()).contains(closedAt.toString());
    });
  }

  @Test
  void aStepReportedLateButDoneInTimeRetractsTheBreach() {
    Instant due = T0.plus(Duration.ofDays(30));
    step(List.of(), List.of(deadline(due, null)), due.plusSeconds(1));
    List<AlertChange> retracted = step(List.of(), List.of(deadline(due, due.minusSeconds(3600))), due.plus(Duration.ofDays(2)));
    assertThat(retracted).singleElement().isInstanceOfSatisfying(AlertChange.Resolved.class,
        r -> assertThat(r.resolution()).isEqualTo(Resolution.RETRACTED));
  }

  @Test
  void aBackfilledLateStepIsRaisedAndResolvedAtOnceAndNeverAgain() {
    Instant due = T0.plus(Duration.ofDays(30));
    Deadline closedLate = deadline(due, due.plus(Duration.ofHours(3)));
    List<AlertChange> changes = step(List.of(), List.of(closedLate), due.plus(Duration.ofDays(100)));
    assertThat(changes).hasSize(2);
    assertThat(changes.get(1)).isInstanceOfSatisfying(AlertChange.Resolved.class,
        r -> assertThat(r.lateness()).isEqualTo("late by 1 day")); // 03:00 on the day after the last day
    assertThat(step(List.of(), List.of(closedLate), due.plus(Duration.ofDays(101)))).isEmpty();
  }

  @Test
  void aDeadlineClosedInTimeRaisesNothing() {
    Instant due = T0.plus(Duration.ofDays(30));
    assertThat(step(List.of(), List.of(deadline(due, due.minusSeconds(1))), due.plus(Duration.ofDays(1)))).isEmpty();
  }

  @Test
  void lateWordsSayDaysAndHours() {
    assertThat(AlertBook.lateWords(Duration.ofHours(49))).isEqualTo("late by 2 days 1 hour");
    assertThat(AlertBook.lateWords(Duration.ofMinutes(30))).isEqualTo("late by 1 hour");
    assertThat(AlertBook.lateWords(Duration.ZERO)).isEqualTo("in time");
  }
}
