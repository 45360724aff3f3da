package io.procwatch.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Prometheus histogram read from a {@code /metrics} scrape (text format), e.g. the service's
 * {@code procwatch_feed_delivery_latency_seconds}: cumulative bucket counts by upper bound, count and max. Two scrapes
 * at the ends of the measured window give the window alone ({@link #minus}), which the service's own counters cannot
 * (they run from its start, setup included).
 *
 * @param buckets upper bound in seconds ({@code +Inf} as {@link Double#POSITIVE_INFINITY}) → cumulative count
 * @param max the {@code _max} gauge: Micrometer's decaying maximum (about the last two minutes), not the window's
 */
record PromHistogram(TreeMap<Double, Double> buckets, double count, double max) {
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  static PromHistogram parse(String scrape, String name) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    double count = 0;
    double max = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) continue;
      String rest = line.substring(name.length());
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (rest.startsWith("_bucket")) {
        Matcher m = LE.matcher(rest);
        if (!m.find()) continue;
        String le = m.group(1);
        buckets.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value);
      } else if (rest.startsWith("_count")) {
        count = value;
      } else if (rest.startsWith("_max")) {
        max = value;
      }
    }
    return new PromHistogram(buckets, count, max);
  }

  /** What was observed between {@code earlier} and this scrape (max stays this scrape's). */
  PromHistogram minus(PromHistogram earlier) {
    TreeMap<Double, Double> out = new TreeMap<>();
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      out.put(b.getKey(), b.getValue() - earlier.buckets.getOrDefault(b.getKey(), 0.0));
    }
    return new PromHistogram(out, count - earlier.count, max);
  }

  /**
   * The upper bound (seconds) of the bucket holding quantile {@code q}: "q of the observations were at most this",
   * a conservative estimate. NaN when nothing was observed.
   */
  double quantileUpperBound(double q) {
    if (count <= 0) return Double.NaN;
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      if (b.getValue() >= q * count) return b.getKey();
    }
    return Double.POSITIVE_INFINITY;
  }
}
