package io.procwatch.pattern;

import io.procwatch.alert.Alert;
import io.procwatch.alert.AlertBook;
import io.procwatch.alert.AlertChange;
import io.procwatch.alert.AlertStatus;
import io.procwatch.alert.Resolution;
import io.procwatch.infra.CborSerializable;
import io.procwatch.project.ProcurementProject;
import io.procwatch.project.ProcurementProject.AlertReply;
import io.procwatch.project.ProcurementProject.AlertsChanged;
import io.procwatch.rules.Condition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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
 * The alerts of one aggregate — a buyer ({@code buyer@<id>}) or a supplier ({@code supplier@<id>}) — as an
 * event-sourced, sharded entity. It persists the same {@link AlertsChanged} events as a project, with the same
 * {@code alerts} tag, so the {@code AlertProjection} numbers its changes into the one feed {@code sequence} and the
 * lifecycle (raise, acknowledge, resolve, suppress while holding) is the project's own {@link AlertBook}.
 *
 * <p>It holds no figures: the {@link PatternChecker} tells it the complete set of conditions that hold now
 * ({@link Reconcile}); reconciling the same set twice changes nothing, which is what makes a replay harmless.
 * Alert ids are {@code <owner>~<n>}; '@' never occurs in a project id, so the alert routes can tell the owners apart.
 */
