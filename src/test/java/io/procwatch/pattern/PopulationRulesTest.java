package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.pattern.PopulationRules.BuyerFigures;
import io.procwatch.pattern.PopulationRules.ProcessFigures;
import io.procwatch.pattern.PopulationRules.SupplierFigures;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleCatalogue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * XP04–XP07 with the default catalogue: for each rule a population where it fires, one just inside the fence, and a
 * change of figures that resolves it. Fences are worked out by hand in the comments (type 8, k = 1.5).
 */
class PopulationRulesTest {

  static Map<String, Condition> flagged(PopulationRules pop, String rule) {
    Map<String, Condition> out = new TreeMap<>();
    pop.evaluate().forEach((owner, cs) -> {
      for (Condition c : cs) if (c.rule().equals(rule)) out.put(owner + "|" + c.subject(), c);
    });
    return out;
  }

  @Test
  void xp04FrequentBidderThatRarelyWins() {
    PopulationRules pop = new PopulationRules(RuleCatalogue.defaults());
    for (int i = 0; i < 8; i++) pop.supplier("S" + i, new SupplierFigures(4, 2, 4, 0, 0, 0));
    // ratios {0, 0.5×8}: Q1 = Q3 = 0.5, lower fence 0.5 (> 0, so the rule applies); P75 of processes {3, 4×8} = 4
    pop.supplier("COVER", new SupplierFigures(3, 0, 3, 0, 0, 0));
    assertThat(flagged(pop, "XP04")).isEmpty(); // never won, but bid in 3 < 4 processes: not a frequent bidder
    pop.supplier("COVER", new SupplierFigures(8, 0, 8, 0, 0, 0));
    Condition c = flagged(pop, "XP04").get("supplier@COVER|");
    assertThat(c).isNotNull();
    assertThat(c.details()).containsEntry("winRatio", "0.0000").containsEntry("fence", "0.5000")
        .containsEntry("frequentBidderPercentile", "4.0000").containsEntry("q1", "0.5000");
    assertThat(flagged(pop, "XP04")).hasSize(1);
    // winning half of them puts it on the fence; R025's comparison is strict, so it resolves
    pop.supplier("COVER", new SupplierFigures(8, 4, 8, 0, 0, 0));
    assertThat(flagged(pop, "XP04")).isEmpty();
  }

  static ProcessFigures gap(String winner, String gap) {
    BigDecimal w = new BigDecimal("100000.00");
    return new ProcessFigures("B1", winner, w, w.add(w.multiply(new BigDecimal(gap))));
  }

  @Test
  void xp05PriceGapBeyondTheUpperFence() {
    PopulationRules pop = new PopulationRules(RuleCatalogue.defaults());
    for (int i = 1; i <= 10; i++) pop.process("P" + i, gap("S" + i, String.format("0.%02d", i)));
    // {0.01 … 0.10, x}: Q1 = 0.031667, Q3 = 0.088333, upper fence 0.173333; the lower fence is < 0: R024 off
    pop.process("ODD", gap("W", "0.17"));
    assertThat(flagged(pop, "XP05")).isEmpty();
    pop.process("ODD", gap("W", "0.50"));
    Condition c = flagged(pop, "XP05").get("supplier@W|ODD|high");
    assertThat(c).isNotNull();
    assertThat(c.details()).containsEntry("projectId", "ODD").containsEntry("upperFence", "0.1733")
        .containsEntry("priceGap", "0.5000").containsEntry("buyer", "B1");
    assertThat(c.supplier()).isEqualTo("W");
    // the award falls away (re-tender, cancellation): the process leaves the population and the alert resolves
    pop.process("ODD", null);
    assertThat(flagged(pop, "XP05")).isEmpty();
    // a second below the winner's price is not a price comparison (Cardinal skips it)
    pop.process("ODD", new ProcessFigures("B1", "W", new BigDecimal("100"), new BigDecimal("99")));
    assertThat(pop.priceGap.size()).isEqualTo(10);
  }

  @Test
  void xp06SupplierInTooManyCategories() {
    PopulationRules pop = new PopulationRules(RuleCatalogue.defaults());
    int[] varieties = {1, 1, 2, 2, 2, 3, 3, 4};
    for (int i = 0; i < varieties.length; i++) pop.supplier("S" + i, new SupplierFigures(0, 0, 0, 0, 20, varieties[i]));
    // {1,1,2,2,2,3,3,4,x}: Q1 = 1.6667, Q3 = 3.3333, upper fence 5.8333
    pop.supplier("WIDE", new SupplierFigures(0, 0, 0, 0, 20, 5));
    assertThat(flagged(pop, "XP06")).isEmpty();
    pop.supplier("WIDE", new SupplierFigures(0, 0, 0, 0, 19, 10)); // too few processes (min-processes 20) to judge
    assertThat(flagged(pop, "XP06")).isEmpty();
    pop.supplier("WIDE", new SupplierFigures(0, 0, 0, 0, 20, 10));
    assertThat(flagged(pop, "XP06").get("supplier@WIDE|").details()).containsEntry("upperFence", "5.8333")
        .containsEntry("categoryPrefixes", "10.0000");
    pop.supplier("WIDE", new SupplierFigures(0, 0, 0, 0, 20, 4)); // contracts cancelled
    assertThat(flagged(pop, "XP06")).isEmpty();
  }

  @Test
  void xp07ShareOfDisqualifiedBidsOfBuyersAndSuppliers() {
    PopulationRules pop = new PopulationRules(RuleCatalogue.defaults());
    int[] disq = {0, 1, 1, 2, 2, 3, 3, 4};
    for (int i = 0; i < disq.length; i++) {
      pop.buyer("B" + i, new BuyerFigures(10, disq[i]));
      pop.supplier("S" + i, new SupplierFigures(0, 0, 10, disq[i], 0, 0));
    }
    // {0, .1, .1, .2, .2, .3, .3, .4, x}: Q1 = 0.1, Q3 = 0.3333, upper fence 0.6833
    pop.buyer("ODD", new BuyerFigures(10, 6));
    pop.supplier("ODD", new SupplierFigures(0, 0, 10, 6, 0, 0));
    pop.supplier("ONE", new SupplierFigures(0, 0, 1, 1, 0, 0)); // one bid: below min-submitted-bids, not counted
    assertThat(flagged(pop, "XP07")).isEmpty();
    pop.buyer("ODD", new BuyerFigures(10, 9));
    pop.supplier("ODD", new SupplierFigures(0, 0, 10, 7, 0, 0));
    Map<String, Condition> f = flagged(pop, "XP07");
    assertThat(f).containsOnlyKeys("buyer@ODD|buyer", "supplier@ODD|supplier");
    assertThat(f.get("buyer@ODD|buyer").details()).containsEntry("disqualifiedShare", "0.9000").containsEntry("upperFence", "0.6833");
    assertThat(f.get("supplier@ODD|supplier").supplier()).isEqualTo("ODD");
    pop.buyer("ODD", new BuyerFigures(20, 9)); // more valid bids arrive: 0.45
    assertThat(flagged(pop, "XP07")).containsOnlyKeys("supplier@ODD|supplier");
    pop.supplier("ODD", null);
    assertThat(flagged(pop, "XP07")).isEmpty();
    assertThat(List.of(pop.supplierDisqualified.size(), pop.buyerDisqualified.size())).containsExactly(8, 9);
  }
}
