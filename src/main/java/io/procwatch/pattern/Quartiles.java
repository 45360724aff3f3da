package io.procwatch.pattern;

/**
 * Quantiles by the Hyndman–Fan type 8 (median-unbiased) estimator, the one Open Contracting's Cardinal uses
 * (through the statrs crate): {@code h = (n + 1/3)·p + 1/3}, interpolated between the ⌊h⌋-th and the next
 * order statistic (1-based), clamped to the minimum and maximum. numpy's default (type 7) gives other fences.
 */
public final class Quartiles {
  private Quartiles() {}

  /** Tukey fences of a population: lower = Q1 − k·IQR, upper = Q3 + k·IQR. */
  public record Fences(int n, double q1, double q3, double lower, double upper) {
    public static final Fences NONE = new Fences(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public boolean defined() {
      return n > 0;
    }
  }

  /** The p-quantile (0 ≤ p ≤ 1) of {@code sorted} (ascending, at least one value). */
  public static double quantile(double[] sorted, int n, double p) {
    if (n <= 0) throw new IllegalArgumentException("no values");
    if (p <= 0) return sorted[0];
    if (p >= 1) return sorted[n - 1];
    double h = (n + 1.0 / 3.0) * p + 1.0 / 3.0;
    if (h <= 1) return sorted[0];
    if (h >= n) return sorted[n - 1];
    int lo = (int) Math.floor(h); // 1-based
    double frac = h - lo;
    double a = sorted[lo - 1];
    double b = sorted[lo];
    return a + frac * (b - a);
  }

  public static double quantile(double[] sorted, double p) {
    return quantile(sorted, sorted.length, p);
  }

  public static Fences fences(double[] sorted, int n, double k) {
    if (n == 0) return Fences.NONE;
    double q1 = quantile(sorted, n, 0.25);
    double q3 = quantile(sorted, n, 0.75);
    double iqr = q3 - q1;
    return new Fences(n, q1, q3, q1 - k * iqr, q3 + k * iqr);
  }

  public static Fences fences(double[] sorted, double k) {
    return fences(sorted, sorted.length, k);
  }
}
