package io.procwatch.calendar;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The holiday arrangement of one calendar year, as published in the State Council's yearly notice
 * (国务院办公厅关于XXXX年部分节假日安排的通知): the days off, and the weekend days turned into working days (调休).
 *
 * <p>Construction validates the data, because the usual way to make next year's file is to copy last year's and
 * edit it, and a date left unedited (a 2025 date in the 2026 file), a make-up day on a weekday or a holiday that
 * swallows a make-up day is a typo, never an intention. Every date must lie in {@link #year()}; when a notice
 * reaches into the previous year (the 2019 notice made 2018-12-29 a working day and 2018-12-31 a holiday), those days
 * belong in the previous year's file, so that each year has exactly one file to read and no two files can disagree.
 *
 * @param year     the Gregorian year this arrangement covers
 * @param source   the notice it was taken from (title and 文号), so an auditor can check every date
 * @param holidays the days off, each an inclusive range that may include weekend days, none overlapping
 * @param workdays the make-up working days: Saturdays or Sundays on which offices work
 */
public record CalendarYear(int year, String source, List<Holiday> holidays, List<LocalDate> workdays) {

  /**
   * One arrangement of days off, e.g. 春节 2026-02-15..2026-02-23.
   *
   * @param name the Chinese name as in the notice (用于告警中文说明)
   * @param en   the English name, for the bilingual alert names of domain.md §5
   * @param from first day off, inclusive
   * @param to   last day off, inclusive
   */
  public record Holiday(String name, String en, LocalDate from, LocalDate to) {
    public Holiday {
      requireText(name, "holiday name");
      requireText(en, "holiday English name (en) of " + name);
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("holiday " + name + " ends (" + to + ") before it starts (" + from + ")");
      }
    }

    /** Whether the day is one of this holiday's days off. */
    public boolean contains(LocalDate day) {
      return !day.isBefore(from) && !day.isAfter(to);
    }

    @Override
    public String toString() {
      return name + " " + from + ".." + to;
    }
  }

  public CalendarYear {
    requireText(source, "source");
    holidays = List.copyOf(holidays);
    workdays = List.copyOf(workdays);
    for (Holiday h : holidays) {
      requireInYear(year, h.from(), "holiday " + h.name() + " from");
      requireInYear(year, h.to(), "holiday " + h.name() + " to");
    }
    for (int i = 0; i < holidays.size(); i++) {
      for (int j = i + 1; j < holidays.size(); j++) {
        Holiday a = holidays.get(i);
        Holiday b = holidays.get(j);
        if (!a.from().isAfter(b.to()) && !b.from().isAfter(a.to())) {
          // Overlaps are typos; when two festivals merge (国庆+中秋 2025) the notice gives one range, so do we.
          throw new IllegalArgumentException("holidays " + a + " and " + b + " overlap");
        }
      }
    }
    Set<LocalDate> seen = new HashSet<>();
    for (LocalDate d : workdays) {
      requireInYear(year, d, "make-up working day");
      if (!seen.add(d)) {
        throw new IllegalArgumentException("make-up working day " + d + " is listed twice");
      }
      DayOfWeek dow = d.getDayOfWeek();
      if (dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY) {
        throw new IllegalArgumentException("make-up working day " + d + " is a " + dow
            + ", not a Saturday or Sunday: 调休 only turns weekend days into working days");
      }
      for (Holiday h : holidays) {
        if (h.contains(d)) {
          throw new IllegalArgumentException("make-up working day " + d + " falls inside holiday " + h);
        }
      }
    }
  }

  private static void requireInYear(int year, LocalDate day, String what) {
    Objects.requireNonNull(day, what);
    if (day.getYear() != year) {
      throw new IllegalArgumentException(what + " " + day + " is outside year " + year);
    }
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is missing or blank");
    }
  }
}
