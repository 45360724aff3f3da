package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleCatalogue;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * XP04–XP07 against Open Contracting's own Cardinal fixtures (src/test/resources/cardinal, byte-identical copies of
 * cardinal-rs tests/fixtures/indicators). The test reads each OCDS line into the figures procwatch keeps (wins and
 * processes per tenderer, the two best valid bids of a process, disqualified and submitted bids, category prefixes),
 * following Cardinal's eligibility rules; the production {@link PopulationRules} then computes the type-8 quartiles,
 * the fences and the flags, which must equal the fixture's expected results (groups procwatch flags: OCID for
 * R024/R058, Tenderer for R025/R038/R048, Buyer for R038).
 */
class CardinalConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FINAL_AWARD = Set.of("active", "cancelled", "unsuccessful");
  private static final Set<String> SUBMITTED = Set.of("pending", "valid", "disqualified");

  static RuleCatalogue catalogue(String overrides) {
    return RuleCatalogue.from(ConfigFactory.parseString(overrides).withFallback(ConfigFactory.parseResources("rules.conf")));
  }

  @Test
  void r024LowPriceGap() throws Exception {
    PopulationRules pop = new PopulationRules(catalogue(""));
    for (JsonNode p : lines("R024.jsonl")) gap(p).ifPresent(f -> pop.process(p.get("ocid").asText(), f));
    assertThat(pop.priceGap.fences(1.5).q1()).isCloseTo(66.6667, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(pop.priceGap.fences(1.5).q3()).isEqualTo(100.0);
    assertThat(pop.priceGap.fences(1.5).lower()).isCloseTo(16.6667, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(flagged(pop, "XP05", "priceGap", "low")).isEqualTo(expected("R024.expected", "OCID", "R024"));
  }

  @Test
  void r058HighPriceGap() throws Exception {
    PopulationRules pop = new PopulationRules(catalogue(""));
    for (JsonNode p : lines("R058.jsonl")) gap(p).ifPresent(f -> pop.process(p.get("ocid").asText(), f));
    assertThat(pop.priceGap.fences(1.5).q3()).isCloseTo(33.3333, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(pop.priceGap.fences(1.5).upper()).isCloseTo(83.3333, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(flagged(pop, "XP05", "priceGap", "high")).isEqualTo(expected("R058.expected", "OCID", "R058"));
  }

  @Test
  void r025CoverBidding() throws Exception {
    PopulationRules pop = new PopulationRules(catalogue(""));
    Map<String, int[]> perTenderer = new TreeMap<>(); // processes with a valid bid, wins
    for (JsonNode p : lines("R025.jsonl")) {
      if (excluded(p) || !allAwardsFinal(p)) continue;
      Set<String> bidders = new HashSet<>();
      for (JsonNode b : p.path("bids").path("details")) {
        if (b.path("status").asText().equals("valid")) for (JsonNode t : b.path("tenderers")) bidders.add(t.path("id").asText());
      }
      Set<String> winners = new HashSet<>();
      for (JsonNode a : p.path("awards")) {
        if (a.path("status").asText().equals("active")) for (JsonNode s : a.path("suppliers")) winners.add(s.path("id").asText());
      }
      for (String t : bidders) {
        int[] c = perTenderer.computeIfAbsent(t, k -> new int[2]);
        c[0]++;
        if (winners.contains(t)) c[1]++;
      }
    }
    perTenderer.forEach((t, c) -> pop.supplier(t, new PopulationRules.SupplierFigures(c[0], c[1], 0, 0, 0, 0)));
    assertThat(pop.winRatio.fences(1.5).q1()).isCloseTo(0.9333, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(pop.winRatio.fences(1.5).lower()).isCloseTo(0.8333, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(pop.bidProcesses.quantile(0.75)).isEqualTo(1.0);
    assertThat(flagged(pop, "XP04", "winRatio", null)).isEqualTo(expected("R025.expected", "Tenderer", "R025"));
  }

  @Test
  void r038DisqualifiedShareOfBuyers() throws Exception {
    PopulationRules pop = new PopulationRules(catalogue(""));
    Map<String, int[]> buyers = new TreeMap<>();
    Map<String, int[]> tenderers = new TreeMap<>();
    disqualified(lines("R038.jsonl"), buyers, tenderers);
    buyers.forEach((b, c) -> pop.buyer(b, new PopulationRules.BuyerFigures(c[0], c[1])));
    tenderers.forEach((t, c) -> pop.supplier(t, new PopulationRules.SupplierFigures(0, 0, c[0], c[1], 0, 0)));
    assertThat(flagged(pop, "XP07", "disqualifiedShare", "buyer")).isEqualTo(expected("R038.expected", "Buyer", "R038"));
    assertThat(flagged(pop, "XP07", "disqualifiedShare", "supplier")).isEqualTo(expected("R038.expected", "Tenderer", "R038"));
  }

  @Test
  void r038DisqualifiedShareOfTenderers() throws Exception {
    PopulationRules pop = new PopulationRules(catalogue(""));
    Map<String, int[]> buyers = new TreeMap<>();
    Map<String, int[]> tenderers = new TreeMap<>();
    disqualified(lines("R038-tenderer.jsonl"), buyers, tenderers);
    tenderers.forEach((t, c) -> pop.supplier(t, new PopulationRules.SupplierFigures(0, 0, c[0], c[1], 0, 0)));
    assertThat(flagged(pop, "XP07", "disqualifiedShare", "supplier"))
        .isEqualTo(expected("R038-tenderer.expected", "Tenderer", "R038"));
  }

  @Test
  void r048CategoryVariety() throws Exception {
    PopulationRules pop = new PopulationRules(catalogue("procwatch.rules.XP06.params.min-processes = 1"));
    Map<String, Set<String>> prefixes = new TreeMap<>();
    Map<String, Integer> processes = new HashMap<>();
    for (JsonNode p : lines("R048-minimum_contracting_processes-1.jsonl")) {
      if (excluded(p)) continue;
      for (JsonNode a : p.path("awards")) {
        if (!a.path("status").asText().equals("active") || a.path("suppliers").size() != 1) continue;
        String s = a.path("suppliers").get(0).path("id").asText();
        processes.merge(s, 1, Integer::sum);
        for (JsonNode i : a.path("items")) prefixes.computeIfAbsent(s, k -> new HashSet<>())
            .add(i.path("classification").path("id").asText().substring(0, 2));
      }
    }
    prefixes.forEach((s, set) -> pop.supplier(s, new PopulationRules.SupplierFigures(0, 0, 0, 0, processes.get(s), set.size())));
    assertThat(pop.categoryVariety.fences(1.5).q3()).isCloseTo(1.3333, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(pop.categoryVariety.fences(1.5).upper()).isCloseTo(1.8333, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(flagged(pop, "XP06", "categoryPrefixes", null))
        .isEqualTo(expected("R048-minimum_contracting_processes-1.expected", "Tenderer", "R048"));
  }

  // ---------------------------------------------------------------- OCDS → procwatch figures, Cardinal's eligibility

  private static boolean excluded(JsonNode p) {
    String details = p.path("tender").path("procurementMethodDetails").asText("");
    return !p.path("ocid").isTextual() || p.path("tender").path("status").asText("").equals("cancelled")
        || details.equals("EXC") || details.equals("NPC");
  }

  private static boolean allAwardsFinal(JsonNode p) {
    for (JsonNode a : p.path("awards")) {
      if (a.has("status") && !FINAL_AWARD.contains(a.path("status").asText())) return false;
    }
    return true;
  }

  /** R024/R058: one active award to one supplier; valid single-tenderer bids with an amount in the main currency. */
  private static java.util.Optional<PopulationRules.ProcessFigures> gap(JsonNode p) {
    if (excluded(p) || !allAwardsFinal(p)) return java.util.Optional.empty();
    List<JsonNode> active = new ArrayList<>();
    for (JsonNode a : p.path("awards")) if (a.path("status").asText().equals("active")) active.add(a);
    if (active.size() != 1 || active.get(0).path("suppliers").size() != 1) return java.util.Optional.empty();
    String winner = active.get(0).path("suppliers").get(0).path("id").asText();
    BigDecimal win = null, second = null;
    for (JsonNode b : p.path("bids").path("details")) {
      if (!b.path("status").asText().equals("valid") || b.path("tenderers").size() != 1) continue;
      if (!b.path("value").path("amount").isNumber() || !b.path("value").path("currency").asText().equals("USD")) continue;
      BigDecimal amount = b.path("value").path("amount").decimalValue();
      if (b.path("tenderers").get(0).path("id").asText().equals(winner)) {
        if (win == null || amount.compareTo(win) < 0) win = amount;
      } else if (second == null || amount.compareTo(second) < 0) {
        second = amount;
      }
    }
    return java.util.Optional.of(new PopulationRules.ProcessFigures("B", winner, win, second));
  }

  private static void disqualified(List<JsonNode> lines, Map<String, int[]> buyers, Map<String, int[]> tenderers) {
    for (JsonNode p : lines) {
      if (excluded(p)) continue;
      for (JsonNode b : p.path("bids").path("details")) {
        String status = b.path("status").asText();
        if (!SUBMITTED.contains(status)) continue;
        int disq = status.equals("disqualified") ? 1 : 0;
        if (p.path("buyer").has("id")) {
          int[] c = buyers.computeIfAbsent(p.path("buyer").path("id").asText(), k -> new int[2]);
          c[0]++;
          c[1] += disq;
        }
        for (JsonNode t : b.path("tenderers")) {
          int[] c = tenderers.computeIfAbsent(t.path("id").asText(), k -> new int[2]);
          c[0]++;
          c[1] += disq;
        }
      }
    }
  }

  // ---------------------------------------------------------------- comparing with the fixtures

  /** What procwatch flags for a rule, as entity → value (the value Cardinal reports). */
  private static Map<String, Double> flagged(PopulationRules pop, String rule, String valueKey, String filter) {
    Map<String, Double> out = new TreeMap<>();
    for (Map.Entry<String, List<Condition>> e : pop.evaluate().entrySet()) {
      for (Condition c : e.getValue()) {
        if (!c.rule().equals(rule)) continue;
        String entity = e.getKey().substring(e.getKey().indexOf('@') + 1);
        if (rule.equals("XP05")) {
          if (!c.details().get("side").equals(filter)) continue;
          entity = c.details().get("projectId");
        }
        if (rule.equals("XP07") && !e.getKey().startsWith(filter + "@")) continue;
        out.put(entity, Double.parseDouble(c.details().get(valueKey)));
      }
    }
    return out;
  }

  private static Map<String, Double> expected(String file, String group, String code) throws Exception {
    JsonNode root = JSON.readTree(read(file).isBlank() ? "{}" : read(file));
    Map<String, Double> out = new TreeMap<>();
    root.path(group).fields().forEachRemaining(e -> {
      double v = e.getValue().path(code).asDouble();
      out.put(e.getKey(), Double.parseDouble(PopulationRules.num(v)));
    });
    return out;
  }

  private static List<JsonNode> lines(String file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : read(file).split("\n")) {
      if (line.isBlank()) continue;
      try {
        out.add(JSON.readTree(line));
      } catch (Exception invalid) {
        // Cardinal skips invalid JSON lines with a warning
      }
    }
    return out;
  }

  private static String read(String file) throws Exception {
    try (InputStream in = CardinalConformanceTest.class.getResourceAsStream("/cardinal/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

}
