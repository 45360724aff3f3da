package io.procwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.procwatch.alert.Alert;
import io.procwatch.alert.AlertStatus;
import io.procwatch.alert.Resolution;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.project.Fact;
import io.procwatch.project.Judge;
import io.procwatch.testing.Timeline;
import java.math.BigDecimal;
import java.util.List;

/**
 * Shared vocabulary of the MP, BG, SQ04 and PT timeline tests: facts with sensible defaults, the two threshold
 * profiles, and assertions on verdicts and alerts. Business times are on working days within office hours unless a
 * test says otherwise, so that PT07 stays quiet where it is not the subject.
 */
final class RuleTimelines {
  private RuleTimelines() {}

  /** The service clock of most tests: after every business time they use (facts are reported afterwards). */
  static final String CLOCK = "2026-12-01T09:00:00+08:00";

  private static final WorkCalendar CALENDAR = WorkCalendar.fromClasspath();

  /** The packaged rules with the threshold profile {@code profile} active ("chongqing-2024" or "central-2020"). */
  static RuleContext context(String profile) {
    ThresholdProfiles thresholds = ThresholdProfiles.from(
        ConfigFactory.parseString("procwatch.thresholds.active-profile = " + profile)
            .withFallback(ConfigFactory.parseResources("thresholds.conf"))
            .resolve(ConfigResolveOptions.noSystem()));
    return new RuleContext(RuleCatalogue.defaults(), thresholds, CALENDAR, Pt08Lists.defaults());
  }

  static Timeline timeline() {
    return timeline("chongqing-2024");
  }

  static Timeline timeline(String profile) {
    return new Timeline(context(profile), "P-1", Timeline.instant(CLOCK));
  }

  // ------------------------------------------------------------------ facts

  /** Goods in a category without PT08 lists, outside the central catalogue, no items. */
  static Fact.ProjectRegistered registration(String budget) {
    return registration(budget, CategoryKind.GOODS, false);
  }

  static Fact.ProjectRegistered registration(String budget, CategoryKind kind, boolean centralCatalogue) {
    return new Fact.ProjectRegistered("CQ-001", "重庆市某局", "采购项目", "BP-1", "A05", kind, new BigDecimal(budget), 2026,
        centralCatalogue, List.of());
  }

  static Fact.ProjectRegistered registration(String budget, String category, List<Fact.Item> items) {
    return new Fact.ProjectRegistered("CQ-001", "重庆市某局", "采购项目", "BP-1", category, CategoryKind.GOODS,
        new BigDecimal(budget), 2026, false, items);
  }

  static Fact.Item item(String name, String quantity, String unitPrice) {
    return new Fact.Item(name, new BigDecimal(quantity), unitPrice == null ? null : new BigDecimal(unitPrice));
  }

  static Fact.MethodApproved method(Fact.Method method) {
    return new Fact.MethodApproved(method, null, null);
  }

  static Fact.MethodApproved method(Fact.Method method, String approvalRef) {
    return new Fact.MethodApproved(method, approvalRef, null);
  }

  static Fact.NoticePublished notice(String docIssueAt, String bidDeadline) {
    return new Fact.NoticePublished(Timeline.instant(docIssueAt), Timeline.instant(bidDeadline));
  }

  static Fact.BidReceived bid(String supplier, String amount) {
    return new Fact.BidReceived(supplier, supplier + " 有限公司", new BigDecimal(amount), null, false, null, null, null);
  }

  static Fact.BidReceived lateBid(String supplier, String amount, String receivedAt) {
    return new Fact.BidReceived(supplier, supplier + " 有限公司", new BigDecimal(amount), Timeline.instant(receivedAt),
        false, null, null, null);
  }

  static Fact.BidReceived bid(String supplier, String amount, String payerAccount, String contact, String address) {
    return new Fact.BidReceived(supplier, supplier + " 有限公司", new BigDecimal(amount), null, false, payerAccount,
        contact, address);
  }

  static Fact.AwardPublished award(String supplier, String amount) {
    return new Fact.AwardPublished(supplier, new BigDecimal(amount));
  }

