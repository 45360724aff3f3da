package io.procwatch.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.infra.Json;
import io.procwatch.sim.History.Event;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Streams events into a running procwatch over {@code POST /api/v1/events}: one JSON event per request
 * ({@code batch = 1}) or NDJSON batches. Events are never sent ahead of {@code ceiling} (the service refuses facts
 * from the future); in real-time mode they are also paced by a simulated clock. Answers 5xx, 429 and transport
 * errors are retried (an event id makes a retry safe: the service answers "duplicate"); a 4xx is a rejection.
 */
public final class Sender {
  /**
   * @param url the service's base URL, e.g. {@code http://127.0.0.1:8080}
   * @param token a bearer token, or null
   * @param batch NDJSON batch size; 1 = single events
   * @param rate maximum events per second, 0 = unlimited
   * @param pace null for a backfill (as fast as possible); else the simulated clock events wait for
   * @param ceiling events whose business time is past this clock wait (real time) or are held back (backfill)
   * @param progress where the progress bar goes, or null
   */
  public record Options(URI url, String token, int batch, double rate, Clock pace, Clock ceiling, PrintStream progress) {
    public Options {
      if (batch < 1) throw new IllegalArgumentException("batch must be at least 1");
      if (rate < 0) throw new IllegalArgumentException("rate must not be negative");
    }
  }

  /** What happened, counted per event. */
  public static final class Summary {
    public final LongAdder sent = new LongAdder();
    public final LongAdder applied = new LongAdder();
    public final LongAdder flagged = new LongAdder();
    public final LongAdder duplicate = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder undeliverable = new LongAdder();
    public final LongAdder requests = new LongAdder();
    public final LongAdder retries = new LongAdder();
    public long heldBack;
    public final Map<String, LongAdder> flagsByRule = new ConcurrentHashMap<>();
    public final List<String> rejections = new ArrayList<>();
    public Map<String, Long> alertsByRule = Map.of();
    public double seconds;

    public long accepted() {
      return applied.sum() + flagged.sum() + duplicate.sum();
    }

    public boolean failed() {
      return rejected.sum() > 0 || undeliverable.sum() > 0;
    }

    public String format() {
      StringBuilder b = new StringBuilder();
      b.append(String.format("events sent      %,d in %.1f s (%,.0f events/s, %,d requests, %,d retries)%n", sent.sum(), seconds,
          seconds > 0 ? sent.sum() / seconds : 0, requests.sum(), retries.sum()));
      b.append(String.format("accepted         %,d (applied %,d, flagged %,d, duplicate %,d)%n", accepted(), applied.sum(),
          flagged.sum(), duplicate.sum()));
      b.append(String.format("rejected         %,d%n", rejected.sum()));
      if (undeliverable.sum() > 0) b.append(String.format("undeliverable    %,d (the service did not answer)%n", undeliverable.sum()));
      if (heldBack > 0) b.append(String.format("held back        %,d (business time still in the future)%n", heldBack));
      Map<String, Long> flags = new TreeMap<>();
      flagsByRule.forEach((k, v) -> flags.put(k, v.sum()));
      b.append("flags by rule    ").append(flags.isEmpty() ? "none" : flags).append('\n');
      b.append("alerts by rule   ").append(alertsByRule.isEmpty() ? "none" : new TreeMap<>(alertsByRule)).append('\n');
      synchronized (rejections) {
        for (String r : rejections) b.append("  rejected: ").append(r).append('\n');
      }
      return b.toString();
    }
  }

  private static final int MAX_ATTEMPTS = 6;
  private static final int KEPT_REJECTIONS = 10;

  private final Options options;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Summary summary = new Summary();
  private final AtomicLong done = new AtomicLong();

  public Sender(Options options) {
    this.options = options;
  }

  public Summary summary() {
    return summary;
  }

