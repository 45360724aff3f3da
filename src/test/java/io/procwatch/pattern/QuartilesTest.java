package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Type-8 quartiles and Tukey fences, checked against figures computed by hand. */
class QuartilesTest {

  @Test
  void type8OnSmallSamplesByHand() {
    // n = 9, p = 0.25: h = (9 + 1/3)·0.25 + 1/3 = 2.6667 → x2 + 0.6667·(x3 − x2)
    double[] r024 = {0, 0, 100, 100, 100, 100, 100, 100, 100};
    assertThat(Quartiles.quantile(r024, 0.25)).isCloseTo(200.0 / 3, within(1e-12));
    // p = 0.75: h = 7.3333 → x7 + 0.3333·(x8 − x7) = 100
    assertThat(Quartiles.quantile(r024, 0.75)).isEqualTo(100.0);
    Quartiles.Fences f = Quartiles.fences(r024, 1.5);
    assertThat(f.lower()).isCloseTo(200.0 / 3 - 1.5 * (100 - 200.0 / 3), within(1e-12)); // 16.6667
    assertThat(f.upper()).isCloseTo(150.0, within(1e-12));

    // n = 5 {0,0,0,0,100}: Q3: h = 4.3333 → 0 + 0.3333·100 = 33.333; Q1: h = 1.6667 → 0; upper = 33.33 + 50 = 83.33
    double[] r058 = {0, 0, 0, 0, 100};
    assertThat(Quartiles.quantile(r058, 0.75)).isCloseTo(100.0 / 3, within(1e-12));
    assertThat(Quartiles.fences(r058, 1.5).upper()).isCloseTo(250.0 / 3, within(1e-12));

    // n = 4 {1,2,3,4}: Q1: h = 1.4167 → 1.4167; Q3: h = 3.5833 → 3.5833 (type 7 would give 1.75 and 3.25)
    double[] four = {1, 2, 3, 4};
    assertThat(Quartiles.quantile(four, 0.25)).isCloseTo(1 + 5.0 / 12, within(1e-12));
    assertThat(Quartiles.quantile(four, 0.75)).isCloseTo(3 + 7.0 / 12, within(1e-12));
    // median of an even sample: the mean of the middle two
    assertThat(Quartiles.quantile(four, 0.5)).isCloseTo(2.5, within(1e-12));

    // clamped at the ends: n = 1, and p below the first or beyond the last order statistic
    assertThat(Quartiles.quantile(new double[] {7}, 0.25)).isEqualTo(7.0);
    assertThat(Quartiles.quantile(four, 0.01)).isEqualTo(1.0);
    assertThat(Quartiles.quantile(four, 0.99)).isEqualTo(4.0);
  }

  @Test
  void incrementalPopulationMatchesARecomputationFromScratch() {
    Population pop = new Population();
    Random rnd = new Random(42);
    java.util.Map<String, Double> truth = new java.util.HashMap<>();
    for (int step = 0; step < 5_000; step++) {
      String key = "k" + rnd.nextInt(300);
      Double v = rnd.nextInt(10) == 0 ? null : (double) rnd.nextInt(50) / 7;
      pop.put(key, v);
      if (v == null) truth.remove(key);
      else truth.put(key, v);
      if (step % 250 == 0 && !truth.isEmpty()) {
        double[] sorted = truth.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Quartiles.Fences expected = Quartiles.fences(sorted, 1.5);
        Quartiles.Fences actual = pop.fences(1.5);
        assertThat(actual).isEqualTo(expected);
        long below = Arrays.stream(sorted).filter(x -> x <= expected.q1()).count();
        assertThat(pop.atOrBelow(expected.q1())).hasSize((int) below);
        long above = Arrays.stream(sorted).filter(x -> x >= expected.q3()).count();
        assertThat(pop.atOrAbove(expected.q3())).hasSize((int) above);
      }
    }
    assertThat(pop.size()).isEqualTo(truth.size());
  }
}
