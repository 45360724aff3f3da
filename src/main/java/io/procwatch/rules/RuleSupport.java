package io.procwatch.rules;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import io.procwatch.project.RecordedFact;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers shared by the MP, BG, SQ04 and PT rules. */
final class RuleSupport {
  private RuleSupport() {}

  /**
   * Alert details from key/value pairs; null values are left out. Amounts keep their exact text
   * ({@link BigDecimal#toPlainString()}), never a double.
   */
  static Map<String, String> details(Object... keyValues) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      Object v = keyValues[i + 1];
      if (v == null) continue;
      out.put(String.valueOf(keyValues[i]), v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v));
    }
    return out;
  }

  static String yuan(BigDecimal amount) {
    return amount.toPlainString();
  }

  /**
   * The earliest business time of a step of this type anywhere in the history (all rounds), or null. Judged in
   * business time: a step reported late with an earlier {@code occurredAt} counts from when it happened.
   */
  static Instant earliest(ProjectState s, Class<? extends Fact.Data> type) {
    Instant first = null;
    for (RecordedFact r : s.history()) {
      if (!type.isInstance(r.fact().data())) continue;
      Instant t = r.fact().occurredAt();
      if (first == null || t.isBefore(first)) first = t;
    }
    return first;
  }

  /** When the current winner was decided: the published award, else the supplier confirmation. */
  static Instant awardedAt(ProjectState s) {
    return s.award() != null ? s.stepAt("AwardPublished") : s.stepAt("SupplierConfirmed");
  }

  static Instant later(Instant a, Instant b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.isAfter(b) ? a : b;
  }
}
