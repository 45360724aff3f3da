package io.procwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.calendar.WorkCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The alert-latency probes on the data clock are dated inside the replayed time, never at today's date. */
class ProbeDatesTest {
  private static final WorkCalendar CALENDAR = WorkCalendar.fromClasspath();

  @Test
  void setUpOnTheLatestWorkingDayBeforeDataTimeInsideOfficeHoursAnHourApart() {
    // Monday 10:30: 11:00 that day is after data time, so the Friday before
    Instant mondayMorning = OffsetDateTime.parse("2025-03-10T10:30:00+08:00").toInstant();
    ProbeDates.Setup s = ProbeDates.before(mondayMorning, CALENDAR);
    assertThat(local(s.registered())).isEqualTo(LocalDate.of(2025, 3, 7).atTime(9, 0).atZone(WorkCalendar.ZONE));
    assertThat(local(s.methodApproved())).isEqualTo(LocalDate.of(2025, 3, 7).atTime(11, 0).atZone(WorkCalendar.ZONE));
    assertThat(s.fiscalYear()).isEqualTo(2025);
    assertDatedForPt07(s, mondayMorning);

    // the same Monday afternoon: that day
    Instant mondayAfternoon = OffsetDateTime.parse("2025-03-10T15:00:00+08:00").toInstant();
    assertThat(local(ProbeDates.before(mondayAfternoon, CALENDAR).methodApproved()).toLocalDate())
        .isEqualTo(LocalDate.of(2025, 3, 10));
    assertDatedForPt07(ProbeDates.before(mondayAfternoon, CALENDAR), mondayAfternoon);
  }

  @Test
  void aHolidayIsSkippedAndAMakeUpSaturdayCounts() {
    // 2025 National Day: 1–8 October off, Saturday 11 October a make-up working day
    Instant holiday = OffsetDateTime.parse("2025-10-05T16:00:00+08:00").toInstant();
    ProbeDates.Setup s = ProbeDates.before(holiday, CALENDAR);
    assertThat(local(s.methodApproved()).toLocalDate()).isEqualTo(LocalDate.of(2025, 9, 30));
    assertDatedForPt07(s, holiday);
    Instant makeUpSaturday = OffsetDateTime.parse("2025-10-11T12:00:00+08:00").toInstant();
    assertThat(CALENDAR.isWorkingDay(LocalDate.of(2025, 10, 11))).isTrue();
    assertThat(local(ProbeDates.before(makeUpSaturday, CALENDAR).methodApproved()).toLocalDate())
        .isEqualTo(LocalDate.of(2025, 10, 11));
  }

  @Test
  void theProbeAndItsCancellationAreDatedAtTheDataTimeNotToday() {
    Instant dataNow = OffsetDateTime.parse("2025-06-18T14:22:05+08:00").toInstant();
    String cancel = ProbeDates.cancelled("alrt-00007", dataNow);
    assertThat(cancel).contains("\"type\":\"ProjectCancelled\"").contains("\"occurredAt\":\"" + dataNow + "\"")
        .contains("\"eventId\":\"alrt-00007-5\"");
    String setup = ProbeDates.setupLines("alrt-00007", "B-LAT", ProbeDates.before(dataNow, CALENDAR));
    assertThat(setup.split("\n")).hasSize(3);
    assertThat(setup).contains("\"fiscalYear\":2025").contains("\"method\":\"SELF_PURCHASE\"")
        .doesNotContain(LocalDate.now().toString());
    for (String line : setup.split("\n")) {
      assertThat(SimLoad.occurredAt(line)).isBefore(dataNow);
    }
  }

  @Test
  void theProbeTimeIsTheLatestBusinessTimeSentOrTheHistorysStart() {
    java.util.List<String> lines = java.util.List.of(
        "{\"eventId\":\"A-1\",\"projectId\":\"A\",\"type\":\"ProjectRegistered\",\"occurredAt\":\"2025-01-06T09:15:30.5+08:00\"}",
        "{\"eventId\":\"B-1\",\"projectId\":\"B\",\"type\":\"ProjectRegistered\",\"occurredAt\":\"2025-01-07T10:00:00+08:00\"}");
    PacedSimLoad load = PacedSimLoad.timeOrdered(PacedSimLoad.group(lines), 16);
    Instant start = OffsetDateTime.parse("2025-01-06T09:15:30+08:00").toInstant();
    assertThat(AlertLatencyBench.probeTime(load)).as("before the first event: the history's start, to the second").isEqualTo(start);
    // a set-up before the first event of the history is dated before it: data time does not move
    assertThat(ProbeDates.before(AlertLatencyBench.probeTime(load), CALENDAR).methodApproved()).isBefore(start);
    load.take();
    load.take();
    assertThat(AlertLatencyBench.probeTime(load)).isEqualTo(OffsetDateTime.parse("2025-01-07T10:00:00+08:00").toInstant());
  }

  /** PT07: both approvals on a working day in 08:30–18:00, at least 10 minutes after the previous step; all before data time. */
  private static void assertDatedForPt07(ProbeDates.Setup s, Instant dataNow) {
    for (Instant approval : new Instant[] {s.requirementApproved(), s.methodApproved()}) {
      ZonedDateTime z = local(approval);
      assertThat(CALENDAR.isWorkingDay(z.toLocalDate())).isTrue();
      assertThat(z.toLocalTime()).isAfterOrEqualTo(LocalTime.of(8, 30)).isBefore(LocalTime.of(18, 0));
    }
    assertThat(Duration.between(s.registered(), s.requirementApproved())).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
    assertThat(Duration.between(s.requirementApproved(), s.methodApproved())).isGreaterThanOrEqualTo(Duration.ofMinutes(10));
    assertThat(s.methodApproved()).isBefore(dataNow);
  }

  private static ZonedDateTime local(Instant t) {
    return t.atZone(WorkCalendar.ZONE);
  }
}
