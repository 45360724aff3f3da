package io.procwatch.infra;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent rows of each tag, kept so that the projections reading one tag share one database read of each page
 * ({@link TagRangeReadJournalDao}): the listing and the pattern projection both read every row of a project tag,
 * each polling on its own ticks, and each of them used to query the same rows, fetch the same payloads and pay the
 * same round trips.
 *
 * <p>A tag's window holds every row of the tag with an ordering in {@code (lo, hi]}, in ordering order. That is true
 * because of what the read journal asks: the rows of a tag in {@code (after, upTo]}, where {@code upTo} is the
 * journal sequence's settled maximum (every ordering up to it was seen, or given up as a gap after the plugin's
 * {@code journal-sequence-retrieval.query-delay}), so an answer with fewer rows than its limit is all of
 * {@code (after, upTo]}, and one with exactly the limit all of {@code (after, last ordering]}; journal rows never
 * change (procwatch deletes no events). A reader asking from inside the window is answered from it, and only what
 * lies beyond {@code hi} is read from the database and appended; a reader ahead of the window starts a new one; a
 * reader behind it (a rebuild, a projection far behind) is answered by the database and leaves the window alone.
 *
 * <p>Bounded by the bytes of its rows, per tag: when a window grows past {@code maxBytes} its oldest rows go
 * ({@code lo} moves up), so a reader that falls that far behind reads from the database again. The values are kept
 * as they come from the database (the DAO keeps the rows undecoded: their bytes are what they take; decoding is
 * shared by {@link DecodedRows}, itself bounded). One lock per tag, held while its page is read: a second reader of
 * the tag waits for that read and is then answered from the window, rather than reading the same rows beside it.
 */
public final class TagWindows<V> {
  /** One row of a tag: its ordering, the bytes it takes (its serialized payload and a little more), its value. */
  public record Row<V>(long ordering, int bytes, V value) {}

  /** Reads the rows of {@code tag} in {@code (after, upTo]}, in ordering order, at most {@code limit}. */
  @FunctionalInterface
  public interface Loader<V> {
    List<Row<V>> load(String tag, long after, long upTo, int limit) throws SQLException;
  }

  private static final class Window<V> {
    /** Every row of the tag in (lo, hi] is in rows[start..]; hi < lo: no window yet. */
    long lo = 0, hi = -1;
    final ArrayList<Row<V>> rows = new ArrayList<>();
    int start;
    long bytes;

    boolean covers(long after) {
      return hi >= lo && lo <= after && after <= hi;
    }

    /** Empties the window; returns the bytes it held. */
    long reset(long after) {
      long held = bytes;
      rows.clear();
      start = 0;
      bytes = 0;
      lo = after;
      hi = after;
      return held;
    }

    /** The index of the first row with an ordering above {@code after}. */
    int firstAfter(long after) {
      int a = start, b = rows.size();
      while (a < b) {
        int m = (a + b) >>> 1;
        if (rows.get(m).ordering() <= after) a = m + 1;
        else b = m;
      }
      return a;
    }
  }

  private final long maxBytes;
  private final ConcurrentHashMap<String, Window<V>> windows = new ConcurrentHashMap<>();
  private final AtomicLong shared = new AtomicLong();
  private final AtomicLong queried = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  /** @param maxBytes serialized payload bytes a tag's window holds at most; 0 turns the windows off */
  public TagWindows(long maxBytes) {
    this.maxBytes = Math.max(0, maxBytes);
  }

  public boolean enabled() {
    return maxBytes > 0;
  }

  /** Rows answered from a window. */
  public long shared() {
    return shared.get();
  }

  /** Rows answered from the database. */
  public long queried() {
    return queried.get();
  }

  /** Bytes the windows hold now, all tags. */
  public long bytes() {
    return bytes.get();
  }

  /** The rows of {@code tag} in {@code (after, upTo]}, in ordering order, at most {@code limit}: those the loader gives. */
  public List<Row<V>> page(String tag, long after, long upTo, int limit, Loader<V> loader) throws SQLException {
    if (upTo <= after || limit <= 0) return List.of();
    if (!enabled()) {
      List<Row<V>> rows = loader.load(tag, after, upTo, limit);
      queried.addAndGet(rows.size());
      return rows;
    }
    Window<V> w = windows.computeIfAbsent(tag, t -> new Window<>());
    synchronized (w) {
      if (w.covers(after)) {
        List<Row<V>> out = new ArrayList<>();
        for (int i = w.firstAfter(after); i < w.rows.size() && out.size() < limit; i++) {
          Row<V> r = w.rows.get(i);
          if (r.ordering() > upTo) break;
          out.add(r);
        }
        shared.addAndGet(out.size());
        if (out.size() == limit || w.hi >= upTo) return out;
        int rest = limit - out.size();
        List<Row<V>> more = loader.load(tag, w.hi, upTo, rest);
        queried.addAndGet(more.size());
        append(w, more, upTo, rest);
        out.addAll(more);
        return out;
      }
      List<Row<V>> rows = loader.load(tag, after, upTo, limit);
      queried.addAndGet(rows.size());
      if (after > w.hi || w.hi < w.lo) { // ahead of the window, or none yet: a new one from here
        bytes.addAndGet(-w.reset(after));
        append(w, rows, upTo, limit);
      }
      return rows;
    }
  }

  private void append(Window<V> w, List<Row<V>> rows, long upTo, int limit) {
    long added = 0;
    for (Row<V> r : rows) {
      w.rows.add(r);
      added += r.bytes();
    }
    w.bytes += added;
    w.hi = rows.size() < limit ? upTo : rows.get(rows.size() - 1).ordering();
    while (w.bytes > maxBytes && w.start < w.rows.size()) {
      Row<V> r = w.rows.get(w.start);
      w.rows.set(w.start++, null); // gone now, not at the next compaction
      w.bytes -= r.bytes();
      added -= r.bytes();
      w.lo = r.ordering();
    }
    bytes.addAndGet(added);
    if (w.start > 1024 && w.start * 2 > w.rows.size()) {
      w.rows.subList(0, w.start).clear();
      w.start = 0;
    }
  }
}
