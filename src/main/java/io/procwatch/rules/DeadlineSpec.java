package io.procwatch.rules;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The deadline of a DL rule (DL01–DL10): {@code limit} {@code unit}s after the event {@code startsAt}, closed by the
 * event {@code closedBy}, pre-warned at INFO {@code prewarnWorkingDays} working days before it is due.
 *
 * <p>Most limits are fixed ({@code params.limit}). DL05 and DL08 take the limit from the contract
 * ({@code limitFrom} names the ContractSigned field, e.g. {@code paymentDays}); {@code limit} is then the default
 * used when the contract gives none, and {@code maxDays}, when present, caps what a contract may agree. Use
 * {@link #limitFor(Integer)} rather than reading these three yourself.
 *
 * <p>Rule-specific qualifiers (which deposit kind closes DL03, where DL05 starts without an acceptance period) stay
 * in the rule's params; this record holds what every deadline has.
 */
public record DeadlineSpec(
    int limit,
    DayUnit unit,
    String startsAt,
    String closedBy,
    int prewarnWorkingDays,
    Optional<String> limitFrom,
    OptionalInt maxDays) {

  public DeadlineSpec {
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(closedBy, "closedBy");
    Objects.requireNonNull(limitFrom, "limitFrom");
    Objects.requireNonNull(maxDays, "maxDays");
    if (limit < 0 || prewarnWorkingDays < 0) {
      throw new IllegalArgumentException("limit and prewarnWorkingDays must not be negative");
    }
    if (maxDays.isPresent() && maxDays.getAsInt() < limit) {
      throw new IllegalArgumentException("maxDays " + maxDays.getAsInt() + " is below the default limit " + limit);
    }
  }

  /**
   * The limit for one contract.
   *
   * @param contractDays the days the contract agreed in the {@link #limitFrom()} field, or {@code null} if it gave
   *     none (or the deadline does not depend on the contract)
   * @return the contract's days capped at {@link #maxDays()} when the limit comes from the contract; otherwise
   *     {@link #limit()}
   */
  public int limitFor(Integer contractDays) {
    if (limitFrom.isEmpty() || contractDays == null) {
      return limit;
    }
    if (contractDays < 0) {
      throw new IllegalArgumentException(limitFrom.get() + " must not be negative: " + contractDays);
    }
    return maxDays.isPresent() ? Math.min(contractDays, maxDays.getAsInt()) : contractDays;
  }
}
