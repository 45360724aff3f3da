package io.procwatch.project;

import io.procwatch.infra.CborSerializable;
import io.procwatch.rules.Finding;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

  /** Facts accepted together, each with the stage it led to and what the rules found. */
  public record FactsRecorded(List<RecordedFact> facts) implements Event {}

  // ------------------------------------------------------------------ state: unregistered, then active

  public sealed interface State extends CborSerializable {
    /** The project, or {@code null} before its registration. */
    ProjectState project();

    default State apply(RecordedFact recorded) {
      ProjectState p = project();
      return new Active(p == null ? ProjectState.registered(recorded) : p.apply(recorded));
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
  public static void init(ActorSystem<?> system, Judge judge, Clock clock, int tagCount) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), judge, clock, tagCount)));
  }

  public static Behavior<Command> create(String projectId, Judge judge, Clock clock, int tagCount) {
    return Behaviors.setup(ctx -> new ProcurementProject(projectId, judge, clock, tagCount));
  }

  /** The projection tag of a project: a stable hash, so each tag's projection sees all of a project's facts in order. */
  public static String tagFor(String projectId, int tagCount) {
    return tag(Math.floorMod(projectId.hashCode(), tagCount));
  }

  public static String tag(int index) {
    return "project-" + index;
  }

  private final String projectId;
  private final Judge judge;
  private final Clock clock;
  private final Set<String> tags;

  private ProcurementProject(String projectId, Judge judge, Clock clock, int tagCount) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), projectId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.projectId = projectId;
    this.judge = judge;
    this.clock = clock;
    this.tags = Set.of(tagFor(projectId, tagCount));
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
        .build();
  }

  private ReplyEffect<Event, State> onRecord(State state, Record cmd) {
    List<Outcome> outcomes = new ArrayList<>(cmd.facts().size());
    List<RecordedFact> accepted = new ArrayList<>();
    State current = state;
    for (Fact fact : cmd.facts()) {
      if (!projectId.equals(fact.projectId())) {
        outcomes.add(rejected(fact, current, new Judge.Rejected("WRONG_PROJECT", "projectId",
            "fact for " + fact.projectId() + " was routed to project " + projectId)));
        continue;
      }
      Judge.Verdict verdict = judge.judge(current.project(), fact, clock.instant());
      if (verdict instanceof Judge.Accepted a) {
        RecordedFact r = a.recorded();
        accepted.add(r);
        current = current.apply(r);
        outcomes.add(new Outcome(fact.eventId(), r.flagged() ? Outcome.FLAGGED : Outcome.APPLIED, r.stageAfter(), r.findings(), null));
      } else if (verdict instanceof Judge.Duplicate dup) {
        outcomes.add(new Outcome(fact.eventId(), Outcome.DUPLICATE, dup.stage(), List.of(), null));
      } else if (verdict instanceof Judge.Rejected r) {
        outcomes.add(rejected(fact, current, r));
      }
    }
    Recorded reply = new Recorded(List.copyOf(outcomes));
    if (accepted.isEmpty()) return Effect().reply(cmd.replyTo(), reply);
    return Effect().persist(new FactsRecorded(List.copyOf(accepted))).thenReply(cmd.replyTo(), s -> reply);
  }

  private static Outcome rejected(Fact fact, State state, Judge.Rejected why) {
    Stage stage = state.project() == null ? null : state.project().stage();
    return new Outcome(fact.eventId(), Outcome.REJECTED, stage, List.of(), why);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(FactsRecorded.class, (state, e) -> {
          State s = state;
          for (RecordedFact r : e.facts()) s = s.apply(r);
          return s;
        })
        .build();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags;
  }

  /** Snapshots keep recovery short for long-lived projects; two are kept in case the newest is damaged. */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
