package io.procwatch.alert;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What the alert feed has done, as plain counters until the metrics branch binds them to Micrometer
 * ({@code procwatch_feed_clients}, {@code procwatch_feed_messages_sent_total},
 * {@code procwatch_feed_clients_dropped_total{reason="lag"}}). One per actor system.
 */
public final class FeedCounters implements Extension {
  public static final ExtensionId<FeedCounters> ID = new ExtensionId<>() {
    @Override
    public FeedCounters createExtension(ActorSystem<?> system) {
      return new FeedCounters();
    }
  };

  final AtomicLong connected = new AtomicLong();
  final AtomicLong connections = new AtomicLong();
  final AtomicLong messagesSent = new AtomicLong();
  final AtomicLong droppedForLag = new AtomicLong();

  public static FeedCounters get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Clients connected now (a gauge). */
  public long connectedClients() {
    return connected.get();
  }

  /** Connections accepted since start. */
  public long connectionsTotal() {
    return connections.get();
  }

  /** Alert messages (snapshot and changes, not pings) handed to client connections. */
  public long messagesSent() {
    return messagesSent.get();
  }

  /** Clients disconnected because their buffer overflowed. */
  public long clientsDroppedForLag() {
    return droppedForLag.get();
  }
}
