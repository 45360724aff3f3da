package io.procwatch.rules;

import java.math.BigDecimal;

/** Reading CNY amounts from operator files (domain.md §1): exact decimals, never negative, at most 2 decimals. */
final class Money {
  private Money() {}

  /** Parses {@code text} or throws an {@link IllegalArgumentException} whose message says what is wrong. */
  static BigDecimal parse(String text) {
    BigDecimal amount;
    try {
      amount = new BigDecimal(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a decimal amount");
    }
    if (amount.signum() < 0) {
      throw new IllegalArgumentException("amount " + text + " must not be negative");
    }
    if (amount.stripTrailingZeros().scale() > 2) {
      throw new IllegalArgumentException("amount " + text + " has more than 2 decimal places");
    }
    return amount;
  }
}
