package io.procwatch.rules;

import static io.procwatch.rules.RuleSupport.details;
import static io.procwatch.rules.RuleSupport.yuan;

import io.procwatch.project.Fact;
import io.procwatch.project.Fact.Method;
import io.procwatch.project.ProjectState;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PT01–PT06 of domain.md §3, the patterns of one tender round's bids (OCP R018, R028, R036, R035, R030). Bids,
 * validity and the winner are defined in {@link Round}.
 *
 * <p>Subjects: PT01 {@code "opening"} (one valid bid at the opening, WARNING) or {@code "award"} (a winner with fewer
 * than the minimum of valid bids, CRITICAL); PT02 the sorted supplier pair {@code "S1+S2"}; PT03 the disqualified
 * lowest bidder; PT04 and PT05 the winner; PT06 the sorted pair and the shared field {@code "S1+S2:address"}.
 *
 * <p>Definitions the domain leaves open:
 * <ul>
 *   <li>PT01 has two subjects so that the escalation is a new CRITICAL alert: once a winner exists the WARNING no
 *       longer holds and resolves itself, superseded. Both clear when more valid bids appear, a disqualification
 *       is taken back by a re-tender, or the round fails.</li>
 *   <li>PT02 compares every bid submitted in the round, disqualified and amended ones included (as R028 does with
 *       every submitted bid): an identical price is evidence whatever became of the bid. Amounts are equal when
 *       {@code compareTo} says so (100.0 = 100.00). Bids of one supplier are never compared with each other.</li>
 *   <li>PT03 looks at each supplier's evaluated bid: it holds when every bid at the lowest amount is disqualified
 *       (a valid bid at the same lowest amount means the lowest price survived; Cardinal breaks such ties by array
 *       order, which our facts do not have).</li>
 *   <li>PT05 compares the winner's bid (its last one: see {@link Round}) with the current notice's bidDeadline;
 *       received exactly at the deadline is in time.</li>
 *   <li>PT06 compares the identity fields of every bid in the round after normalising them (NFKC, case, and white
 *       space ignored, so "重庆市渝中区 1号" and "重庆市渝中区1号" match); blank values never match.</li>
 * </ul>
 */
public final class BidPatternRules implements ProjectRule {

  @Override
  public List<Condition> conditions(ProjectState s, RuleContext ctx) {
    if (s.bids().isEmpty() && s.awardedSupplier() == null) return List.of();
    Round round = Round.of(s);
    List<Condition> found = new ArrayList<>();
    pt01(s, round, ctx, found);
    pt02(round, ctx, found);
    pt03(s, round, ctx, found);
    pt04(s, round, ctx, found);
    pt05(s, round, ctx, found);
    pt06(round, ctx, found);
    return found;
  }

  /** The round's bids and disqualifications, its method, notice, opening and winner (a re-tender clears them). */
  @Override
  public Set<String> dependsOn(RuleContext ctx) {
    return Set.of("MethodApproved", "NoticePublished", "BidReceived", "BidsOpened", "BidDisqualified",
        "SupplierConfirmed", "AwardPublished", "ProcurementFailed");
  }

  /**
   * A bid before the opening and before any winner can only add PT02 and PT06 pairs (PT01 waits for the opening,
   * PT03–PT05 for a winner), and it adds none when no other supplier's bid in the round has its amount or shares one
   * of its identity values. Everything else is evaluated in full.
   */
  @Override
  public boolean unchangedBy(Fact fact, ProjectState before, ProjectState after, List<Condition> previous,
      FactIndex index, RuleContext ctx) {
    return fact.data() instanceof Fact.BidReceived b && before.awardedSupplier() == null
        && !before.hasStep("BidsOpened") && index.bidPairsWithNobody(b);
  }

  /** PT01 有效投标不足. */
  private static void pt01(ProjectState s, Round round, RuleContext ctx, List<Condition> found) {
    RuleDefinition def = ctx.rule(RuleId.PT01);
    if (s.method() == null || !def.enumSetParam("methods", Method.class).contains(s.method().method())) return;
    List<String> valid = round.validSuppliers();
    String winner = s.awardedSupplier();
    int min = def.intParam("min-valid-bids");
    if (winner != null) {
      if (valid.size() >= min) return;
      found.add(new Condition("PT01", def.severityFor(true), "award", false, RuleSupport.awardedAt(s), null, winner,
          "winner " + winner + " chosen with " + valid.size() + " valid bid(s), fewer than " + min + " ("
              + def.zh() + ")",
          details("validBids", valid.size(), "validSuppliers", String.join(",", valid), "minValidBids", min)));
    } else if (s.hasStep("BidsOpened") && valid.size() == 1) {
      Instant at = RuleSupport.later(s.stepAt("BidsOpened"), s.stepAt("BidDisqualified"));
      found.add(new Condition("PT01", def.severityFor(false), "opening", false, at, null, valid.get(0),
          "only one valid bid, from " + valid.get(0) + " (" + def.zh() + ")",
          details("validBids", 1, "validSuppliers", valid.get(0), "bids", round.bySupplier().size())));
    }
  }

