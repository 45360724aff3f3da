package io.procwatch.pattern;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * One statistic over a population (a ratio per process, a share per supplier …), kept sorted as values arrive
 * so that its quartiles are read in O(1) and the members beyond a fence are a prefix or suffix.
 *
 * <p>Cost of one change: a binary search and an array shift (O(log n) comparisons plus an O(n) {@code memmove}
 * of at most n doubles, a few microseconds at n = 100,000) and an O(log n) tree update; reading Q1/Q3 and the
 * fences is O(1); listing the k members beyond a fence is O(log n + k). Not thread-safe: one owner (the
 * {@link PatternChecker}) changes it.
 */
public final class Population {
  private record Member(double value, String key) {}

  private static final Comparator<Member> ORDER =
      Comparator.comparingDouble(Member::value).thenComparing(Member::key);

  private final Map<String, Double> values = new HashMap<>();
  private final NavigableSet<Member> members = new TreeSet<>(ORDER);
  private double[] sorted = new double[16];
  private int n;

  /** Sets (or, with {@code null}, removes) the value of {@code key}. Returns whether anything changed. */
  public boolean put(String key, Double value) {
    Double old = values.get(key);
    if (old == null ? value == null : old.equals(value)) return false;
    if (old != null) {
      values.remove(key);
      members.remove(new Member(old, key));
      int i = Arrays.binarySearch(sorted, 0, n, old);
      System.arraycopy(sorted, i + 1, sorted, i, n - i - 1);
      n--;
    }
    if (value != null) {
      values.put(key, value);
      members.add(new Member(value, key));
      int i = Arrays.binarySearch(sorted, 0, n, value);
      if (i < 0) i = -i - 1;
      if (n == sorted.length) sorted = Arrays.copyOf(sorted, n * 2);
      System.arraycopy(sorted, i, sorted, i + 1, n - i);
      sorted[i] = value;
      n++;
    }
    return true;
  }

  public Double get(String key) {
    return values.get(key);
  }

  public int size() {
    return n;
  }

  public double quantile(double p) {
    return Quartiles.quantile(sorted, n, p);
  }

  public Quartiles.Fences fences(double k) {
    return Quartiles.fences(sorted, n, k);
  }

  /** Keys whose value is ≤ {@code limit} (inclusive), lowest first. */
  public List<String> atOrBelow(double limit) {
    List<String> out = new ArrayList<>();
    for (Member m : members) {
      if (m.value() > limit) break;
      out.add(m.key());
    }
    return out;
  }

  /** Keys whose value is ≥ {@code limit} (inclusive), highest first. */
  public List<String> atOrAbove(double limit) {
    List<String> out = new ArrayList<>();
    for (Member m : members.descendingSet()) {
      if (m.value() < limit) break;
      out.add(m.key());
    }
    return out;
  }
}
