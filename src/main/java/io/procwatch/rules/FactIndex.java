package io.procwatch.rules;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import io.procwatch.project.RecordedFact;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Running aggregates over one project's history, kept beside an {@link RuleEngine.Evaluation} so that a rule can
 * tell in O(1), when one more fact arrives, that the fact changes nothing it finds (see
 * {@link ProjectRule#unchangedBy}). The rules themselves still compute their conditions from the project alone; the
 * index only answers "certainly unchanged?", and a rule that cannot answer yes is evaluated in full.
 *
 * <p>What it holds, each exactly as the rule that reads it defines it:
 * <ul>
 *   <li>the earliest business time of each fact type among the facts that count now (the round steps of failed
 *       rounds left out, {@link SequenceRules#current}): SQ01;</li>
 *   <li>whether the project was ever closed or cancelled (SQ03 flags what comes after);</li>
 *   <li>the latest business time of an approval step (PT07: a later non-approval fact cannot be anyone's
 *       "previous step");</li>
 *   <li>for the current round's bids (those after the last ProcurementFailed, {@link Round}): which suppliers bid
 *       each amount (by value) and which share each normalised identity field (PT02, PT06).</li>
 * </ul>
 *
 * <p><b>One owner.</b> The index is mutable and advances in place, one fact at a time, for the one evaluation chain
 * of one project actor (single-threaded). It remembers how many facts it has folded in and the last one (by
 * identity), and {@link RuleEngine} uses it only for the evaluation it belongs to; any other use gets a fresh index
 * built from the history.
 */
public final class FactIndex {
  private final Set<String> approvals;
  private final List<String> sharedFields;

  private int size;
  private Fact last;
  private int lastFailure = -1;
  private boolean ended;
  private final Map<String, Instant> earliestCurrent = new HashMap<>();
  private Instant latestApproval;
  private final Map<BigDecimal, Set<String>> bidAmounts = new HashMap<>();
  private final Map<String, Set<String>> bidValues = new HashMap<>();

  private FactIndex(RuleContext ctx) {
    RuleDefinition pt07 = ctx.rule(RuleId.PT07);
    RuleDefinition pt06 = ctx.rule(RuleId.PT06);
    this.approvals = Set.copyOf(pt07.stringListParam("approval-events"));
    this.sharedFields = List.copyOf(pt06.stringListParam("shared-fields"));
  }

  /** The index of a project's whole history: O(history), once per evaluation chain. */
  static FactIndex of(ProjectState s, RuleContext ctx) {
    FactIndex index = new FactIndex(ctx);
    List<RecordedFact> h = s.history();
    for (int i = 0; i < h.size(); i++) index.add(h, i);
    return index;
  }

  /** Whether this index describes exactly the first {@code facts} facts of a history whose last one is {@code last}. */
  boolean describes(int facts, Fact lastFact) {
    return size == facts && last == lastFact;
  }

  /** Folds in the fact at position {@code i} of {@code history} (the next one: {@code i == size}). */
  void add(List<RecordedFact> history, int i) {
    if (i != size) throw new IllegalStateException("index of " + size + " facts cannot take fact " + i);
    Fact f = history.get(i).fact();
    Fact.Data d = f.data();
    String type = f.type();
    Instant at = f.occurredAt();
    if (d instanceof Fact.ProcurementFailed) {
      // a new round: the old round's steps stop counting, and its bids with them
      lastFailure = i;
      earliestCurrent.clear();
      for (int j = 0; j <= i; j++) {
        Fact g = history.get(j).fact();
        if (j < lastFailure && ProjectState.ROUND_STEPS.contains(g.type())) continue;
        earliestCurrent.merge(g.type(), g.occurredAt(), FactIndex::earlier);
      }
      bidAmounts.clear();
      bidValues.clear();
    } else {
      earliestCurrent.merge(type, at, FactIndex::earlier);
    }
    if (d instanceof Fact.ProjectClosed || d instanceof Fact.ProjectCancelled) ended = true;
    if (approvals.contains(type) && (latestApproval == null || at.isAfter(latestApproval))) latestApproval = at;
    if (d instanceof Fact.BidReceived b) {
      bidAmounts.computeIfAbsent(amountKey(b.amount()), k -> new HashSet<>(2)).add(b.supplier());
      for (String field : sharedFields) {
        String v = BidPatternRules.normalize(BidPatternRules.field(b, field));
        if (!v.isEmpty()) bidValues.computeIfAbsent(field + '\u0000' + v, k -> new HashSet<>(2)).add(b.supplier());
      }
    }
    size = i + 1;
    last = f;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** Amounts equal by {@code compareTo} (100 = 100.00) get one key. */
  private static BigDecimal amountKey(BigDecimal amount) {
    return amount.signum() == 0 ? BigDecimal.ZERO : amount.stripTrailingZeros();
  }

  // ------------------------------------------------------------------ questions the rules ask

  /** The earliest business time of a fact of this type among the facts that count now, or null. */
  Instant earliestCurrent(String type) {
    return earliestCurrent.get(type);
  }

  boolean ended() {
    return ended;
  }

  /** The latest business time of a PT07 approval step anywhere in the history, or null. */
  Instant latestApproval() {
    return latestApproval;
  }

  boolean isApproval(String type) {
    return approvals.contains(type);
  }

  /**
   * Whether a bid from {@code supplier} would be the only one of its amount, and of each of its PT06 identity values,
   * among other suppliers' bids of the current round: then it pairs with nobody.
   */
  boolean bidPairsWithNobody(Fact.BidReceived b) {
    if (!onlyFrom(bidAmounts.get(amountKey(b.amount())), b.supplier())) return false;
    for (String field : sharedFields) {
      String v = BidPatternRules.normalize(BidPatternRules.field(b, field));
      if (!v.isEmpty() && !onlyFrom(bidValues.get(field + '\u0000' + v), b.supplier())) return false;
    }
    return true;
  }

  private static boolean onlyFrom(Set<String> suppliers, String supplier) {
    return suppliers == null || suppliers.isEmpty() || (suppliers.size() == 1 && suppliers.contains(supplier));
  }
}