public final class PatternOwner
    extends EventSourcedBehaviorWithEnforcedReplies<PatternOwner.Command, ProcurementProject.Event, PatternOwner.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "PatternOwner");

  public sealed interface Command extends CborSerializable {}

  /** Everything that holds now for this owner; alerts not in it resolve (they all clear themselves). */
  public record Reconcile(List<Condition> conditions, ActorRef<Reconciled> replyTo) implements Command {}

  public record Reconciled(int changes) implements CborSerializable {}

  public record Acknowledge(String alertId, String by, String note, ActorRef<AlertReply> replyTo) implements Command {}

  public record Resolve(String alertId, String by, String note, ActorRef<AlertReply> replyTo) implements Command {}

  public record State(List<Alert> alerts, Set<String> suppressed) implements CborSerializable {
    static final State EMPTY = new State(List.of(), Set.of());

    AlertBook.Book book() {
      return new AlertBook.Book(alerts, suppressed);
    }
  }

  /** True if an alert id belongs to an aggregate (not a project). */
  public static boolean owns(String alertId) {
    int cut = alertId.lastIndexOf('~');
    return cut > 0 && alertId.substring(0, cut).contains("@");
  }

  public static String ownerOf(String alertId) {
    return alertId.substring(0, alertId.lastIndexOf('~'));
  }

  public static void init(ActorSystem<?> system, Clock clock, Function<String, AlertBook.RuleInfo> rules) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), clock, rules)));
  }

  public static Behavior<Command> create(String owner, Clock clock, Function<String, AlertBook.RuleInfo> rules) {
    return new PatternOwner(owner, clock, rules);
  }

  private final String owner;
  private final Clock clock;
  private final Function<String, AlertBook.RuleInfo> rules;

  private PatternOwner(String owner, Clock clock, Function<String, AlertBook.RuleInfo> rules) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), owner),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.owner = owner;
    this.clock = clock;
    this.rules = rules;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public CommandHandlerWithReply<Command, ProcurementProject.Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Reconcile.class, this::onReconcile)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(Resolve.class, this::onResolve)
        .build();
  }

  private ReplyEffect<ProcurementProject.Event, State> onReconcile(State state, Reconcile cmd) {
    Instant now = clock.instant();
    String buyer = owner.startsWith("buyer@") ? owner.substring("buyer@".length()) : null;
    List<AlertChange> changes = new ArrayList<>();
    for (AlertChange c : AlertBook.reconcile(state.book(), owner, buyer, cmd.conditions(), List.of(), now, rules)) {
      changes.add(c instanceof AlertChange.Raised r ? new AlertChange.Raised(aggregate(r.alert(), buyer)) : c);
    }
    Set<String> suppressed = AlertBook.stillSuppressed(state.suppressed(), cmd.conditions());
    if (changes.isEmpty() && suppressed.equals(state.suppressed())) {
      return Effect().reply(cmd.replyTo(), new Reconciled(0));
    }
    return Effect().persist(changed(state, changes, suppressed))
        .thenReply(cmd.replyTo(), s -> new Reconciled(changes.size()));
  }

  /** An aggregate's alert names no project, except XP05's, which is about one process. */
  private static Alert aggregate(Alert a, String buyer) {
    String projectId = a.details().get("projectId");
    String b = buyer != null ? buyer : a.details().get("buyer");
    return new Alert(a.id(), a.fingerprint(), a.rule(), a.nameZh(), a.nameEn(), a.severity(), a.prewarning(), a.status(),
        projectId, b, a.supplier(), a.subject(), a.message(), a.basis(), a.occurredAt(), a.dueAt(), a.raisedAt(),
        a.acknowledgement(), a.resolvedAt(), a.resolution(), a.resolutionNote(), a.latenessSeconds(), a.lateness(),
        a.details());
  }

  private ReplyEffect<ProcurementProject.Event, State> onAcknowledge(State state, Acknowledge cmd) {
    Alert alert = state.book().byId(cmd.alertId());
    if (alert == null) return Effect().reply(cmd.replyTo(), new AlertReply(null, "NOT_FOUND", "no alert " + cmd.alertId()));
    if (alert.status() != AlertStatus.FIRING) {
      return Effect().reply(cmd.replyTo(), new AlertReply(alert, "NOT_ALLOWED",
          "alert " + alert.id() + " is " + alert.status() + "; only a FIRING alert can be acknowledged"));
    }
    AlertChange ack = new AlertChange.Acknowledged(alert.id(), cmd.by(), cmd.note(), clock.instant());
    return Effect().persist(changed(state, List.of(ack), state.suppressed()))
        .thenReply(cmd.replyTo(), s -> new AlertReply(s.book().byId(alert.id()), null, null));
  }

  /** As for a project: the identity stays silent while its condition holds (the next reconcile lifts it after). */
  private ReplyEffect<ProcurementProject.Event, State> onResolve(State state, Resolve cmd) {
    Alert alert = state.book().byId(cmd.alertId());
    if (alert == null) return Effect().reply(cmd.replyTo(), new AlertReply(null, "NOT_FOUND", "no alert " + cmd.alertId()));
    if (alert.status() == AlertStatus.RESOLVED) {
      return Effect().reply(cmd.replyTo(), new AlertReply(alert, "NOT_ALLOWED", "alert " + alert.id() + " is already resolved"));
    }
    Set<String> suppressed = new HashSet<>(state.suppressed());
    suppressed.add(alert.key());
    AlertChange resolved = new AlertChange.Resolved(alert.id(), Resolution.MANUAL, cmd.by(), cmd.note(), null, null,
        clock.instant());
    return Effect().persist(changed(state, List.of(resolved), Set.copyOf(suppressed)))
        .thenReply(cmd.replyTo(), s -> new AlertReply(s.book().byId(alert.id()), null, null));
  }

  private static AlertsChanged changed(State state, List<AlertChange> changes, Set<String> suppressed) {
    AlertBook.Book after = AlertBook.apply(state.book(), changes, suppressed);
    int open = (int) after.alerts().stream().filter(Alert::open).count();
    return new AlertsChanged(List.copyOf(changes), Set.copyOf(suppressed), null, open);
  }

  @Override
  public EventHandler<State, ProcurementProject.Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> {
      AlertsChanged a = (AlertsChanged) event;
      AlertBook.Book b = AlertBook.apply(state.book(), a.changes(), a.suppressed());
      return new State(b.alerts(), b.suppressed());
    });
  }

  @Override
  public Set<String> tagsFor(ProcurementProject.Event event) {
    return Set.of(ProcurementProject.ALERTS_TAG);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }
}
