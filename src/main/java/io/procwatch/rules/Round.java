package io.procwatch.rules;

import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import io.procwatch.project.RecordedFact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bids of a project's current tender round as the PT rules read them. A {@code ProcurementFailed} starts a new
 * round (the project state clears its bids and disqualifications), so only bids recorded after the last one count,
 * exactly the bids of {@link ProjectState#bids()}, here with the business time each was received.
 *
 * <p>Definitions the domain leaves open:
 * <ul>
 *   <li>A bid was <b>received</b> at its {@code receivedAt}, or, when the source leaves that out, at the
 *       {@code occurredAt} of its {@code BidReceived} (the business time of 投标).</li>
 *   <li>A supplier's <b>bid</b> is the last one it submitted in the round, in received time (arrival order breaks a
 *       tie): M87 §34 lets a bidder amend its tender before the deadline, and the amended tender is the one
 *       evaluated.</li>
 *   <li>A <b>valid bid</b> is a supplier's bid when that supplier is not disqualified in the round.</li>
 *   <li>The <b>winner</b> is {@link ProjectState#awardedSupplier()}: the published award, else the confirmed
 *       supplier. "An award was made" means there is a winner, so the pattern shows as soon as the buyer decides
 *       (SupplierConfirmed), while the result can still be stopped, not only once it is published.</li>
 * </ul>
 */
final class Round {

  /** One submitted bid and when it was received. */
  record Bid(Fact.BidReceived data, Instant receivedAt, boolean disqualified) {
    String supplier() {
      return data.supplier();
    }
  }

  private final List<Bid> all;
  private final Map<String, Bid> bySupplier;

  private Round(List<Bid> all, Map<String, Bid> bySupplier) {
    this.all = all;
    this.bySupplier = bySupplier;
  }

  static Round of(ProjectState s) {
    List<RecordedFact> h = s.history();
    int start = 0;
    for (int i = 0; i < h.size(); i++) if (h.get(i).fact().data() instanceof Fact.ProcurementFailed) start = i + 1;
    List<Bid> all = new ArrayList<>();
    Map<String, Bid> bySupplier = new LinkedHashMap<>();
    for (int i = start; i < h.size(); i++) {
      Fact f = h.get(i).fact();
      if (!(f.data() instanceof Fact.BidReceived b)) continue;
      Bid bid = new Bid(b, b.receivedAt() != null ? b.receivedAt() : f.occurredAt(),
          s.disqualified().containsKey(b.supplier()));
      all.add(bid);
      bySupplier.merge(b.supplier(), bid, (old, neu) -> neu.receivedAt().isBefore(old.receivedAt()) ? old : neu);
    }
    return new Round(Collections.unmodifiableList(all), Collections.unmodifiableMap(bySupplier));
  }

  /** Every bid submitted in the round, amendments included, in arrival order. */
  List<Bid> all() {
    return all;
  }

  /** Each supplier's bid (its last one), in the order the suppliers first bid. */
  Map<String, Bid> bySupplier() {
    return bySupplier;
  }

  /** The suppliers with a valid bid. */
  List<String> validSuppliers() {
    List<String> valid = new ArrayList<>();
    for (Bid b : bySupplier.values()) if (!b.disqualified()) valid.add(b.supplier());
    return valid;
  }
}
