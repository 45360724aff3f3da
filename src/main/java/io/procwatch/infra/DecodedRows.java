package io.procwatch.infra;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Journal rows already decoded, by {@code ordering}, so that the projections reading the same page of the journal
 * decode each row once between them instead of once each ({@link TagRangeReadJournalDao}): the listing and the
 * pattern projection read every row of a project tag, the alert projection the {@code AlertsChanged} rows again.
 *
 * <p>Journal rows never change once written (an ordering is never reused; a deleted row is not read), so a decoded
 * row can be handed to every reader; the values are immutable. The cache is a ring of {@code slots} entries indexed
 * by ordering: the projections read near the head of the journal, within a few pages of each other, so the rows a
 * second reader asks for are the recent ones. Memory is bounded twice: at most {@code slots} entries, and at most
 * {@code maxBytes} of serialized payload among them (a row over the budget's share is not kept); a decoded object is
 * a small multiple of its payload.
 *
 * <p>Any interleaving is correct: an entry is published whole by one atomic write of its slot, and a lookup returns
 * it only when its ordering and identity (persistence id, sequence number) are the row's; anything else is a miss
 * and the caller decodes. Racing writers of one slot just overwrite each other; the byte count is adjusted by what
 * each displaced, so it never drifts from what the slots hold by more than the writes in flight.
 */
public final class DecodedRows<V> {

  private record Entry<V>(long ordering, String persistenceId, long sequenceNr, int bytes, V value) {}

  private final AtomicReferenceArray<Entry<V>> ring;
  private final int mask;
  private final long maxBytes;
  private final int maxEntryBytes;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /**
   * @param slots entries at most, rounded up to a power of two; 0 turns the cache off
   * @param maxBytes serialized payload bytes held at most
   */
  public DecodedRows(int slots, long maxBytes) {
    int n = slots <= 0 ? 0 : slots == 1 ? 1 : Integer.highestOneBit(Math.min(slots - 1, 1 << 29)) << 1;
    this.ring = new AtomicReferenceArray<>(n);
    this.mask = n - 1;
    this.maxBytes = Math.max(0, maxBytes);
    // a single row may take at most an eighth of the budget: one huge backfill row cannot flush the rest
    this.maxEntryBytes = (int) Math.min(Integer.MAX_VALUE, this.maxBytes / 8);
  }

  public int slots() {
    return ring.length();
  }

  /** The decoded row, or null when this row is not held. */
  public V get(long ordering, String persistenceId, long sequenceNr) {
    if (ring.length() == 0) return null;
    Entry<V> e = ring.get(slot(ordering));
    if (e != null && e.ordering == ordering && e.sequenceNr == sequenceNr && e.persistenceId.equals(persistenceId)) {
      hits.incrementAndGet();
      return e.value;
    }
    misses.incrementAndGet();
    return null;
  }

  /** Keeps a decoded row whose serialized payload was {@code payloadBytes} long, if it fits the budget. */
  public void put(long ordering, String persistenceId, long sequenceNr, int payloadBytes, V value) {
    if (ring.length() == 0 || payloadBytes > maxEntryBytes) return;
    int slot = slot(ordering);
    Entry<V> entry = new Entry<>(ordering, persistenceId, sequenceNr, payloadBytes, value);
    Entry<V> old = ring.getAndSet(slot, entry);
    long total = bytes.addAndGet(payloadBytes - (old == null ? 0 : old.bytes));
    if (total > maxBytes && ring.compareAndSet(slot, entry, null)) bytes.addAndGet(-payloadBytes);
  }

  /** Payload bytes held (approximately, while writes are in flight). */
  public long bytes() {
    return bytes.get();
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  private int slot(long ordering) {
    return (int) (ordering & mask);
  }
}
