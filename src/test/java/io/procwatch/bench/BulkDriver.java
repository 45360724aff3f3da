package io.procwatch.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of the benchmark: {@code setup} registers the projects and walks each to
 * NoticePublished; {@code bulk} drives NDJSON batches in a closed loop and counts events per second
 * from the 200 answers, checking that every line of every answer is a 202 {@code applied}/{@code flagged}.
 */
final class BulkDriver {
  private static final Pattern STATUS = Pattern.compile("\"status\":(\\d+)");
  private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Za-z_]+)\"");

  private BulkDriver() {}

  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpRequest ndjson(String base, String body) {
    return HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
        .timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  // ------------------------------------------------------------------ setup

  static int setup(IngestBench.Opts o) throws Exception {
    String base = o.str("url");
    int projects = o.integer("projects", 1000);
    String prefix = o.str("prefix", "bench");
    int perRequest = o.integer("projects-per-request", 250);
    HttpClient http = client();
    long t0 = System.nanoTime();
    Tally tally = new Tally();
    for (int from = 0; from < projects; from += perRequest) {
      int to = Math.min(projects, from + perRequest);
      StringBuilder body = new StringBuilder();
      for (int p = from; p < to; p++) EventLines.appendWalkToNotice(body, EventLines.projectId(prefix, p));
      HttpResponse<String> r = http.send(ndjson(base, body.toString()), HttpResponse.BodyHandlers.ofString());
      tally.check(r, (to - from) * 4);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.err.printf("setup: %d projects registered and walked to NoticePublished (%d events) in %.1f s; %s%n",
        projects, tally.ok.sum(), s, tally.describeErrors());
    System.out.printf("RESULT mode=setup projects=%d events=%d errors=%d seconds=%.1f%n", projects, tally.ok.sum(),
        tally.errors.sum(), s);
    return tally.errors.sum() == 0 ? 0 : 1;
  }

  // ------------------------------------------------------------------ bulk

  static int bulk(IngestBench.Opts o) throws Exception {
    String base = o.str("url");
    int perBatch = o.integer("projects-per-batch", 100);
    int concurrency = o.integer("concurrency", 4);
    long warmupNs = o.integer("warmup", 5) * 1_000_000_000L;
    long durationNs = o.integer("duration", 20) * 1_000_000_000L;
    AtomicLong batchSeq = new AtomicLong();
    // The next request body, or null when the load is used up. LOAD=simulate: batches of whole projects cut from
    // the simulator's history, each sent once, in order; LOAD=bids: generated without end.
    java.util.function.LongFunction<SimLoad.Batch> source;
    String shape;
    if (o.m().containsKey("ndjson")) {
      List<SimLoad.Project> projects = SimLoad.read(java.nio.file.Path.of(o.str("ndjson")), java.time.Instant.MAX).projects();
      List<SimLoad.Batch> batches = SimLoad.batches(projects, perBatch);
      source = k -> k < batches.size() ? batches.get((int) k) : null;
      SimLoad.Shape s = SimLoad.Shape.of(projects);
      shape = String.format(java.util.Locale.ROOT, "%d batches of %d whole projects (%.0f events on average)", batches.size(),
          perBatch, perBatch * s.perProject());
    } else {
      int projects = o.integer("projects", 1000);
      String prefix = o.str("prefix", "bench");
      String run = o.str("run", "b");
      int perProject = o.integer("events-per-project", 20);
      if (perBatch > projects) throw new IllegalArgumentException("--projects-per-batch > --projects");
      int batchEvents = perBatch * perProject;
      source = k -> {
        // Consecutive batches take consecutive windows of projects, so concurrent requests touch
        // different projects (as long as concurrency * perBatch <= projects).
        int first = (int) ((k * perBatch) % projects);
        StringBuilder body = new StringBuilder(batchEvents * 240);
        for (int e = 0; e < perProject; e++) {
          for (int j = 0; j < perBatch; j++) {
            int p = (first + j) % projects;
            EventLines.appendBid(body, EventLines.projectId(prefix, p), run + k + "." + j + "." + e, (int) (k * 31 + j * 7 + e));
          }
        }
        return new SimLoad.Batch(body.toString(), batchEvents);
      };
      shape = perBatch + " projects x " + perProject + " bids";
    }

    HttpClient http = client();
    Tally tally = new Tally();
    LongAdder windowEvents = new LongAdder();
    LongAdder windowRequests = new LongAdder();
    LongAdder windowRequestEvents = new LongAdder();
    ConcurrentLinkedQueue<Long> latenciesUs = new ConcurrentLinkedQueue<>();
    Map<Integer, LongAdder> perSecond = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    long warmEnd = start + warmupNs;
    long end = warmEnd + durationNs;

    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      Thread t = new Thread(() -> {
        try {
          while (System.nanoTime() < end) {
            long k = batchSeq.getAndIncrement();
            SimLoad.Batch batch = source.apply(k);
            if (batch == null) {
              // the window would be measured on a shrinking concurrency: the run is void
              tally.fail("load exhausted before the end of the window", 1, "");
              return;
            }
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(ndjson(base, batch.body()), HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            int ok = tally.check(r, batch.events());
            if (t1 >= warmEnd && t1 <= end) {
              windowEvents.add(ok);
              windowRequests.increment();
              windowRequestEvents.add(batch.events());
              latenciesUs.add((t1 - t0) / 1000);
              perSecond.computeIfAbsent((int) ((t1 - warmEnd) / 1_000_000_000L), x -> new LongAdder()).add(ok);
            }
          }
        } catch (Exception e) {
          tally.fail("exception " + e);
        }
      }, "bulk-" + w);
      t.start();
      workers.add(t);
    }
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    sleepUntil(warmEnd);
    long cpu0 = os.getProcessCpuTime();
    mark("start");
    sleepUntil(end);
    long cpu1 = os.getProcessCpuTime();
    mark("end");
    for (Thread t : workers) t.join();

    double seconds = durationNs / 1e9;
    double evs = windowEvents.sum() / seconds;
    List<Long> lat = new ArrayList<>(latenciesUs);
    Collections.sort(lat);
    StringBuilder trend = new StringBuilder();
    Map<Integer, LongAdder> sorted = new TreeMap<>(perSecond);
    int bucket = 5;
    for (int s = 0; s < (int) seconds; s += bucket) {
      long n = 0;
      for (int i = s; i < s + bucket; i++) n += sorted.getOrDefault(i, new LongAdder()).sum();
      if (trend.length() > 0) trend.append(',');
      trend.append(Math.round(n / (double) bucket));
    }
    long batchEvents = Math.round(windowRequestEvents.sum() / (double) Math.max(1, windowRequests.sum()));
    System.err.printf("bulk: %d events in %d requests of %d events on average (%s) over %.0f s: %.0f events/s;"
            + " latency p50 %.0f ms, p99 %.0f ms; per %d s: %s; %s%n",
        windowEvents.sum(), windowRequests.sum(), batchEvents, shape, seconds, evs,
        pct(lat, 0.50) / 1000.0, pct(lat, 0.99) / 1000.0, bucket, trend, tally.describeErrors());
    System.out.printf("RESULT mode=bulk events=%d requests=%d seconds=%.0f events_per_s=%.0f errors=%d error_kinds=%s"
            + " lat_p50_ms=%.0f lat_p99_ms=%.0f driver_cpu_pct=%.0f trend=%s batch_events=%d concurrency=%d%n",
        windowEvents.sum(), windowRequests.sum(), seconds, evs, tally.errors.sum(), tally.kinds(),
        pct(lat, 0.50) / 1000.0, pct(lat, 0.99) / 1000.0, 100.0 * (cpu1 - cpu0) / durationNs, trend, batchEvents,
        concurrency);
    return 0;
  }

  private static long pct(List<Long> sorted, double q) {
    if (sorted.isEmpty()) return 0;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
  }

  /** Tells the script when the measured window starts and ends (it samples CPU there). */
  static void mark(String what) {
    System.out.println("MARK " + what);
    System.out.flush();
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) Thread.sleep(Math.max(1, left / 1_000_000));
  }

  /** Checks answers line by line: every event must come back 202 applied or flagged. */
  static final class Tally {
    final LongAdder ok = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();

    /** @return the number of events answered 202 applied/flagged */
    int check(HttpResponse<String> r, int expectedLines) {
      if (r.statusCode() != 200) {
        fail("HTTP " + r.statusCode(), expectedLines, r.body());
        return 0;
      }
      String[] lines = r.body().split("\n");
      int good = 0;
      int n = 0;
      for (String line : lines) {
        if (line.isEmpty()) continue;
        n++;
        if (line.contains("\"status\":202,") && (line.contains("\"result\":\"applied\"") || line.contains("\"result\":\"flagged\""))) {
          good++;
        } else {
          Matcher s = STATUS.matcher(line);
          Matcher c = CODE.matcher(line);
          String kind = "line " + (s.find() ? s.group(1) : "?") + (c.find() ? " " + c.group(1) : "")
              + (line.contains("\"result\":\"duplicate\"") ? " duplicate" : "");
          fail(kind, 1, line);
        }
      }
      if (n != expectedLines) fail("answer has " + n + " lines for " + expectedLines + " events", Math.max(0, expectedLines - n), "");
      ok.add(good);
      return good;
    }

    void fail(String kind) {
      fail(kind, 1, "");
    }

    void fail(String kind, int count, String sample) {
      errors.add(count);
      byKind.computeIfAbsent(kind, x -> new LongAdder()).add(count);
      if (samples.size() < 5) samples.add(kind + ": " + (sample.length() > 300 ? sample.substring(0, 300) : sample));
    }

    String kinds() {
      if (byKind.isEmpty()) return "none";
      StringBuilder sb = new StringBuilder();
      new TreeMap<>(byKind).forEach((k, v) -> sb.append(sb.length() > 0 ? ";" : "").append(k.replace(' ', '_')).append(':').append(v.sum()));
      return sb.toString();
    }

    String describeErrors() {
      if (errors.sum() == 0) return "no errors";
      return errors.sum() + " error(s): " + kinds() + "; e.g. " + String.join(" | ", samples);
    }
  }
}
