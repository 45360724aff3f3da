package io.procwatch.calendar;

import static io.procwatch.calendar.DayKind.CALENDAR;
import static io.procwatch.calendar.DayKind.WORKING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The counting rule of domain.md §1 (民法典 §201–§203, M94 §42) on the shipped 2024–2026 calendar. Dates are chosen
 * so that each test exercises one rule; the weekday is in the comment because that is what the rule turns on.
 */
class WorkCalendarTest {

  private static final WorkCalendar CAL = WorkCalendar.fromClasspath();

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  /** A business time in China, as the ingest format writes it. */
  private static Instant cst(String localDateTime) {
    return OffsetDateTime.parse(localDateTime + "+08:00").toInstant();
  }

  @Nested
  class ShippedData {

    @ParameterizedTest(name = "{0} working={1}")
    @CsvSource({
        // 2024: 元旦 Mon 01-01; 春节 02-10..17 with make-up Sun 02-04 and Sun 02-18, 除夕 Fri 02-09 a working day;
        // 清明 04-04..06 and make-up Sun 04-07; 劳动节 05-01..05, make-ups Sun 04-28 and Sat 05-11; 端午 Mon 06-10;
        // 中秋 09-15..17, make-up Sat 09-14; 国庆 10-01..07, make-ups Sun 09-29 and Sat 10-12.
        "2024-01-01, false", "2024-01-02, true", "2024-02-04, true", "2024-02-09, true", "2024-02-10, false",
        "2024-02-16, false", "2024-02-18, true", "2024-04-05, false", "2024-04-07, true", "2024-04-28, true",
        "2024-05-06, true", "2024-05-11, true", "2024-06-10, false", "2024-09-14, true", "2024-09-16, false",
        "2024-09-29, true", "2024-10-07, false", "2024-10-08, true", "2024-10-12, true",
        // 2025: 元旦 one day, no make-up; 春节 01-28..02-04 with make-up Sun 01-26 and Sat 02-08.
        "2025-01-01, false", "2025-01-02, true", "2025-01-26, true", "2025-01-28, false", "2025-02-04, false",
        "2025-02-05, true", "2025-02-08, true",
        // 2025: 劳动节 05-01..05 and make-up Sun 04-27; 国庆+中秋 10-01..08, make-up Sun 09-28 and Sat 10-11.
        "2025-04-27, true", "2025-05-05, false", "2025-05-06, true", "2025-09-28, true", "2025-10-08, false",
        "2025-10-09, true", "2025-10-11, true",
        // 2026: 元旦 01-01..03 and make-up Sun 01-04.
        "2026-01-01, false", "2026-01-02, false", "2026-01-04, true", "2026-01-05, true",
        // 2026: 春节 02-15..23, make-up Sat 02-14 and Sat 02-28.
        "2026-02-13, true", "2026-02-14, true", "2026-02-15, false", "2026-02-23, false", "2026-02-24, true",
        "2026-02-28, true",
        // 2026: 清明 04-04..06 (Mon 04-06 off); 劳动节 05-01..05, make-up Sat 05-09; 端午 Fri 06-19 off.
        "2026-04-06, false", "2026-04-07, true", "2026-05-05, false", "2026-05-09, true", "2026-06-19, false",
        // 2026: 中秋 09-25..27; 国庆 10-01..07 only, so Thu 10-08 is an ordinary working day; make-ups 09-20, 10-10.
        "2026-09-20, true", "2026-09-25, false", "2026-10-07, false", "2026-10-08, true", "2026-10-10, true",
        // Ordinary weekends stay off.
        "2026-03-07, false", "2026-03-08, false", "2026-03-09, true"
    })
    void matchesTheStateCouncilNotices(String day, boolean working) {
      assertThat(CAL.isWorkingDay(d(day))).isEqualTo(working);
    }

    @Test
    void namesTheHolidayOfADay() {
      assertThat(CAL.holidayOn(d("2026-02-20"))).hasValueSatisfying(h -> {
        assertThat(h.name()).isEqualTo("春节");
        assertThat(h.en()).isEqualTo("Spring Festival");
      });
      assertThat(CAL.holidayOn(d("2026-02-14"))).isEmpty();
    }

