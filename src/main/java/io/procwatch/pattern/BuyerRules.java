package io.procwatch.pattern;

import io.procwatch.project.Fact.Method;
import io.procwatch.rules.CategoryKind;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleCatalogue;
import io.procwatch.rules.RuleDefinition;
import io.procwatch.rules.RuleId;
import io.procwatch.rules.Severity;
import io.procwatch.rules.ThresholdProfile;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * XP01–XP03 of domain.md §3 as pure functions of one buyer's live contracts (cancelled projects excluded): what
 * holds now. The {@link PatternOwner} of the buyer turns that into alerts with the usual lifecycle, so an alert
 * resolves as soon as its condition no longer holds (a cancelled contract brings a sum back under).
 */
public final class BuyerRules {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  /** One signed contract of the buyer, with its project's category, fiscal year and method. */
  public record Contract(String projectId, String contractId, String supplier, String category, CategoryKind kind,
      int fiscalYear, Method method, BigDecimal amount, Instant signedAt) {}

  private final RuleCatalogue catalogue;
  private final ThresholdProfile profile;

  public BuyerRules(RuleCatalogue catalogue, ThresholdProfile profile) {
    this.catalogue = catalogue;
    this.profile = profile;
  }

  RuleCatalogue catalogue() {
    return catalogue;
  }

  ThresholdProfile profile() {
    return profile;
  }

  public List<Condition> evaluate(List<Contract> contracts) {
    List<Condition> out = new ArrayList<>();
    if (catalogue.get(RuleId.XP01).enabled()) out.addAll(xp01(contracts));
    if (catalogue.get(RuleId.XP02).enabled()) out.addAll(xp02(contracts));
    if (catalogue.get(RuleId.XP03).enabled()) out.addAll(xp03(contracts));
    return out;
  }

