package io.procwatch.calendar;

/**
 * The unit of a legal period. The regulations state some limits in calendar days (L46: 30 days to sign a contract)
 * and others in working days (R50: 2 working days to publish it); mixing them up moves a deadline by a whole
 * weekend or holiday, so every limit carries its kind explicitly instead of a bare number.
 */
public enum DayKind {
  /** Calendar days (domain.md "CD"); the period may still end later if its last day is not a working day. */
  CALENDAR,
  /** Working days (domain.md "WD"): Monday–Friday, minus public holidays, plus make-up working days (调休). */
  WORKING
}