  /** PT02 报价雷同: two suppliers bid exactly the same amount. Grouped by amount, so linear in the bids. */
  private static void pt02(Round round, RuleContext ctx, List<Condition> found) {
    RuleDefinition def = ctx.rule(RuleId.PT02);
    Map<String, Condition> byPair = new LinkedHashMap<>();
    for (List<Round.Bid> same : equalAmounts(round.all())) {
      for (int i = 0; i < same.size(); i++) {
        for (int j = i + 1; j < same.size(); j++) {
          Round.Bid a = same.get(i);
          Round.Bid b = same.get(j);
          if (a.supplier().equals(b.supplier())) continue;
          String pair = pair(a.supplier(), b.supplier());
          byPair.putIfAbsent(pair, new Condition("PT02", def.severity(), pair, false,
              RuleSupport.later(a.receivedAt(), b.receivedAt()), null, null,
              pair.replace("+", " and ") + " bid the same amount, " + yuan(a.data().amount()) + " (" + def.zh() + ")",
              details("amount", a.data().amount(), "suppliers", pair)));
        }
      }
    }
    found.addAll(byPair.values());
  }

  /** Runs of bids with the same amount (by value: 100 = 100.00), found by sorting instead of hashing. */
  private static List<List<Round.Bid>> equalAmounts(List<Round.Bid> bids) {
    List<List<Round.Bid>> out = new java.util.ArrayList<>();
    if (bids.size() < 2) return out;
    List<Round.Bid> sorted = new java.util.ArrayList<>(bids);
    sorted.sort((a, b) -> a.data().amount().compareTo(b.data().amount()));
    int start = 0;
    for (int i = 1; i <= sorted.size(); i++) {
      if (i == sorted.size() || sorted.get(i).data().amount().compareTo(sorted.get(start).data().amount()) != 0) {
        if (i - start > 1) out.add(List.copyOf(sorted.subList(start, i)));
        start = i;
      }
    }
    return out;
  }

  /**
   * The bids that share a key, in bid order, for each key shared by two or more bids. Pairwise comparison
   * would cost n² per evaluation; a project's round may hold hundreds of bids.
   */
  private static List<List<Round.Bid>> groups(List<Round.Bid> bids, java.util.function.Function<Round.Bid, String> key) {
    Map<String, List<Round.Bid>> byKey = new LinkedHashMap<>();
    for (Round.Bid b : bids) {
      String k = key.apply(b);
      if (k == null || k.isEmpty()) continue;
      byKey.computeIfAbsent(k, x -> new java.util.ArrayList<>(2)).add(b);
    }
    List<List<Round.Bid>> out = new java.util.ArrayList<>();
    for (List<Round.Bid> g : byKey.values()) if (g.size() > 1) out.add(g);
    return out;
  }

  /** PT03 最低价被否决: every bid at the lowest amount was disqualified, and there is a winner. */
  private static void pt03(ProjectState s, Round round, RuleContext ctx, List<Condition> found) {
    String winner = s.awardedSupplier();
    if (winner == null || round.bySupplier().isEmpty()) return;
    BigDecimal lowest = null;
    for (Round.Bid b : round.bySupplier().values()) {
      if (lowest == null || b.data().amount().compareTo(lowest) < 0) lowest = b.data().amount();
    }
    List<Round.Bid> atLowest = new ArrayList<>();
    for (Round.Bid b : round.bySupplier().values()) if (b.data().amount().compareTo(lowest) == 0) atLowest.add(b);
    if (!atLowest.stream().allMatch(Round.Bid::disqualified)) return;
    RuleDefinition def = ctx.rule(RuleId.PT03);
    for (Round.Bid b : atLowest) {
      found.add(new Condition("PT03", def.severity(), b.supplier(), false, RuleSupport.awardedAt(s), null,
          b.supplier(), "the lowest bid, " + yuan(lowest) + " from " + b.supplier() + ", was disqualified ("
              + s.disqualified().get(b.supplier()) + ") and " + winner + " was chosen (" + def.zh() + ")",
          details("lowest", lowest, "disqualifiedSupplier", b.supplier(), "reason", s.disqualified().get(b.supplier()),
              "winner", winner)));
    }
  }