  /** Sends {@code events} in the given order; returns when all are answered (or the thread is interrupted). */
  public Summary send(List<Event> events) throws InterruptedException {
    long started = System.nanoTime();
    Progress progress = options.progress() == null ? null : new Progress(options.progress(), events.size());
    try {
      List<Event> pending = new ArrayList<>(options.batch());
      int i = 0;
      while (i < events.size()) {
        Event next = events.get(i);
        Instant limit = limit();
        if (next.occurredAt().isAfter(limit)) {
          if (!pending.isEmpty()) {
            post(pending);
            pending.clear();
            continue;
          }
          if (options.pace() == null) {
            // a backfill sends what has happened; the rest would be refused as future facts
            summary.heldBack = events.size() - i;
            break;
          }
          sleepUntil(next.occurredAt());
          continue;
        }
        pending.add(next);
        i++;
        // a project's consecutive events stay in one batch: the service judges them as a whole, so a deadline that a
        // later event of the same project closes never fires on the wall clock in between
        boolean sameProjectNext = i < events.size() && events.get(i).projectId().equals(next.projectId());
        if (pending.size() >= options.batch() && (options.batch() == 1 || !sameProjectNext)) {
          post(pending);
          pending.clear();
        }
        if (progress != null) progress.update(done.get(), next.occurredAt());
      }
      if (!pending.isEmpty()) post(pending);
    } finally {
      summary.seconds = (System.nanoTime() - started) / 1e9;
      if (progress != null) progress.finish(done.get());
    }
    return summary;
  }

  private Instant limit() {
    Instant ceiling = options.ceiling().instant();
    if (options.pace() == null) return ceiling;
    Instant sim = options.pace().instant();
    return sim.isBefore(ceiling) ? sim : ceiling;
  }

  /**
   * Sleeps until the simulated (or wall) clock reaches {@code t}, in steps of 200 ms: what comes due meanwhile goes
   * in one request (at one simulated day per second about 15 events of the bureau's year), not one request each.
   */
  private void sleepUntil(Instant t) throws InterruptedException {
    while (limit().isBefore(t)) Thread.sleep(200);
  }

  private void throttle(int n) throws InterruptedException {
    if (options.rate() <= 0) return;
    long due = (long) ((summary.sent.sum() + n) / options.rate() * 1e9);
    long elapsed = System.nanoTime() - startNanos;
    if (due > elapsed) Thread.sleep((due - elapsed) / 1_000_000, (int) ((due - elapsed) % 1_000_000));
  }

  private final long startNanos = System.nanoTime();

  private void post(List<Event> events) throws InterruptedException {
    throttle(events.size());
    summary.sent.add(events.size());
    if (options.batch() == 1) {
      for (Event e : events) postOne(e);
    } else {
      postBatch(new ArrayList<>(events));
    }
  }

  private HttpRequest.Builder request(String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(options.url().resolve("/api/v1/events"))
        .timeout(Duration.ofSeconds(120)).header("Content-Type", contentType);
    if (options.token() != null && !options.token().isBlank()) b.header("Authorization", "Bearer " + options.token());
    return b;
  }

