package io.procwatch.project;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.Function;

/**
 * An immutable list that grows by {@link #append} in O(1) amortized, for the parts of a project's state that
 * only ever grow (its history, its bids). Without it every fact copied the whole history, twice or three times
 * (judge, flags, event handler): O(n) per fact, O(n²) per project (docs/performance.md, cause 3).
 *
 * <p>How: the versions of one list share a backing array (a "chain"); a version is the first {@code size}
 * slots of it. Appending to the newest version writes the next slot; appending to an older version the element
 * the chain already holds in that slot (the event handler replaying what the judge just appended) reuses it;
 * any other append to an older version copies the prefix into a new chain. A slot below a version's size is
 * never written again, and a version keeps the array it was made with, so a version handed to another thread
 * (a snapshot being serialized, a {@code Get} reply) reads only slots that were written before it was made.
 * Appending is for the entity's own thread, which owns the chain (the actor is single-threaded).
 *
 * <p>Optionally the chain indexes each element by a key (the history by event id), so {@link #findByKey}
 * answers in O(1) instead of a scan; a hit counts only if it lies within this version and its key matches.
 */
public final class AppendOnlyList<E> extends AbstractList<E> implements RandomAccess {

  private static final class Chain<E> {
    Object[] items;
    int length;
    final Function<? super E, String> key;
    final Map<String, Integer> index;

    Chain(Object[] items, int length, Function<? super E, String> key) {
      this.items = items;
      this.length = length;
      this.key = key;
      this.index = key == null ? null : new HashMap<>();
      if (key != null) {
        for (int i = 0; i < length; i++) index.put(key.apply(element(items, i)), i);
      }
    }
  }

  private final Chain<E> chain;
  private final Object[] items;
  private final int size;

  private AppendOnlyList(Chain<E> chain, Object[] items, int size) {
    this.chain = chain;
    this.items = items;
    this.size = size;
  }

  /** An empty list without an index. */
  public static <E> AppendOnlyList<E> empty() {
    return of(List.of(), null);
  }

  /**
   * The elements of {@code from} (itself, when it already is such a list with the same key), indexed by
   * {@code key} if it is not null.
   */
  public static <E> AppendOnlyList<E> of(List<? extends E> from, Function<? super E, String> key) {
    if (from instanceof AppendOnlyList<? extends E> a && a.chain.key == key) {
      @SuppressWarnings("unchecked")
      AppendOnlyList<E> same = (AppendOnlyList<E>) a;
      return same;
    }
    Object[] items = Arrays.copyOf(from.toArray(), Math.max(8, from.size() + from.size() / 2));
    return new AppendOnlyList<>(new Chain<>(items, from.size(), key), items, from.size());
  }

  /** This list with {@code e} added at the end; this list is unchanged. */
  public AppendOnlyList<E> append(E e) {
    Chain<E> c = chain;
    if (c.length == size) {
      Object[] arr = c.items;
      if (size == arr.length) arr = Arrays.copyOf(arr, Math.max(8, size * 2));
      arr[size] = e;
      c.items = arr;
      c.length = size + 1;
      if (c.index != null) c.index.put(c.key.apply(e), size);
      return new AppendOnlyList<>(c, arr, size + 1);
    }
    Object next = c.items[size];
    if (next == e || Objects.equals(next, e)) return new AppendOnlyList<>(c, c.items, size + 1);
    Object[] copy = Arrays.copyOf(items, Math.max(8, size * 2 + 1));
    copy[size] = e;
    return new AppendOnlyList<>(new Chain<>(copy, size + 1, c.key), copy, size + 1);
  }

  /** The element whose key is {@code key}, or null (for a list made without a key: always null). */
  public E findByKey(String key) {
    if (chain.index == null) return null;
    Integer at = chain.index.get(key);
    if (at == null || at >= size) return null;
    E e = element(items, at);
    return key.equals(chain.key.apply(e)) ? e : null;
  }

  @Override
  public E get(int i) {
    Objects.checkIndex(i, size);
    return element(items, i);
  }

  @Override
  public int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  private static <E> E element(Object[] items, int i) {
    return (E) items[i];
  }
}
