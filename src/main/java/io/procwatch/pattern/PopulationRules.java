package io.procwatch.pattern;

import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleCatalogue;
import io.procwatch.rules.RuleDefinition;
import io.procwatch.rules.RuleId;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * XP04–XP07: the Open Contracting red flags R025, R024/R058, R048 and R038 over the whole population, kept
 * incrementally. Each statistic is a {@link Population}: when a supplier's, buyer's or process's figures change,
 * only its value is replaced (O(log n) + an O(n) array shift); quartiles and fences are then read in O(1), and the
 * flagged members are the prefix or suffix beyond the fence (O(log n + k)). Cardinal's conventions: type-8
 * quartiles, Tukey fences with k = {@code iqr-multiplier}, inclusive comparisons except R025's ratio, a fixed
 * {@code threshold} replacing a fence, and the guards (R024/R025 only when Q1 &gt; 0 and the lower fence &gt; 0;
 * R058/R038/R048 only when the upper fence &gt; 0).
 */
public final class PopulationRules {

  /** What one supplier did, as counted from the read side. */
  public record SupplierFigures(int bidProcesses, int wins, int submittedBids, int disqualifiedBids, int awardedProcesses,
      int categoryPrefixes) {}

  /** What one buyer's processes received. */
  public record BuyerFigures(int submittedBids, int disqualifiedBids) {}

  /** One awarded process with its two best valid bids (R024/R058). */
  public record ProcessFigures(String buyer, String winner, BigDecimal winnerAmount, BigDecimal secondAmount) {}

  private final RuleCatalogue catalogue;
  // XP04 (R025)
  final Population bidProcesses = new Population();
  final Population winRatio = new Population();
  // XP05 (R024/R058)
  final Population priceGap = new Population();
  private final Map<String, ProcessFigures> processes = new HashMap<>();
  // XP06 (R048)
  final Population categoryVariety = new Population();
  // XP07 (R038)
  final Population buyerDisqualified = new Population();
  final Population supplierDisqualified = new Population();
  private final Map<String, int[]> bidCounts = new HashMap<>();

