package io.procwatch.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** domain.md §1: a year without a file counts Monday–Friday, and says so once in the log. */
class MissingYearTest {

  private static final CalendarYear Y2026 = new CalendarYear(2026, "test", List.of(
      new CalendarYear.Holiday("春节", "Spring Festival", LocalDate.parse("2026-02-15"), LocalDate.parse("2026-02-23"))),
      List.of(LocalDate.parse("2026-02-14")));

  private final Logger logger = (Logger) LoggerFactory.getLogger(WorkCalendar.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private List<String> warnings() {
    return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void aMissingYearCountsMondayToFridayAndWarnsOnce() {
    WorkCalendar calendar = WorkCalendar.of(List.of(Y2026));

    // 2027-01-01 is New Year's Day, but without the 2027 notice it is just a Friday.
    assertThat(calendar.isWorkingDay(LocalDate.parse("2027-01-01"))).isTrue();
    assertThat(calendar.isWorkingDay(LocalDate.parse("2027-01-02"))).isFalse();
    assertThat(calendar.lastDay(LocalDate.parse("2026-12-31"), 2, DayKind.WORKING))
        .isEqualTo(LocalDate.parse("2027-01-04"));

    assertThat(warnings()).singleElement().asString()
        .contains("No working-day calendar for 2027")
        .contains("expected 2027.conf in the in-memory calendar data")
        .contains("Monday–Friday");
  }

  @Test
  void eachMissingYearWarnsOnItsOwn() {
    WorkCalendar calendar = WorkCalendar.of(List.of(Y2026));

    calendar.workingDaysBetween(LocalDate.parse("2024-12-01"), LocalDate.parse("2028-01-31"));

    assertThat(warnings()).hasSize(4)
        .anySatisfy(w -> assertThat(w).contains("for 2024"))
        .anySatisfy(w -> assertThat(w).contains("for 2025"))
        .anySatisfy(w -> assertThat(w).contains("for 2027"))
        .anySatisfy(w -> assertThat(w).contains("for 2028"))
        .noneSatisfy(w -> assertThat(w).contains("for 2026"));
  }

  @Test
  void aYearWithDataDoesNotWarn() {
    WorkCalendar calendar = WorkCalendar.of(List.of(Y2026));

    assertThat(calendar.isWorkingDay(LocalDate.parse("2026-02-14"))).isTrue();
    assertThat(calendar.isWorkingDay(LocalDate.parse("2026-02-16"))).isFalse();
    assertThat(warnings()).isEmpty();
  }

  @Test
  void theWarningNamesTheFolderAFileWasLoadedFrom(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("2026.conf"), """
        year = 2026
        source = "test"
        holidays = []
        """);
    WorkCalendar calendar = WorkCalendar.load(dir);

    calendar.isWorkingDay(LocalDate.parse("2027-03-01"));

    assertThat(warnings()).singleElement().asString()
        .contains("expected 2027.conf in " + dir.toAbsolutePath().normalize());
  }

  @Test
  void noDataAtAllIsPlainMondayToFriday() {
    WorkCalendar calendar = WorkCalendar.of(List.of());

    assertThat(calendar.lastDay(LocalDate.parse("2026-02-13"), 2, DayKind.WORKING))
        .isEqualTo(LocalDate.parse("2026-02-17"));
  }
}
