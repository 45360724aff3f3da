package io.procwatch.testing;

import io.procwatch.alert.Alert;
import io.procwatch.alert.AlertChange;
import io.procwatch.project.Fact;
import io.procwatch.project.Judge;
import io.procwatch.project.ProjectState;
import io.procwatch.project.RecordedFact;
import io.procwatch.project.Watch;
import io.procwatch.rules.RuleContext;
import io.procwatch.rules.RuleEngine;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One project on a controlled clock, without an actor: facts are judged by the real {@link Judge} and alerts
 * reconciled by the real {@link Watch}, exactly as the project actor does it (after each fact or batch, and
 * whenever the clock is moved, as a wake-up would). For timeline tests of rules:
 * "at t0 award, at t0+29d nothing, at t0+30d+1s DL01 fires, a contract signed at t0+31d resolves it".
 */
public final class Timeline {
  private final RuleEngine rules;
  private final Judge judge;
  private final String projectId;
  private final AtomicInteger seq = new AtomicInteger();
  private final List<AlertChange> log = new ArrayList<>();
  private ProjectState state;
  private Instant now;

  public Timeline(RuleContext ctx, String projectId, Instant start) {
    this.rules = RuleEngine.standard(ctx);
    this.judge = new Judge(rules);
    this.projectId = projectId;
    this.now = start;
  }

  public static Timeline startingAt(String isoWithOffset) {
    return new Timeline(RuleContext.defaults(), "P-1", instant(isoWithOffset));
  }

  public static Instant instant(String isoWithOffset) {
    return OffsetDateTime.parse(isoWithOffset).toInstant();
  }

  /** Moves the wall clock (never backwards) and lets the project look at it, as a wake-up does. */
  public List<AlertChange> at(String isoWithOffset) {
    return at(instant(isoWithOffset));
  }

  public List<AlertChange> at(Instant t) {
    if (t.isBefore(now)) throw new IllegalArgumentException("the clock does not go back: " + t + " < " + now);
    now = t;
    return watch();
  }

  public Instant now() {
    return now;
  }

  /** One fact with this business time, reported now. Returns its verdict. */
  public Judge.Verdict fact(String occurredAt, Fact.Data data) {
    return batch(new Fact("t-" + seq.incrementAndGet(), projectId, instant(occurredAt), null, data)).get(0);
  }

  public Fact make(String occurredAt, Fact.Data data) {
    return new Fact("t-" + seq.incrementAndGet(), projectId, instant(occurredAt), null, data);
  }

  /** Facts reported together (one NDJSON batch): judged in order, alerts reconciled once at the end. */
  public List<Judge.Verdict> batch(Fact... facts) {
    List<Judge.Verdict> verdicts = new ArrayList<>();
    List<io.procwatch.rules.Condition> raised = new ArrayList<>();
    for (Fact f : facts) {
      Judge.Verdict v = judge.judge(state, f, now);
      verdicts.add(v);
      if (v instanceof Judge.Accepted a) {
        RecordedFact r = a.recorded();
        raised.addAll(a.raised());
        state = state == null ? io.procwatch.project.ProjectStates.registered(r) : io.procwatch.project.ProjectStates.apply(state, r);
      }
    }
    watch(raised);
    return verdicts;
  }

  private List<AlertChange> watch() {
    return watch(List.of());
  }

  private List<AlertChange> watch(List<io.procwatch.rules.Condition> raisedInBatch) {
    if (state == null) return List.of();
    Watch w = Watch.of(state, now, rules, raisedInBatch);
    if (!w.quiet(state)) state = state.withAlerts(w.changes(), w.suppressed());
    log.addAll(w.changes());
    return w.changes();
  }

  /** When the project would next be woken. */
  public Instant wakeAt() {
    return Watch.of(state, now, rules).wakeAt();
  }

  public ProjectState state() {
    return state;
  }

  public List<Alert> alerts() {
    return state == null ? List.of() : state.alerts().alerts();
  }

  public List<Alert> open() {
    return alerts().stream().filter(Alert::open).toList();
  }

  /** The open alerts of one rule (breaches and pre-warnings). */
  public List<Alert> open(String rule) {
    return open().stream().filter(a -> a.rule().equals(rule)).toList();
  }

  public List<Alert> all(String rule) {
    return alerts().stream().filter(a -> a.rule().equals(rule)).toList();
  }

  /** Every change so far, in order. */
  public List<AlertChange> log() {
    return List.copyOf(log);
  }

  public RuleContext context() {
    return rules.context();
  }
}