    @Test
    void citesItsSources() {
      assertThat(CAL.year(2025)).hasValueSatisfying(y -> assertThat(y.source()).contains("国办发明电〔2024〕12号"));
      assertThat(CAL.year(2026)).hasValueSatisfying(y -> assertThat(y.source()).contains("2026年部分节假日安排"));
    }
  }

  @Nested
  class CalendarDays {

    @Test
    void specExample_30DaysFromAnAwardOnMarch1stEndOnMarch31st() {
      // 03-31 is a Tuesday in 2026: no roll-forward needed. The start day is not counted (§201).
      assertThat(CAL.lastDay(d("2026-03-01"), 30, CALENDAR)).isEqualTo(d("2026-03-31"));
    }

    @Test
    void aPeriodEndingOnAWeekendEndsOnTheNextMonday() {
      // Mon 03-02 + 5 = Sat 03-07 → Mon 03-09.
      assertThat(CAL.lastDay(d("2026-03-02"), 5, CALENDAR)).isEqualTo(d("2026-03-09"));
    }

    @Test
    void aPeriodEndingOnAPublicHolidayEndsOnTheNextWorkingDay() {
      // Sat 03-07 + 30 = Mon 04-06, which is 清明 → Tue 04-07.
      assertThat(CAL.lastDay(d("2026-03-07"), 30, CALENDAR)).isEqualTo(d("2026-04-07"));
    }

    @Test
    void aPeriodEndingInsideSpringFestivalRollsOverTheWholeHoliday() {
      // Fri 01-16 + 30 = Sun 02-15, first day of 春节 (02-15..23) → Tue 02-24.
      assertThat(CAL.lastDay(d("2026-01-16"), 30, CALENDAR)).isEqualTo(d("2026-02-24"));
    }

    @Test
    void aPeriodEndingOnAMakeUpSaturdayEndsThatSaturday() {
      // Fri 01-30 + 15 = Sat 02-14, a make-up working day: no roll-forward.
      assertThat(CAL.lastDay(d("2026-01-30"), 15, CALENDAR)).isEqualTo(d("2026-02-14"));
    }

    @Test
    void theStartDayCountsFromItsDateEvenIfItIsAHoliday() {
      // Award on Mon 02-16 (春节): 30 days still run from the next day, ending Wed 03-18.
      assertThat(CAL.lastDay(d("2026-02-16"), 30, CALENDAR)).isEqualTo(d("2026-03-18"));
    }
  }

  @Nested
  class WorkingDays {

    @Test
    void specExample_2WorkingDaysFromAFridayEndOnTuesday() {
      // Fri 03-06 → Mon 03-09 (1), Tue 03-10 (2).
      assertThat(CAL.lastDay(d("2026-03-06"), 2, WORKING)).isEqualTo(d("2026-03-10"));
    }

    @Test
    void specExample_unlessAMakeUpWorkingDayIntervenes() {
      // Fri 05-08 → Sat 05-09 is a make-up working day (1), Mon 05-11 (2).
      assertThat(CAL.lastDay(d("2026-05-08"), 2, WORKING)).isEqualTo(d("2026-05-11"));
    }

    @Test
    void aMakeUpSaturdayCountsAsAWorkingDayAcrossSpringFestival() {
      // Fri 02-13 → Sat 02-14 make-up (1), then 春节 02-15..23, Tue 02-24 (2).
      assertThat(CAL.lastDay(d("2026-02-13"), 2, WORKING)).isEqualTo(d("2026-02-24"));
    }

    @Test
    void fiveWorkingDaysAcrossSpringFestival() {
      // Thu 02-12 → Fri 02-13 (1), Sat 02-14 (2), Tue 02-24 (3), Wed 02-25 (4), Thu 02-26 (5).
      assertThat(CAL.lastDay(d("2026-02-12"), 5, WORKING)).isEqualTo(d("2026-02-26"));
    }

    @Test
    void sevenWorkingDaysAcrossSpringFestivalEndOnTheSecondMakeUpSaturday() {
      // Continuing the previous count: Fri 02-27 (6), Sat 02-28 make-up (7). A DL09 challenge answer case.
      assertThat(CAL.lastDay(d("2026-02-12"), 7, WORKING)).isEqualTo(d("2026-02-28"));
    }

