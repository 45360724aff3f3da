package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.pattern.BuyerRules.Contract;
import io.procwatch.project.Fact.Method;
import io.procwatch.rules.CategoryKind;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleCatalogue;
import io.procwatch.rules.Severity;
import io.procwatch.rules.ThresholdProfile;
import io.procwatch.rules.ThresholdProfiles;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XP01–XP03: for each rule a case that fires, one just below, one that resolves (the condition stops holding). */
class BuyerRulesTest {
  static final ThresholdProfile CENTRAL = ThresholdProfiles.defaults().byId("central-2020").orElseThrow();
  static final ThresholdProfile CHONGQING = ThresholdProfiles.defaults().byId("chongqing-2024").orElseThrow();

  static BuyerRules rules(ThresholdProfile profile) {
    return new BuyerRules(RuleCatalogue.defaults(), profile);
  }

  static Contract c(String project, String supplier, String category, Method method, String amount, String signedAt) {
    return new Contract(project, "HT-" + project, supplier, category, CategoryKind.GOODS, 2026, method, new BigDecimal(amount),
        Instant.parse(signedAt));
  }

  static List<Condition> of(List<Condition> all, String rule) {
    return all.stream().filter(x -> x.rule().equals(rule)).toList();
  }

  // ------------------------------------------------------------------ XP01 over both threshold profiles