  private void postOne(Event e) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        summary.requests.increment();
        HttpResponse<String> r = http.send(request("application/json")
            .POST(HttpRequest.BodyPublishers.ofString(e.json(), StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 500 || r.statusCode() == 429) {
          if (retry(attempt)) continue;
          summary.undeliverable.increment();
        } else {
          count(e, r.statusCode(), parse(r.body()));
        }
        done.incrementAndGet();
        return;
      } catch (IOException ex) {
        if (retry(attempt)) continue;
        summary.undeliverable.increment();
        done.incrementAndGet();
        return;
      }
    }
  }

  private void postBatch(List<Event> events) throws InterruptedException {
    for (int attempt = 1; !events.isEmpty(); attempt++) {
      StringBuilder body = new StringBuilder();
      for (Event e : events) body.append(e.json()).append('\n');
      List<Event> again = new ArrayList<>();
      try {
        summary.requests.increment();
        HttpResponse<String> r = http.send(request("application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          if ((r.statusCode() >= 500 || r.statusCode() == 429) && retry(attempt)) continue;
          // the whole batch was refused (413, 401, ...): every event of it counts
          for (Event e : events) {
            if (r.statusCode() >= 500 || r.statusCode() == 429) summary.undeliverable.increment();
            else reject(e, r.statusCode() + " " + abbreviate(r.body()));
            done.incrementAndGet();
          }
          return;
        }
        String[] lines = r.body().split("\n");
        for (int k = 0; k < events.size(); k++) {
          Event e = events.get(k);
          JsonNode line = k < lines.length ? parse(lines[k]) : null;
          int status = line == null ? 500 : line.path("status").asInt(500);
          if (status >= 500 || status == 429) {
            again.add(e);
            continue;
          }
          count(e, status, line);
          done.incrementAndGet();
        }
      } catch (IOException ex) {
        again = events;
      }
      if (again.isEmpty()) return;
      if (!retry(attempt)) {
        summary.undeliverable.add(again.size());
        done.addAndGet(again.size());
        return;
      }
      events = again;
    }
  }

  /** An answer as JSON; a body that is not JSON (a proxy's error page, say) becomes {"body": text}. */
  private static JsonNode parse(String body) {
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      return Json.mapper().createObjectNode().put("body", abbreviate(body));
    }
  }

  private boolean retry(int attempt) throws InterruptedException {
    if (attempt >= MAX_ATTEMPTS) return false;
    summary.retries.increment();
    Thread.sleep(250L << Math.min(attempt, 5));
    return true;
  }

  private void count(Event e, int status, JsonNode answer) {
    String result = answer.path("result").asText("");
    if (status >= 400 || result.equals("rejected")) {
      reject(e, status + " " + abbreviate(answer.toString()));
      return;
    }
    switch (result) {
      case "applied" -> summary.applied.increment();
      case "flagged" -> summary.flagged.increment();
      case "duplicate" -> summary.duplicate.increment();
      default -> reject(e, status + " unexpected answer " + abbreviate(answer.toString()));
    }
    for (JsonNode f : answer.path("flags")) {
      summary.flagsByRule.computeIfAbsent(f.path("rule").asText("?"), k -> new LongAdder()).increment();
    }
  }

  private void reject(Event e, String why) {
    summary.rejected.increment();
    synchronized (summary.rejections) {
      if (summary.rejections.size() < KEPT_REJECTIONS) summary.rejections.add(e.json() + " -> " + why);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  /**
   * Counts the service's alerts by rule for the given projects, once the alert read side has settled (the same
   * count twice in a row, a second apart, at most {@code settle}).
   */
  /**
   * Alerts by rule on the given projects, and the cross-project alerts (no project) of the given buyers,
   * once the counts stop changing or {@code settle} has passed.
   */
  public Map<String, Long> alertsByRule(Set<String> projectIds, Set<String> buyers, Duration settle)
      throws InterruptedException {
    Map<String, Long> last = null;
    long deadline = System.nanoTime() + settle.toNanos();
    while (true) {
      Map<String, Long> now;
      try {
        now = countAlerts(projectIds, buyers);
      } catch (IOException e) {
        return Map.of();
      }
      if (now.equals(last) || System.nanoTime() > deadline) {
        summary.alertsByRule = now;
        return now;
      }
      last = now;
      Thread.sleep(1000);
    }
  }

  private Map<String, Long> countAlerts(Set<String> projectIds, Set<String> buyers) throws IOException, InterruptedException {
    Map<String, Long> out = new TreeMap<>();
    String after = null;
    while (true) {
      URI uri = options.url().resolve("/api/v1/alerts?limit=500" + (after == null ? "" : "&after=" + after));
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
      if (options.token() != null && !options.token().isBlank()) b.header("Authorization", "Bearer " + options.token());
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new IOException("GET " + uri + ": " + r.statusCode());
      JsonNode page = Json.mapper().readTree(r.body());
      JsonNode items = page.path("items");
      for (JsonNode a : items) {
        boolean ours = a.hasNonNull("projectId") ? projectIds.contains(a.path("projectId").asText())
            : buyers.contains(a.path("buyer").asText());
        if (ours) out.merge(a.path("rule").asText(), 1L, Long::sum);
      }
      JsonNode next = page.path("next");
      if (items.isEmpty() || next.isMissingNode() || next.isNull()) return out;
      after = next.asText();
    }
  }

  /** A one-line progress bar on stderr: redrawn in place on a terminal, a line every 5 s otherwise. */
  private static final class Progress {
    private final PrintStream out;
    private final long total;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private long lastDrawn;

    Progress(PrintStream out, long total) {
      this.out = out;
      this.total = total;
    }

    void update(long done, Instant businessTime) {
      long now = System.nanoTime();
      if (now - lastDrawn < (terminal ? 200_000_000L : 5_000_000_000L)) return;
      lastDrawn = now;
      draw(done, businessTime.atOffset(ZoneOffset.ofHours(8)).toLocalDate().toString());
    }

    void finish(long done) {
      draw(done, "done");
      if (terminal) out.println();
    }

    private void draw(long done, String at) {
      double seconds = (System.nanoTime() - started) / 1e9;
      int width = 30;
      int filled = total == 0 ? width : (int) (width * done / total);
      String bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
      String line = String.format("[%s] %3d%% %,d/%,d events  %,.0f ev/s  %s", bar, total == 0 ? 100 : 100 * done / total,
          done, total, seconds > 0 ? done / seconds : 0, at);
      out.print(terminal ? "\r" + line : line + "\n");
      out.flush();
    }
  }
}