  /** PT04 仅中标人有效: the winner is the only valid bidder, and enough other bidders were disqualified. */
  private static void pt04(ProjectState s, Round round, RuleContext ctx, List<Condition> found) {
    String winner = s.awardedSupplier();
    if (winner == null) return;
    Round.Bid own = round.bySupplier().get(winner);
    if (own == null || own.disqualified()) return;
    List<String> others = new ArrayList<>();
    for (Round.Bid b : round.bySupplier().values()) {
      if (b.supplier().equals(winner)) continue;
      if (!b.disqualified()) return;
      others.add(b.supplier());
    }
    RuleDefinition def = ctx.rule(RuleId.PT04);
    int min = def.intParam("min-disqualified-bidders");
    if (others.size() < min) return;
    found.add(new Condition("PT04", def.severity(), winner, false, RuleSupport.awardedAt(s), null, winner,
        "every other bidder (" + String.join(", ", others) + ") was disqualified; only the winner " + winner
            + " was valid (" + def.zh() + ")",
        details("winner", winner, "disqualified", String.join(",", others))));
  }

  /** PT05 逾期投标中标: the winner's bid was received after the bid deadline. */
  private static void pt05(ProjectState s, Round round, RuleContext ctx, List<Condition> found) {
    String winner = s.awardedSupplier();
    if (winner == null || s.notice() == null) return;
    Round.Bid own = round.bySupplier().get(winner);
    Instant deadline = s.notice().bidDeadline();
    if (own == null || !own.receivedAt().isAfter(deadline)) return;
    RuleDefinition def = ctx.rule(RuleId.PT05);
    found.add(new Condition("PT05", def.severity(), winner, false, RuleSupport.awardedAt(s), null, winner,
        "the winning bid of " + winner + " was received at " + own.receivedAt() + ", after the deadline "
            + deadline + " (" + def.zh() + ")",
        details("receivedAt", own.receivedAt(), "bidDeadline", deadline)));
  }

  /** PT06 关联投标: two bidders share a payer account, contact or address. Grouped by value, linear in the bids. */
  private static void pt06(Round round, RuleContext ctx, List<Condition> found) {
    RuleDefinition def = ctx.rule(RuleId.PT06);
    List<String> fields = def.stringListParam("shared-fields");
    Map<String, Condition> bySubject = new LinkedHashMap<>();
    for (String field : fields) {
      for (List<Round.Bid> same : groups(round.all(), b -> normalize(field(b.data(), field)))) {
        for (int i = 0; i < same.size(); i++) {
          for (int j = i + 1; j < same.size(); j++) {
            Round.Bid a = same.get(i);
            Round.Bid b = same.get(j);
            if (a.supplier().equals(b.supplier())) continue;
            String subject = pair(a.supplier(), b.supplier()) + ":" + field;
            bySubject.putIfAbsent(subject, new Condition("PT06", def.severity(), subject, false,
                RuleSupport.later(a.receivedAt(), b.receivedAt()), null, null,
                a.supplier() + " and " + b.supplier() + " share the same " + field + " (" + def.zh() + ")",
                details("suppliers", pair(a.supplier(), b.supplier()), "field", field, "value", field(a.data(), field))));
          }
        }
      }
    }
    found.addAll(bySubject.values());
  }

  static String field(Fact.BidReceived b, String name) {
    return switch (name) {
      case "payerAccount" -> b.payerAccount();
      case "contact" -> b.contact();
      case "address" -> b.address();
      case "supplierName" -> b.supplierName();
      default -> throw new IllegalArgumentException("rule PT06: shared-fields: unknown BidReceived field " + name);
    };
  }

  private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

  static String normalize(String value) {
    if (value == null) return "";
    return WHITE_SPACE.matcher(Normalizer.normalize(value, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)).replaceAll("");
  }

  /** A pair of suppliers as a stable subject: the two ids in sorted order, joined by "+". */
  static String pair(String a, String b) {
    return a.compareTo(b) <= 0 ? a + "+" + b : b + "+" + a;
  }
}
