package io.procwatch.rules;

/**
 * How bad a finding is (domain.md §3): CRITICAL breaks a rule of law, WARNING is an irregularity or an
 * internal-control breach, INFO is a soft statistical signal or a due-soon pre-warning.
 * Declared in ascending order so that {@code compareTo} answers "at least as severe as".
 */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL;

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}
