package io.procwatch.infra;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Journal rows decoded, by {@code ordering}, so that the projections reading the same page of the journal decode
 * each row once between them instead of once each ({@link TagRangeReadJournalDao}): the listing and the pattern
 * projection read every row of a project tag, the alert projection the {@code AlertsChanged} rows again. They poll
 * on the same ticks, so they often ask for a row at the same moment: a reader that finds the row being decoded
 * waits for that decoding rather than starting its own.
 *
 * <p>Journal rows never change once written (an ordering is never reused; a deleted row is not read), so a decoded
 * row can be handed to every reader; the values are immutable. The cache is a ring of {@code slots} entries indexed
 * by ordering: the projections read near the head of the journal, within a few pages of each other, so the rows a
 * second reader asks for are the recent ones. Memory is bounded twice: at most {@code slots} entries, and at most
 * {@code maxBytes} of serialized payload among them (a row over an eighth of that is not kept); a decoded object is
 * a small multiple of its payload.
 *
 * <p>Any interleaving is correct: an entry is published whole by one atomic write of its slot, and a reader takes it
 * only when its ordering and identity (persistence id, sequence number) are the row's; anything else is a miss and
 * the reader decodes. Racing writers of one slot just replace each other; the byte count is adjusted by what each
 * displaced, so it never drifts from what the slots hold by more than the writes in flight.
 */
public final class DecodedRows<V> {

  private record Entry<V>(long ordering, String persistenceId, long sequenceNr, int bytes, CompletableFuture<V> value) {
    boolean is(long o, String p, long s) {
      return ordering == o && sequenceNr == s && persistenceId.equals(p);
    }
  }

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

  /**
   * The decoded row: the one held (or being decoded by another reader, waited for), else {@code decode}'s, kept for
   * the next reader when {@code keep} accepts it and it fits.
   *
   * @param payloadBytes length of the row's serialized payload, what it is counted for in the byte budget
   */
  public V get(long ordering, String persistenceId, long sequenceNr, int payloadBytes, Supplier<V> decode,
      Predicate<V> keep) {
    if (ring.length() == 0 || payloadBytes > maxEntryBytes) {
      misses.incrementAndGet();
      return decode.get();
    }
    int slot = (int) (ordering & mask);
    while (true) {
      Entry<V> held = ring.get(slot);
      if (held != null && held.is(ordering, persistenceId, sequenceNr)) {
        hits.incrementAndGet();
        return held.value.join();
      }
      Entry<V> mine = new Entry<>(ordering, persistenceId, sequenceNr, payloadBytes, new CompletableFuture<>());
      if (!ring.compareAndSet(slot, held, mine)) continue; // the slot changed meanwhile: look again
      misses.incrementAndGet();
      long total = bytes.addAndGet(payloadBytes - (held == null ? 0 : held.bytes));
      V value;
      try {
        value = decode.get();
      } catch (RuntimeException | Error e) {
        mine.value.completeExceptionally(e);
        remove(slot, mine);
        throw e;
      }
      mine.value.complete(value);
      if (total > maxBytes || !keep.test(value)) remove(slot, mine);
      return value;
    }
  }

  private void remove(int slot, Entry<V> entry) {
    if (ring.compareAndSet(slot, entry, null)) bytes.addAndGet(-entry.bytes);
  }

  /** Payload bytes held (approximately, while writes are in flight). */
  public long bytes() {
    return bytes.get();
  }

  /** Reads answered by another reader's decoding. */
  public long hits() {
    return hits.get();
  }

  /** Reads that decoded. */
  public long misses() {
    return misses.get();
  }
}