  static Fact.ContractSigned contract(String id, String supplier, String amount) {
    return new Fact.ContractSigned(id, supplier, new BigDecimal(amount), false, 30, 10, null);
  }

  static Fact.ContractAmended amended(String delta) {
    return new Fact.ContractAmended(new BigDecimal(delta), "补充合同");
  }

  static Fact.PaymentMade payment(String amount, Fact.PaymentKind kind) {
    return new Fact.PaymentMade(new BigDecimal(amount), kind);
  }

  // ------------------------------------------------------------------ a tender up to the opening

  /**
   * An open tender of {@code budget} registered on Monday 2026-03-02, notice on 03-04 with bids due 03-25 09:30
   * (21 CD), the given bids received on 03-10 an hour apart, opened 03-25 09:30.
   */
  static Timeline openedTender(Timeline tl, String budget, Fact.BidReceived... bids) {
    tl.fact("2026-03-02T09:00:00+08:00", registration(budget));
    tl.fact("2026-03-02T10:00:00+08:00", new Fact.RequirementApproved());
    tl.fact("2026-03-03T10:00:00+08:00", method(Fact.Method.OPEN_TENDER));
    tl.fact("2026-03-04T10:00:00+08:00", notice("2026-03-04T10:00:00+08:00", "2026-03-25T09:30:00+08:00"));
    for (int i = 0; i < bids.length; i++) {
      tl.fact(String.format("2026-03-10T%02d:00:00+08:00", 9 + i), bids[i]);
    }
    tl.fact("2026-03-25T09:30:00+08:00", new Fact.BidsOpened());
    return tl;
  }

  /** Evaluation on 03-26, the winner confirmed on 03-27 and published on 03-30. */
  static void awarded(Timeline tl, String winner, String amount) {
    tl.fact("2026-03-26T10:00:00+08:00", new Fact.EvaluationCompleted(List.of(winner)));
    tl.fact("2026-03-27T10:00:00+08:00", new Fact.SupplierConfirmed(winner));
    tl.fact("2026-03-30T10:00:00+08:00", award(winner, amount));
  }

  // ------------------------------------------------------------------ assertions

  static List<String> flags(Judge.Verdict v) {
    assertThat(v).isInstanceOf(Judge.Accepted.class);
    return ((Judge.Accepted) v).recorded().findings().stream().map(f -> f.rule() + "|" + f.subject()).toList();
  }

  static void assertFlagged(Judge.Verdict v, String rule, String subject) {
    assertThat(flags(v)).contains(rule + "|" + subject);
  }

  static void assertNotFlagged(Judge.Verdict v, String rule) {
    assertThat(flags(v)).noneMatch(f -> f.startsWith(rule + "|"));
  }

  /** The one open alert of {@code rule}, checked to be FIRING with this severity and subject. */
  static Alert firing(Timeline tl, String rule, Severity severity, String subject) {
    List<Alert> open = tl.open(rule).stream().filter(a -> a.subject().equals(subject)).toList();
    assertThat(open).as("open %s alerts about '%s' among %s", rule, subject, tl.open(rule)).hasSize(1);
    Alert a = open.get(0);
    assertThat(a.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(a.severity()).isEqualTo(severity);
    assertThat(a.prewarning()).isFalse();
    return a;
  }

  static void assertNoAlert(Timeline tl, String rule) {
    assertThat(tl.all(rule)).as("%s alerts", rule).isEmpty();
  }

  /** The alert resolved itself because its condition cleared. */
  static void assertCleared(Timeline tl, Alert alert) {
    Alert now = tl.state().alerts().byId(alert.id());
    assertThat(now.status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(now.resolution()).isEqualTo(Resolution.CLEARED);
  }

  /** A permanent alert: still open although its condition may no longer hold. */
  static void assertStillOpen(Timeline tl, Alert alert) {
    Alert now = tl.state().alerts().byId(alert.id());
    assertThat(now.open()).isTrue();
    assertThat(now.resolvedAt()).isNull();
  }
}
