package io.procwatch.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DecodedRowsTest {

  @Test
  void givesBackWhatWasPutForTheSameRowOnly() {
    DecodedRows<String> rows = new DecodedRows<>(8, 1 << 20);
    rows.put(5, "Project|A", 3, 100, "five");
    assertThat(rows.get(5, "Project|A", 3)).isEqualTo("five");
    assertThat(rows.get(5, "Project|B", 3)).as("another persistence id").isNull();
    assertThat(rows.get(5, "Project|A", 4)).as("another sequence number").isNull();
    assertThat(rows.get(13, "Project|A", 3)).as("same slot, another ordering").isNull();
    assertThat(rows.get(6, "Project|A", 3)).isNull();
    assertThat(rows.hits()).isEqualTo(1);
    assertThat(rows.misses()).isEqualTo(4);
  }

  @Test
  void holdsAtMostItsSlotsTheNewestWinning() {
    DecodedRows<Long> rows = new DecodedRows<>(6, 1 << 20);
    assertThat(rows.slots()).isEqualTo(8);
    for (long o = 1; o <= 20; o++) rows.put(o, "p", o, 10, o);
    for (long o = 1; o <= 12; o++) assertThat(rows.get(o, "p", o)).as("ordering %d", o).isNull();
    for (long o = 13; o <= 20; o++) assertThat(rows.get(o, "p", o)).isEqualTo(o);
    assertThat(rows.bytes()).isEqualTo(80);
  }

  @Test
  void keepsWithinItsByteBudget() {
    DecodedRows<Long> rows = new DecodedRows<>(64, 800);
    rows.put(1, "p", 1, 101, 1L);
    assertThat(rows.get(1, "p", 1)).as("over an eighth of the budget").isNull();
    for (long o = 1; o <= 20; o++) rows.put(o, "p", o, 100, o);
    assertThat(rows.bytes()).isLessThanOrEqualTo(800);
    int held = 0;
    for (long o = 1; o <= 20; o++) if (rows.get(o, "p", o) != null) held++;
    assertThat(held).isEqualTo(8);
  }

  @Test
  void offWithNoSlots() {
    DecodedRows<String> rows = new DecodedRows<>(0, 1 << 20);
    rows.put(1, "p", 1, 1, "x");
    assertThat(rows.get(1, "p", 1)).isNull();
  }

  @Test
  void concurrentReadersAndWritersNeverSeeAnotherRowsValue() throws Exception {
    DecodedRows<long[]> rows = new DecodedRows<>(64, 64 * 50);
    AtomicInteger wrong = new AtomicInteger();
    AtomicInteger hits = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 200_000; i++) {
          long o = r.nextLong(1000);
          long[] v = rows.get(o, "p-" + (o % 7), o * 3);
          if (v == null) rows.put(o, "p-" + (o % 7), o * 3, 1 + r.nextInt(50), new long[] {o, o * 3});
          else {
            hits.incrementAndGet();
            if (v[0] != o || v[1] != o * 3) wrong.incrementAndGet();
          }
        }
      }));
    }
    for (Thread t : threads) t.start();
    for (Thread t : threads) t.join();
    assertThat(wrong.get()).isZero();
    assertThat(hits.get()).isPositive();
    assertThat(rows.bytes()).isBetween(0L, 64L * 50);
  }
}
