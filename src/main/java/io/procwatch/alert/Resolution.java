package io.procwatch.alert;

/** Why an alert was resolved (domain.md §5). */
public enum Resolution {
  /** The condition cleared (e.g. paid late): the lateness, if any, is kept on the alert. */
  CLEARED,
  /** Business time shows the breach never happened: the step was reported late but happened in time. */
  RETRACTED,
  /** A supervisor resolved it, with a note (permanent facts such as identical bids). */
  MANUAL
}
