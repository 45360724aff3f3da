package io.procwatch.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Driver of {@code bench/alert-latency/run}: time from the HTTP 202 of an alert-raising event to the
 * alert's arrival at each of N WebSocket feed clients, under a steady single-event ingest load.
 *
 * <pre>
 *   java -cp target/procwatch.jar:target/test-classes io.procwatch.bench.AlertLatencyBench \
 *     --url http://127.0.0.1:PORT --clients 50 --rate 1000 --alert-every 50 --warmup 10 --duration 30 \
 *     [--background 500] [--senders 4] [--max-in-flight 256] [--grace 5]
 * </pre>
 *
 * Setup: {@code background} projects walked to NoticePublished (they take the load: one
 * {@code ChallengeFiled} per POST with a unique challengeId, occurredAt = now, which raises nothing
 * at once) and enough self-purchase projects walked to MethodApproved SELF_PURCHASE. Then the clients
 * connect (no filter) and the load starts, paced open-loop at {@code rate} events/s from
 * {@code senders} async HttpClients; every {@code alert-every}-th event is instead a {@code Delivered}
 * on a fresh prepared project, which raises SQ01 on that POST. Its 202 arrival instant (System.nanoTime,
 * same JVM as the clients) is the start; each client's arrival of the RAISED message for that project is
 * the end. Alerts whose 202 arrived inside the measured window count. Figures go to stdout as one
 * {@code RESULT key=value ...} line; {@code MARK start/end} bracket the window.
 *
 * <p>With {@code --webhook-port P --prom-samples K}, the same run also times the Prometheus-rule-plus-Alertmanager
 * path (issue 4's anchor): K extra prepared projects each have their own buyer {@code PROM-i}; during the
 * measured window one of them gets its {@code Delivered} every {@code --prom-every} seconds (instead of a
 * background event), so procwatch's {@code procwatch_alerts_open_by_buyer{buyer="PROM-i"}} gauge turns 1. The
 * script's Prometheus scrapes it and evaluates a rule on it, its Alertmanager groups by buyer and posts to this
 * driver's webhook receiver on 127.0.0.1:P; latency = webhook arrival of buyer PROM-i − the 202 of its event.
 * Reported as {@code RESULT_PROM ...} after waiting up to {@code --prom-wait} seconds for the last one.
 */
public final class AlertLatencyBench {
  private static final Pattern KIND = Pattern.compile("\"kind\":\"([A-Z_]+)\"");
  private static final Pattern PROJECT = Pattern.compile("\"project_id\":\"([^\"]+)\"");
  private static final Pattern ALERTNAME = Pattern.compile("\"alertname\":\"([^\"]+)\"");
  private static final String ALERT_PREFIX = "alrt";
  private static final String BG_PREFIX = "bg";
  private static final String PROM_PREFIX = "prom";

  private AlertLatencyBench() {}

  /** One feed client: arrival instants of RAISED messages per project id. */
  static final class Feed implements WebSocket.Listener {
    final Map<String, Long> raisedAt = new ConcurrentHashMap<>();
    final LongAdder otherRaised = new LongAdder();
    final Map<String, LongAdder> otherByRule = new ConcurrentHashMap<>();
    final LongAdder messages = new LongAdder();
    volatile String closed;
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      long now = System.nanoTime();
      partial.append(data);
      if (last) {
        String msg = partial.toString();
        partial.setLength(0);
        messages.increment();
        Matcher k = KIND.matcher(msg);
        if (k.find() && k.group(1).equals("RAISED")) {
          Matcher p = PROJECT.matcher(msg);
          Matcher a = ALERTNAME.matcher(msg);
          String rule = a.find() ? a.group(1) : "?";
          String project = p.find() ? p.group(1) : "?";
          if (rule.equals("SQ01") && project.startsWith(ALERT_PREFIX + "-")) {
            raisedAt.putIfAbsent(project, now);
          } else {
            otherRaised.increment();
            otherByRule.computeIfAbsent(rule + "@" + project.split("-")[0], x -> new LongAdder()).increment();
          }
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      closed = status + " " + reason;
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed = "error " + error;
    }
  }

  /** Alertmanager webhook receiver: first arrival (nanoTime) of a firing notification per buyer label. */
  static final class Webhook {
    private static final Pattern BUYER = Pattern.compile("\"buyer\":\"(PROM-[0-9]+)\"");
    final Map<String, Long> firingAt = new ConcurrentHashMap<>();
    final LongAdder posts = new LongAdder();
    private final com.sun.net.httpserver.HttpServer server;

    Webhook(int port) throws java.io.IOException {
      server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", port), 16);
      server.createContext("/", exchange -> {
        long now = System.nanoTime();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        posts.increment();
        if (body.contains("\"status\":\"firing\"")) {
          Matcher b = BUYER.matcher(body);
          while (b.find()) firingAt.putIfAbsent(b.group(1), now);
        }
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      });
      server.start();
    }

    void stop() {
      server.stop(0);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("bad option " + args[i]);
      m.put(args[i].substring(2), args[++i]);
    }
    IngestBench.Opts o = new IngestBench.Opts(m);
    String base = o.str("url");
    int clients = o.integer("clients", 50);
    int rate = o.integer("rate", 1000);
    int every = o.integer("alert-every", 50);
    int warmup = o.integer("warmup", 10);
    int duration = o.integer("duration", 30);
    int background = o.integer("background", 500);
    int senders = o.integer("senders", 4);
    int maxInFlight = o.integer("max-in-flight", 256);
    int grace = o.integer("grace", 5);
    String run = o.str("run", "r" + (System.currentTimeMillis() % 100000));
    int alertProjects = (int) ((long) (warmup + duration + 5) * rate / every) + 50;
    int webhookPort = o.integer("webhook-port", 0);
    int promSamples = webhookPort == 0 ? 0 : o.integer("prom-samples", 20);
    double promEvery = Double.parseDouble(o.str("prom-every", "1"));
    int promWait = o.integer("prom-wait", 150);
    Webhook webhook = webhookPort == 0 ? null : new Webhook(webhookPort);

    // ---------------------------------------------------------------- setup (NDJSON)
    HttpClient setupHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long s0 = System.nanoTime();
    BulkDriver.Tally tally = new BulkDriver.Tally();
    for (int from = 0; from < background; from += 250) {
      StringBuilder body = new StringBuilder();
      int to = Math.min(background, from + 250);
      for (int p = from; p < to; p++) appendBackground(body, EventLines.projectId(BG_PREFIX, p));
      tally.check(setupHttp.send(ndjson(base, body.toString()), HttpResponse.BodyHandlers.ofString()), (to - from) * 4);
    }
    for (int from = 0; from < alertProjects; from += 250) {
      StringBuilder body = new StringBuilder();
      int to = Math.min(alertProjects, from + 250);
      for (int p = from; p < to; p++) appendSelfPurchase(body, EventLines.projectId(ALERT_PREFIX, p));
      tally.check(setupHttp.send(ndjson(base, body.toString()), HttpResponse.BodyHandlers.ofString()), (to - from) * 3);
    }
    if (promSamples > 0) {
      StringBuilder body = new StringBuilder();
      for (int p = 0; p < promSamples; p++) appendSelfPurchase(body, EventLines.projectId(PROM_PREFIX, p), "PROM-" + p);
      tally.check(setupHttp.send(ndjson(base, body.toString()), HttpResponse.BodyHandlers.ofString()), promSamples * 3);
    }
    System.err.printf("setup: %d background projects to NoticePublished, %d self-purchase projects to MethodApproved in %.1f s; %s%n",
        background, alertProjects, (System.nanoTime() - s0) / 1e9, tally.describeErrors());
    if (tally.errors.sum() > 0) {
      System.out.println("RESULT mode=alert-latency error=setup");
      System.exit(1);
    }

    // ---------------------------------------------------------------- feed clients
    String wsUrl = base.replaceFirst("^http", "ws") + "/api/v1/alerts/stream";
    HttpClient wsHttp = HttpClient.newHttpClient();
    List<Feed> feeds = new ArrayList<>();
    List<WebSocket> sockets = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Feed f = new Feed();
      sockets.add(wsHttp.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(wsUrl), f)
          .get(15, TimeUnit.SECONDS));
      feeds.add(f);
    }
    System.err.printf("feed: %d clients connected to %s%n", clients, wsUrl);

    // ---------------------------------------------------------------- load
    List<HttpClient> http = new ArrayList<>();
    for (int i = 0; i < senders; i++) http.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    Semaphore inFlight = new Semaphore(maxInFlight);
    String challengeAt = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
    String deliveredAt = ago(1);
    long start = System.nanoTime();
    long warmEnd = start + warmup * 1_000_000_000L;
    long end = warmEnd + duration * 1_000_000_000L;
    long interval = 1_000_000_000L / rate;
    Map<String, Long> acceptedAt = new ConcurrentHashMap<>(); // alert project -> 202 nanoTime (in window)
    LongAdder okInWindow = new LongAdder();
    LongAdder okTotal = new LongAdder();
    LongAdder sentInWindow = new LongAdder();
    LongAdder alertsSentWarm = new LongAdder();
    Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    AtomicLong lagMaxNs = new AtomicLong();
    LongAdder throttled = new LongAdder();
    int alertNext = 0;
    int promNext = 0;
    long promInterval = (long) (promEvery * 1e9);
    long promDue = warmEnd;
    Map<String, Long> promAcceptedAt = new ConcurrentHashMap<>(); // PROM-i buyer -> 202 nanoTime
    boolean marked = false;
    for (long i = 0; ; i++) {
      long due = start + i * interval;
      if (due >= end) break;
      BulkDriver.sleepUntil(due);
      long now = System.nanoTime();
      if (!marked && now >= warmEnd) {
        BulkDriver.mark("start");
        marked = true;
      }
      lagMaxNs.accumulateAndGet(now - due, Math::max);
      if (!inFlight.tryAcquire()) {
        throttled.increment();
        inFlight.acquire();
      }
      String body;
      final String alertProject;
      final String promBuyer;
      if (now >= promDue && promNext < promSamples) {
        promBuyer = "PROM-" + promNext;
        alertProject = null;
        String pp = EventLines.projectId(PROM_PREFIX, promNext++);
        promDue += promInterval;
        body = "{\"eventId\":\"" + pp + "-4\",\"projectId\":\"" + pp
            + "\",\"type\":\"Delivered\",\"occurredAt\":\"" + deliveredAt + "\"}";
      } else if (i % every == every - 1 && alertNext < alertProjects) {
        promBuyer = null;
        alertProject = EventLines.projectId(ALERT_PREFIX, alertNext++);
        body = "{\"eventId\":\"" + alertProject + "-4\",\"projectId\":\"" + alertProject
            + "\",\"type\":\"Delivered\",\"occurredAt\":\"" + deliveredAt + "\"}";
      } else {
        promBuyer = null;
        alertProject = null;
        String key = run + "." + i;
        body = "{\"eventId\":\"ch-" + key + "\",\"projectId\":\"" + EventLines.projectId(BG_PREFIX, (int) (i % background))
            + "\",\"type\":\"ChallengeFiled\",\"occurredAt\":\"" + challengeAt + "\",\"data\":{\"challengeId\":\"C-" + key
            + "\",\"supplier\":\"S-" + key + "\"}}";
      }
      boolean inWindow = now >= warmEnd;
      if (inWindow) sentInWindow.increment();
      HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/events")).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
          .build();
      http.get((int) (i % senders)).sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
        long t = System.nanoTime();
        inFlight.release();
        String err = null;
        if (e != null) err = "exception " + e.getClass().getSimpleName();
        else if (r.statusCode() != 202) err = "HTTP " + r.statusCode();
        else if (!r.body().contains("\"result\":\"applied\"") && !r.body().contains("\"result\":\"flagged\"")) err = "202 not applied";
        if (err != null) {
          errorKinds.computeIfAbsent(err, x -> new LongAdder()).increment();
          return;
        }
        okTotal.increment();
        if (promBuyer != null) promAcceptedAt.put(promBuyer, t);
        if (t >= warmEnd && t <= end) {
          okInWindow.increment();
          if (alertProject != null) acceptedAt.put(alertProject, t);
        } else if (alertProject != null) {
          alertsSentWarm.increment();
        }
      });
    }
    long loadEnd = System.nanoTime();
    BulkDriver.mark("end");
    inFlight.acquire(maxInFlight); // all answers in
    long drained = System.nanoTime();
    // let the last alerts arrive
    long graceEnd = System.nanoTime() + grace * 1_000_000_000L;
    while (System.nanoTime() < graceEnd) {
      boolean all = true;
      for (Feed f : feeds) if (!f.raisedAt.keySet().containsAll(acceptedAt.keySet())) { all = false; break; }
      if (all) break;
      Thread.sleep(50);
    }
    long closedClients = feeds.stream().filter(f -> f.closed != null).count();
    for (WebSocket ws : sockets) ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");

    // ---------------------------------------------------------------- figures
    List<Long> lat = new ArrayList<>();
    long missing = 0;
    long negative = 0;
    for (Feed f : feeds) {
      for (Map.Entry<String, Long> a : acceptedAt.entrySet()) {
        Long got = f.raisedAt.get(a.getKey());
        if (got == null) { missing++; continue; }
        long d = got - a.getValue();
        if (d < 0) negative++;
        lat.add(d);
      }
    }
    Collections.sort(lat);
    long otherRaised = feeds.stream().mapToLong(f -> f.otherRaised.sum()).sum();
    StringBuilder others = new StringBuilder();
    new java.util.TreeMap<>(feeds.get(0).otherByRule).forEach((k, v) -> others.append(others.length() > 0 ? ";" : "").append(k).append(':').append(v.sum()));
    double seconds = duration;
    double achieved = okInWindow.sum() / seconds;
    double p50 = pct(lat, 0.50) / 1e6, p99 = pct(lat, 0.99) / 1e6, max = lat.isEmpty() ? 0 : lat.get(lat.size() - 1) / 1e6;
    double min = lat.isEmpty() ? 0 : lat.get(0) / 1e6;
    long errors = errorKinds.values().stream().mapToLong(LongAdder::sum).sum();
    StringBuilder kinds = new StringBuilder();
    errorKinds.forEach((k, v) -> kinds.append(kinds.length() > 0 ? ";" : "").append(k.replace(' ', '_')).append(':').append(v.sum()));
    boolean met = !lat.isEmpty() && missing == 0 && errors == 0 && p99 <= 100.0 && achieved >= 0.95 * rate && clients >= 50;
    System.err.printf("alert-latency: %d clients, target %d events/s (1 in %d raises SQ01), achieved %.0f events/s answered 202;"
            + " %d alerts in the window x %d clients = %d samples (%d missing after %d s grace, %d negative);"
            + " latency p50 %.1f ms, p99 %.1f ms, max %.1f ms, min %.1f ms; pacing lag max %.1f ms, throttled %d;"
            + " drain %.1f s; other RAISED messages %d (client 0 by rule@prefix: %s); clients closed early %d; errors %d [%s]%n",
        clients, rate, every, achieved, acceptedAt.size(), clients, lat.size(), missing, grace, negative, p50, p99, max, min,
        lagMaxNs.get() / 1e6, throttled.sum(), (drained - loadEnd) / 1e9, otherRaised, others.length() == 0 ? "none" : others, closedClients, errors,
        kinds.length() == 0 ? "none" : kinds);
    System.out.printf("RESULT mode=alert-latency clients=%d rate_target=%d alert_every=%d events_per_s=%.0f sent_in_window=%d"
            + " alerts=%d samples=%d missing=%d negative=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f min_ms=%.1f pacing_lag_max_ms=%.1f"
            + " throttled=%d other_raised=%d closed_early=%d errors=%d error_kinds=%s met=%s%n",
        clients, rate, every, achieved, sentInWindow.sum(), acceptedAt.size(), lat.size(), missing, negative, p50, p99, max, min,
        lagMaxNs.get() / 1e6, throttled.sum(), otherRaised, closedClients, errors, kinds.length() == 0 ? "none" : kinds,
        met ? "yes" : "NO");
    System.out.flush();
    if (webhook != null) {
      // ---------------------------------------------------------------- the Prometheus-rule + Alertmanager path
      long promEnd = System.nanoTime() + promWait * 1_000_000_000L;
      while (System.nanoTime() < promEnd && !webhook.firingAt.keySet().containsAll(promAcceptedAt.keySet())) Thread.sleep(200);
      List<Long> prom = new ArrayList<>();
      long promMissing = 0;
      for (Map.Entry<String, Long> a : promAcceptedAt.entrySet()) {
        Long got = webhook.firingAt.get(a.getKey());
        if (got == null) promMissing++;
        else prom.add(got - a.getValue());
      }
      Collections.sort(prom);
      double pp50 = pct(prom, 0.50) / 1e6, pp99 = pct(prom, 0.99) / 1e6;
      double pmax = prom.isEmpty() ? 0 : prom.get(prom.size() - 1) / 1e6, pmin = prom.isEmpty() ? 0 : prom.get(0) / 1e6;
      System.err.printf("prometheus+alertmanager: %d alerts, %d arrived at the webhook (%d posts), %d missing after %d s;"
              + " latency p50 %.0f ms, p99 %.0f ms, max %.0f ms, min %.0f ms; ratio to the feed: p50 x%.0f, p99 x%.0f%n",
          promAcceptedAt.size(), prom.size(), webhook.posts.sum(), promMissing, promWait, pp50, pp99, pmax, pmin,
          p50 > 0 ? pp50 / p50 : 0, p99 > 0 ? pp99 / p99 : 0);
      System.out.printf("RESULT_PROM alerts=%d samples=%d missing=%d p50_ms=%.0f p99_ms=%.0f max_ms=%.0f min_ms=%.0f"
              + " ratio_p50=%.0f ratio_p99=%.0f%n",
          promAcceptedAt.size(), prom.size(), promMissing, pp50, pp99, pmax, pmin, p50 > 0 ? pp50 / p50 : 0,
          p99 > 0 ? pp99 / p99 : 0);
      System.out.flush();
      webhook.stop();
    }
    System.exit(0);
  }

  /** ProjectRegistered, RequirementApproved, MethodApproved SELF_PURCHASE: three lines (AlertFeedTest.sq01 without Delivered). */
  static void appendSelfPurchase(StringBuilder out, String p) {
    appendSelfPurchase(out, p, "B-LAT");
  }

  static void appendSelfPurchase(StringBuilder out, String p, String buyer) {
    out.append("{\"eventId\":\"").append(p).append("-1\",\"projectId\":\"").append(p)
        .append("\",\"type\":\"ProjectRegistered\",\"occurredAt\":\"").append(ago(4)).append("\",\"data\":{\"buyer\":\"").append(buyer).append("\",")
        .append("\"title\":\"纸张\",\"category\":\"A05040101\",\"categoryKind\":\"GOODS\",\"budget\":3000,\"fiscalYear\":2026}}\n");
    out.append("{\"eventId\":\"").append(p).append("-2\",\"projectId\":\"").append(p)
        .append("\",\"type\":\"RequirementApproved\",\"occurredAt\":\"").append(ago(3)).append("\"}\n");
    out.append("{\"eventId\":\"").append(p).append("-3\",\"projectId\":\"").append(p)
        .append("\",\"type\":\"MethodApproved\",\"occurredAt\":\"").append(ago(2)).append("\",\"data\":{\"method\":\"SELF_PURCHASE\"}}\n");
  }

  /** Business times a few days back from now, so that no deadline (DL rules) is already breached. */
  static String ago(int days) {
    return Instant.now().minus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A competitive project walked to NoticePublished with recent dates and a bid deadline 25 days ahead. */
  static void appendBackground(StringBuilder out, String p) {
    String future = Instant.now().plus(25, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    out.append("{\"eventId\":\"").append(p).append("-reg\",\"projectId\":\"").append(p)
        .append("\",\"type\":\"ProjectRegistered\",\"occurredAt\":\"").append(ago(5)).append("\",\"data\":{")
        .append("\"buyer\":\"500000-bench\",\"buyerName\":\"重庆市某局\",\"title\":\"办公设备采购 ").append(p)
        .append("\",\"category\":\"A02010104\",\"categoryKind\":\"GOODS\",\"budget\":2000000.00,\"fiscalYear\":2026}}\n");
    out.append("{\"eventId\":\"").append(p).append("-req\",\"projectId\":\"").append(p)
        .append("\",\"type\":\"RequirementApproved\",\"occurredAt\":\"").append(ago(4)).append("\",\"actor\":\"li.na\"}\n");
    out.append("{\"eventId\":\"").append(p).append("-method\",\"projectId\":\"").append(p)
        .append("\",\"type\":\"MethodApproved\",\"occurredAt\":\"").append(ago(3)).append("\",\"actor\":\"li.na\",")
        .append("\"data\":{\"method\":\"OPEN_TENDER\",\"approvalRef\":\"CQ-2026-").append(p).append("\"}}\n");
    out.append("{\"eventId\":\"").append(p).append("-notice\",\"projectId\":\"").append(p)
        .append("\",\"type\":\"NoticePublished\",\"occurredAt\":\"").append(ago(2)).append("\",")
        .append("\"data\":{\"docIssueAt\":\"").append(ago(2)).append("\",\"bidDeadline\":\"").append(future).append("\"}}\n");
  }

  private static HttpRequest ndjson(String base, String body) {
    return HttpRequest.newBuilder(URI.create(base + "/api/v1/events")).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  private static long pct(List<Long> sorted, double q) {
    if (sorted.isEmpty()) return 0;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
  }
}
