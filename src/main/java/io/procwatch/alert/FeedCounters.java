package io.procwatch.alert;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * What the alert feed has done, as plain counters until the metrics branch binds them to Micrometer
 * ({@code procwatch_feed_clients}, {@code procwatch_feed_messages_sent_total},
 * {@code procwatch_feed_clients_dropped_total{reason="lag"}}, {@code procwatch_feed_delivery_latency_seconds}). One
 * per actor system.
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

  private volatile java.util.function.LongConsumer deliveryLatency = ms -> {};

  /** Where {@link #delivered} goes: the metrics bind a timer here. */
  public void onDeliveryLatency(java.util.function.LongConsumer sink) {
    this.deliveryLatency = sink;
  }

  /**
   * A live change was handed to a client's connection {@code millis} after its event was persisted (wall
   * clock; both instants on this node). Not for changes read back from the database on connect or resume.
   */
  void delivered(long millis) {
    deliveryLatency.accept(Math.max(0, millis));
  }

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
