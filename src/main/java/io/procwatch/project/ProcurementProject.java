package io.procwatch.project;

import io.procwatch.infra.CborSerializable;
import io.procwatch.infra.DataClock;
import io.procwatch.infra.EntityPluginConfig;
import io.procwatch.rules.Finding;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.time.Instant;
import io.procwatch.alert.Alert;
import io.procwatch.alert.AlertChange;
import io.procwatch.alert.AlertStatus;
import io.procwatch.alert.Resolution;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import com.typesafe.config.Config;

/**
 * One procurement project: an event-sourced, sharded entity that judges every fact reported about the
 * project (see {@link Judge}) and persists what it accepted, before it answers.
 *
 * <p>A command carries all the facts of one project from one request (one for a single event, many
 * from an NDJSON batch); they are judged in order against the evolving state and stored as one journal
 * event, so a batch is atomic per project and a bulk load costs one journal row per project per batch
 * instead of one per fact (the JDBC journal writes tagged rows one by one, stack.md §5/G12).
 */
public final class ProcurementProject
    extends EventSourcedBehaviorWithEnforcedReplies<ProcurementProject.Command, ProcurementProject.Event, ProcurementProject.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Project");

  // ------------------------------------------------------------------ protocol

  public sealed interface Command extends CborSerializable {}

  /** Judge and record these facts of this project, in order. */
  public record Record(List<Fact> facts, ActorRef<Recorded> replyTo) implements Command {}

  /** Everything known about the project. */
  public record Get(ActorRef<Snapshot> replyTo) implements Command {}

  /**
   * Look at the clock: raise what came due, pre-warn what is due soon. Sent by the project's own timer
   * while it is alive and by the {@code DeadlineWatch} (which also wakes passivated projects).
   */
  public record WakeUp() implements Command {}

  /** A supervisor acknowledges an alert of this project. */
  public record Acknowledge(String alertId, String by, String note, ActorRef<AlertReply> replyTo) implements Command {}

  /** A supervisor resolves an alert of this project, with a note. */
  public record Resolve(String alertId, String by, String note, ActorRef<AlertReply> replyTo) implements Command {}

  /**
   * The alert after an acknowledge or resolve, or why not: {@code NOT_FOUND} or {@code NOT_ALLOWED}.
   */
  public record AlertReply(io.procwatch.alert.Alert alert, String error, String message) implements CborSerializable {}

  /** One outcome per fact of a {@link Record}, in the same order. */
  public record Recorded(List<Outcome> outcomes) implements CborSerializable {}

  /**
   * What happened to one fact.
   *
   * @param result {@code applied}, {@code flagged}, {@code duplicate} or {@code rejected}
   */
  public record Outcome(String eventId, String result, Stage stage, List<Finding> flags, Judge.Rejected error)
      implements CborSerializable {
    public static final String APPLIED = "applied";
    public static final String FLAGGED = "flagged";
    public static final String DUPLICATE = "duplicate";
    public static final String REJECTED = "rejected";
  }

  /** The project's state, or {@code null} when it was never registered. */
  public record Snapshot(ProjectState project) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  /**
   * Facts accepted together, each with the stage it led to and what the rules found.
   *
   * @param wakeAt when the project next needs waking on the wall clock after these facts (a deadline or a
   *     pre-warning coming due), or null: the read side keeps it so passivated projects are woken on time
   */
  public record FactsRecorded(List<RecordedFact> facts, Instant wakeAt) implements Event {}

  /**
   * Alert transitions of the project (raised, acknowledged, resolved), and the identities a supervisor
   * silenced by resolving them while their condition still held.
   */
  public record AlertsChanged(List<AlertChange> changes, Set<String> suppressed, Instant wakeAt, int openAlerts)
      implements Event {}

  // ------------------------------------------------------------------ state: unregistered, then active

  public sealed interface State extends CborSerializable {
    /** The project, or {@code null} before its registration. */
    ProjectState project();

    default State apply(RecordedFact recorded) {
      ProjectState p = project();
      return new Active(p == null ? ProjectState.registered(recorded) : p.apply(recorded));
    }

    default State apply(Event event) {
      if (event instanceof FactsRecorded e) {
        State s = this;
        for (RecordedFact r : e.facts()) s = s.apply(r);
        return s;
      }
      AlertsChanged a = (AlertsChanged) event;
      return new Active(project().withAlerts(a.changes(), a.suppressed()));
    }
  }

  public record Unregistered() implements State {
    @Override
    public ProjectState project() {
      return null;
    }
  }

  public record Active(ProjectState project) implements State {}

  // ------------------------------------------------------------------ wiring

  /** Registers the entity with Cluster Sharding on this node. */
  public static void init(ActorSystem<?> system, Judge judge, Clock clock, int tagCount, int maxFactsPerEvent) {
    init(system, judge, clock, tagCount, maxFactsPerEvent, StageListener.NONE);
  }

  /** As above; {@code stages} is told of the stages projects leave (the stage-duration metrics). */
  public static void init(ActorSystem<?> system, Judge judge, Clock clock, int tagCount, int maxFactsPerEvent,
      StageListener stages) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_TYPE_KEY,
            ctx -> create(ctx.getEntityId(), judge, clock, tagCount, maxFactsPerEvent, stages, ctx.getShard())));
  }

  public static Behavior<Command> create(String projectId, Judge judge, Clock clock, int tagCount) {
    return create(projectId, judge, clock, tagCount, DEFAULT_MAX_FACTS_PER_EVENT);
  }

  public static Behavior<Command> create(String projectId, Judge judge, Clock clock, int tagCount, int maxFactsPerEvent) {
    return create(projectId, judge, clock, tagCount, maxFactsPerEvent, StageListener.NONE);
  }

  public static Behavior<Command> create(String projectId, Judge judge, Clock clock, int tagCount, int maxFactsPerEvent,
      StageListener stages) {
    return create(projectId, judge, clock, tagCount, maxFactsPerEvent, stages, null);
  }

  /** As above, in {@code shard} (null outside sharding): a finished project asks it to be passivated. */
  static Behavior<Command> create(String projectId, Judge judge, Clock clock, int tagCount, int maxFactsPerEvent,
      StageListener stages, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new ProcurementProject(projectId, judge, clock, tagCount, maxFactsPerEvent, timers, stages, ctx, shard)));
  }

  /** Facts stored in one journal row at most; a larger command is stored as several events, atomically. */
  public static final int DEFAULT_MAX_FACTS_PER_EVENT = 500;

  /** The projection tag of a project: a stable hash, so each tag's projection sees all of a project's facts in order. */
  public static String tagFor(String projectId, int tagCount) {
    return tag(Math.floorMod(projectId.hashCode(), tagCount));
  }

  public static String tag(int index) {
    return "project-" + index;
  }

  /** The tag of events that carry alert changes: read by the one projection that numbers them. */
  public static final String ALERTS_TAG = "alerts";

  private final String projectId;
  private final Judge judge;
  private final Clock clock;
  private final Set<String> tags;
  private final Set<String> alertTags;
  private final TimerScheduler<Command> timers;

  private final int maxFactsPerEvent;
  private final StageListener stages;
  private final org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx;
  private final io.procwatch.alert.AlertHandoff alertHandoff;
  private final Optional<Config> pluginConfig;

  /** The shard this entity runs in (null outside sharding, as in the entity tests): told when the project is done. */
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  private ProcurementProject(String projectId, Judge judge, Clock clock, int tagCount, int maxFactsPerEvent,
      TimerScheduler<Command> timers, StageListener stages, org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), projectId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.projectId = projectId;
    this.judge = judge;
    this.clock = clock;
    this.tags = Set.of(tagFor(projectId, tagCount));
    this.alertTags = Set.of(tagFor(projectId, tagCount), ALERTS_TAG);
    this.timers = timers;
    this.maxFactsPerEvent = maxFactsPerEvent;
    this.stages = stages;
    this.ctx = ctx;
    this.shard = shard;
    this.alertHandoff = io.procwatch.alert.AlertHandoff.get(ctx.getSystem());
    this.pluginConfig = EntityPluginConfig.of(ctx.getSystem());
  }

  /** The system's configuration, marked complete: Pekko then looks the plugins up without merging it per new entity. */
  @Override
  public Optional<Config> journalPluginConfig() {
    return pluginConfig;
  }

  @Override
  public Optional<Config> snapshotPluginConfig() {
    return pluginConfig;
  }

  @Override
  public State emptyState() {
    return new Unregistered();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Record.class, this::onRecord)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Snapshot(state.project())))
        .onCommand(WakeUp.class, this::onWakeUp)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(Resolve.class, this::onResolve)
        .build();
  }

  private ReplyEffect<Event, State> onRecord(State state, Record cmd) {
    List<Outcome> outcomes = new ArrayList<>(cmd.facts().size());
    List<RecordedFact> accepted = new ArrayList<>();
    List<io.procwatch.rules.Condition> raised = new ArrayList<>();
    State current = state;
    // One instant for the whole command: each fact's "after" evaluation is the next fact's "before", and
    // the last one of the previous command still holds if no fact was added since. On a data clock, not before
    // the facts' own business time (a wall or simulated clock: its now, unchanged).
    Instant now = DataClock.judgedAt(clock, cmd.facts());
    io.procwatch.rules.RuleEngine.Evaluation evaluation = cachedEvaluation(current.project(), now);
    for (Fact fact : cmd.facts()) {
      if (!projectId.equals(fact.projectId())) {
        outcomes.add(rejected(fact, current, new Judge.Rejected("WRONG_PROJECT", "projectId",
            "fact for " + fact.projectId() + " was routed to project " + projectId)));
        continue;
      }
      Judge.Verdict verdict = judge.judge(current.project(), fact, now, evaluation);
      if (verdict instanceof Judge.Accepted a) {
        RecordedFact r = a.recorded();
        accepted.add(r);
        raised.addAll(a.raised());
        current = new Active(a.after());
        evaluation = a.evaluation();
        outcomes.add(new Outcome(fact.eventId(), r.flagged() ? Outcome.FLAGGED : Outcome.APPLIED, r.stageAfter(), r.findings(), null));
      } else if (verdict instanceof Judge.Duplicate dup) {
        outcomes.add(new Outcome(fact.eventId(), Outcome.DUPLICATE, dup.stage(), List.of(), null));
      } else if (verdict instanceof Judge.Rejected r) {
        outcomes.add(rejected(fact, current, r));
      }
    }
    Recorded reply = new Recorded(List.copyOf(outcomes));
    if (accepted.isEmpty()) return Effect().reply(cmd.replyTo(), reply);
    // The batch is judged as a whole: alerts are reconciled once, after its last fact, so a deadline that a
    // later fact of the same batch closes in time never raises a transient alert.
    remember(current.project(), evaluation);
    Watch watch = Watch.of(current.project(), now, judge.rules(), raised, evaluation);
    List<Event> events = new ArrayList<>(2);
    // One persistAll is one atomic write: a large batch is split into rows of bounded size, never into
    // commands, so it is still judged (and its alerts reconciled) as a whole.
    for (int from = 0; from < accepted.size(); from += maxFactsPerEvent) {
      events.add(new FactsRecorded(List.copyOf(accepted.subList(from, Math.min(accepted.size(), from + maxFactsPerEvent))), watch.wakeAt()));
    }
    AlertsChanged alerts = watch.quiet(current.project()) ? null
        : alertsChanged(current.project(), watch.changes(), watch.suppressed(), watch.wakeAt());
    if (alerts != null) events.add(alerts); // last: its sequence number is the write's last
    // Told only after the write, and never during recovery: each stage left is measured once.
    List<RecordedFact> before = state.project() == null ? List.of() : state.project().history();
    Instant latest = latestOccurred(accepted);
    return Effect().persist(events)
        // before the reply: the client's next request sees data time at least at these facts
        .thenRun(s -> DataClock.accepted(clock, latest))
        .thenRun(s -> handOver(alerts))
        .thenRun(s -> armTimer(watch.wakeAt(), now))
        .thenRun(s -> StageListener.stagesLeft(before, accepted).forEach(l -> stages.left(l.stage(), l.inStage())))
        .thenRun(s -> passivateIfDone(s.project(), watch.wakeAt()))
        .thenReply(cmd.replyTo(), s -> reply);
  }

  /**
   * A closed or cancelled project with nothing left to wake up for leaves memory at once instead of after the idle
   * timeout: little more comes for it (a late deposit return, an acknowledgement), and that recovers it from the
   * journal like any passivated project. A bulk load of finished histories otherwise kept every project it loaded
   * in the heap for the idle timeout (about 13 KB each; at 1,500 projects a second, 80% of a 2 GB heap, and the
   * garbage collector a fifth of the service's CPU). The shard buffers what arrives meanwhile and starts the
   * entity again for it.
   */
  private void passivateIfDone(ProjectState p, Instant wakeAt) {
    if (shard != null && p != null && p.stage().terminal() && wakeAt == null) {
      shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    }
  }

  private static Instant latestOccurred(List<RecordedFact> facts) {
    Instant latest = null;
    for (RecordedFact r : facts) if (latest == null || r.fact().occurredAt().isAfter(latest)) latest = r.fact().occurredAt();
    return latest;
  }

  /**
   * Rules read only the project's facts (see {@link io.procwatch.rules.ProjectRule}), and facts are only ever
   * appended: an evaluation made when the project had n facts holds for as long as it has n facts, whatever the
   * clock says (the clock only moves the next wake-up). This spares single events one full evaluation.
   */
  private io.procwatch.rules.RuleEngine.Evaluation cachedEvaluation(ProjectState p, Instant now) {
    if (p == null || evaluated == null || evaluatedFacts != p.history().size()) return null;
    return evaluated.at(now);
  }

  private void remember(ProjectState p, io.procwatch.rules.RuleEngine.Evaluation evaluation) {
    evaluated = evaluation;
    evaluatedFacts = p == null ? -1 : p.history().size();
  }

  private io.procwatch.rules.RuleEngine.Evaluation evaluated;
  private int evaluatedFacts = -1;

  private ReplyEffect<Event, State> onWakeUp(State state, WakeUp cmd) {
    ProjectState p = state.project();
    if (p == null) return Effect().noReply();
    Instant now = clock.instant();
    io.procwatch.rules.RuleEngine.Evaluation evaluation = cachedEvaluation(p, now);
    if (evaluation == null) {
      // after a recovery the wake-up comes first: its evaluation is also where the next facts start from
      evaluation = judge.rules().evaluate(p, now);
      remember(p, evaluation);
    }
    Watch watch = Watch.of(p, now, judge.rules(), List.of(), evaluation);
    if (watch.quiet(p)) {
      armTimer(watch.wakeAt(), now);
      return Effect().noReply();
    }
    AlertsChanged alerts = alertsChanged(p, watch.changes(), watch.suppressed(), watch.wakeAt());
    return Effect().persist(alerts)
        .thenRun(s -> handOver(alerts))
        .thenRun(s -> armTimer(watch.wakeAt(), now))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onAcknowledge(State state, Acknowledge cmd) {
    Alert alert = alertOf(state, cmd.alertId());
    if (alert == null) return Effect().reply(cmd.replyTo(), notFound(cmd.alertId()));
    if (alert.status() != AlertStatus.FIRING) {
      return Effect().reply(cmd.replyTo(), new AlertReply(alert, "NOT_ALLOWED",
          "alert " + alert.id() + " is " + alert.status() + "; only a FIRING alert can be acknowledged"));
    }
    ProjectState p = state.project();
    AlertChange ack = new AlertChange.Acknowledged(alert.id(), cmd.by(), cmd.note(), clock.instant());
    AlertsChanged alerts = alertsChanged(p, List.of(ack), p.alerts().suppressed(), Watch.of(p, clock.instant(), judge.rules()).wakeAt());
    return Effect().persist(alerts)
        .thenRun(s -> handOver(alerts))
        .thenReply(cmd.replyTo(), s -> new AlertReply(s.project().alerts().byId(alert.id()), null, null));
  }

  private ReplyEffect<Event, State> onResolve(State state, Resolve cmd) {
    Alert alert = alertOf(state, cmd.alertId());
    if (alert == null) return Effect().reply(cmd.replyTo(), notFound(cmd.alertId()));
    if (alert.status() == AlertStatus.RESOLVED) {
      return Effect().reply(cmd.replyTo(), new AlertReply(alert, "NOT_ALLOWED", "alert " + alert.id() + " is already resolved"));
    }
    ProjectState p = state.project();
    Instant now = clock.instant();
    // While its condition still holds, a manually resolved identity stays silent (no instant re-fire); once
    // the condition clears, the silence lifts and a later re-fire is a new alert.
    Set<String> suppressed = new java.util.HashSet<>(p.alerts().suppressed());
    if (!alert.rule().startsWith("DL")) suppressed.add(alert.key());
    Set<String> stillHolding = Watch.holdingKeys(p, now, judge.rules());
    suppressed.retainAll(stillHolding);
    AlertChange resolved = new AlertChange.Resolved(alert.id(), Resolution.MANUAL, cmd.by(), cmd.note(), null, null, now);
    AlertsChanged alerts = alertsChanged(p, List.of(resolved), Set.copyOf(suppressed), Watch.of(p, now, judge.rules()).wakeAt());
    return Effect().persist(alerts)
        .thenRun(s -> handOver(alerts))
        .thenReply(cmd.replyTo(), s -> new AlertReply(s.project().alerts().byId(alert.id()), null, null));
  }

  /**
   * Hands the alert changes just persisted to the node's alert sequencer (issue 4 item 2: publish after
   * persist); called only from persist callbacks, so never for a change that is not in the journal. The
   * {@code AlertsChanged} is always the last event of its write, so its sequence number is the last one.
   */
  private void handOver(AlertsChanged alerts) {
    if (alerts != null) alertHandoff.persisted(persistenceId().id(), lastSequenceNumber(ctx), alerts.changes());
  }

  /** The event, with the project's open-alert count after it (for the listing). */
  private static AlertsChanged alertsChanged(ProjectState p, List<AlertChange> changes, Set<String> suppressed, Instant wakeAt) {
    return new AlertsChanged(changes, suppressed, wakeAt, p.withAlerts(changes, suppressed).openAlertCount());
  }

  private static Alert alertOf(State state, String alertId) {
    return state.project() == null ? null : state.project().alerts().byId(alertId);
  }

  private static AlertReply notFound(String alertId) {
    return new AlertReply(null, "NOT_FOUND", "no alert " + alertId);
  }

  /**
   * While the project is alive its own timer wakes it exactly when a deadline comes due; the
   * DeadlineWatch covers the time it is passivated or the service is down.
   */
  private void armTimer(Instant wakeAt, Instant now) {
    // A data clock moves only when data arrives, not with the wall clock: a timer of (wakeAt - now) would fire at a
    // meaningless instant. The DeadlineWatch wakes the project once data time has passed wakeAt.
    if (wakeAt == null || !DataClock.runs(clock)) {
      timers.cancel(WAKE_TIMER);
    } else {
      Duration delay = Duration.between(now, wakeAt);
      timers.startSingleTimer(WAKE_TIMER, new WakeUp(), delay.isNegative() ? Duration.ZERO : delay.plusMillis(1));
    }
  }

  private static final String WAKE_TIMER = "wake";

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          // a deadline may have come due while the project was asleep
          if (state.project() != null) timers.startSingleTimer(WAKE_TIMER, new WakeUp(), Duration.ZERO);
        })
        .build();
  }

  private static Outcome rejected(Fact fact, State state, Judge.Rejected why) {
    Stage stage = state.project() == null ? null : state.project().stage();
    return new Outcome(fact.eventId(), Outcome.REJECTED, stage, List.of(), why);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(State::apply);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    // Only events that change an alert go to the alert numbering; one that only lifts a suppression does not.
    return event instanceof AlertsChanged a && !a.changes().isEmpty() ? alertTags : tags;
  }

  /** Snapshots keep recovery short for long-lived projects; two are kept in case the newest is damaged. */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
