package io.procwatch.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * DL11's internal service levels: how many {@code unit}s a project may stay in each stage before it counts as
 * stalled. A stage without an entry has no SLA. {@code limits} iterates in {@link #STAGES} order.
 */
public record StageSla(DayUnit unit, Map<String, Integer> limits, int prewarnWorkingDays) {

  /** The stage names DL11 accepts, in the order of the competitive path (domain.md §2). */
  public static final List<String> STAGES = List.of(
      "REGISTERED", "REQUIREMENT_APPROVED", "PLAN_FILED", "METHOD_APPROVED", "NOTICE_PUBLISHED", "BIDS_OPENED",
      "EVALUATED", "SUPPLIER_CONFIRMED", "AWARDED", "CONTRACT_SIGNED", "DELIVERED", "ACCEPTED", "PAYING");

  public StageSla {
    Objects.requireNonNull(unit, "unit");
    Map<String, Integer> ordered = new LinkedHashMap<>();
    for (String stage : STAGES) {
      Integer days = limits.get(stage);
      if (days != null) {
        if (days < 0) {
          throw new IllegalArgumentException("SLA of " + stage + " must not be negative: " + days);
        }
        ordered.put(stage, days);
      }
    }
    for (String stage : limits.keySet()) {
      if (!STAGES.contains(stage)) {
        throw new IllegalArgumentException("unknown stage '" + stage + "' (known: " + String.join(", ", STAGES) + ")");
      }
    }
    limits = Collections.unmodifiableMap(ordered);
  }

  /** The SLA of a stage, or empty if the stage has none. */
  public OptionalInt limitFor(String stage) {
    Integer days = limits.get(stage);
    return days == null ? OptionalInt.empty() : OptionalInt.of(days);
  }
}
