package io.procwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.procwatch.alert.AlertBook;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.project.Fact;
import io.procwatch.project.IngestParser;
import io.procwatch.project.Judge;
import io.procwatch.project.ProjectState;
import io.procwatch.sim.Generator;
import io.procwatch.sim.History;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The incremental evaluation ({@link RuleEngine#evaluate(ProjectState, RuleEngine.Evaluation, ProjectState, Instant)}),
 * as the project actor uses it through {@link Judge}, equals the full evaluation of every rule after every fact, and
 * gives every fact the same flags as full evaluations before and after it would.
 *
 * <p>Facts are fed per project in commands of random size with one instant each, the evaluation carried from
 * command to command as the actor keeps it ({@code at(now)}); the instant moves with the facts (a live feed) and
 * sometimes jumps weeks ahead, so deadlines come due, get pre-warned and are closed late in between.
 */
class IncrementalEvaluationTest {
  static final WorkCalendar CALENDAR = WorkCalendar.fromClasspath();
  static final IngestParser PARSER = new IngestParser(Duration.ofDays(36500));

  /** How often each path was taken, so a test can tell that it exercised both. */
  static final class Counts {
    int facts;
    int rejectedOrDuplicate;
    int reused;
    int recomputed;
    int flagged;
  }

  // ------------------------------------------------------------------ simulator histories

  @ParameterizedTest(name = "seed {0}, irregular share {1}")
  @CsvSource({"7, 0.03", "11, 0", "23, 0.2", "42, 0.5", "1234, 0.1"})
  void simulatorHistoriesEvaluateAsTheFullEvaluationAfterEveryFact(long seed, double irregular) {
    Generator.Options options = new Generator.Options(seed, LocalDate.of(2025, 1, 1), 1, 300, 0.08, 6, 80, irregular,
        new BigDecimal("15000000"));
    History history = Generator.generate(options, CALENDAR);
    if (irregular > 0) assertThat(history.planted()).as("planted cases").isNotEmpty();
    Map<String, List<Fact>> byProject = new LinkedHashMap<>();
    for (History.Event e : history.events()) {
      IngestParser.Parsed p = PARSER.parse(e.json(), e.occurredAt());
      assertThat(p.error()).as(e.json()).isNull();
      byProject.computeIfAbsent(e.projectId(), k -> new ArrayList<>()).add(p.fact());
    }
    Counts counts = new Counts();
    Random random = new Random(seed);
    Judge judge = new Judge(RuleEngine.standard(RuleContext.defaults()));
    for (List<Fact> facts : byProject.values()) feed(judge, facts, random, counts);
    assertThat(counts.facts).isEqualTo(history.events().size());
    assertThat(counts.reused).as("facts that reused every rule's findings").isPositive();
    assertThat(counts.recomputed).as("facts that changed some rule's findings").isPositive();
    if (irregular > 0) assertThat(counts.flagged).as("flagged facts").isPositive();
  }

  // ------------------------------------------------------------------ random projects, made to hit the edges

  /**
   * Random facts of every type: steps out of order and backfilled, several at one instant, re-tenders, bids with
   * equal amounts (100 and 100.00) and shared identity values after the opening and after the award, deposits,
   * challenges, payments, activity after closing. Many are refused by the judge, as they would be in service.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void randomProjectsEvaluateAsTheFullEvaluationAfterEveryFact(long seed) {
    Random random = new Random(seed);
    Counts counts = new Counts();
    Judge judge = new Judge(RuleEngine.standard(RuleContext.defaults()));
    for (int p = 0; p < 40; p++) feed(judge, randomProject("r" + seed + "-" + p, random), random, counts);
    assertThat(counts.facts - counts.rejectedOrDuplicate).isGreaterThan(600);
    assertThat(counts.reused).isPositive();
    assertThat(counts.recomputed).isPositive();
    assertThat(counts.flagged).isPositive();
  }

  /** Hand-made edge cases, each aimed at one shortcut of a rule. */
  @Test
  void handMadeEdgeCasesEvaluateAsTheFullEvaluation() {
    Judge judge = new Judge(RuleEngine.standard(RuleContext.defaults()));
    Counts counts = new Counts();
    String p = "edge";
    List<Fact> facts = new ArrayList<>(walkToNotice(p));
    facts.add(bid(p, "e1", "S1", "100", "acct-1", "2026-03-20T10:00:00+08:00"));
    facts.add(bid(p, "e2", "S1", "100.00", "acct-1", "2026-03-20T10:01:00+08:00")); // same supplier, same amount
    facts.add(bid(p, "e3", "S2", "200", " ACCT-1 ", "2026-03-20T10:02:00+08:00")); // PT06 after normalising
    facts.add(bid(p, "e4", "S3", "100.0", null, "2026-03-20T10:03:00+08:00")); // PT02 by value
    facts.add(bid(p, "e5", "S4", "300", null, "2026-03-01T10:00:00+08:00")); // backfilled before the notice: SQ01
    facts.add(bid(p, "e6", "S4", "301", null, "2026-03-04T10:00:00+08:00")); // at the MethodApproved instant: PT07
    facts.add(fact(p, "e7", "2026-03-04T10:05:00+08:00", new Fact.PlanFiled())); // 5 min after an approval
    facts.add(fact(p, "e8", "2026-03-30T10:00:00+08:00", new Fact.BidsOpened()));
    facts.add(bid(p, "e9", "S5", "400", null, "2026-03-30T10:30:00+08:00")); // a bid after the opening
    facts.add(fact(p, "e10", "2026-03-31T10:00:00+08:00", new Fact.BidDisqualified("S1", "资格不符")));
    facts.add(fact(p, "e11", "2026-04-01T10:00:00+08:00", new Fact.EvaluationCompleted(List.of("S2"))));
    facts.add(fact(p, "e12", "2026-04-02T10:00:00+08:00", new Fact.SupplierConfirmed("S2")));
    facts.add(fact(p, "e13", "2026-04-03T10:00:00+08:00", new Fact.AwardPublished("S2", new BigDecimal("200"))));
    facts.add(bid(p, "e14", "S6", "500", null, "2026-04-03T11:00:00+08:00")); // a bid after the award: DL03
    facts.add(fact(p, "e15", "2026-04-20T10:00:00+08:00", new Fact.ProcurementFailed("re-tender")));
    facts.add(bid(p, "e16", "S1", "100", "acct-1", "2026-04-21T10:00:00+08:00")); // the old round's twin: no PT02
    facts.add(fact(p, "e17", "2026-04-22T10:00:00+08:00", new Fact.MethodApproved(Fact.Method.INQUIRY, null, null)));
    facts.add(fact(p, "e18", "2026-04-22T11:00:00+08:00",
        new Fact.NoticePublished(Instant.parse("2026-04-22T03:00:00Z"), Instant.parse("2026-04-24T03:00:00Z"))));
    facts.add(bid(p, "e19", "S2", "100", "acct-9", "2026-04-23T10:00:00+08:00"));
    facts.add(fact(p, "e20", "2026-05-10T10:00:00+08:00", new Fact.ProjectCancelled("no money")));
    facts.add(bid(p, "e21", "S3", "700", null, "2026-05-11T10:00:00+08:00")); // after the end: SQ03
    facts.add(bid(p, "e22", "S4", "701", null, "2026-05-12T10:00:00+08:00"));
    facts.add(fact(p, "e23", "2026-05-12T10:00:00+08:00",
        new Fact.DepositReturned(Fact.DepositKind.BID, "S4"))); // the same instant as a bid
    for (int seed = 0; seed < 5; seed++) feed(judge, facts, new Random(seed), counts);
    assertThat(counts.rejectedOrDuplicate).isZero();
    assertThat(counts.reused).isPositive();
    assertThat(counts.flagged).isPositive();
  }

  /** Disabled rules drop out of what a rule found before; the shortcuts must still hold. */
  @Test
  void disabledRulesDoNotConfuseTheIncrementalEvaluation() {
    String off = String.join("\n", "procwatch.rules.SQ01.enabled = false", "procwatch.rules.PT02.enabled = false",
        "procwatch.rules.PT07.enabled = false", "procwatch.rules.DL11.enabled = false",
        "procwatch.rules.DL03.enabled = false");
    RuleCatalogue catalogue = RuleCatalogue.from(
        ConfigFactory.parseString(off).withFallback(ConfigFactory.parseResources(RuleCatalogue.RESOURCE)).resolve());
    RuleContext d = RuleContext.defaults();
    Judge judge = new Judge(RuleEngine.standard(new RuleContext(catalogue, d.thresholds(), d.calendar(), d.pt08())));
    Random random = new Random(99);
    Counts counts = new Counts();
    for (int p = 0; p < 60; p++) feed(judge, randomProject("d" + p, random), random, counts);
    assertThat(counts.reused).isPositive();
    assertThat(counts.recomputed).isPositive();
  }

  /** An evaluation of another state (a caller's mistake, or a chain that moved on) is not trusted: full evaluation. */
  @Test
  void anEvaluationOfAnotherStateIsNotUsed() {
    RuleEngine rules = RuleEngine.standard(RuleContext.defaults());
    Judge judge = new Judge(rules);
    List<Fact> facts = new ArrayList<>(walkToNotice("x"));
    Instant now = Instant.parse("2026-03-20T02:00:00Z");
    ProjectState s = null;
    RuleEngine.Evaluation ev = null;
    for (Fact f : facts) {
      Judge.Accepted a = (Judge.Accepted) judge.judge(s, f, now, ev);
      s = a.after();
      ev = a.evaluation();
    }
    ProjectState atNotice = s;
    RuleEngine.Evaluation evAtNotice = ev;
    // two different bids judged from the same evaluation: the second must not see the first one's aggregates
    Fact first = bid("x", "x-b1", "S1", "100", "acct-1", "2026-03-20T10:00:00+08:00");
    Fact second = bid("x", "x-b2", "S2", "100.00", "acct-2", "2026-03-20T10:05:00+08:00");
    Judge.Accepted a1 = (Judge.Accepted) judge.judge(atNotice, first, now, evAtNotice);
    Judge.Accepted a2 = (Judge.Accepted) judge.judge(atNotice, second, now, evAtNotice);
    assertSameAsFull(rules, a1, now);
    assertSameAsFull(rules, a2, now);
    // and from the first bid's state, the second bid is an identical amount
    Judge.Accepted a3 = (Judge.Accepted) judge.judge(a1.after(), second, now, a1.evaluation());
    assertSameAsFull(rules, a3, now);
    assertThat(a3.recorded().findings()).extracting(Finding::rule).contains("PT02");
    // an evaluation of an unrelated state is ignored too
    Judge.Accepted a4 = (Judge.Accepted) judge.judge(a1.after(), second, now, evAtNotice);
    assertSameAsFull(rules, a4, now);
    assertThat(a4.recorded().findings()).isEqualTo(a3.recorded().findings());
  }

  // ------------------------------------------------------------------ the check

  /** Feeds one project's facts as the actor would and checks every accepted fact. */
  static void feed(Judge judge, List<Fact> facts, Random random, Counts counts) {
    RuleEngine rules = judge.rules();
    ProjectState state = null;
    RuleEngine.Evaluation remembered = null;
    int rememberedFacts = -1;
    int i = 0;
    Instant clock = facts.get(0).occurredAt();
    while (i < facts.size()) {
      int size = 1 + random.nextInt(random.nextBoolean() ? 3 : 25);
      List<Fact> command = facts.subList(i, Math.min(facts.size(), i + size));
      i += command.size();
      for (Fact f : command) if (f.occurredAt().isAfter(clock)) clock = f.occurredAt();
      // a live feed, now and then a pause of days or weeks (deadlines come due in between)
      clock = clock.plus(Duration.ofMinutes(random.nextInt(random.nextInt(10) == 0 ? 60 * 24 * 40 : 120)));
      Instant now = clock;
      RuleEngine.Evaluation evaluation =
          remembered != null && state != null && rememberedFacts == state.history().size() ? remembered.at(now) : null;
      for (Fact f : command) {
        counts.facts++;
        Judge.Verdict v = judge.judge(state, f, now, evaluation);
        if (!(v instanceof Judge.Accepted a)) {
          counts.rejectedOrDuplicate++;
          continue;
        }
        assertThat(a.recorded().findings()).as("flags of %s", f).isEqualTo(expectedFlags(rules, state, a, now));
        assertSameAsFull(rules, a, now);
        if (evaluation != null && a.evaluation().conditions() == evaluation.conditions()
            && a.evaluation().deadlines() == evaluation.deadlines()) {
          counts.reused++;
        } else {
          counts.recomputed++;
        }
        if (a.recorded().flagged()) counts.flagged++;
        state = a.after();
        evaluation = a.evaluation();
      }
      if (evaluation != null && state != null) {
        remembered = evaluation;
        rememberedFacts = state.history().size();
      }
    }
  }

  static void assertSameAsFull(RuleEngine rules, Judge.Accepted a, Instant now) {
    RuleEngine.Evaluation full = rules.evaluate(a.after(), now);
    String what = a.recorded().fact().eventId() + " " + a.recorded().fact().type();
    assertThat(a.evaluation().conditions()).as("conditions after %s", what).isEqualTo(full.conditions());
    assertThat(a.evaluation().deadlines()).as("deadlines after %s", what).isEqualTo(full.deadlines());
    assertThat(a.evaluation().nextWakeAt()).as("next wake-up after %s", what).isEqualTo(full.nextWakeAt());
  }

  /**
   * The flags of a fact by definition (domain.md §2): the conditions of the full evaluation after it that did not
   * hold in the full evaluation before it, then the deadlines it closed late.
   */
  static List<Finding> expectedFlags(RuleEngine rules, ProjectState before, Judge.Accepted a, Instant now) {
    RuleEngine.Evaluation was = before == null ? RuleEngine.Evaluation.NONE : rules.evaluate(before, now);
    RuleEngine.Evaluation is = rules.evaluate(a.after(), now);
    Set<String> held = was.holdingKeys(now);
    List<Finding> flags = new ArrayList<>();
    for (Condition c : is.conditions()) {
      if (!held.contains(c.key())) flags.add(new Finding(c.rule(), c.severity(), c.subject(), c.message()));
    }
    Instant occurred = a.recorded().fact().occurredAt();
    for (Deadline d : is.deadlines()) {
      if (!d.open() && d.closedAt().equals(occurred) && d.breached(now)) {
        flags.add(new Finding(d.rule(), d.severity(), d.subject(), d.message() + " (" + AlertBook.lateWords(d.lateness()) + ")"));
      }
    }
    return flags;
  }

  // ------------------------------------------------------------------ random facts

  private static final String[] SUPPLIERS = {"S1", "S2", "S3", "S4"};
  private static final String[] AMOUNTS = {"100", "100.00", "250", "99.5", "120", "0"};
  private static final String[] VALUES = {null, "", "acct-1", "ACCT-1", " acct - 1 ", "acct-2", "重庆市渝中区 1号"};

  static List<Fact> walkToNotice(String id) {
    List<Fact> out = new ArrayList<>();
    out.add(fact(id, id + "-reg", "2026-03-02T09:00:00+08:00", registration(new Random(0))));
    out.add(fact(id, id + "-req", "2026-03-03T10:00:00+08:00", new Fact.RequirementApproved()));
    out.add(fact(id, id + "-method", "2026-03-04T10:00:00+08:00",
        new Fact.MethodApproved(Fact.Method.OPEN_TENDER, null, null)));
    out.add(fact(id, id + "-notice", "2026-03-05T10:00:00+08:00",
        new Fact.NoticePublished(Instant.parse("2026-03-05T02:00:00Z"), Instant.parse("2026-03-30T01:30:00Z"))));
    return out;
  }

  static Fact bid(String project, String eventId, String supplier, String amount, String account, String at) {
    return fact(project, eventId, at,
        new Fact.BidReceived(supplier, null, new BigDecimal(amount), null, null, account, null, null));
  }

  static List<Fact> randomProject(String id, Random r) {
    List<Fact> out = new ArrayList<>();
    Instant t = Instant.parse("2026-01-05T01:00:00Z").plus(Duration.ofHours(r.nextInt(24 * 60)));
    List<Instant> seen = new ArrayList<>();
    out.add(new Fact(id + "-0", id, t, null, registration(r)));
    seen.add(t);
    int n = 20 + r.nextInt(r.nextInt(4) == 0 ? 200 : 40);
    for (int k = 1; k <= n; k++) {
      Instant at;
      int when = r.nextInt(10);
      if (when == 0) {
        at = seen.get(r.nextInt(seen.size())); // the same instant as an earlier fact
      } else if (when == 1) {
        at = t.minus(Duration.ofMinutes(r.nextInt(60 * 24 * 20))); // backfilled
      } else {
        t = t.plus(Duration.ofMinutes(r.nextInt(r.nextBoolean() ? 15 : 60 * 24 * 5)));
        at = t;
      }
      seen.add(at);
      String eventId = r.nextInt(30) == 0 && k > 1 ? id + "-" + (1 + r.nextInt(k - 1)) : id + "-" + k; // some retries
      out.add(new Fact(eventId, id, at, r.nextBoolean() ? null : "clerk", randomData(r, at)));
    }
    return out;
  }

  private static Fact.ProjectRegistered registration(Random r) {
    String[] budgets = {"3900000", "950000", "5000000", "120000", "1000000"};
    List<Fact.Item> items = r.nextBoolean() ? null
        : List.of(new Fact.Item("台式计算机", BigDecimal.ONE, new BigDecimal(r.nextBoolean() ? "4800" : "5200")));
    return new Fact.ProjectRegistered("B1", "重庆市某局", "办公设备采购", null, r.nextBoolean() ? "A02010104" : "C0101",
        CategoryKind.GOODS, new BigDecimal(budgets[r.nextInt(budgets.length)]), 2026, r.nextInt(4) == 0, items);
  }

  private static Fact.Data randomData(Random r, Instant at) {
    String s = SUPPLIERS[r.nextInt(SUPPLIERS.length)];
    int pick = r.nextInt(100);
    if (pick < 35) { // bids dominate, as in a busy tender
      return new Fact.BidReceived(s, null, new BigDecimal(AMOUNTS[r.nextInt(AMOUNTS.length)]),
          r.nextInt(4) == 0 ? at.plus(Duration.ofMinutes(r.nextInt(600) - 300)) : null, r.nextBoolean(),
          VALUES[r.nextInt(VALUES.length)], VALUES[r.nextInt(VALUES.length)], VALUES[r.nextInt(VALUES.length)]);
    }
    return switch (r.nextInt(24)) {
      case 0 -> new Fact.IntentPublished();
      case 1 -> new Fact.RequirementApproved();
      case 2 -> new Fact.PlanFiled();
      case 3 -> new Fact.MethodApproved(Fact.Method.values()[r.nextInt(Fact.Method.values().length)],
          r.nextBoolean() ? null : "财库 1号", null);
      case 4 -> new Fact.NoticePublished(at.minus(Duration.ofDays(r.nextInt(3))),
          at.plus(Duration.ofDays(r.nextInt(30)).plusHours(r.nextInt(24))));
      case 5 -> new Fact.BidsOpened();
      case 6 -> new Fact.BidDisqualified(s, r.nextBoolean() ? null : "资格不符");
      case 7 -> new Fact.EvaluationCompleted(List.of(s));
      case 8 -> new Fact.SupplierConfirmed(s);
      case 9 -> new Fact.AwardPublished(s, new BigDecimal(r.nextBoolean() ? "3880000" : "250"));
      case 10 -> new Fact.ChallengeFiled("C" + r.nextInt(3), s);
      case 11 -> new Fact.ChallengeAnswered("C" + r.nextInt(3), s);
      case 12 -> new Fact.ProcurementFailed(null);
      case 13 -> new Fact.ContractSigned("K" + r.nextInt(2), s, new BigDecimal(r.nextBoolean() ? "3700000" : "250"),
          r.nextBoolean(), r.nextBoolean() ? null : r.nextInt(70), r.nextBoolean() ? null : r.nextInt(3) * 10,
          r.nextBoolean() ? null : new BigDecimal(r.nextInt(2) * 1000));
      case 14 -> new Fact.ContractPublished();
      case 15 -> new Fact.ContractAmended(new BigDecimal(r.nextInt(600000) - 100000), null);
      case 16 -> new Fact.Delivered();
      case 17 -> new Fact.Accepted();
      case 18 -> new Fact.PaymentMade(new BigDecimal(r.nextInt(2000000) + 1),
          Fact.PaymentKind.values()[r.nextInt(Fact.PaymentKind.values().length)]);
      case 19, 20 -> new Fact.DepositReturned(Fact.DepositKind.values()[r.nextInt(Fact.DepositKind.values().length)],
          r.nextInt(5) == 0 ? null : s);
      case 21 -> r.nextInt(3) == 0 ? new Fact.ProjectClosed(null) : new Fact.Delivered();
      case 22 -> r.nextInt(3) == 0 ? new Fact.ProjectCancelled(null) : new Fact.Accepted();
      default -> new Fact.BidsOpened();
    };
  }

  private static Fact fact(String project, String eventId, String at, Fact.Data data) {
    return new Fact(eventId, project, java.time.OffsetDateTime.parse(at).toInstant(), null, data);
  }
}
