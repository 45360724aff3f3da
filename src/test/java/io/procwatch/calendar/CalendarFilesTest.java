package io.procwatch.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file format and its validation: a bad file must stop start-up with the file name and the reason. */
class CalendarFilesTest {

  private static final String VALID_2026 = """
      year = 2026
      source = "test notice"
      holidays = [
        { name = "春节", en = "Spring Festival", from = "2026-02-15", to = "2026-02-23" }
      ]
      workdays = ["2026-02-14", "2026-02-28"]
      """;

  @TempDir Path dir;

  @Test
  void readsAValidFile() {
    CalendarYear y = CalendarFiles.read("2026.conf", VALID_2026, 2026);

    assertThat(y.year()).isEqualTo(2026);
    assertThat(y.source()).isEqualTo("test notice");
    assertThat(y.holidays()).containsExactly(new CalendarYear.Holiday("春节", "Spring Festival",
        LocalDate.parse("2026-02-15"), LocalDate.parse("2026-02-23")));
    assertThat(y.workdays()).containsExactly(LocalDate.parse("2026-02-14"), LocalDate.parse("2026-02-28"));
  }

  @Test
  void workdaysMayBeLeftOutWhenANoticeHasNoMakeUpDays() {
    CalendarYear y = CalendarFiles.read("2026.conf", """
        year = 2026
        source = "x"
        holidays = [{ name = "元旦", en = "New Year's Day", from = "2026-01-01", to = "2026-01-01" }]
        """, 2026);

    assertThat(y.workdays()).isEmpty();
  }

  @Test
  void refusesAnImpossibleDate() {
    assertInvalid(VALID_2026.replace("2026-02-23", "2026-02-30"), "holidays[0].to", "2026-02-30");
  }

  @Test
  void refusesADateThatIsNotADate() {
    assertInvalid(VALID_2026.replace("\"2026-02-28\"", "\"28/02/2026\""), "workdays[1]", "28/02/2026");
  }

  @Test
  void refusesADateOutsideTheFilesYear_theTypicalCopyOfLastYearsFile() {
    assertInvalid(VALID_2026.replace("2026-02-28", "2025-02-08"), "2025-02-08 is outside year 2026");
    assertInvalid(VALID_2026.replace("from = \"2026-02-15\"", "from = \"2025-02-15\""),
        "holiday 春节 from 2025-02-15 is outside year 2026");
  }

  @Test
  void refusesAMakeUpDayThatIsNotAWeekendDay() {
    assertInvalid(VALID_2026.replace("2026-02-28", "2026-02-27"),
        "make-up working day 2026-02-27 is a FRIDAY, not a Saturday or Sunday");
  }

  @Test
  void refusesAHolidayOnAMakeUpDay() {
    assertInvalid(VALID_2026.replace("2026-02-28", "2026-02-22"),
        "make-up working day 2026-02-22 falls inside holiday 春节 2026-02-15..2026-02-23");
  }

  @Test
  void refusesOverlappingHolidays() {
    assertInvalid(VALID_2026.replace("]\nworkdays", """
          { name = "元宵", en = "Lantern", from = "2026-02-23", to = "2026-02-24" }
        ]
        workdays"""), "overlap");
  }

  @Test
  void refusesAHolidayThatEndsBeforeItStarts() {
    assertInvalid(VALID_2026.replace("to = \"2026-02-23\"", "to = \"2026-02-13\""),
        "holiday 春节 ends (2026-02-13) before it starts (2026-02-15)");
  }

  @Test
  void refusesAYearThatDoesNotMatchTheFileName() {
    assertThatThrownBy(() -> CalendarFiles.read("2027.conf", VALID_2026, 2027))
        .isInstanceOf(InvalidCalendarException.class)
        .hasMessageContaining("2027.conf")
        .hasMessageContaining("year = 2026 but the file is named for 2027");
  }

  @Test
  void refusesAMisspelledKey_whichWouldOtherwiseDropEveryMakeUpDay() {
    assertInvalid(VALID_2026.replace("workdays", "workday"), "unknown key(s) [workday]");
    assertInvalid(VALID_2026.replace("en = ", "english = "), "unknown key(s) [holidays[0].english]");
  }

  @Test
  void refusesAFileWithoutItsSource() {
    assertInvalid(VALID_2026.replace("source = \"test notice\"", ""), "source");
  }

  @Test
  void refusesAHolidayWithoutItsEnglishName() {
    assertInvalid(VALID_2026.replace("en = \"Spring Festival\",", ""), "holiday English name (en) of 春节");
  }

  @Test
  void refusesBrokenHocon() {
    assertInvalid(VALID_2026.replace("holidays = [", "holidays = [[[ {"), "not valid HOCON");
  }

  @Test
  void loadNamesTheBrokenFile() throws IOException {
    Files.writeString(dir.resolve("2025.conf"), """
        year = 2025
        source = "x"
        holidays = []
        """);
    Path broken = dir.resolve("2026.conf");
    Files.writeString(broken, VALID_2026.replace("2026-02-28", "2026-02-27"));

    assertThatThrownBy(() -> WorkCalendar.load(dir))
        .isInstanceOf(InvalidCalendarException.class)
        .hasMessageContaining(broken.toString())
        .hasMessageContaining("2026-02-27 is a FRIDAY")
        .satisfies(e -> assertThat(((InvalidCalendarException) e).origin()).isEqualTo(broken.toString()));
  }

  @Test
  void loadReadsOnlyYearFiles() throws IOException {
    Files.writeString(dir.resolve("2026.conf"), VALID_2026);
    Files.writeString(dir.resolve("README.md"), "not a calendar");
    Files.writeString(dir.resolve("2027-draft.conf"), "this { is not even valid");

    WorkCalendar calendar = WorkCalendar.load(dir);

    assertThat(calendar.years()).containsExactly(2026);
    assertThat(calendar.isWorkingDay(LocalDate.parse("2026-02-14"))).isTrue();
  }

  @Test
  void loadRefusesAMissingOrEmptyFolder() {
    assertThatThrownBy(() -> WorkCalendar.load(dir.resolve("nope")))
        .isInstanceOf(InvalidCalendarException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> WorkCalendar.load(dir))
        .isInstanceOf(InvalidCalendarException.class)
        .hasMessageContaining("no NNNN.conf calendar file");
  }

  @Test
  void theShippedFilesLoadFromTheFolderAndFromTheClasspathAlike() {
    WorkCalendar fromFolder = WorkCalendar.load(Path.of("conf", "calendar"));
    WorkCalendar fromClasspath = WorkCalendar.fromClasspath();

    assertThat(fromFolder.years()).containsExactly(2024, 2025, 2026);
    assertThat(fromClasspath.years()).isEqualTo(fromFolder.years());
    assertThat(fromClasspath.year(2026)).isEqualTo(fromFolder.year(2026));
  }

  @Test
  void inMemoryDataRefusesTheSameYearTwice() {
    CalendarYear y = CalendarFiles.read("2026.conf", VALID_2026, 2026);

    assertThatThrownBy(() -> WorkCalendar.of(List.of(y, y)))
        .isInstanceOf(InvalidCalendarException.class)
        .hasMessageContaining("year 2026 is defined twice");
  }

  private static void assertInvalid(String hocon, String... reasonParts) {
    assertThatThrownBy(() -> CalendarFiles.read("conf/calendar/2026.conf", hocon, 2026))
        .isInstanceOf(InvalidCalendarException.class)
        .hasMessageStartingWith("Invalid working-day calendar conf/calendar/2026.conf: ")
        .hasMessageContainingAll(reasonParts);
  }
}
