package io.procwatch.calendar;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mainland China's working-day calendar and the legal rule for counting a period on it: the one place that turns
 * "30 calendar days from the award" or "2 working days from signing" into the instant a deadline passes.
 *
 * <p><b>Working days.</b> Monday–Friday, minus the public holidays, plus the make-up working days (调休), both taken
 * from the State Council's yearly notice, one {@link CalendarYear} per year (domain.md §1). The notice is published
 * a few weeks before the year starts and cannot be computed (春节 follows the lunar calendar and the 调休 pattern is
 * decided each year), so it is data, not code. A year without data still counts Monday–Friday, because a deadline a
 * few days off is better than no deadline at all, and logs one WARN per such year so an operator adds the file.
 *
 * <p><b>Counting.</b> 民法典 §201: a period counted in days starts on the day after the event, so the day of the event
 * is never counted. §202–§203: the period ends at 24:00 of its last day, and if that day is a statutory rest day the
 * period ends on the first day after it; M94 §42 applies the same rule to procurement challenges and complaints. We
 * read "statutory rest day" as "not a working day of this calendar", so weekends count as rest days and a make-up
 * Saturday counts as a working day (domain.md §1).
 *
 * <p><b>Time.</b> Deadlines are dates in China; an instant is converted with {@link #ZONE} before counting, whatever
 * offset the source system used, so "signed at 01:00 +08:00" and "signed at 17:00Z the day before" are the same day.
 *
 * <p>Instances are immutable and safe to share between threads (and actors). The only mutable part is the set of
 * years already warned about, which exists so the log says it once instead of on every deadline computation.
 */
public final class WorkCalendar {

  /** Time zone of every legal date procwatch computes (domain.md §1); China has one civil time zone, no DST today. */
  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  private static final Logger log = LoggerFactory.getLogger(WorkCalendar.class);

  private final SortedMap<Integer, CalendarYear> years;
  private final Map<LocalDate, CalendarYear.Holiday> holidayByDay;
  private final Set<LocalDate> makeUpDays;
  private final WorkingHours workingHours;
  /** Where a missing year's file is expected, for the warning: a folder or the classpath location. */
  private final String expectedLocation;
  /** Shared between copies made by {@link #withWorkingHours}: the data is the same, so is the warning. */
  private final Set<Integer> warnedYears;
  /**
   * {@link #isWorkingDay} answered from the data above, precomputed per day of each year with data (index: year −
   * {@link #firstYear}, then day of year − 1; null for a year without data). Deadlines ask it for every day they
   * count, on every fact; hashing LocalDates into the sets above was the largest single cost of a deadline.
   */
  private final int firstYear;
  private final boolean[][] workingByYear;

  private WorkCalendar(SortedMap<Integer, CalendarYear> years, WorkingHours workingHours, String expectedLocation,
      Set<Integer> warnedYears) {
    this.years = Collections.unmodifiableSortedMap(new TreeMap<>(years));
    Map<LocalDate, CalendarYear.Holiday> holidays = new HashMap<>();
    Set<LocalDate> makeUps = new HashSet<>();
    for (CalendarYear y : years.values()) {
      for (CalendarYear.Holiday h : y.holidays()) {
        h.from().datesUntil(h.to().plusDays(1)).forEach(d -> holidays.put(d, h));
      }
      makeUps.addAll(y.workdays());
    }
    this.holidayByDay = Map.copyOf(holidays);
    this.makeUpDays = Set.copyOf(makeUps);
    this.workingHours = Objects.requireNonNull(workingHours, "workingHours");
    this.expectedLocation = expectedLocation;
    this.warnedYears = warnedYears;
    this.firstYear = years.isEmpty() ? 0 : years.firstKey();
    this.workingByYear = new boolean[years.isEmpty() ? 0 : years.lastKey() - firstYear + 1][];
    for (int year : years.keySet()) {
      LocalDate first = LocalDate.of(year, 1, 1);
      boolean[] days = new boolean[first.lengthOfYear()];
      for (int i = 0; i < days.length; i++) days[i] = fromData(first.plusDays(i));
      workingByYear[year - firstYear] = days;
    }
  }

  // ---------------------------------------------------------------------------------------------------- factories

  /**
   * A calendar from in-memory data (tests, or a caller that read the years elsewhere). Years without data fall back
   * to Monday–Friday like missing files.
   *
   * @throws InvalidCalendarException if two entries are for the same year
   */
  public static WorkCalendar of(Collection<CalendarYear> years) {
    return new WorkCalendar(index(years, "in-memory data"), WorkingHours.DEFAULT, "the in-memory calendar data",
        ConcurrentHashMap.newKeySet());
  }

  /**
   * Reads every {@code NNNN.conf} in {@code dir} (the operator-edited {@code conf/calendar}), ignoring other files.
   *
   * @throws InvalidCalendarException if the folder does not exist, holds no year file, or any file is invalid: the
   *     service must not start on a calendar it only half understood
   */
  public static WorkCalendar load(Path dir) {
    String location = dir.toAbsolutePath().normalize().toString();
    SortedMap<Integer, CalendarYear> years = index(CalendarFiles.readFolder(dir), location);
    if (years.isEmpty()) {
      // An empty folder is a wrong path far more often than a wish to ignore every holiday.
      throw new InvalidCalendarException(location, "no NNNN.conf calendar file in the folder");
    }
    log.info("Working-day calendar: years {} from {}", years.keySet(), location);
    return new WorkCalendar(years, WorkingHours.DEFAULT, location, ConcurrentHashMap.newKeySet());
  }

  /**
   * Reads the calendar packaged in the jar: {@code calendar/NNNN.conf} resources for the years 2000–2100 (from
   * {@code conf/calendar/} at build time). The files are found by probing each year's name, since a class loader
   * cannot list a folder the same way in a directory, a jar and the shaded jar, and an index file would be one more
   * thing to forget when adding a year.
   *
   * @throws InvalidCalendarException if no file is found or any file is invalid
   */
  public static WorkCalendar fromClasspath() {
    String location = "classpath:" + CalendarFiles.CLASSPATH_FOLDER + " (conf/calendar/ in the source tree)";
    ClassLoader loader = WorkCalendar.class.getClassLoader();
    SortedMap<Integer, CalendarYear> years = index(CalendarFiles.readClasspath(loader), location);
    if (years.isEmpty()) {
      throw new InvalidCalendarException(location, "no calendar/NNNN.conf resource for the years "
          + CalendarFiles.FIRST_PROBED_YEAR + "–" + CalendarFiles.LAST_PROBED_YEAR + " (is conf/ packaged?)");
    }
    log.info("Working-day calendar: years {} from {}", years.keySet(), location);
    return new WorkCalendar(years, WorkingHours.DEFAULT, location, ConcurrentHashMap.newKeySet());
  }

  /** The same calendar with other office hours (domain.md §1 marks the default [confirm]). */
  public WorkCalendar withWorkingHours(WorkingHours hours) {
    return new WorkCalendar(years, hours, expectedLocation, warnedYears);
  }

  private static SortedMap<Integer, CalendarYear> index(Collection<CalendarYear> list, String origin) {
    SortedMap<Integer, CalendarYear> byYear = new TreeMap<>();
    for (CalendarYear y : list) {
      if (byYear.putIfAbsent(y.year(), y) != null) {
        throw new InvalidCalendarException(origin, "year " + y.year() + " is defined twice");
      }
    }
    return byYear;
  }

  // ---------------------------------------------------------------------------------------------------- the data

  /** The years that have data, in order; every other year counts Monday–Friday. */
  public SortedSet<Integer> years() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(years.keySet()));
  }

  /** The data of one year, if its notice has been loaded. */
  public Optional<CalendarYear> year(int year) {
    return Optional.ofNullable(years.get(year));
  }

  /** The holiday a day belongs to, so an alert can say why its deadline moved ("rolled over 春节"). */
  public Optional<CalendarYear.Holiday> holidayOn(LocalDate day) {
    return Optional.ofNullable(holidayByDay.get(day));
  }

  public WorkingHours workingHours() {
    return workingHours;
  }

  // ---------------------------------------------------------------------------------------------------- days

  /**
   * Whether offices work on that day: Monday–Friday minus holidays plus make-up days. For a year without data this
   * is Monday–Friday, and the first such question for that year logs a WARN.
   */
  public boolean isWorkingDay(LocalDate day) {
    int i = day.getYear() - firstYear;
    if (i >= 0 && i < workingByYear.length && workingByYear[i] != null) return workingByYear[i][day.getDayOfYear() - 1];
    warnMissing(day.getYear());
    return weekday(day);
  }

  /** {@link #isWorkingDay} of a day of a year with data, from the holidays and make-up days. */
  private boolean fromData(LocalDate day) {
    if (makeUpDays.contains(day)) return true;
    if (holidayByDay.containsKey(day)) return false;
    return weekday(day);
  }

  private static boolean weekday(LocalDate day) {
    DayOfWeek dow = day.getDayOfWeek();
    return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY;
  }

  /** The first working day strictly after {@code day}. */
  public LocalDate nextWorkingDay(LocalDate day) {
    LocalDate d = day.plusDays(1);
    while (!isWorkingDay(d)) {
      d = d.plusDays(1);
    }
    return d;
  }

  /** The last working day strictly before {@code day}. */
  public LocalDate previousWorkingDay(LocalDate day) {
    LocalDate d = day.minusDays(1);
    while (!isWorkingDay(d)) {
      d = d.minusDays(1);
    }
    return d;
  }

  private LocalDate workingDayOnOrAfter(LocalDate day) {
    return isWorkingDay(day) ? day : nextWorkingDay(day);
  }

  /**
   * The last day of a period of {@code amount} days that starts with the event on {@code start}.
   *
   * <p>The start day is not counted (民法典 §201). {@link DayKind#CALENDAR}: the day {@code start + amount}, moved to
   * the next working day if it is not one (§203, M94 §42): 30 CD from 03-01 is 03-31; 30 CD from 2026-01-16 lands on
   * 02-15, inside 春节, and ends on 02-24. {@link DayKind#WORKING}: the {@code amount}-th working day after
   * {@code start}, which may be a make-up Saturday: 2 WD from Friday 2026-05-08 is Monday 05-11, because Saturday 05-09
   * is a make-up day.
   *
   * <p>An amount of 0 (a contract paying "on acceptance") yields the start day itself, moved to the next working day
   * if needed, for both kinds.
   *
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public LocalDate lastDay(LocalDate start, int amount, DayKind kind) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(kind, "kind");
    if (amount < 0) {
      throw new IllegalArgumentException("a period cannot be negative: " + amount + " " + kind);
    }
    return switch (kind) {
      case CALENDAR -> workingDayOnOrAfter(start.plusDays(amount));
      case WORKING -> {
        LocalDate d = start;
        for (int i = 0; i < amount; i++) {
          d = nextWorkingDay(d);
        }
        yield workingDayOnOrAfter(d);
      }
    };
  }

  /**
   * The instant a period ends: 24:00 (China time) of its {@link #lastDay last day}, i.e. 00:00 of the day after,
   * because the law gives the whole last day (民法典 §203). An act at 23:59:59 on the last day is in time; the
   * deadline fires at the returned instant. Example: an award at 2026-03-01T10:00+08:00 plus 30 CD is due at
   * 2026-04-01T00:00+08:00 = 2026-03-31T16:00Z.
   *
   * @param start the event's business time; only its date in {@link #ZONE} matters
   */
  public Instant dueAt(Instant start, int amount, DayKind kind) {
    LocalDate startDay = start.atZone(ZONE).toLocalDate();
    return endOf(lastDay(startDay, amount, kind));
  }

  /**
   * When to send the "due soon" INFO of the DL rules ("pre-warn 1 WD before", domain.md §3): at the end (24:00) of
   * the last working day strictly before the period's last day.
   *
   * <p>So the warning arrives as the last day begins, leaving that whole working day to act. We step back over
   * working days rather than subtract 24 hours because "one day before" a deadline ending on Monday must be Friday
   * evening, not Sunday night when nobody reads alerts; a make-up Saturday counts like any working day. The last day
   * is the date of the instant just before {@code due}, so the usual midnight {@code due} from {@link #dueAt} points
   * at the previous date, and an arbitrary {@code due} (e.g. a bid deadline at 09:30) at its own date.
   *
   * <p>The result is always before {@code due} but can be at or before the event that started a short period: 2 CD
   * from 元旦 2026-01-01 end on the make-up Sunday 01-04, and the working day before that is 2025-12-31. This method
   * does not know the start, so it does not clamp; the caller decides (pre-warn at once, or not at all).
   */
  public Instant preWarningAt(Instant due) {
    LocalDate lastDay = due.minusNanos(1).atZone(ZONE).toLocalDate();
    return endOf(previousWorkingDay(lastDay));
  }

  /**
   * Whether an instant is inside office hours on a working day, for the off-hours approval signal (PT07). Local time
   * in {@link #ZONE}; hours are {@link #workingHours()}, half-open. A make-up Saturday is a working day like any.
   */
  public boolean isWithinWorkingHours(Instant t) {
    ZonedDateTime local = t.atZone(ZONE);
    return isWorkingDay(local.toLocalDate()) && workingHours.contains(local.toLocalTime());
  }

  /**
   * The number of working days {@code d} with {@code a < d <= b}, 0 when {@code b <= a}. With {@code a} the last day
   * of a period and {@code b} the day the closing step happened, this is the "late by N working days" of a resolved
   * deadline alert (domain.md §5).
   */
  public long workingDaysBetween(LocalDate a, LocalDate b) {
    long n = 0;
    for (LocalDate d = a.plusDays(1); !d.isAfter(b); d = d.plusDays(1)) {
      if (isWorkingDay(d)) {
        n++;
      }
    }
    return n;
  }

  private static Instant endOf(LocalDate day) {
    return day.plusDays(1).atStartOfDay(ZONE).toInstant();
  }

  private void warnMissing(int year) {
    if (warnedYears.add(year)) {
      log.warn("No working-day calendar for {} (expected {}.conf in {}): counting Monday–Friday as working days, "
          + "without public holidays or make-up days, so deadlines near holidays in {} may be wrong. Add the file "
          + "from the State Council notice 国务院办公厅关于{}年部分节假日安排的通知 (see docs/calendar.md).",
          year, year, expectedLocation, year, year);
    }
  }
}
