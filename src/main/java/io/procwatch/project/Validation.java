package io.procwatch.project;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Optional;

/**
 * Collects the first problem with an ingested fact, naming the field (as a JSON path such as
 * {@code data.amount}) and the reason. Used by the {@link Fact} records to check what the JSON shape
 * alone cannot: required fields, money rules (domain.md §1), sane ranges.
 */
public final class Validation {
  /**
   * No single procurement fact of a provincial bureau comes near a trillion yuan (the whole country's
   * government procurement is a few trillion a year); anything above is a unit error, not a purchase.
   */
  public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000");

  private static final int MAX_TEXT = 2000;

  /** A problem with one field. */
  public record Problem(String field, String reason) {
    public String message() {
      return field + ": " + reason;
    }
  }

  private final String prefix;
  private Problem first;

  public Validation(String prefix) {
    this.prefix = prefix;
  }

  public Optional<Problem> problem() {
    return Optional.ofNullable(first);
  }

  public boolean ok() {
    return first == null;
  }

  public void fail(String field, String reason) {
    if (first == null) first = new Problem(prefix + field, reason);
  }

  public Validation required(String field, Object value) {
    if (value == null) fail(field, "is required");
    else if (value instanceof String s && s.isBlank()) fail(field, "must not be blank");
    return this;
  }

  public Validation text(String field, String value) {
    if (value != null && value.length() > MAX_TEXT) fail(field, "is longer than " + MAX_TEXT + " characters");
    return this;
  }

  public Validation requiredText(String field, String value) {
    required(field, value);
    return text(field, value);
  }

  /**
   * An identifier (a buyer, supplier, category, contract…): text without control characters. The read side keys
   * its records by them, some joined with U+001F (the cross-project contract groups), and a tab or a line break in an
   * identifier is a data error, never a different party.
   */
  public Validation id(String field, String value) {
    text(field, value);
    if (value != null && hasControl(value)) fail(field, "must not contain control characters");
    return this;
  }

  /** True if {@code s} holds an ISO control character (U+0000–U+001F, U+007F–U+009F). */
  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) if (Character.isISOControl(s.charAt(i))) return true;
    return false;
  }

  public Validation requiredId(String field, String value) {
    required(field, value);
    return id(field, value);
  }

  /** Money in CNY yuan: exact, at most 2 decimals, not negative (domain.md §1), not absurd. */
  public Validation money(String field, BigDecimal value) {
    if (value == null) return this;
    if (value.signum() < 0) fail(field, "must not be negative");
    else checkMoneyShape(field, value);
    return this;
  }

  public Validation requiredMoney(String field, BigDecimal value) {
    required(field, value);
    return money(field, value);
  }

  /** A signed money change (an amendment may reduce a contract). */
  public Validation signedMoney(String field, BigDecimal value) {
    if (value != null) checkMoneyShape(field, value);
    return this;
  }

  private void checkMoneyShape(String field, BigDecimal value) {
    if (value.stripTrailingZeros().scale() > 2) fail(field, "must have at most 2 decimals (CNY fen)");
    else if (value.abs().compareTo(MAX_AMOUNT) > 0) fail(field, "is beyond any plausible amount (max " + MAX_AMOUNT.toPlainString() + " CNY)");
  }

  public Validation range(String field, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) fail(field, "must be between " + min + " and " + max);
    return this;
  }

  public Validation positive(String field, BigDecimal value) {
    if (value != null && value.signum() <= 0) fail(field, "must be greater than 0");
    return this;
  }

  public Validation notBlankElements(String field, Collection<String> values) {
    if (values != null) {
      int i = 0;
      for (String v : values) {
        if (v == null || v.isBlank()) {
          fail(field + "[" + i + "]", "must not be blank");
          break;
        }
        i++;
      }
    }
    return this;
  }
}
