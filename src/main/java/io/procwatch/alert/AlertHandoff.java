package io.procwatch.alert;

import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Where a project hands its alert changes right after they are persisted: the node's
 * {@link AlertSequencer} once it is installed, nothing before (the {@link AlertProjection} numbers them
 * anyway). An extension, so that the project entity needs no new wiring parameter.
 */
public final class AlertHandoff implements Extension {
  public static final ExtensionId<AlertHandoff> ID = new ExtensionId<>() {
    @Override
    public AlertHandoff createExtension(ActorSystem<?> system) {
      return new AlertHandoff();
    }
  };

  /** Told of one persisted {@code AlertsChanged} event. */
  public interface Listener {
    void persisted(String persistenceId, long sequenceNr, List<AlertChange> changes);
  }

  private volatile Listener listener = (p, s, c) -> {};

  public static AlertHandoff get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Called by the project entity in its persist callback: only changes that are in the journal. */
  public void persisted(String persistenceId, long sequenceNr, List<AlertChange> changes) {
    if (!changes.isEmpty()) listener.persisted(persistenceId, sequenceNr, changes);
  }

  /** Replaces where changes go; returns the previous listener (tests wrap it to make the fast path miss). */
  public Listener install(Listener listener) {
    Listener before = this.listener;
    this.listener = listener;
    return before;
  }
}