  @Test
  void xp01CentralProfileWarnsAt80PercentOf2MillionAndIsCriticalAbove() {
    // central-2020: goods public tender 2,000,000; warning from 1,600,000
    List<Contract> below = List.of(c("P1", "S1", "A02010104", Method.SELF_PURCHASE, "800000.00", "2026-03-01T02:00:00Z"),
        c("P2", "S2", "A02010105", Method.INQUIRY, "799999.99", "2026-04-01T02:00:00Z"));
    assertThat(of(rules(CENTRAL).evaluate(below), "XP01")).isEmpty(); // 1,599,999.99: just below 80%

    List<Contract> warn = new ArrayList<>(below);
    warn.set(1, c("P2", "S2", "A02010105", Method.INQUIRY, "800000.00", "2026-04-01T02:00:00Z"));
    Condition w = of(rules(CENTRAL).evaluate(warn), "XP01").get(0);
    assertThat(w.severity()).isEqualTo(Severity.WARNING);
    assertThat(w.subject()).isEqualTo("A0201|2026|WARNING");
    assertThat(w.details()).containsEntry("project:P1", "800000.00").containsEntry("project:P2", "800000.00")
        .containsEntry("sum", "1600000.00").containsEntry("threshold", "2000000").containsEntry("profile", "central-2020");
    assertThat(w.message()).contains("P1 800000.00", "P2 800000.00");

    List<Contract> exactly = new ArrayList<>(warn);
    exactly.add(c("P3", "S3", "A02019999", Method.SELF_PURCHASE, "400000.00", "2026-05-01T02:00:00Z"));
    // Σ = 2,000,000: "Σ > threshold" is not met, so still a warning
    assertThat(of(rules(CENTRAL).evaluate(exactly), "XP01").get(0).severity()).isEqualTo(Severity.WARNING);

    List<Contract> critical = new ArrayList<>(exactly);
    critical.add(c("P4", "S3", "A02010104", Method.E_MALL, "0.01", "2026-05-02T02:00:00Z"));
    Condition cr = of(rules(CENTRAL).evaluate(critical), "XP01").get(0);
    assertThat(cr.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(cr.subject()).isEqualTo("A0201|2026|CRITICAL");

    // resolves: the cancelled P3 and P4 leave 1,600,000 (warning), then only P1 (no split: one project)
    assertThat(of(rules(CENTRAL).evaluate(warn), "XP01")).extracting(Condition::severity).containsExactly(Severity.WARNING);
    assertThat(of(rules(CENTRAL).evaluate(warn.subList(0, 1)), "XP01")).isEmpty();
  }

  @Test
  void xp01ChongqingProfileNeedsTwiceAsMuch() {
    // chongqing-2024: goods public tender 4,000,000; warning from 3,200,000
    List<Contract> cs = new ArrayList<>(List.of(
        c("P1", "S1", "A02010104", Method.SELF_PURCHASE, "1600000.00", "2026-03-01T02:00:00Z"),
        c("P2", "S2", "A02010105", Method.SINGLE_SOURCE, "1599999.99", "2026-04-01T02:00:00Z")));
    assertThat(of(rules(CHONGQING).evaluate(cs), "XP01")).isEmpty();
    // the same contracts are critical under central-2020
    assertThat(of(rules(CENTRAL).evaluate(cs), "XP01").get(0).severity()).isEqualTo(Severity.CRITICAL);
    cs.add(c("P3", "S2", "A02010109", Method.INQUIRY, "0.01", "2026-04-02T02:00:00Z"));
    Condition w = of(rules(CHONGQING).evaluate(cs), "XP01").get(0);
    assertThat(w.severity()).isEqualTo(Severity.WARNING);
    assertThat(w.details()).containsEntry("threshold", "4000000").containsEntry("sum", "3200000.00");
    cs.add(c("P4", "S4", "A02010104", Method.SELF_PURCHASE, "800000.01", "2026-06-01T02:00:00Z"));
    assertThat(of(rules(CHONGQING).evaluate(cs), "XP01").get(0).severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void xp01IgnoresOpenTendersOtherPrefixesAndOtherYears() {
    List<Contract> cs = List.of(
        c("P1", "S1", "A02010104", Method.OPEN_TENDER, "3000000.00", "2026-03-01T02:00:00Z"),
        c("P2", "S2", "A02010105", Method.SELF_PURCHASE, "1000000.00", "2026-04-01T02:00:00Z"),
        c("P3", "S2", "A02020105", Method.SELF_PURCHASE, "1000000.00", "2026-04-01T02:00:00Z"),
        new Contract("P4", "HT-P4", "S2", "A02010105", CategoryKind.GOODS, 2025, Method.SELF_PURCHASE,
            new BigDecimal("1000000.00"), Instant.parse("2025-04-01T02:00:00Z")));
    assertThat(of(rules(CENTRAL).evaluate(cs), "XP01")).isEmpty();
  }

  // ------------------------------------------------------------------ XP02

  @Test
  void xp02OneSupplierAboveHalfOverFiveContracts() {
    List<Contract> cs = new ArrayList<>();
    cs.add(c("P1", "BIG", "A05", Method.SELF_PURCHASE, "500.00", "2026-03-01T02:00:00Z"));
    cs.add(c("P2", "BIG", "A05", Method.SELF_PURCHASE, "500.00", "2026-03-02T02:00:00Z"));
    cs.add(c("P3", "S3", "A05", Method.SELF_PURCHASE, "400.00", "2026-03-03T02:00:00Z"));
    cs.add(c("P4", "S4", "A05", Method.SELF_PURCHASE, "300.00", "2026-03-04T02:00:00Z"));
    cs.add(c("P5", "S5", "A05", Method.SELF_PURCHASE, "300.00", "2026-03-05T02:00:00Z"));
    // BIG has exactly 1000 of 2000: not more than half
    assertThat(of(rules(CHONGQING).evaluate(cs), "XP02")).isEmpty();
    cs.set(1, c("P2", "BIG", "A05", Method.SELF_PURCHASE, "500.01", "2026-03-02T02:00:00Z"));
    Condition x = of(rules(CHONGQING).evaluate(cs), "XP02").get(0);
    assertThat(x.supplier()).isEqualTo("BIG");
    assertThat(x.subject()).isEqualTo("BIG|2026");
    assertThat(x.details()).containsEntry("supplierAmount", "1000.01").containsEntry("buyerTotal", "2000.01");
    // four contracts are too few to speak of concentration
    assertThat(of(rules(CHONGQING).evaluate(cs.subList(0, 4)), "XP02")).isEmpty();
    // resolves when another contract dilutes the share
    cs.add(c("P6", "S6", "A05", Method.SELF_PURCHASE, "100.00", "2026-03-06T02:00:00Z"));
    assertThat(of(rules(CHONGQING).evaluate(cs), "XP02")).isEmpty();
  }

  // ------------------------------------------------------------------ XP03

  @Test
  void xp03TwoSingleSourceAwardsToOneSupplierWithinTwelveMonths() {
    Contract first = c("P1", "S1", "A05", Method.SINGLE_SOURCE, "100.00", "2025-04-01T02:00:00Z");
    // 2026-04-01 10:00 Shanghai is exactly 12 months later: outside the window
    Contract late = c("P2", "S1", "A05", Method.SINGLE_SOURCE, "100.00", "2026-04-01T02:00:00Z");
    assertThat(of(rules(CHONGQING).evaluate(List.of(first, late)), "XP03")).isEmpty();
    Contract inWindow = c("P2", "S1", "A05", Method.SINGLE_SOURCE, "100.00", "2026-04-01T01:59:59Z");
    Condition x = of(rules(CHONGQING).evaluate(List.of(first, inWindow)), "XP03").get(0);
    assertThat(x.supplier()).isEqualTo("S1");
    assertThat(x.details()).containsKeys("project:P1", "project:P2");
    // another method, or another supplier, does not count
    Contract inquiry = c("P2", "S1", "A05", Method.INQUIRY, "100.00", "2025-05-01T02:00:00Z");
    Contract other = c("P3", "S2", "A05", Method.SINGLE_SOURCE, "100.00", "2025-05-01T02:00:00Z");
    assertThat(of(rules(CHONGQING).evaluate(List.of(first, inquiry, other)), "XP03")).isEmpty();
  }
}
