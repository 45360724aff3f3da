package io.procwatch.infra;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * A journal's highest sequence number per persistence id, read by the snapshot store's recovery query
 * ({@link RecoverySnapshotDao}) and handed to the journal's next highest-sequence-number query for the same id
 * ({@link RecoveryJournalDao}), so that recovering an entity costs one round trip less (a new project: one instead of
 * two). One per actor system: the snapshot store and the journal are two plugin actors with their own DAOs.
 *
 * <p>A hint is only handed over if no write of that persistence id through this node's journal began or ended
 * between the query's start and the hand-over: {@link #begin} puts a token before the query, every write removes the
 * id's entry when it starts and again when it ends (before the journal sees its result), and {@link #known} replaces
 * the token only if it is still there. So a write in flight during the query (the one the plugin's journal waits for
 * before it reads the highest sequence number) always sends the journal to the database. A write on another node is
 * no more visible here than to the plugin's own query, which runs one round trip later; see README.md,
 * "Architecture".
 *
 * <p>Hints are consumed by the recovery that made them, within milliseconds; one left behind (a recovery that
 * stopped after its snapshot) is ignored once older than {@link #MAX_AGE_NANOS} and swept when the map grows.
 */
public final class RecoveryHints implements Extension {

  /** A hint older than this is not used (recoveries take it within milliseconds; this only bounds a left-over). */
  static final long MAX_AGE_NANOS = 5_000_000_000L;
  /** Entries at which expired ones are swept (each recovery in flight holds one). */
  private static final int SWEEP_AT = 10_000;

  private static final class Id extends AbstractExtensionId<RecoveryHints> {
    @Override
    public RecoveryHints createExtension(ExtendedActorSystem system) {
      return new RecoveryHints(MAX_AGE_NANOS);
    }
  }

  private static final Id ID = new Id();

  public static RecoveryHints get(ActorSystem system) {
    return ID.get(system);
  }

  /** A query in flight (identity matters), or its answer. */
  private sealed interface Entry {}

  private static final class Pending implements Entry {}

  private record Known(long highestSequenceNr, long atNanos) implements Entry {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final long maxAgeNanos;

  RecoveryHints() {
    this(MAX_AGE_NANOS);
  }

  /** @param maxAgeNanos how long a hint may wait for its journal query */
  RecoveryHints(long maxAgeNanos) {
    this.maxAgeNanos = maxAgeNanos;
  }

  /** Before the query that reads the journal's highest sequence number: returns the token to give {@link #known}. */
  Object begin(String persistenceId) {
    if (entries.size() >= SWEEP_AT) sweep();
    Pending token = new Pending();
    entries.put(persistenceId, token);
    return token;
  }

  /** The query (begun with {@code token}) read this highest sequence number; kept only if no write came between. */
  void known(String persistenceId, Object token, long highestSequenceNr) {
    entries.replace(persistenceId, (Entry) token, new Known(highestSequenceNr, System.nanoTime()));
  }

  /** A write of this persistence id begins or ends, or its query failed: what was read before may be stale. */
  void forget(String persistenceId) {
    entries.remove(persistenceId);
  }

  /** The highest sequence number read for the journal since its last write through this node, or -1: ask the database. */
  long take(String persistenceId) {
    Entry e = entries.get(persistenceId);
    if (!(e instanceof Known k) || !entries.remove(persistenceId, k)) return -1;
    return System.nanoTime() - k.atNanos() < maxAgeNanos ? k.highestSequenceNr() : -1;
  }

  int size() {
    return entries.size();
  }

  private void sweep() {
    long now = System.nanoTime();
    entries.values().removeIf(e -> e instanceof Known k && now - k.atNanos() > maxAgeNanos);
  }
}