  /**
   * 化整为零: contracts of the same category prefix and fiscal year, bought by a method other than the excluded
   * (open) ones, that add up to the public-tender threshold (R28). A split needs pieces: at least two projects.
   * The threshold is that of the group's category kind in the active profile (the lowest if kinds are mixed).
   * The identity includes the level, so crossing from WARNING to CRITICAL resolves the warning and raises the
   * critical alert (an alert's severity never changes under it).
   */
  List<Condition> xp01(List<Contract> contracts) {
    RuleDefinition def = catalogue.get(RuleId.XP01);
    int len = def.intParam("category-prefix-length");
    Set<Method> excluded = def.enumSetParam("excluded-methods", Method.class);
    BigDecimal warningRatio = def.decimalParam("warning-ratio");
    Map<String, List<Contract>> groups = new TreeMap<>();
    for (Contract c : contracts) {
      if (c.method() == null || excluded.contains(c.method())) continue;
      String prefix = c.category().length() <= len ? c.category() : c.category().substring(0, len);
      groups.computeIfAbsent(prefix + "|" + c.fiscalYear(), k -> new ArrayList<>()).add(c);
    }
    List<Condition> out = new ArrayList<>();
    for (Map.Entry<String, List<Contract>> g : groups.entrySet()) {
      List<Contract> parts = g.getValue();
      if (parts.stream().map(Contract::projectId).distinct().count() < 2) continue;
      BigDecimal sum = parts.stream().map(Contract::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
      BigDecimal threshold = parts.stream().map(c -> profile.publicTenderThreshold(c.kind()))
          .min(Comparator.naturalOrder()).orElseThrow();
      boolean critical = sum.compareTo(threshold) > 0;
      boolean warning = sum.compareTo(threshold.multiply(warningRatio)) >= 0;
      if (!critical && !warning) continue;
      Severity sev = def.severityFor(critical);
      Map<String, String> details = new LinkedHashMap<>();
      StringBuilder list = new StringBuilder();
      parts.sort(Comparator.comparing(Contract::signedAt).thenComparing(Contract::projectId));
      for (Contract c : parts) {
        details.put("project:" + c.projectId(), c.amount().toPlainString());
        if (list.length() > 0) list.append(", ");
        list.append(c.projectId()).append(' ').append(c.amount().toPlainString());
      }
      String[] key = g.getKey().split("\\|");
      details.put("categoryPrefix", key[0]);
      details.put("fiscalYear", key[1]);
      details.put("sum", sum.toPlainString());
      details.put("threshold", threshold.toPlainString());
      details.put("profile", profile.id());
      details.put("contracts", Integer.toString(parts.size()));
      Instant at = parts.get(parts.size() - 1).signedAt();
      out.add(new Condition("XP01", sev, g.getKey() + "|" + sev.name(), false, at, null, null,
          parts.size() + " contracts in " + key[0] + " (" + key[1] + ") by non-open methods total " + sum.toPlainString()
              + (critical ? " > " : " ≥ " + warningRatio.toPlainString() + " × ") + "public-tender threshold "
              + threshold.toPlainString() + " (" + profile.id() + "): " + list,
          details));
    }
    return out;
  }

  /** 供应商集中: one supplier takes more than {@code share} of the buyer's contracted amount in a fiscal year. */
  List<Condition> xp02(List<Contract> contracts) {
    RuleDefinition def = catalogue.get(RuleId.XP02);
    BigDecimal share = def.decimalParam("share");
    int minContracts = def.intParam("min-contracts");
    Map<Integer, List<Contract>> byYear = new TreeMap<>();
    for (Contract c : contracts) byYear.computeIfAbsent(c.fiscalYear(), k -> new ArrayList<>()).add(c);
    List<Condition> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Contract>> y : byYear.entrySet()) {
      List<Contract> cs = y.getValue();
      if (cs.size() < minContracts) continue;
      BigDecimal total = cs.stream().map(Contract::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
      if (total.signum() == 0) continue;
      Map<String, BigDecimal> bySupplier = new TreeMap<>();
      Map<String, Integer> counts = new TreeMap<>();
      for (Contract c : cs) {
        bySupplier.merge(c.supplier(), c.amount(), BigDecimal::add);
        counts.merge(c.supplier(), 1, Integer::sum);
      }
      for (Map.Entry<String, BigDecimal> s : bySupplier.entrySet()) {
        if (s.getValue().compareTo(total.multiply(share)) <= 0) continue;
        Instant at = cs.stream().filter(c -> c.supplier().equals(s.getKey())).map(Contract::signedAt)
            .max(Comparator.naturalOrder()).orElse(null);
        out.add(xp02(y.getKey(), s.getKey(), s.getValue(), counts.get(s.getKey()), total, cs.size(), at));
      }
    }
    return out;
  }

  /**
   * The XP02 condition of a supplier that has {@code amount} over {@code contracts} of the buyer's {@code total} over
   * {@code buyerContracts} in fiscal year {@code year}, its latest contract signed {@code at}; the caller has checked
   * that it holds (more than {@code share} of a non-zero total, at least {@code min-contracts} contracts).
   */
  Condition xp02(int year, String supplier, BigDecimal amount, int contracts, BigDecimal total, int buyerContracts,
      Instant at) {
    RuleDefinition def = catalogue.get(RuleId.XP02);
    BigDecimal ratio = amount.divide(total, 6, RoundingMode.HALF_EVEN);
    return new Condition("XP02", def.severity(), supplier + "|" + year, false, at, null, supplier,
        "supplier " + supplier + " has " + amount.toPlainString() + " of " + total.toPlainString()
            + " (" + ratio.toPlainString() + ") over " + contracts + " of " + buyerContracts
            + " contracts in fiscal year " + year,
        Map.of("supplierAmount", amount.toPlainString(), "buyerTotal", total.toPlainString(),
            "share", ratio.toPlainString(), "fiscalYear", Integer.toString(year),
            "supplierContracts", Integer.toString(contracts), "buyerContracts", Integer.toString(buyerContracts)));
  }

  /** 频繁单一来源: the same supplier single-sourced {@code min-count} times within {@code window-months} (L31). */
  List<Condition> xp03(List<Contract> contracts) {
    RuleDefinition def = catalogue.get(RuleId.XP03);
    int min = def.intParam("min-count");
    int months = def.intParam("window-months");
    Map<String, List<Contract>> bySupplier = new TreeMap<>();
    for (Contract c : contracts) {
      if (c.method() == Method.SINGLE_SOURCE) bySupplier.computeIfAbsent(c.supplier(), k -> new ArrayList<>()).add(c);
    }
    List<Condition> out = new ArrayList<>();
    for (Map.Entry<String, List<Contract>> s : bySupplier.entrySet()) {
      List<Contract> cs = s.getValue();
      cs.sort(Comparator.comparing(Contract::signedAt).thenComparing(Contract::projectId));
      for (int i = 0; i + min - 1 < cs.size(); i++) {
        Contract first = cs.get(i);
        Contract last = cs.get(i + min - 1);
        Instant windowEnd = first.signedAt().atZone(SHANGHAI).plusMonths(months).toInstant();
        if (last.signedAt().isBefore(windowEnd)) {
          Map<String, String> details = new LinkedHashMap<>();
          StringBuilder list = new StringBuilder();
          for (Contract c : cs.subList(i, i + min)) {
            details.put("project:" + c.projectId(), c.amount().toPlainString());
            if (list.length() > 0) list.append(", ");
            list.append(c.projectId()).append(" (").append(c.signedAt()).append(')');
          }
          out.add(new Condition("XP03", def.severity(), s.getKey(), false, last.signedAt(), null, s.getKey(),
              "supplier " + s.getKey() + " single-sourced " + min + " times within " + months + " months: " + list,
              details));
          break;
        }
      }
    }
    return out;
  }
}
