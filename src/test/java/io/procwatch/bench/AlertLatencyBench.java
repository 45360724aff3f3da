package io.procwatch.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Driver of {@code bench/alert-latency/run}: time from the HTTP 202 of an alert-raising event to the alert's arrival
 * at each of N WebSocket feed clients, under a steady single-event ingest load taken from the simulator (issues 4, 8).
 *
 * <pre>
 *   java -cp target/procwatch.jar:target/test-classes io.procwatch.bench.AlertLatencyBench \
 *     --url http://127.0.0.1:PORT --ndjson history.ndjson --clients 50 --rate 1000 --alert-every 50 \
 *     --warmup 10 --duration 30 [--active 500] [--seed 1] [--max-in-flight 256] [--connections MAX-IN-FLIGHT] [--grace 30]
 *     [--tolerance 0.03] [--feed-query severity=critical] [--slack-us 0] [--clock data|wall] [--lookahead 1024]
 *     [--lookahead-seconds 14400] [--stall-wait-ms 1000]
 * </pre>
 *
 * <p><b>Clock</b> ({@code --clock}, default {@code data}): the service runs {@code serve --clock data}, its "now" the
 * latest business time it accepted. The history is then sent in business-time order ({@link
 * PacedSimLoad#timeOrdered}: the earliest unsent event whose project has nothing in flight, within {@code lookahead}
 * events and {@code lookahead-seconds} of business time; a tick that finds none waits up to {@code stall-wait-ms} for
 * an answer to free a project, and is skipped only then), so each event is judged as of its place in the history and the wall-clock churn (a deadline alert per
 * event, raised and retracted) does not occur. The probes are dated inside the replayed time ({@link ProbeDates}):
 * each probe's project is set up (one NDJSON request of 3 lines, dated before the data time) in the tick after the
 * previous probe, its {@code Delivered} dated at the data time (the latest occurredAt sent), and once that is
 * answered the project is cancelled at the same instant, so that SQ01 is the probes' only alert. Set-ups and
 * cancellations are ticks of the load like the probes (about 3 requests in {@code alert-every}). {@code --clock wall}
 * keeps the earlier behaviour (random pick among {@code active} open projects; probes set up before the load, dated
 * a few days before today).
 *
 * <p><b>Load.</b> The background is a history written by {@code procwatch simulate --out} (a realistic mix of
 * event types and projects), one JSON event per POST, paced open-loop at {@code rate} events/s over {@code connections} (default: {@code max-in-flight})
 * persistent HTTP/1.1 connections ({@link KeepAliveSender}: one blocking thread each, one request in flight each;
 * java.net.http's async client cost the driver about 59% of a core at 1,000/s), each project's events in order with one in flight per project ({@link PacedSimLoad}). Every
 * {@code alert-every}-th tick is instead a <i>probe</i>: a {@code Delivered} on a fresh self-purchase project
 * (prepared in the setup, to MethodApproved SELF_PURCHASE), which raises SQ01 on that POST — one alert that belongs
 * to exactly one 202. The probes are the measured alerts: latency = a client's arrival of the RAISED message − the
 * arrival of the probe's 202 (System.nanoTime, same JVM), over every (client, probe) pair whose 202 came inside
 * the measured window.
 *
 * <p><b>The simulator's own alerts.</b> Its planted irregularities raise alerts. On the data clock an alert of
 * project P is attributed to P's POST whose event's occurredAt equals the alert's {@code raised_at} (business time:
 * the judged instant, max(data now, occurredAt)) and timed from that POST's 202; others (judged at a later data
 * time, or raised by the deadline watch as data time passes their due time) are counted, not timed
 * ({@link Attribution#attributeByBusinessTime}). On the wall clock (the rest of this paragraph) its history is
 * dated last year: judged at wall-clock now, a project's intermediate state is past its deadlines, so a deadline alert fires on one
 * event and is retracted by the next (the churn, reported as feed load the clients receive). Each RAISED alert of a
 * simulator project is attributed to the POST open when it was raised ({@link Attribution}) and timed from that
 * POST's 202 like a probe; alerts raised with no POST open (the deadline watch, a project's timer) and the
 * cross-project alerts (raised later by the pattern checker, no project) are counted apart, not timed.
 *
 * <p><b>Validity.</b> The result is {@code INVALID} — not "met", not "not met" — when the service answered fewer
 * than {@code (1 − tolerance) × rate} events/s with 202 in the window, when any event was rejected or errored, or
 * when the history ran out: the latency was then measured at another load than asked.
 *
 * <p><b>Service side.</b> {@code /metrics} is scraped at both ends of the window; the difference of
 * {@code procwatch_feed_delivery_latency_seconds} is the service's own delivery latency for the window.
 *
 * <p>Figures go to stdout as {@code RESULT}, {@code RESULT_SIM}, {@code RESULT_SVC} (and {@code RESULT_PROM}) lines of
 * {@code key=value}; {@code MARK start/end} bracket the window (the script samples the service's CPU there).
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
  private static final String ALERT_PREFIX = "alrt";
  private static final String PROM_PREFIX = "prom";

  private AlertLatencyBench() {}

  /** Where an alert comes from, told by its project id. */
  enum Source {
    /** the driver's SQ01 probes */
    PROBE,
    /** the Prometheus-path samples */
    PROM,
    /** the simulator's projects */
    SIM,
    /** no project: a cross-project (XP) alert of a buyer */
    CROSS_PROJECT;

    static Source of(String projectId) {
      if (projectId == null) return CROSS_PROJECT;
      if (projectId.startsWith(ALERT_PREFIX + "-")) return PROBE;
      if (projectId.startsWith(PROM_PREFIX + "-")) return PROM;
      return SIM;
    }
  }

  /** The value of a string field {@code "key":"value"} of a feed message (its first occurrence), or null. */
  static String field(String msg, String key) {
    String needle = "\"" + key + "\":\"";
    int i = msg.indexOf(needle);
    if (i < 0) return null;
    int from = i + needle.length();
    int to = msg.indexOf('"', from);
    return to < 0 ? null : msg.substring(from, to);
  }

  /** An alert the clients saw raised (RAISED or PREWARNING), as first seen by any client. */
  record Seen(String id, String kind, String rule, String projectId, Source source, long raisedMicros) {}

  /**
   * Every alert raised during the run, numbered at its first sight by any client, so that each client keeps its
   * arrival instants in a plain array (50 clients x tens of thousands of alerts would not fit as maps).
   */
  static final class Alerts {
    private final Map<String, Integer> index = new ConcurrentHashMap<>();
    private final List<Seen> seen = new ArrayList<>();
    /** How the simulator's alerts were resolved during the run: alert id → resolution (from the detail client). */
    final Map<String, String> resolved = new ConcurrentHashMap<>();

    int register(String msg, String kind) {
      String id = field(msg, "id");
      Integer i = index.get(id);
      if (i != null) return i;
      synchronized (this) {
        i = index.get(id);
        if (i != null) return i;
        String project = field(msg, "project_id");
        String raisedAt = field(msg, "raised_at");
        seen.add(new Seen(id, kind, field(msg, "alertname"), project, Source.of(project),
            raisedAt == null ? Long.MIN_VALUE : Attribution.micros(Instant.parse(raisedAt))));
        index.put(id, seen.size() - 1);
        return seen.size() - 1;
      }
    }

    synchronized List<Seen> snapshot() {
      return List.copyOf(seen);
    }
  }

  /** One feed client: arrival instant (System.nanoTime) of each raised alert, and what it received in the window. */
  static final class Feed implements WebSocket.Listener {
    private final Alerts alerts;
    /** Client 0 also tells what its messages were (kind, source, rule, resolution) and notes resolutions. */
    private final boolean detail;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean snapshotEnded;
    private long[] arrivals = new long[4096];
    final LongAdder messages = new LongAdder();
    final Map<String, LongAdder> inWindowByKind = new ConcurrentHashMap<>();
    final Map<String, LongAdder> inWindowDetail = new ConcurrentHashMap<>();
    volatile String closed;
    private volatile long lastSequence = -1;
    private volatile long lastMessageNanos;
    private final StringBuilder partial = new StringBuilder();

    Feed(Alerts alerts, boolean detail) {
      this.alerts = alerts;
      this.detail = detail;
    }

    void window(long start, long end) {
      windowStart = start;
      windowEnd = end;
    }

    boolean snapshotEnded() {
      return snapshotEnded;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      long now = System.nanoTime();
      partial.append(data);
      if (last) {
        String msg = partial.toString();
        partial.setLength(0);
        messages.increment();
        onMessage(msg, now);
      }
      ws.request(1);
      return null;
    }

    void onMessage(String msg, long now) {
      String kind = field(msg, "kind");
      if (kind == null) return;
      if (kind.equals("SNAPSHOT_END")) snapshotEnded = true;
      if (!kind.equals("PING") && !kind.equals("CLOSE")) {
        lastSequence = Math.max(lastSequence, sequence(msg));
        lastMessageNanos = now;
      }
      boolean inWindow = now >= windowStart && now <= windowEnd;
      if (inWindow) inWindowByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
      if (kind.equals("RAISED") || kind.equals("PREWARNING")) {
        int i = alerts.register(msg, kind);
        arrived(i, now);
      }
      if (!detail) return;
      if (kind.equals("RESOLVED")) {
        String resolution = field(msg, "resolution");
        alerts.resolved.putIfAbsent(field(msg, "id"), resolution == null ? "?" : resolution);
        if (inWindow) count(kind + " " + Source.of(field(msg, "project_id")) + " " + field(msg, "alertname") + " " + resolution);
      } else if (inWindow && !kind.equals("PING")) {
        count(kind + " " + Source.of(field(msg, "project_id")) + " " + field(msg, "alertname"));
      }
    }

    private void count(String key) {
      inWindowDetail.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private synchronized void arrived(int i, long now) {
      if (i >= arrivals.length) arrivals = Arrays.copyOf(arrivals, Math.max(i + 1, arrivals.length * 2));
      if (arrivals[i] == 0) arrivals[i] = now;
    }

    /** Arrival nanoTime of alert number {@code i}, or 0: not (yet) arrived. */
    synchronized long arrival(int i) {
      return i < arrivals.length ? arrivals[i] : 0;
    }

    long lastSequence() {
      return lastSequence;
    }

    long lastMessageNanos() {
      return lastMessageNanos;
    }

    long inWindow() {
      return inWindowByKind.values().stream().mapToLong(LongAdder::sum).sum();
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
    Path history = Path.of(o.str("ndjson"));
    int clients = o.integer("clients", 50);
    int rate = o.integer("rate", 1000);
    int every = o.integer("alert-every", 50);
    int warmup = o.integer("warmup", 10);
    int duration = o.integer("duration", 30);
    int active = o.integer("active", 500);
    int maxInFlight = o.integer("max-in-flight", 256);
    // one request in flight per connection: by default the in-flight cap is the only bound, as it was with java.net.http
    int connections = o.integer("connections", maxInFlight);
    int grace = o.integer("grace", 30);
    double tolerance = Double.parseDouble(o.str("tolerance", "0.03"));
    long slackMicros = o.integer("slack-us", 0);
    int alertProjects = (int) ((long) (warmup + duration + 5) * rate / every) + 50;
    int webhookPort = o.integer("webhook-port", 0);
    int promSamples = webhookPort == 0 ? 0 : o.integer("prom-samples", 20);
    double promEvery = Double.parseDouble(o.str("prom-every", "1"));
    int promWait = o.integer("prom-wait", 150);
    Webhook webhook = webhookPort == 0 ? null : new Webhook(webhookPort);
    String clock = o.str("clock", "data");
    if (!clock.equals("data") && !clock.equals("wall")) throw new IllegalArgumentException("--clock must be data or wall: " + clock);
    boolean dataClock = clock.equals("data");
    int lookahead = o.integer("lookahead", 1024);
    // a stalled tick (every event in the look-ahead on a busy project) waits this long for an answer to free one
    // and is sent late (the pacing catches up); only past it is the tick skipped
    long stallWaitNanos = o.integer("stall-wait-ms", 1000) * 1_000_000L;
    io.procwatch.calendar.WorkCalendar calendar = io.procwatch.calendar.WorkCalendar.fromClasspath();

    List<PacedSimLoad.Project> historyProjects = PacedSimLoad.read(history);
    // an event never goes more than this (business time) ahead of the earliest unsent one: how much later than its
    // own time an event may be judged (0: no bound but the count)
    long leadBoundS = o.integer("lookahead-seconds", 14400);
    PacedSimLoad load = dataClock ? leadBoundS > 0
        ? PacedSimLoad.timeOrdered(historyProjects, lookahead, Duration.ofSeconds(leadBoundS))
        : PacedSimLoad.timeOrdered(historyProjects, lookahead)
        : new PacedSimLoad(historyProjects, active, o.integer("seed", 1));
    System.err.printf("history: %s, %,d projects, %,d events; %s%n", history, load.projects(), load.events(), dataClock
        ? "data clock: business-time order, look-ahead " + lookahead + " events" + (leadBoundS > 0 ? " and at most "
            + leadBoundS + " s of business time" : "") + " past the earliest unsent, one in flight per project"
        : "wall clock: " + active + " projects open at once, random pick");

    // ---------------------------------------------------------------- setup (NDJSON): the probes' projects
    HttpClient setupHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long s0 = System.nanoTime();
    BulkDriver.Tally tally = new BulkDriver.Tally();
    // on the data clock the probes' projects are set up during the load, each just before its probe (ProbeDates)
    for (int from = 0; !dataClock && from < alertProjects; from += 50) {
      StringBuilder body = new StringBuilder();
      int to = Math.min(alertProjects, from + 50);
      for (int p = from; p < to; p++) appendSelfPurchase(body, EventLines.projectId(ALERT_PREFIX, p));
      setupBatch(setupHttp, base, body.toString(), (to - from) * 3, tally);
    }
    if (promSamples > 0 && !dataClock) {
      StringBuilder body = new StringBuilder();
      for (int p = 0; p < promSamples; p++) appendSelfPurchase(body, EventLines.projectId(PROM_PREFIX, p), "PROM-" + p);
      setupBatch(setupHttp, base, body.toString(), promSamples * 3, tally);
    }
    if (dataClock) {
      System.err.printf("setup: on the data clock each probe's self-purchase project is set up during the load, in the"
          + " tick after the previous probe, dated before the data time (%d probe projects at most)%n", alertProjects);
    } else {
      System.err.printf("setup: %d self-purchase projects to MethodApproved (the probes) in %.1f s; %s%n",
          alertProjects, (System.nanoTime() - s0) / 1e9, tally.describeErrors());
    }
    if (tally.errors.sum() > 0) {
      System.out.println("RESULT mode=alert-latency error=setup verdict=INVALID reasons=setup_failed");
      System.exit(1);
    }

    // ---------------------------------------------------------------- feed clients
    Alerts alerts = new Alerts();
    // --feed-query, e.g. severity=critical: a diagnostic, to see the latency without the churn's fan-out (the probes'
    // SQ01 is CRITICAL, the churn's DL11/DL02/DL08 are WARNING); the default is no filter, as the target asks
    String feedQuery = o.str("feed-query", "");
    String wsUrl = base.replaceFirst("^http", "ws") + "/api/v1/alerts/stream" + (feedQuery.isBlank() ? "" : "?" + feedQuery);
    HttpClient wsHttp = HttpClient.newHttpClient();
    List<Feed> feeds = new ArrayList<>();
    List<WebSocket> sockets = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Feed f = new Feed(alerts, c == 0);
      sockets.add(wsHttp.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(wsUrl), f)
          .get(15, TimeUnit.SECONDS));
      feeds.add(f);
    }
    // a client is ready once its snapshot (the active alerts, e.g. the setup's) has come: not inside the window
    long snapshotsBy = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < snapshotsBy && !feeds.stream().allMatch(Feed::snapshotEnded)) Thread.sleep(20);
    System.err.printf("feed: %d clients connected to %s, %d with their snapshot%n", clients, wsUrl,
        feeds.stream().filter(Feed::snapshotEnded).count());
    long start = System.nanoTime() + 500_000_000L;
    long warmEnd = start + warmup * 1_000_000_000L;
    long end = warmEnd + duration * 1_000_000_000L;
    for (Feed f : feeds) f.window(warmEnd, end);

    // ---------------------------------------------------------------- load
    // The background (history events, probe set-ups and cancellations, the Prometheus samples): a fixed set of
    // keep-alive connections, pre-rendered requests, blocking write/read (KeepAliveSender), several times cheaper
    // per request in the driver's CPU than java.net.http's async client on the 2-core machine.
    KeepAliveSender sender = new KeepAliveSender(URI.create(base), connections, 30_000);
    // The probes' own client, with nothing else in flight on it (one probe every alert-every ticks, answered in
    // milliseconds): on the load's clients, hundreds of answers in flight made a probe's 202 wait its turn on the
    // client's selector and completion threads, so the driver recorded it after the feed clients had the alert
    // (2,906 of 3,750 samples negative at 1,000/s). Its connection is kept open between probes.
    HttpClient probeHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Semaphore inFlight = new Semaphore(maxInFlight);
    Attribution attribution = new Attribution(slackMicros);
    String deliveredAt = ago(1);
    long interval = 1_000_000_000L / rate;
    Map<String, Long> acceptedAt = new ConcurrentHashMap<>(); // probe project -> 202 nanoTime (in window)
    LongAdder okInWindow = new LongAdder();
    LongAdder simOkInWindow = new LongAdder();
    LongAdder sentInWindow = new LongAdder();
    Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
    AtomicLong lagMaxNs = new AtomicLong();
    long lagMaxInWindowNs = 0;
    LongAdder throttled = new LongAdder();
    long throttledInWindow = 0;
    long exhausted = 0;
    long stalled = 0;
    long stalledInWindow = 0;
    long skipped = 0;
    long skippedInWindow = 0;
    int alertNext = 0;
    int alertSetUp = 0; // data clock: probe projects whose set-up was sent
    int promSetUp = 0;
    long probeDue = every - 1; // the tick from which the next probe is due
    java.util.Set<String> setUpDone = ConcurrentHashMap.newKeySet(); // data clock: set-up answered 202
    java.util.Queue<String> followUps = new java.util.concurrent.ConcurrentLinkedQueue<>(); // data clock: cancellations
    LongAdder setupRequests = new LongAdder();
    LongAdder followUpRequests = new LongAdder();
    int promNext = 0;
    long promInterval = (long) (promEvery * 1e9);
    long promDue = warmEnd;
    Map<String, Long> promAcceptedAt = new ConcurrentHashMap<>(); // PROM-i buyer -> 202 nanoTime
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = 0;
    Map<Long, long[]> threadCpu0 = Map.of();
    CompletableFuture<String> scrape0 = null;
    boolean marked = false;
    BulkDriver.sleepUntil(start);
    for (long i = 0; ; i++) {
      long due = start + i * interval;
      if (due >= end) break;
      BulkDriver.sleepUntil(due);
      long now = System.nanoTime();
      if (now >= end) break; // behind schedule (the in-flight cap): the window is over, do not go on sending
      if (!marked && now >= warmEnd) {
        BulkDriver.mark("start");
        cpu0 = os.getProcessCpuTime();
        threadCpu0 = threadCpu();
        scrape0 = metrics(setupHttp, base);
        marked = true;
      }
      lagMaxNs.accumulateAndGet(now - due, Math::max);
      if (now >= warmEnd) lagMaxInWindowNs = Math.max(lagMaxInWindowNs, now - due);
      if (!inFlight.tryAcquire()) {
        throttled.increment();
        if (now >= warmEnd) throttledInWindow++;
        inFlight.acquire();
      }
      String body;
      String contentType = "application/json";
      String alertProject = null;
      String promBuyer = null;
      String followUp = null; // data clock: sent after this request's 202 (the probe's cancellation)
      String setupOf = null; // data clock: this request sets a probe's project up (3 NDJSON lines)
      PacedSimLoad.Next sim = null;
      Attribution.Sent sent = null;
      String nextProm = promNext < promSamples ? EventLines.projectId(PROM_PREFIX, promNext) : null;
      String nextProbe = alertNext < alertProjects ? EventLines.projectId(ALERT_PREFIX, alertNext) : null;
      if (now >= promDue && nextProm != null && (!dataClock || setUpDone.contains(nextProm))) {
        promBuyer = "PROM-" + promNext++;
        promDue += promInterval;
        Instant at = dataClock ? probeTime(load) : null;
        body = delivered(nextProm, dataClock ? at.toString() : deliveredAt);
        if (dataClock) followUp = ProbeDates.cancelled(nextProm, at);
      } else if (dataClock && promSetUp < promSamples && promSetUp <= promNext
          && now >= promDue - Math.min(promInterval, 1_000_000_000L) / 2) {
        setupOf = EventLines.projectId(PROM_PREFIX, promSetUp);
        body = ProbeDates.setupLines(setupOf, "PROM-" + promSetUp++, ProbeDates.before(probeTime(load), calendar));
        contentType = "application/x-ndjson";
      } else if (i >= probeDue && nextProbe != null && (!dataClock || setUpDone.contains(nextProbe))) {
        alertProject = nextProbe;
        alertNext++;
        probeDue = i + every;
        Instant at = dataClock ? probeTime(load) : null;
        body = delivered(alertProject, dataClock ? at.toString() : deliveredAt);
        if (dataClock) followUp = ProbeDates.cancelled(alertProject, at);
      } else if (dataClock && alertSetUp < alertProjects && alertSetUp <= alertNext) {
        setupOf = EventLines.projectId(ALERT_PREFIX, alertSetUp++);
        body = ProbeDates.setupLines(setupOf, "B-LAT", ProbeDates.before(probeTime(load), calendar));
        contentType = "application/x-ndjson";
      } else if (dataClock && !followUps.isEmpty()) {
        body = followUps.poll();
        followUpRequests.increment();
      } else {
        long stalls0 = load.stalls();
        sim = load.takeWaiting(stallWaitNanos);
        if (load.stalls() > stalls0) { // business-time order: every event within the look-ahead was on a busy project
          stalled++;
          if (now >= warmEnd) stalledInWindow++;
        }
        if (sim == null) {
          if (load.exhausted()) exhausted++; // the history is used up: the run is INVALID (see below)
          else { // nothing freed within the wait: the tick is skipped
            skipped++;
            if (now >= warmEnd) skippedInWindow++;
          }
          inFlight.release();
          continue;
        }
        body = sim.json();
        sent = attribution.sent(sim.projectId(), sim.type(), Attribution.nowMicros(),
            Attribution.micros(SimLoad.occurredAt(body)));
      }
      if (setupOf != null) setupRequests.increment();
      final String fAlertProject = alertProject;
      final String fPromBuyer = promBuyer;
      final String fFollowUp = followUp;
      final String fSetupOf = setupOf;
      final PacedSimLoad.Next fSim = sim;
      final Attribution.Sent fSent = sent;
      if (now >= warmEnd && now <= end) sentInWindow.increment();
      final String fBody = body;
      // the 202 instant (headersAtNanos): when its status line and headers are in, not when the callback runs
      KeepAliveSender.Callback done = r -> {
        long t = r.headersAtNanos();
        long wall = Attribution.nowMicros();
        inFlight.release();
        String err = null;
        Throwable e = r.error();
        if (e != null) err = "exception " + e.getClass().getSimpleName();
        else if (fSetupOf != null) err = setupAnswer(r.status(), r.body(), 3);
        else if (r.status() != 202) err = "HTTP " + r.status();
        else if (!r.body().contains("\"result\":\"applied\"") && !r.body().contains("\"result\":\"flagged\"")) err = "202 not applied";
        if (fSim != null) {
          attribution.answered(fSent, wall, t, err == null);
          load.answered(fSim);
        }
        if (err != null) {
          errorKinds.computeIfAbsent(err, x -> new LongAdder()).increment();
          if (errorSamples.size() < 5) errorSamples.add(err + ": " + fBody + " -> " + (e != null ? e : r.body()));
          return;
        }
        if (fSetupOf != null) setUpDone.add(fSetupOf);
        if (fFollowUp != null) followUps.add(fFollowUp);
        if (fPromBuyer != null) promAcceptedAt.put(fPromBuyer, t);
        if (t >= warmEnd && t <= end) {
          okInWindow.increment();
          if (fSim != null) simOkInWindow.increment();
          if (fAlertProject != null) acceptedAt.put(fAlertProject, t);
        }
      };
      if (alertProject != null) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/events")).timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
        final long[] headersAt = new long[1];
        probeHttp.sendAsync(req, stamped(headersAt)).whenComplete((r, e) -> done.done(e != null
            ? new KeepAliveSender.Answer(0, null, headersAt[0] != 0 ? headersAt[0] : System.nanoTime(), e)
            : new KeepAliveSender.Answer(r.statusCode(), r.body(), headersAt[0] != 0 ? headersAt[0] : System.nanoTime(), null)));
      } else {
        sender.post("/api/v1/events", contentType, body, done);
      }
    }
    long loadEnd = System.nanoTime();
    BulkDriver.mark("end");
    long cpu1 = os.getProcessCpuTime();
    String cpuByThread = cpuByThread(threadCpu0, duration);
    CompletableFuture<String> scrape1 = metrics(setupHttp, base);
    inFlight.acquire(maxInFlight); // all answers in
    long drained = System.nanoTime();
    // Let the feed catch up before counting, or the alerts counted below would be only those delivered so far: every
    // probe of the window has reached every open client (the probes run to the window's end, so the backlog has been
    // delivered at least that far), every open client is at the same sequence, and nothing came for 2 s.
    long graceEnd = System.nanoTime() + grace * 1_000_000_000L;
    while (System.nanoTime() < graceEnd && !caughtUp(feeds, alerts, acceptedAt.keySet())) Thread.sleep(50);
    boolean caughtUp = caughtUp(feeds, alerts, acceptedAt.keySet());
    System.err.printf("feed: %s %d ms after the last answer%n",
        caughtUp ? "every open client caught up" : "NOT caught up within the grace of " + grace + " s",
        (System.nanoTime() - drained) / 1_000_000);
    long closedClients = feeds.stream().filter(f -> f.closed != null).count();
    for (WebSocket ws : sockets) ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");

    // ---------------------------------------------------------------- figures: the probes
    List<Seen> seen = alerts.snapshot();
    Map<String, Integer> probeIndex = new HashMap<>();
    for (int i = 0; i < seen.size(); i++) {
      Seen s = seen.get(i);
      if (s.source() == Source.PROBE && "SQ01".equals(s.rule())) probeIndex.putIfAbsent(s.projectId(), i);
    }
    Timing probes = new Timing();
    for (Map.Entry<String, Long> a : acceptedAt.entrySet()) {
      Integer idx = probeIndex.get(a.getKey());
      for (Feed f : feeds) probes.add(idx == null ? 0 : f.arrival(idx), a.getValue());
    }
    probes.sort();
    double seconds = duration;
    double achieved = okInWindow.sum() / seconds;
    long errors = errorKinds.values().stream().mapToLong(LongAdder::sum).sum();
    List<String> invalid = new ArrayList<>();
    double sentRate = sentInWindow.sum() / seconds;
    // The latency counts only at the load asked for: the service must have answered it (not less: it fell behind;
    // not more: it was still answering a backlog of the warm-up), and the driver must have sent it.
    if (achieved < (1 - tolerance) * rate) invalid.add("achieved_below_" + Math.round((1 - tolerance) * 100) + "pct");
    if (achieved > (1 + tolerance) * rate) invalid.add("achieved_above_" + Math.round((1 + tolerance) * 100) + "pct_backlog");
    if (sentRate < (1 - tolerance) * rate) invalid.add("driver_sent_below_" + Math.round((1 - tolerance) * 100) + "pct");
    if (errors > 0) invalid.add("events_rejected_or_failed");
    if (exhausted > 0) invalid.add("history_exhausted");
    long probeAlertsOther = 0; // alerts on the probes' projects other than the measured SQ01 (should be none)
    for (Seen s : seen) if ((s.source() == Source.PROBE || s.source() == Source.PROM) && !"SQ01".equals(s.rule())) probeAlertsOther++;
    List<String> notMet = new ArrayList<>();
    if (probes.samples() == 0) notMet.add("no_samples");
    if (probes.missing > 0) notMet.add("alerts_missing");
    if (probes.ms(0.99) > 100.0) notMet.add("p99_above_100ms");
    if (rate < 1000) notMet.add("rate_below_1000");
    if (clients < 50) notMet.add("clients_below_50");
    if (closedClients > 0) notMet.add("clients_closed_early");
    String verdict = !invalid.isEmpty() ? "INVALID" : notMet.isEmpty() ? "met" : "not_met";
    String reasons = String.join(",", !invalid.isEmpty() ? invalid : notMet);
    double driverCpu = 100.0 * (cpu1 - cpu0) / (duration * 1e9);
    // the driver's CPU per request sent in the window (WebSocket clients, probes and pacing included)
    double driverUsPerRequest = sentInWindow.sum() == 0 ? 0 : (cpu1 - cpu0) / 1e3 / sentInWindow.sum();
    System.err.println("driver CPU by thread (the window, % of a core; GC and JIT threads not listed): " + cpuByThread);
    System.err.printf(Locale.ROOT, "alert-latency: %d clients, target %d events/s (1 in %d a probe raising SQ01), achieved %.0f events/s"
            + " answered 202 (%.1f%% of target; %d from the history); %d probes in the window x %d clients = %d samples"
            + " (%d missing after %d s grace, %d negative); latency p50 %.1f ms, p99 %.1f ms, max %.1f ms, min %.1f ms;"
            + " pacing lag max %.1f ms (in the window %.1f ms), throttled at %d in flight %d times (%d in the window); drain %.1f s; history: %d of %d projects opened (%d extra), %d finished,"
            + " exhausted %d; clients closed early %d; errors %d [%s]%s; driver CPU %.0f%% (%.0f µs per request sent; %d background connections, %d opened in all); verdict %s%s%n"
            + "  clock %s: stalled ticks %d (%d in the window; every event in the look-ahead on a busy project: waited up to"
            + " %d ms for an answer, %.1f s in all), skipped %d (%d in the window; nothing freed within the wait); largest"
            + " business-time lead of a sent event over the earliest unsent one %s; probe set-up"
            + " requests %d, cancellations %d, alerts on probe projects other than SQ01 %d, data time reached %s%n",
        clients, rate, every, achieved, 100 * achieved / rate, simOkInWindow.sum(), acceptedAt.size(), clients,
        probes.samples(), probes.missing, grace, probes.negative, probes.ms(0.5), probes.ms(0.99), probes.maxMs(),
        probes.minMs(), lagMaxNs.get() / 1e6, lagMaxInWindowNs / 1e6, maxInFlight, throttled.sum(), throttledInWindow, (drained - loadEnd) / 1e9, load.opened(), load.projects(),
        load.extraOpened(), load.finished(), exhausted, closedClients, errors, kinds(errorKinds),
        errorSamples.isEmpty() ? "" : " e.g. " + String.join(" | ", errorSamples), driverCpu, driverUsPerRequest,
        connections, sender.opened.sum(), verdict,
        reasons.isEmpty() ? "" : " (" + reasons + ")", clock, stalled, stalledInWindow, stallWaitNanos / 1_000_000,
        load.waitedNanos() / 1e9, skipped, skippedInWindow, Duration.ofNanos(load.maxLeadMicros() * 1000), setupRequests.sum(),
        followUpRequests.sum(), probeAlertsOther, dataClock ? probeTime(load).toString() : "-");
    System.out.printf(Locale.ROOT, "RESULT mode=alert-latency clients=%d rate_target=%d alert_every=%d events_per_s=%.0f"
            + " achieved_pct=%.1f sent_per_s=%.0f sim_events_per_s=%.0f sent_in_window=%d alerts=%d samples=%d missing=%d negative=%d"
            + " p50_ms=%.1f p99_ms=%.1f max_ms=%.1f min_ms=%.1f pacing_lag_max_ms=%.1f pacing_lag_window_max_ms=%.1f"
            + " throttled=%d throttled_in_window=%d closed_early=%d"
            + " errors=%d error_kinds=%s history_exhausted=%d extra_opened=%d active=%d driver_cpu_pct=%.0f driver_cpu_us_per_req=%.0f connections=%d"
            + " feed_caught_up=%s clock=%s stalled=%d stalled_in_window=%d skipped=%d skipped_in_window=%d stall_wait_s=%.1f"
            + " max_lead_s=%d probe_setups=%d cancellations=%d"
            + " probe_other_alerts=%d verdict=%s reasons=%s%n",
        clients, rate, every, achieved, 100 * achieved / rate, sentRate, simOkInWindow.sum() / seconds, sentInWindow.sum(),
        acceptedAt.size(), probes.samples(), probes.missing, probes.negative, probes.ms(0.5), probes.ms(0.99),
        probes.maxMs(), probes.minMs(), lagMaxNs.get() / 1e6, lagMaxInWindowNs / 1e6, throttled.sum(), throttledInWindow, closedClients, errors, kinds(errorKinds),
        exhausted, load.extraOpened(), active, driverCpu, driverUsPerRequest, connections, caughtUp ? "yes" : "no", clock, stalled, stalledInWindow,
        skipped, skippedInWindow, load.waitedNanos() / 1e9, load.maxLeadMicros() / 1_000_000, setupRequests.sum(), followUpRequests.sum(), probeAlertsOther, verdict, reasons.isEmpty() ? "none" : reasons);

    // ---------------------------------------------------------------- figures: the simulator's alerts and churn
    simulatorFigures(seen, alerts, feeds, attribution, warmEnd, end, seconds, dataClock);

    // ---------------------------------------------------------------- figures: the service's own view of the window
    try {
      String name = "procwatch_feed_delivery_latency_seconds";
      String before = scrape0 == null ? "" : scrape0.get(30, TimeUnit.SECONDS);
      String after = scrape1.get(30, TimeUnit.SECONDS);
      PromHistogram h = PromHistogram.parse(after, name).minus(PromHistogram.parse(before, name));
      double sent0 = counter(before, "procwatch_feed_messages_sent_total");
      double sent1 = counter(after, "procwatch_feed_messages_sent_total");
      double dropped = counter(after, "procwatch_feed_clients_dropped_total") - counter(before, "procwatch_feed_clients_dropped_total");
      System.out.printf(Locale.ROOT, "RESULT_SVC deliveries=%.0f p50_le_ms=%s p99_le_ms=%s max_recent_ms=%.0f"
              + " messages_sent=%.0f messages_per_s=%.0f clients_dropped=%.0f%n",
          h.count(), bound(h.quantileUpperBound(0.5)), bound(h.quantileUpperBound(0.99)), h.max() * 1000, sent1 - sent0,
          (sent1 - sent0) / seconds, dropped);
    } catch (Exception e) {
      System.err.println("service metrics: " + e);
      System.out.println("RESULT_SVC error=" + e.getClass().getSimpleName());
    }
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
      double p50 = probes.ms(0.5), p99 = probes.ms(0.99);
      double pp50 = pct(prom, 0.50) / 1e6, pp99 = pct(prom, 0.99) / 1e6;
      double pmax = prom.isEmpty() ? 0 : prom.get(prom.size() - 1) / 1e6, pmin = prom.isEmpty() ? 0 : prom.get(0) / 1e6;
      System.err.printf("prometheus+alertmanager: %d alerts, %d arrived at the webhook (%d posts), %d missing after %d s;"
              + " latency p50 %.0f ms, p99 %.0f ms, max %.0f ms, min %.0f ms; ratio to the feed: p50 x%.1f, p99 x%.1f%n",
          promAcceptedAt.size(), prom.size(), webhook.posts.sum(), promMissing, promWait, pp50, pp99, pmax, pmin,
          p50 > 0 ? pp50 / p50 : 0, p99 > 0 ? pp99 / p99 : 0);
      System.out.printf("RESULT_PROM alerts=%d samples=%d missing=%d p50_ms=%.0f p99_ms=%.0f max_ms=%.0f min_ms=%.0f"
              + " ratio_p50=%.1f ratio_p99=%.1f%n",
          promAcceptedAt.size(), prom.size(), promMissing, pp50, pp99, pmax, pmin, p50 > 0 ? pp50 / p50 : 0,
          p99 > 0 ? pp99 / p99 : 0);
      System.out.flush();
      webhook.stop();
    }
    System.exit(0);
  }

  /** CPU time (ns, user + system) of every live Java thread, by thread id (a 1-element array: -1 if unsupported). */
  private static Map<Long, long[]> threadCpu() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, long[]> out = new HashMap<>();
    for (long id : mx.getAllThreadIds()) out.put(id, new long[] {mx.getThreadCpuTime(id)});
    return out;
  }

  /** The window's CPU by thread group (names with their numbers dropped), largest first, as % of a core. */
  private static String cpuByThread(Map<Long, long[]> before, int seconds) {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
      long now = mx.getThreadCpuTime(id);
      if (info == null || now < 0) continue;
      long[] b = before.get(id);
      long used = now - (b == null || b[0] < 0 ? 0 : b[0]);
      byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "N"), used, Long::sum);
    }
    StringBuilder sb = new StringBuilder();
    byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
        .forEach(e -> sb.append(String.format(Locale.ROOT, "%s%s %.1f%%", sb.length() == 0 ? "" : ", ", e.getKey(),
            100.0 * e.getValue() / (seconds * 1e9))));
    return sb.toString();
  }

  /**
   * The simulator's alerts: how many its events raised, their latency from the 202 of the POST that raised them
   * (those whose 202 came in the window), what could not be attributed, and the churn the clients received.
   */
  private static void simulatorFigures(List<Seen> seen, Alerts alerts, List<Feed> feeds, Attribution attribution,
      long warmEnd, long end, double seconds, boolean dataClock) {
    Timing timing = new Timing();
    long raised = 0;
    long unattributed = 0;
    long outside = 0;
    long crossProject = 0;
    long resolvedInRun = 0;
    Map<String, Long> byRule = new TreeMap<>();
    Map<String, Long> resolutions = new TreeMap<>();
    Map<String, Long> unattributedByRule = new TreeMap<>();
    for (int i = 0; i < seen.size(); i++) {
      Seen s = seen.get(i);
      if (s.source() == Source.CROSS_PROJECT) {
        crossProject++;
        continue;
      }
      if (s.source() != Source.SIM) continue;
      Attribution.Sent by = dataClock ? attribution.attributeByBusinessTime(s.projectId(), s.raisedMicros())
          : attribution.attribute(s.projectId(), s.raisedMicros());
      if (by == null) {
        unattributed++;
        unattributedByRule.merge(s.rule(), 1L, Long::sum);
        continue;
      }
      if (!by.ok() || by.answeredNanos() < warmEnd || by.answeredNanos() > end) {
        outside++;
        continue;
      }
      raised++;
      byRule.merge(s.rule() + (s.kind().equals("PREWARNING") ? "(pre)" : ""), 1L, Long::sum);
      String resolution = alerts.resolved.get(s.id());
      if (resolution != null) {
        resolvedInRun++;
        resolutions.merge(resolution, 1L, Long::sum);
      }
      for (Feed f : feeds) timing.add(f.arrival(i), by.answeredNanos());
    }
    timing.sort();
    long windowMessages = feeds.stream().mapToLong(Feed::inWindow).sum();
    Map<String, Long> kinds = new TreeMap<>();
    for (Feed f : feeds) f.inWindowByKind.forEach((k, v) -> kinds.merge(k, v.sum(), Long::sum));
    Map<String, Long> detail = new TreeMap<>();
    feeds.get(0).inWindowDetail.forEach((k, v) -> detail.put(k, v.sum()));
    System.err.printf(Locale.ROOT, "simulator alerts: %d raised by POSTs answered in the window (%.1f/s; by rule %s), %d of them"
            + " resolved again before the end of the run %s; latency from their 202 over %d (client, alert) pairs:"
            + " p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d missing, %d negative); not attributable to a POST (%s; not"
            + " timed) %d %s; raised by POSTs answered outside the window %d; cross-project alerts %d%n",
        raised, raised / seconds, byRule, resolvedInRun, resolutions, timing.samples(), timing.ms(0.5), timing.ms(0.99),
        timing.maxMs(), timing.missing, timing.negative, dataClock
            ? "data clock: raised_at is no POST's own business time: judged at a later data time, or the deadline watch"
            : "wall clock: raised with no POST open: the deadline watch, timers",
        unattributed, unattributedByRule, outside, crossProject);
    System.err.printf(Locale.ROOT, "feed load in the window: %.0f messages/s per client (%s over %d clients);"
            + " client 0 by kind, source, rule: %s%n",
        windowMessages / seconds / feeds.size(), kinds, feeds.size(), detail);
    System.out.printf(Locale.ROOT, "RESULT_SIM raised=%d raised_per_s=%.1f resolved_in_run=%d resolutions=%s by_rule=%s samples=%d"
            + " missing=%d negative=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f unattributed=%d outside_window=%d cross_project=%d"
            + " feed_msgs_per_client_per_s=%.0f feed_kinds=%s%n",
        raised, raised / seconds, resolvedInRun, compact(resolutions), compact(byRule), timing.samples(), timing.missing,
        timing.negative, timing.ms(0.5), timing.ms(0.99), timing.maxMs(), unattributed, outside, crossProject,
        windowMessages / seconds / feeds.size(), compact(kinds));
  }

  /**
   * Sends one NDJSON batch of the setup. On a busy machine a line may come back 503 (the project could not confirm
   * the write within the ask timeout); the batch is then sent again whole, up to 5 times, and what was stored the
   * first time answers "duplicate", which counts as done here (the setup's ids are fresh in a fresh database).
   */
  private static void setupBatch(HttpClient http, String base, String body, int lines, BulkDriver.Tally tally)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> r = http.send(ndjson(base, body), HttpResponse.BodyHandlers.ofString());
      boolean busy = r.statusCode() == 503 || (r.statusCode() == 200 && r.body().contains("\"status\":503"));
      if (busy && attempt < 5) {
        Thread.sleep(1000L * attempt);
        continue;
      }
      if (r.statusCode() != 200) {
        tally.fail("HTTP " + r.statusCode(), lines, r.body());
        return;
      }
      int good = 0;
      int n = 0;
      for (String line : r.body().split("\n")) {
        if (line.isEmpty()) continue;
        n++;
        if (line.contains("\"status\":202,") && (line.contains("\"result\":\"applied\"")
            || line.contains("\"result\":\"flagged\"") || line.contains("\"result\":\"duplicate\""))) {
          good++;
        } else {
          tally.fail("setup line " + (line.contains("\"status\":503") ? "503" : "refused"), 1, line);
        }
      }
      if (n != lines) tally.fail("answer has " + n + " lines for " + lines + " events", Math.max(0, lines - n), "");
      tally.ok.add(good);
      return;
    }
  }

  /**
   * A string body handler that notes (System.nanoTime) when the answer's status line and headers have come in, in
   * {@code at[0]}: the 202 instant, taken on the client's selector thread before the body is read and before the
   * completion stage runs on a busy pool.
   */
  static HttpResponse.BodyHandler<String> stamped(long[] at) {
    return info -> {
      at[0] = System.nanoTime();
      return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
    };
  }

  /** Latency samples: (client arrival − 202 arrival) per (client, alert); 0 arrival = missing. */
  static final class Timing {
    final List<Long> lat = new ArrayList<>();
    long missing;
    long negative;

    void add(long arrival, long accepted) {
      if (arrival == 0) {
        missing++;
        return;
      }
      long d = arrival - accepted;
      if (d < 0) negative++;
      lat.add(d);
    }

    void sort() {
      Collections.sort(lat);
    }

    int samples() {
      return lat.size();
    }

    double ms(double q) {
      return pct(lat, q) / 1e6;
    }

    double maxMs() {
      return lat.isEmpty() ? 0 : lat.get(lat.size() - 1) / 1e6;
    }

    double minMs() {
      return lat.isEmpty() ? 0 : lat.get(0) / 1e6;
    }
  }

  /** The probes have all arrived, every open client is at the same sequence, and nothing has come for 2 s. */
  private static boolean caughtUp(List<Feed> feeds, Alerts alerts, java.util.Set<String> probeProjects) {
    if (!allArrived(feeds, alerts, probeProjects)) return false;
    long quietSince = System.nanoTime() - 2_000_000_000L;
    long sequence = Long.MIN_VALUE;
    for (Feed f : feeds) {
      if (f.closed != null) continue;
      if (f.lastMessageNanos() > quietSince) return false;
      if (sequence != Long.MIN_VALUE && f.lastSequence() != sequence) return false;
      sequence = f.lastSequence();
    }
    return true;
  }

  /** The {@code "sequence":N} of a feed message, or -1. */
  static long sequence(String msg) {
    int i = msg.indexOf("\"sequence\":");
    if (i < 0) return -1;
    int from = i + "\"sequence\":".length();
    int to = from;
    while (to < msg.length() && Character.isDigit(msg.charAt(to))) to++;
    return to == from ? -1 : Long.parseLong(msg.substring(from, to));
  }

  /** Every probe of the window and every simulator alert seen by some client has reached every client. */
  private static boolean allArrived(List<Feed> feeds, Alerts alerts, java.util.Set<String> probeProjects) {
    List<Seen> seen = alerts.snapshot();
    java.util.Set<String> probesSeen = new java.util.HashSet<>();
    for (int i = 0; i < seen.size(); i++) {
      Seen s = seen.get(i);
      if (s.source() == Source.PROBE) probesSeen.add(s.projectId());
      if (s.source() != Source.PROBE && s.source() != Source.SIM) continue;
      for (Feed f : feeds) if (f.closed == null && f.arrival(i) == 0) return false;
    }
    return probesSeen.containsAll(probeProjects);
  }

  /**
   * Data clock: the business time of a probe — the latest occurredAt the driver has sent (the service's data time
   * once those are in), to the second below; before the first event, the history's first business time.
   */
  static Instant probeTime(PacedSimLoad load) {
    long micros = load.dataMicros();
    if (micros == Long.MIN_VALUE) micros = load.firstMicros();
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).truncatedTo(ChronoUnit.SECONDS);
  }

  /** Null when an NDJSON answer has {@code lines} lines, each 202 applied; else what went wrong (an error kind). */
  static String setupAnswer(int status, String body, int lines) {
    if (status != 200) return "setup HTTP " + status;
    int n = 0;
    for (String line : body.split("\n")) {
      if (line.isEmpty()) continue;
      n++;
      if (!line.contains("\"status\":202,") || !line.contains("\"result\":\"applied\"")) {
        return line.contains("\"result\":\"flagged\"") ? "setup line flagged (an alert on a probe's set-up)" : "setup line refused";
      }
    }
    return n == lines ? null : "setup answer has " + n + " lines for " + lines;
  }

  private static String delivered(String project, String at) {
    return "{\"eventId\":\"" + project + "-4\",\"projectId\":\"" + project + "\",\"type\":\"Delivered\",\"occurredAt\":\""
        + at + "\"}";
  }

  private static CompletableFuture<String> metrics(HttpClient http, String base) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body);
  }

  /** A bucket upper bound in ms; beyond the histogram's last finite bucket (30 s) there is no bound. */
  private static String bound(double seconds) {
    if (Double.isNaN(seconds)) return "none";
    return Double.isInfinite(seconds) ? "over_30000" : String.format(Locale.ROOT, "%.0f", seconds * 1000);
  }

  /** The value of an unlabelled counter or gauge in a scrape, 0 when absent. */
  private static double counter(String scrape, String name) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return 0;
  }

  private static String kinds(Map<String, LongAdder> errorKinds) {
    if (errorKinds.isEmpty()) return "none";
    Map<String, Long> m = new TreeMap<>();
    errorKinds.forEach((k, v) -> m.put(k.replace(' ', '_'), v.sum()));
    return compact(m);
  }

  /** {@code a:1;b:2}, or none: one token for a RESULT line. */
  private static String compact(Map<String, Long> m) {
    if (m.isEmpty()) return "none";
    StringBuilder b = new StringBuilder();
    m.forEach((k, v) -> b.append(b.length() > 0 ? ";" : "").append(k.replace(' ', '_')).append(':').append(v));
    return b.toString();
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
