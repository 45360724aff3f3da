package io.procwatch.rules;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One jurisdiction's money thresholds from one date on (domain.md §4), all in CNY yuan as exact decimals.
 *
 * @param jurisdiction ISO 3166-2 code of the issuing government: {@code CN} (central), {@code CN-CQ} (Chongqing)
 * @param basis the citation short id (a key of {@code procwatch.sources} in rules.conf)
 * @param procurementLimits 分散采购限额 per category kind: below it a purchase is not government procurement
 * @param publicTenderThresholds 公开招标数额标准 per category kind: at or above it open tender is required
 * @param centralCatalogueThreshold per-purchase amount from which central-catalogue (集采目录) items must go to the
 *     central purchasing agency; empty when the profile sets none
 */
public record ThresholdProfile(
    String id,
    String jurisdiction,
    LocalDate effectiveFrom,
    String basis,
    Map<CategoryKind, BigDecimal> procurementLimits,
    Map<CategoryKind, BigDecimal> publicTenderThresholds,
    Optional<BigDecimal> centralCatalogueThreshold) {

  public ThresholdProfile {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(jurisdiction, "jurisdiction");
    Objects.requireNonNull(effectiveFrom, "effectiveFrom");
    Objects.requireNonNull(basis, "basis");
    Objects.requireNonNull(centralCatalogueThreshold, "centralCatalogueThreshold");
    procurementLimits = complete(id, "procurementLimits", procurementLimits);
    publicTenderThresholds = complete(id, "publicTenderThresholds", publicTenderThresholds);
  }

  /** 公开招标数额标准: a budget at or above it must be procured by open tender unless approved otherwise. */
  public BigDecimal publicTenderThreshold(CategoryKind kind) {
    return publicTenderThresholds.get(Objects.requireNonNull(kind, "kind"));
  }

  /** 分散采购限额标准: the amount from which a purchase outside the central catalogue is government procurement. */
  public BigDecimal procurementLimit(CategoryKind kind) {
    return procurementLimits.get(Objects.requireNonNull(kind, "kind"));
  }

  private static Map<CategoryKind, BigDecimal> complete(String id, String name, Map<CategoryKind, BigDecimal> map) {
    EnumMap<CategoryKind, BigDecimal> copy = new EnumMap<>(CategoryKind.class);
    copy.putAll(map);
    for (CategoryKind kind : CategoryKind.values()) {
      if (copy.get(kind) == null) {
        throw new IllegalArgumentException("threshold profile " + id + ": " + name + " has no amount for " + kind);
      }
    }
    return Collections.unmodifiableMap(copy);
  }
}