    @Test
    void countingStartsOnTheFirstWorkingDayAfterAHolidayStart() {
      // Mon 02-16 is 春节: Tue 02-24 (1), Wed 02-25 (2).
      assertThat(CAL.lastDay(d("2026-02-16"), 2, WORKING)).isEqualTo(d("2026-02-25"));
    }
  }

  @Nested
  class Amounts {

    @Test
    void zeroMeansTheStartDayOrTheNextWorkingDay() {
      assertThat(CAL.lastDay(d("2026-03-04"), 0, CALENDAR)).isEqualTo(d("2026-03-04"));
      assertThat(CAL.lastDay(d("2026-03-04"), 0, WORKING)).isEqualTo(d("2026-03-04"));
      assertThat(CAL.lastDay(d("2026-03-07"), 0, CALENDAR)).isEqualTo(d("2026-03-09"));
      assertThat(CAL.lastDay(d("2026-03-07"), 0, WORKING)).isEqualTo(d("2026-03-09"));
    }

    @Test
    void aNegativePeriodIsABug() {
      assertThatThrownBy(() -> CAL.lastDay(d("2026-03-04"), -1, CALENDAR))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class DueInstants {

    @Test
    void dueAtIs24hChinaTimeOfTheLastDay() {
      Instant award = cst("2026-03-01T10:15:00");

      Instant due = CAL.dueAt(award, 30, CALENDAR);

      assertThat(due).isEqualTo(Instant.parse("2026-03-31T16:00:00Z"));
      assertThat(due).isEqualTo(cst("2026-04-01T00:00:00"));
    }

    @Test
    void theStartDateIsTakenInChinaNotInUtc() {
      // 2026-02-28T17:00Z is 03-01 01:00 in Chongqing: the same start day as above.
      assertThat(CAL.dueAt(Instant.parse("2026-02-28T17:00:00Z"), 30, CALENDAR))
          .isEqualTo(Instant.parse("2026-03-31T16:00:00Z"));
      // One second before midnight in China is still 02-28: 30 CD → Mon 03-30.
      assertThat(CAL.dueAt(Instant.parse("2026-02-28T15:59:59Z"), 30, CALENDAR))
          .isEqualTo(Instant.parse("2026-03-30T16:00:00Z"));
    }

    @Test
    void dueAtForWorkingDaysFromAFridaySigning() {
      // DL02: contract signed Fri 03-06 afternoon, publication due by 24:00 Tue 03-10.
      assertThat(CAL.dueAt(cst("2026-03-06T15:00:00"), 2, WORKING)).isEqualTo(cst("2026-03-11T00:00:00"));
    }

    @Test
    void preWarningIsTheEndOfThePreviousWorkingDay() {
      // Due 24:00 Tue 03-31 → warn at 24:00 Mon 03-30.
      assertThat(CAL.preWarningAt(Instant.parse("2026-03-31T16:00:00Z")))
          .isEqualTo(Instant.parse("2026-03-30T16:00:00Z"));
    }

    @Test
    void preWarningForAMondayDeadlineIsFridayEvening() {
      // Last day Mon 03-09 → warn at 24:00 Fri 03-06, not on Sunday.
      assertThat(CAL.preWarningAt(cst("2026-03-10T00:00:00"))).isEqualTo(cst("2026-03-07T00:00:00"));
    }

    @Test
    void preWarningStepsBackOverSpringFestivalToTheMakeUpSaturday() {
      // Last day Tue 02-24 → previous working day is the make-up Sat 02-14.
      assertThat(CAL.preWarningAt(cst("2026-02-25T00:00:00"))).isEqualTo(cst("2026-02-15T00:00:00"));
    }

    @Test
    void preWarningForADeadlineInsideADayUsesThatDay() {
      // A bid deadline at 09:30 Tue 03-31: its day is 03-31, so warn at 24:00 Mon 03-30.
      assertThat(CAL.preWarningAt(cst("2026-03-31T09:30:00"))).isEqualTo(cst("2026-03-31T00:00:00"));
    }

    @Test
    void preWarningComesBeforeDueForEveryStartOfTheYear() {
      for (LocalDate start = d("2026-01-01"); start.getYear() == 2026; start = start.plusDays(1)) {
        Instant s = start.atTime(12, 0).atZone(WorkCalendar.ZONE).toInstant();
        for (DayKind kind : DayKind.values()) {
          Instant due = CAL.dueAt(s, 2, kind);
          assertThat(CAL.preWarningAt(due)).as("%s + 2 %s", start, kind).isBefore(due);
        }
      }
    }

    @Test
    void preWarningCanPrecedeTheEventOfAShortPeriodThatStartsInAHoliday() {
      // Event Thu 01-01 (元旦) + 2 CD = Sat 01-03, a holiday → Sun 01-04, a make-up day. The working day before
      // is 2025-12-31, so the pre-warning time is already past when the period starts: the caller must clamp it.
      Instant event = cst("2026-01-01T10:00:00");
      Instant due = CAL.dueAt(event, 2, CALENDAR);

      assertThat(due).isEqualTo(cst("2026-01-05T00:00:00"));
      assertThat(CAL.preWarningAt(due)).isEqualTo(cst("2026-01-01T00:00:00")).isBefore(event);
    }
  }

  @Nested
  class Hours {

    @ParameterizedTest(name = "{0} within={1}")
    @CsvSource({
        "2026-03-04T08:29:59, false", // Wed, one second early
        "2026-03-04T08:30:00, true",
        "2026-03-04T17:59:59, true",
        "2026-03-04T18:00:00, false", // half-open: closing time is off-hours
        "2026-03-04T00:00:00, false",
        "2026-02-14T10:00:00, true",  // make-up Saturday
        "2026-02-16T10:00:00, false", // Monday in 春节
        "2026-03-07T10:00:00, false"  // ordinary Saturday
    })
    void defaultHoursAreHalfOpenOnWorkingDays(String localTime, boolean within) {
      assertThat(CAL.isWithinWorkingHours(cst(localTime))).isEqualTo(within);
    }

    @Test
    void hoursAreJudgedInChinaTime() {
      // 01:00Z is 09:00 in Chongqing.
      assertThat(CAL.isWithinWorkingHours(Instant.parse("2026-03-04T01:00:00Z"))).isTrue();
      // 12:00Z is 20:00 in Chongqing.
      assertThat(CAL.isWithinWorkingHours(Instant.parse("2026-03-04T12:00:00Z"))).isFalse();
    }

    @Test
    void hoursAreConfigurable() {
      WorkCalendar nineToFive = CAL.withWorkingHours(new WorkingHours(LocalTime.of(9, 0), LocalTime.of(17, 0)));

      assertThat(nineToFive.isWithinWorkingHours(cst("2026-03-04T08:45:00"))).isFalse();
      assertThat(nineToFive.isWithinWorkingHours(cst("2026-03-04T16:59:59"))).isTrue();
      assertThat(nineToFive.isWithinWorkingHours(cst("2026-03-04T17:00:00"))).isFalse();
      assertThat(CAL.workingHours()).isEqualTo(WorkingHours.DEFAULT);
    }

    @Test
    void hoursMustStartBeforeTheyEnd() {
      assertThatThrownBy(() -> new WorkingHours(LocalTime.of(18, 0), LocalTime.of(8, 30)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Lateness {

    @Test
    void countsWorkingDaysAfterAUpToAndIncludingB() {
      // Fri 03-06 → Mon 03-09: one working day late.
      assertThat(CAL.workingDaysBetween(d("2026-03-06"), d("2026-03-09"))).isEqualTo(1);
      // Fri 02-13 → Tue 02-24: Sat 02-14 and Tue 02-24.
      assertThat(CAL.workingDaysBetween(d("2026-02-13"), d("2026-02-24"))).isEqualTo(2);
      // Whole years. 调休 only moves days, so a year has (weekdays − the 13 statutory holiday days of the 全国年节及
      // 纪念日放假办法 as amended in 2024) working days: 365 − 104 − 13 = 248 in both years. An independent check
      // of the two files: a missing make-up day or an extra holiday changes the total.
      assertThat(CAL.workingDaysBetween(d("2024-12-31"), d("2025-12-31"))).isEqualTo(248);
      assertThat(CAL.workingDaysBetween(d("2025-12-31"), d("2026-12-31"))).isEqualTo(248);
      // 2024, a leap year under the former law (11 holiday days): 366 − 104 − 11.
      assertThat(CAL.workingDaysBetween(d("2023-12-31"), d("2024-12-31"))).isEqualTo(251);
    }

    @Test
    void isZeroWhenBIsNotAfterA() {
      assertThat(CAL.workingDaysBetween(d("2026-03-09"), d("2026-03-09"))).isZero();
      assertThat(CAL.workingDaysBetween(d("2026-03-09"), d("2026-03-06"))).isZero();
    }

    @Test
    void agreesWithLastDay() {
      LocalDate start = d("2026-02-10");
      for (int n = 1; n <= 30; n++) {
        assertThat(CAL.workingDaysBetween(start, CAL.lastDay(start, n, WORKING))).isEqualTo(n);
      }
    }
  }

  /**
   * isWorkingDay answers from a per-day table built at load time: it must say what the data says, day by day, in
   * the years with data (holidays, make-up days, weekends) and in the years without data around them (Monday–Friday).
   */
  @Nested
  class PrecomputedDays {

    private boolean byDefinition(java.util.List<CalendarYear> data, LocalDate day) {
      boolean hasYear = data.stream().anyMatch(y -> y.year() == day.getYear());
      if (hasYear) {
        for (CalendarYear y : data) if (y.workdays().contains(day)) return true;
        for (CalendarYear y : data) {
          for (CalendarYear.Holiday h : y.holidays()) if (!day.isBefore(h.from()) && !day.isAfter(h.to())) return false;
        }
      }
      return day.getDayOfWeek().getValue() < 6;
    }

    @Test
    void everyDayOfTheShippedYearsAndAroundThemIsAsTheDataSays() {
      java.util.List<CalendarYear> data = CAL.years().stream().map(y -> CAL.year(y).orElseThrow()).toList();
      assertThat(data).isNotEmpty();
      int first = CAL.years().first() - 1, last = CAL.years().last() + 1;
      int checked = 0, holidays = 0, makeUps = 0;
      for (LocalDate d = LocalDate.of(first, 1, 1); d.getYear() <= last; d = d.plusDays(1)) {
        boolean expected = byDefinition(data, d);
        assertThat(CAL.isWorkingDay(d)).as(d.toString()).isEqualTo(expected);
        checked++;
        if (!expected && d.getDayOfWeek().getValue() < 6) holidays++;
        if (expected && d.getDayOfWeek().getValue() >= 6) makeUps++;
      }
      assertThat(checked).isGreaterThan(3 * 365);
      assertThat(holidays).as("weekday holidays seen").isPositive();
      assertThat(makeUps).as("make-up weekend days seen").isPositive();
    }

    @Test
    void aYearWithDataNextToYearsWithout() {
      CalendarYear y2030 = new CalendarYear(2030, "test", java.util.List.of(
          new CalendarYear.Holiday("元旦", "New Year", LocalDate.parse("2030-12-30"), LocalDate.parse("2030-12-31"))),
          java.util.List.of(LocalDate.parse("2030-12-28")));
      WorkCalendar cal = WorkCalendar.of(java.util.List.of(y2030));
      assertThat(cal.isWorkingDay(d("2030-12-30"))).as("Monday, holiday").isFalse();
      assertThat(cal.isWorkingDay(d("2030-12-31"))).as("Tuesday, holiday").isFalse();
      assertThat(cal.isWorkingDay(d("2030-12-28"))).as("Saturday, make-up day").isTrue();
      assertThat(cal.isWorkingDay(d("2030-12-29"))).as("Sunday").isFalse();
      // 2029 and 2031 have no data: Monday–Friday
      assertThat(cal.isWorkingDay(d("2031-01-01"))).as("Wednesday of a year without data").isTrue();
      assertThat(cal.isWorkingDay(d("2029-12-31"))).as("Monday of a year without data").isTrue();
    }
  }
}
