package io.procwatch.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DecodedRowsTest {

  /** A decoder that counts its calls. */
  static final class Decoder<V> implements Supplier<V> {
    final V value;
    final AtomicInteger calls;

    Decoder(V value, AtomicInteger calls) {
      this.value = value;
      this.calls = calls;
    }

    @Override
    public V get() {
      calls.incrementAndGet();
      return value;
    }
  }

  @Test
  void decodesARowOnceAndOnlyForTheSameRow() {
    DecodedRows<String> rows = new DecodedRows<>(8, 1 << 20);
    AtomicInteger calls = new AtomicInteger();
    assertThat(rows.get(5, "Project|A", 3, 100, new Decoder<>("five", calls), v -> true)).isEqualTo("five");
    assertThat(rows.get(5, "Project|A", 3, 100, new Decoder<>("other", calls), v -> true)).isEqualTo("five");
    assertThat(calls.get()).isEqualTo(1);
    assertThat(rows.get(5, "Project|B", 3, 100, new Decoder<>("b", calls), v -> true)).as("another persistence id")
        .isEqualTo("b");
    assertThat(rows.get(5, "Project|B", 4, 100, new Decoder<>("b4", calls), v -> true)).as("another sequence number")
        .isEqualTo("b4");
    assertThat(rows.get(13, "Project|B", 4, 100, new Decoder<>("13", calls), v -> true)).as("same slot, other ordering")
        .isEqualTo("13");
    assertThat(calls.get()).isEqualTo(4);
    assertThat(rows.hits()).isEqualTo(1);
    assertThat(rows.misses()).isEqualTo(4);
    assertThat(rows.bytes()).isEqualTo(100);
  }

  @Test
  void keepsOnlyWhatItIsToldToKeep() {
    DecodedRows<String> rows = new DecodedRows<>(8, 1 << 20);
    AtomicInteger calls = new AtomicInteger();
    rows.get(1, "p", 1, 10, new Decoder<>("failed", calls), v -> !v.equals("failed"));
    rows.get(1, "p", 1, 10, new Decoder<>("failed", calls), v -> !v.equals("failed"));
    assertThat(calls.get()).isEqualTo(2);
    assertThat(rows.bytes()).isZero();
  }

  @Test
  void holdsAtMostItsSlotsTheNewestWinning() {
    DecodedRows<Long> rows = new DecodedRows<>(6, 1 << 20);
    assertThat(rows.slots()).isEqualTo(8);
    AtomicInteger calls = new AtomicInteger();
    for (long o = 1; o <= 20; o++) rows.get(o, "p", o, 10, new Decoder<>(o, calls), v -> true);
    assertThat(calls.get()).isEqualTo(20);
    for (long o = 13; o <= 20; o++) assertThat(rows.get(o, "p", o, 10, new Decoder<>(-1L, calls), v -> true)).isEqualTo(o);
    assertThat(calls.get()).as("the last 8 held").isEqualTo(20);
    for (long o = 1; o <= 12; o++) assertThat(rows.get(o, "p", o, 10, new Decoder<>(-o, calls), v -> true)).isEqualTo(-o);
    assertThat(calls.get()).as("the first 12 gone").isEqualTo(32);
    assertThat(rows.bytes()).isEqualTo(80);
  }

  @Test
  void keepsWithinItsByteBudget() {
    DecodedRows<Long> rows = new DecodedRows<>(64, 800);
    AtomicInteger calls = new AtomicInteger();
    rows.get(1, "p", 1, 101, new Decoder<>(1L, calls), v -> true);
    rows.get(1, "p", 1, 101, new Decoder<>(1L, calls), v -> true);
    assertThat(calls.get()).as("a row over an eighth of the budget is not kept").isEqualTo(2);
    for (long o = 1; o <= 20; o++) rows.get(o, "p", o, 100, new Decoder<>(o, calls), v -> true);
    assertThat(rows.bytes()).isEqualTo(800);
    calls.set(0);
    for (long o = 1; o <= 20; o++) rows.get(o, "p", o, 100, new Decoder<>(o, calls), v -> true);
    assertThat(calls.get()).as("8 of 20 were held").isEqualTo(12);
    assertThat(rows.bytes()).isLessThanOrEqualTo(800);
  }

  @Test
  void offWithNoSlots() {
    DecodedRows<String> rows = new DecodedRows<>(0, 1 << 20);
    AtomicInteger calls = new AtomicInteger();
    rows.get(1, "p", 1, 1, new Decoder<>("x", calls), v -> true);
    rows.get(1, "p", 1, 1, new Decoder<>("x", calls), v -> true);
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void readersArrivingTogetherDecodeOnce() throws Exception {
    for (int round = 0; round < 50; round++) {
      DecodedRows<String> rows = new DecodedRows<>(64, 1 << 20);
      AtomicInteger calls = new AtomicInteger();
      int n = 6;
      CyclicBarrier start = new CyclicBarrier(n);
      List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        threads.add(new Thread(() -> {
          try {
            start.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          got.add(rows.get(7, "p", 1, 10, new Decoder<>("seven", calls), v -> true));
        }));
      }
      for (Thread t : threads) t.start();
      for (Thread t : threads) t.join();
      assertThat(got).hasSize(n).containsOnly("seven");
      assertThat(calls.get()).isEqualTo(1);
    }
  }

  @Test
  void concurrentReadersAndWritersNeverSeeAnotherRowsValue() throws Exception {
    DecodedRows<long[]> rows = new DecodedRows<>(64, 64 * 50);
    AtomicInteger wrong = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 200_000; i++) {
          long o = r.nextLong(1000);
          long[] v = rows.get(o, "p-" + (o % 7), o * 3, 1 + r.nextInt(50), () -> new long[] {o, o * 3}, x -> true);
          if (v[0] != o || v[1] != o * 3) wrong.incrementAndGet();
        }
      }));
    }
    for (Thread t : threads) t.start();
    for (Thread t : threads) t.join();
    assertThat(wrong.get()).isZero();
    assertThat(rows.hits()).isPositive();
    assertThat(rows.bytes()).isBetween(0L, 64L * 50);
  }
}