  public PopulationRules(RuleCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  public void supplier(String supplier, SupplierFigures f) {
    RuleDefinition xp06 = catalogue.get(RuleId.XP06);
    RuleDefinition xp07 = catalogue.get(RuleId.XP07);
    boolean bidder = f != null && f.bidProcesses() > 0;
    bidProcesses.put(supplier, bidder ? (double) f.bidProcesses() : null);
    winRatio.put(supplier, bidder ? (double) f.wins() / f.bidProcesses() : null);
    categoryVariety.put(supplier, f != null && f.awardedProcesses() >= xp06.intParam("min-processes")
        ? (double) f.categoryPrefixes() : null);
    boolean enough = f != null && f.submittedBids() > 0 && f.submittedBids() >= xp07.intParam("min-submitted-bids");
    supplierDisqualified.put(supplier, enough ? (double) f.disqualifiedBids() / f.submittedBids() : null);
    if (enough) bidCounts.put("s" + supplier, new int[] {f.disqualifiedBids(), f.submittedBids()});
    else bidCounts.remove("s" + supplier);
  }

  /**
   * Cardinal R038 applies {@code minimum_contracting_processes} to the buyer's number of submitted bids (its own
   * fixture flags a buyer with one process and two bids); procwatch follows Cardinal, so the figures match.
   */
  public void buyer(String buyer, BuyerFigures f) {
    RuleDefinition xp07 = catalogue.get(RuleId.XP07);
    boolean enough = f != null && f.submittedBids() > 0 && f.submittedBids() >= xp07.intParam("min-contracting-processes");
    buyerDisqualified.put(buyer, enough ? (double) f.disqualifiedBids() / f.submittedBids() : null);
    if (enough) bidCounts.put("b" + buyer, new int[] {f.disqualifiedBids(), f.submittedBids()});
    else bidCounts.remove("b" + buyer);
  }

  /** A process's price gap; {@code null} (or a pair that does not qualify) removes it. */
  public void process(String projectId, ProcessFigures f) {
    if (f == null || f.winnerAmount() == null || f.secondAmount() == null || f.winnerAmount().signum() <= 0
        || f.secondAmount().compareTo(f.winnerAmount()) < 0) {
      processes.remove(projectId);
      priceGap.put(projectId, null);
      return;
    }
    processes.put(projectId, f);
    priceGap.put(projectId, f.secondAmount().subtract(f.winnerAmount()).doubleValue() / f.winnerAmount().doubleValue());
  }

  /** The winner of a process, if it is in the XP05 population. */
  public Optional<ProcessFigures> processFigures(String projectId) {
    return Optional.ofNullable(processes.get(projectId));
  }

  /** Every population condition that holds now, by owner ({@code supplier@id} / {@code buyer@id}). */
  public Map<String, List<Condition>> evaluate() {
    Map<String, List<Condition>> out = new TreeMap<>();
    if (catalogue.get(RuleId.XP04).enabled()) xp04(out);
    if (catalogue.get(RuleId.XP05).enabled()) xp05(out);
    if (catalogue.get(RuleId.XP06).enabled()) xp06(out);
    if (catalogue.get(RuleId.XP07).enabled()) xp07(out);
    return out;
  }

  private void xp04(Map<String, List<Condition>> out) {
    RuleDefinition def = catalogue.get(RuleId.XP04);
    if (winRatio.size() == 0) return;
    Quartiles.Fences f = winRatio.fences(def.decimalParam("iqr-multiplier").doubleValue());
    Optional<BigDecimal> threshold = def.optionalDecimalParam("threshold");
    double limit;
    if (threshold.isPresent()) limit = threshold.get().doubleValue();
    else if (f.q1() > 0 && f.lower() > 0) limit = f.lower();
    else return;
    double frequent = bidProcesses.quantile(def.intParam("percentile") / 100.0);
    for (String s : winRatio.atOrBelow(limit)) {
      double ratio = winRatio.get(s);
      double processes = bidProcesses.get(s);
      if (!(ratio < limit) || processes < frequent) continue;
      add(out, "supplier@" + s, new Condition("XP04", def.severity(), "", false, null, null, s,
          String.format(Locale.ROOT, "supplier %s won %.0f of %.0f processes it bid in (%.4f), below the fence %.4f;"
              + " frequent bidder (≥ P%d = %.4f processes)", s, ratio * processes, processes, ratio, limit,
              def.intParam("percentile"), frequent),
          stats(f, Map.of("winRatio", num(ratio), "bidProcesses", num(processes), "fence", num(limit),
              "frequentBidderPercentile", num(frequent)))));
    }
  }

  private void xp05(Map<String, List<Condition>> out) {
    RuleDefinition def = catalogue.get(RuleId.XP05);
    if (priceGap.size() == 0) return;
    Quartiles.Fences f = priceGap.fences(def.decimalParam("iqr-multiplier").doubleValue());
    Optional<BigDecimal> low = def.optionalDecimalParam("low-threshold");
    Optional<BigDecimal> high = def.optionalDecimalParam("high-threshold");
    Double lowLimit = low.map(BigDecimal::doubleValue).orElse(f.q1() > 0 && f.lower() > 0 ? f.lower() : null);
    Double highLimit = high.map(BigDecimal::doubleValue).orElse(f.upper() > 0 ? f.upper() : null);
    if (lowLimit != null) for (String p : priceGap.atOrBelow(lowLimit)) xp05(out, def, f, p, "low", lowLimit);
    if (highLimit != null) for (String p : priceGap.atOrAbove(highLimit)) xp05(out, def, f, p, "high", highLimit);
  }

  private void xp05(Map<String, List<Condition>> out, RuleDefinition def, Quartiles.Fences f, String projectId,
      String side, double limit) {
    ProcessFigures pf = processes.get(projectId);
    double gap = priceGap.get(projectId);
    Map<String, String> d = new LinkedHashMap<>();
    d.put("projectId", projectId);
    d.put("buyer", pf.buyer());
    d.put("side", side);
    d.put("priceGap", num(gap));
    d.put("winnerAmount", pf.winnerAmount().toPlainString());
    d.put("secondAmount", pf.secondAmount().toPlainString());
    d.put("fence", num(limit));
    add(out, "supplier@" + pf.winner(), new Condition("XP05", def.severity(), projectId + "|" + side, false, null, null,
        pf.winner(), String.format(Locale.ROOT, "project %s: (second − winner) / winner = %.4f, %s the %s fence %.4f (OCP %s)",
            projectId, gap, side.equals("low") ? "at or below" : "at or above", side.equals("low") ? "lower" : "upper",
            limit, side.equals("low") ? "R024" : "R058"),
        stats(f, d)));
  }

  private void xp06(Map<String, List<Condition>> out) {
    RuleDefinition def = catalogue.get(RuleId.XP06);
    if (categoryVariety.size() == 0) return;
    Quartiles.Fences f = categoryVariety.fences(def.decimalParam("iqr-multiplier").doubleValue());
    Optional<BigDecimal> threshold = def.optionalDecimalParam("threshold");
    double limit;
    if (threshold.isPresent()) limit = threshold.get().doubleValue();
    else if (f.upper() > 0) limit = f.upper();
    else return;
    for (String s : categoryVariety.atOrAbove(limit)) {
      double v = categoryVariety.get(s);
      add(out, "supplier@" + s, new Condition("XP06", def.severity(), "", false, null, null, s,
          String.format(Locale.ROOT, "supplier %s won in %.0f category prefixes, at or above the fence %.4f (OCP R048)",
              s, v, limit),
          stats(f, Map.of("categoryPrefixes", num(v), "fence", num(limit)))));
    }
  }

  private void xp07(Map<String, List<Condition>> out) {
    RuleDefinition def = catalogue.get(RuleId.XP07);
    double k = def.decimalParam("iqr-multiplier").doubleValue();
    Optional<BigDecimal> threshold = def.optionalDecimalParam("threshold");
    xp07(out, def, buyerDisqualified, "buyer", k, threshold);
    xp07(out, def, supplierDisqualified, "supplier", k, threshold);
  }

  private void xp07(Map<String, List<Condition>> out, RuleDefinition def, Population pop, String kind, double k,
      Optional<BigDecimal> threshold) {
    if (pop.size() == 0) return;
    Quartiles.Fences f = pop.fences(k);
    double limit;
    if (threshold.isPresent()) limit = threshold.get().doubleValue();
    else if (f.upper() > 0) limit = f.upper();
    else return;
    for (String id : pop.atOrAbove(limit)) {
      double share = pop.get(id);
      int[] counts = bidCounts.get(kind.charAt(0) + id);
      add(out, kind + "@" + id, new Condition("XP07", def.severity(), kind, false, null, null,
          kind.equals("supplier") ? id : null,
          String.format(Locale.ROOT, "%s %s: %d of %d bids disqualified (%.4f), at or above the fence %.4f (OCP R038)",
              kind, id, counts[0], counts[1], share, limit),
          stats(f, Map.of("disqualifiedShare", num(share), "disqualifiedBids", Integer.toString(counts[0]),
              "submittedBids", Integer.toString(counts[1]), "fence", num(limit)))));
    }
  }

  private static Map<String, String> stats(Quartiles.Fences f, Map<String, String> more) {
    Map<String, String> d = new LinkedHashMap<>(more);
    d.put("population", Integer.toString(f.n()));
    d.put("q1", num(f.q1()));
    d.put("q3", num(f.q3()));
    d.put("lowerFence", num(f.lower()));
    d.put("upperFence", num(f.upper()));
    return d;
  }

  static String num(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static void add(Map<String, List<Condition>> out, String owner, Condition c) {
    out.computeIfAbsent(owner, k -> new ArrayList<>()).add(c);
  }
}
