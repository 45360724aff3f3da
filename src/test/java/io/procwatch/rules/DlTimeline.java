package io.procwatch.rules;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.procwatch.alert.Alert;
import io.procwatch.alert.AlertChange;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.project.Fact;
import io.procwatch.project.Judge;
import io.procwatch.testing.Timeline;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Test support for the DL timeline tests: a {@link Timeline} that reports only the alert changes of one rule, in
 * words ("DL01 raised CRITICAL", "DL01 pre-warning resolved CLEARED", "DL01 resolved CLEARED late by 5 days"), and
 * the facts of the vocabulary with short constructors. Not a test itself.
 */
final class DlTimeline {
  private DlTimeline() {}

  private static final Config REFERENCE =
      ConfigFactory.parseResources("rules.conf").resolve(ConfigResolveOptions.noSystem());
  private static final WorkCalendar CALENDAR = WorkCalendar.fromClasspath();
  private static final ThresholdProfiles THRESHOLDS = ThresholdProfiles.defaults();
  private static final Pt08Lists PT08 = Pt08Lists.defaults();

  /**
   * A project on a clock starting at {@code start}, with every DL rule but {@code rule} disabled so that
   * {@link Watcher#wakeAt()} is that rule's alone; the other families stay as configured.
   */
  static Watcher only(RuleId rule, String start) {
    StringBuilder off = new StringBuilder();
    for (RuleId id : EnumSet.complementOf(EnumSet.of(rule))) {
      if (id.family() == RuleId.Family.DL) off.append("procwatch.rules.").append(id).append(".enabled = false\n");
    }
    RuleCatalogue catalogue = RuleCatalogue.from(ConfigFactory.parseString(off.toString()).withFallback(REFERENCE));
    RuleContext ctx = new RuleContext(catalogue, THRESHOLDS, CALENDAR, PT08);
    return new Watcher(new Timeline(ctx, "P-1", at(start)), rule.name());
  }

  /** The packaged catalogue, every rule enabled: what production runs. */
  static Watcher everything(RuleId rule, String start) {
    return new Watcher(Timeline.startingAt(start), rule.name());
  }

  static Instant at(String isoWithOffset) {
    return Timeline.instant(isoWithOffset);
  }

  /** One rule's view of a timeline: each call answers the alert changes it caused, for that rule only. */
  static final class Watcher {
    final Timeline tl;
    final String rule;
    private int seen;

    Watcher(Timeline tl, String rule) {
      this.tl = tl;
      this.rule = rule;
    }

    /** Moves the clock (a wake-up). */
    List<String> at(String wallClock) {
      tl.at(wallClock);
      return fresh();
    }

    List<String> at(Instant wallClock) {
      tl.at(wallClock);
      return fresh();
    }

    /** A fact that happened at {@code occurredAt}, reported now. */
    List<String> fact(String occurredAt, Fact.Data data) {
      tl.fact(occurredAt, data);
      return fresh();
    }

    /** Facts reported together in one batch. */
    List<String> batch(Fact... facts) {
      tl.batch(facts);
      return fresh();
    }

    List<Judge.Verdict> batchVerdicts(Fact... facts) {
      List<Judge.Verdict> verdicts = tl.batch(facts);
      fresh();
      return verdicts;
    }

    Fact make(String occurredAt, Fact.Data data) {
      return tl.make(occurredAt, data);
    }

    Instant wakeAt() {
      return tl.wakeAt();
    }

    List<Alert> open() {
      return tl.open(rule);
    }

    List<Alert> all() {
      return tl.all(rule);
    }

    /** The rule's deadlines as the pure function gives them for the project now. */
    List<Deadline> deadlines() {
      return new DeadlineRules().deadlines(tl.state(), tl.context()).stream()
          .filter(d -> d.rule().equals(rule)).toList();
    }

    private List<String> fresh() {
      List<AlertChange> log = tl.log();
      List<String> out = new ArrayList<>();
      for (AlertChange c : log.subList(seen, log.size())) {
        Alert a = alert(c.alertId());
        if (a.rule().equals(rule)) out.add(describe(a, c));
      }
      seen = log.size();
      return out;
    }

    private Alert alert(String id) {
      return tl.state().alerts().byId(id);
    }
  }

  static String describe(Alert a, AlertChange c) {
    String name = a.rule() + (a.subject().isEmpty() ? "" : "[" + a.subject() + "]") + (a.prewarning() ? " pre-warning" : "");
    if (c instanceof AlertChange.Raised r) return name + " raised " + r.alert().severity();
    if (c instanceof AlertChange.Resolved r) {
      return name + " resolved " + r.resolution() + (r.lateness() == null ? "" : " " + r.lateness());
    }
    return name + " " + c.getClass().getSimpleName();
  }

  // ---- facts ---------------------------------------------------------------------------------------------------

  static BigDecimal yuan(String amount) {
    return new BigDecimal(amount);
  }

  static Fact.ProjectRegistered registered() {
    return new Fact.ProjectRegistered("B-001", "重庆市某局", "办公设备采购", null, "A02010104", CategoryKind.GOODS,
        yuan("1000000.00"), 2026, false, null);
  }

  static Fact.MethodApproved method(Fact.Method method) {
    return new Fact.MethodApproved(method, null, null);
  }

  static Fact.BidReceived bid(String supplier, String amount) {
    return new Fact.BidReceived(supplier, null, yuan(amount), null, null, null, null, null);
  }

  static Fact.AwardPublished award(String supplier) {
    return new Fact.AwardPublished(supplier, yuan("900000.00"));
  }

  static Fact.ContractSigned contract(String supplier) {
    return contract(supplier, "900000.00", false, null, null, null);
  }

  static Fact.ContractSigned contract(String supplier, String amount, boolean sme, Integer paymentDays,
      Integer acceptanceDays, String performanceBond) {
    return new Fact.ContractSigned("HT-1", supplier, yuan(amount), sme, paymentDays, acceptanceDays,
        performanceBond == null ? null : yuan(performanceBond));
  }

  static Fact.DepositReturned deposit(Fact.DepositKind kind, String supplier) {
    return new Fact.DepositReturned(kind, supplier);
  }

  static Fact.PaymentMade payment(String amount, Fact.PaymentKind kind) {
    return new Fact.PaymentMade(yuan(amount), kind);
  }

  static Set<String> subjects(List<Deadline> deadlines) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (Deadline d : deadlines) out.add(d.subject());
    return out;
  }
}
