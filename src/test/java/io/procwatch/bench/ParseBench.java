package io.procwatch.bench;

import io.procwatch.project.IngestParser;
import io.procwatch.project.IngestRoutes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The NDJSON route's reading of a batch, the way it is now against the way it was, in the same run: the body's UTF-8
 * bytes split into lines and each parsed in place ({@link IngestRoutes#lineBounds}, {@link IngestParser#parse(byte[],
 * int, int, Instant)}), against the body decoded into a string, cut into a string a line, each stripped and parsed as
 * text (the route before 2026-12-01). Batches of {@code batch} lines of a simulator history
 * ({@code procwatch simulate --out FILE}); thread CPU time and bytes allocated by this thread per line, rounds
 * alternating the two ways, the first round of each left out (warm-up).
 *
 * <pre>
 * java -cp target/procwatch.jar:target/test-classes io.procwatch.bench.ParseBench FILE [rounds] [batch]
 * </pre>
 */
public final class ParseBench {
  public static void main(String[] args) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 944;
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < lines.size(); i += batch) {
      bodies.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + batch))).getBytes(StandardCharsets.UTF_8));
    }
    IngestParser parser = new IngestParser(Duration.ofDays(36500));
    Instant now = Instant.parse("2100-01-01T00:00:00Z");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    double[] cpu = new double[2], bytes = new double[2];
    int measured = 0;
    for (int round = 0; round < rounds; round++) {
      for (int way = 0; way < 2; way++) {
        long c0 = mx.getCurrentThreadCpuTime(), b0 = mx.getThreadAllocatedBytes(self);
        long n = 0, facts = 0;
        for (byte[] body : bodies) {
          if (way == 0) {
            int[] bounds = IngestRoutes.lineBounds(body);
            for (int k = 0; k < bounds.length; k += 2) {
              n++;
              if (parser.parse(body, bounds[k], bounds[k + 1] - bounds[k], now).fact() != null) facts++;
            }
          } else {
            String text = new String(body, StandardCharsets.UTF_8);
            for (String line : text.split("\n", -1)) {
              n++;
              if (parser.parse(line.strip(), now).fact() != null) facts++;
            }
          }
        }
        if (facts != n) throw new IllegalStateException((n - facts) + " of " + n + " lines not parsed");
        double us = (mx.getCurrentThreadCpuTime() - c0) / 1000.0 / n, b = (double) (mx.getThreadAllocatedBytes(self) - b0) / n;
        System.out.printf("round %d %-6s %6.2f µs CPU/line %7.0f bytes/line%n", round, way == 0 ? "bytes" : "text", us, b);
        if (round > 0) {
          cpu[way] += us;
          bytes[way] += b;
        }
      }
      if (round > 0) measured++;
    }
    System.out.printf("bytes/text: CPU %.2f, allocation %.2f (%d lines in batches of %d, %d rounds)%n",
        cpu[0] / cpu[1], bytes[0] / bytes[1], lines.size(), batch, measured);
  }
}
