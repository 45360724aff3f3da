package io.procwatch.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load of bench/cross-project/run: {@code --projects} projects across {@code --buyers} buyers and {@code --suppliers}
 * suppliers, each a whole purchase — a quarter by open tender (notice, three bids, evaluation, award, contract), the
 * rest self-purchases straight to a contract — sent as NDJSON batches, {@code --concurrency} in flight. Prints the
 * events/s of the ingest, then how far the cross-project projection and checker are behind when it ends and how long
 * they take to catch up. The figures are the same with the patterns off, except the lag (there is none to measure).
 */
public final class CrossProjectBench {
  private static final String[] CATEGORIES = {"A02010104", "A02010105", "A02010201", "A02021001", "A05010101",
      "A05040101", "A06010101", "A08010101", "C16010000", "C21040000"};

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    String url = o.get("url");
    int projects = Integer.parseInt(o.getOrDefault("projects", "100000"));
    int buyers = Integer.parseInt(o.getOrDefault("buyers", "50"));
    int suppliers = Integer.parseInt(o.getOrDefault("suppliers", "2000"));
    int perBatch = Integer.parseInt(o.getOrDefault("projects-per-batch", "100"));
    int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "4"));
    boolean patterns = Boolean.parseBoolean(o.getOrDefault("patterns", "true"));

    // --ndjson FILE: a history written by `procwatch simulate --out` (each project's events together), sent
    // $projects-per-batch projects a request; without it, the synthetic load of project(...)
    List<String> simulated = o.containsKey("ndjson") ? batches(java.nio.file.Path.of(o.get("ndjson")), perBatch) : null;
    int units = simulated != null ? simulated.size() : projects;
    int step = simulated != null ? 1 : perBatch;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicInteger next = new AtomicInteger();
    AtomicLong events = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long t0 = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      running.add(pool.submit(() -> {
        while (true) {
          int from = next.getAndAdd(step);
          if (from >= units) return null;
          StringBuilder body = new StringBuilder();
          int lines = 0;
          if (simulated != null) {
            body.append(simulated.get(from));
            lines = (int) simulated.get(from).lines().count();
          } else {
            for (int p = from; p < Math.min(projects, from + perBatch); p++) lines += project(body, p, buyers, suppliers);
          }
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/events"))
              .timeout(Duration.ofSeconds(300)).header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
              HttpResponse.BodyHandlers.ofString());
          long ok = r.statusCode() == 200 ? r.body().lines().filter(l -> l.contains("\"status\":202")).count() : 0;
          events.addAndGet(ok);
          if (ok < lines && errors.get() == 0) {
            String bad = r.statusCode() != 200 ? r.statusCode() + " " + r.body()
                : r.body().lines().filter(l -> !l.contains("\"status\":202")).findFirst().orElse("?");
            System.err.println("first error: " + bad.substring(0, Math.min(600, bad.length())));
          }
          errors.addAndGet(lines - ok);
        }
      }));
    }
    for (Future<?> f : running) f.get();
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    System.out.printf(Locale.ROOT, "INGEST events=%d errors=%d seconds=%.1f events_per_s=%.0f%n", events.get(), errors.get(),
        seconds, events.get() / seconds);

    if (!patterns || !o.containsKey("jdbc")) return;
    try (Connection c = DriverManager.getConnection(o.get("jdbc"), o.get("user"), o.getOrDefault("password", ""))) {
      long behind = behind(c);
      long dirty = count(c, "SELECT COUNT(*) FROM xp_dirty");
      System.out.printf(Locale.ROOT, "LAG at_end_journal_rows=%d at_end_dirty_owners=%d%n", behind, dirty);
      long w0 = System.nanoTime();
      while (behind(c) > 0 || count(c, "SELECT COUNT(*) FROM xp_dirty") > 0) Thread.sleep(500);
      double catchUp = (System.nanoTime() - w0) / 1e9;
      long open = count(c, "SELECT COUNT(*) FROM alert WHERE rule LIKE 'XP%' AND status <> 'RESOLVED'");
      System.out.printf(Locale.ROOT, "CATCHUP seconds=%.1f open_xp_alerts=%d xp_alert_changes=%d%n", catchUp, open,
          count(c, "SELECT COUNT(*) FROM alert_change WHERE rule LIKE 'XP%'"));
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT rule, COUNT(*) FROM alert WHERE rule LIKE 'XP%' AND status <> 'RESOLVED'"
              + " GROUP BY rule ORDER BY rule")) {
        StringBuilder b = new StringBuilder("OPEN");
        while (rs.next()) b.append(' ').append(rs.getString(1)).append('=').append(rs.getLong(2));
        System.out.println(b);
      }
    }
  }

  private static final java.util.regex.Pattern PROJECT_ID = java.util.regex.Pattern.compile("\"projectId\":\"([^\"]+)\"");

  /** The lines of {@code file} as NDJSON bodies of {@code perBatch} projects each (a project's lines are consecutive). */
  static List<String> batches(java.nio.file.Path file, int perBatch) throws java.io.IOException {
    List<String> out = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    String last = null;
    int inBody = 0;
    for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      java.util.regex.Matcher m = PROJECT_ID.matcher(line);
      String project = m.find() ? m.group(1) : "";
      if (!project.equals(last)) {
        if (inBody == perBatch) {
          out.add(body.toString());
          body.setLength(0);
          inBody = 0;
        }
        inBody++;
        last = project;
      }
      body.append(line).append('\n');
    }
    if (body.length() > 0) out.add(body.toString());
    return out;
  }

  /** Journal rows of the project tags beyond the patterns projection's offsets. */
  static long behind(Connection c) throws Exception {
    return count(c, "SELECT COUNT(*) FROM event_tag t LEFT JOIN pekko_projection_offset_store o"
        + " ON o.projection_name = 'patterns' AND o.projection_key = t.tag"
        + " WHERE t.tag LIKE 'project-%' AND t.event_id > COALESCE(CAST(o.current_offset AS BIGINT), 0)");
  }

  static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The events of project {@code n}; returns how many lines. Deterministic, so both modes get the same load. */
  static int project(StringBuilder out, int n, int buyers, int suppliers) {
    Random rnd = new Random(n * 7919L);
    String p = String.format("XPB-%06d", n);
    String buyer = "B" + (n % buyers);
    String category = CATEGORIES[rnd.nextInt(CATEGORIES.length)];
    String kind = category.startsWith("C") ? "SERVICES" : "GOODS";
    int day = 2 + rnd.nextInt(20);
    String d = String.format("2026-03-%02dT", day);
    long amount = 10_000 + rnd.nextInt(890_000);
    line(out, p + "-reg", p, "ProjectRegistered", d + "09:00:00+08:00", "{\"buyer\":\"" + buyer + "\",\"title\":\"采购 " + p
        + "\",\"category\":\"" + category + "\",\"categoryKind\":\"" + kind + "\",\"budget\":" + (amount * 2) + ",\"fiscalYear\":2026}");
    line(out, p + "-req", p, "RequirementApproved", d + "10:00:00+08:00", null);
    String supplier = "S" + rnd.nextInt(suppliers);
    if (n % 4 == 0) {
      line(out, p + "-met", p, "MethodApproved", d + "11:00:00+08:00", "{\"method\":\"OPEN_TENDER\",\"approvalRef\":\"A-" + p + "\"}");
      line(out, p + "-not", p, "NoticePublished", d + "12:00:00+08:00",
          "{\"docIssueAt\":\"" + d + "12:00:00+08:00\",\"bidDeadline\":\"2026-04-30T09:00:00+08:00\"}");
      String[] bidders = {supplier, "S" + rnd.nextInt(suppliers), "S" + rnd.nextInt(suppliers)};
      long best = Long.MAX_VALUE;
      for (int b = 0; b < 3; b++) {
        if (b > 0 && bidders[b].equals(bidders[0])) bidders[b] = "S" + ((Integer.parseInt(bidders[0].substring(1)) + b) % suppliers);
        long bid = amount + (b == 0 ? 0 : 1 + rnd.nextInt((int) (amount / 5)));
        best = Math.min(best, bid);
        line(out, p + "-bid" + b, p, "BidReceived", "2026-04-29T10:00:00+08:00",
            "{\"supplier\":\"" + bidders[b] + "\",\"amount\":" + bid + ".00}");
      }
      line(out, p + "-open", p, "BidsOpened", "2026-04-30T09:30:00+08:00", null);
      line(out, p + "-eval", p, "EvaluationCompleted", "2026-04-30T15:00:00+08:00", "{\"ranking\":[\"" + supplier + "\"]}");
      line(out, p + "-conf", p, "SupplierConfirmed", "2026-05-06T10:00:00+08:00", "{\"supplier\":\"" + supplier + "\"}");
      line(out, p + "-award", p, "AwardPublished", "2026-05-07T10:00:00+08:00",
          "{\"supplier\":\"" + supplier + "\",\"amount\":" + amount + ".00}");
      line(out, p + "-con", p, "ContractSigned", "2026-05-20T10:00:00+08:00",
          "{\"contractId\":\"HT-" + p + "\",\"supplier\":\"" + supplier + "\",\"amount\":" + amount + ".00}");
      return 12;
    }
    String method = n % 20 == 1 ? "SINGLE_SOURCE" : "SELF_PURCHASE";
    line(out, p + "-met", p, "MethodApproved", d + "11:00:00+08:00", "{\"method\":\"" + method + "\",\"approvalRef\":\"A-" + p + "\"}");
    line(out, p + "-con", p, "ContractSigned", d + "15:00:00+08:00",
        "{\"contractId\":\"HT-" + p + "\",\"supplier\":\"" + supplier + "\",\"amount\":" + amount + ".00}");
    return 4;
  }

  private static void line(StringBuilder out, String id, String p, String type, String at, String data) {
    out.append("{\"eventId\":\"").append(id).append("\",\"projectId\":\"").append(p).append("\",\"type\":\"").append(type)
        .append("\",\"occurredAt\":\"").append(at).append('"');
    if (data != null) out.append(",\"data\":").append(data);
    out.append("}\n");
  }
}
