package io.procwatch.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.procwatch.alert.AlertProjection;
import io.procwatch.infra.Database;
import io.procwatch.project.ProcurementProject;
import io.procwatch.project.ProjectSummaryProjection;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges computed from the read side every {@code refresh-interval}, so they are right after a restart
 * and on every node alike: projects by stage and buyer, money by buyer and fiscal year, open alerts, open
 * deadlines, projection lag; plus the live project entities of this node's shard region.
 *
 * <p>Each family is a {@link GaugeFamily}: a row that disappears (the last project of a stage moved on)
 * disappears from {@code /metrics} too, instead of lingering at its last value.
 */
public final class ReadSideGauges {
  private static final Logger log = LoggerFactory.getLogger(ReadSideGauges.class);
  /** Fiscal years are calendar years in China (预算法 §18); the share elapsed is measured in China time. */
  static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");

  private final ActorSystem<?> system;
  private final Database db;
  private final Clock clock;
  private final Executor blocking;
  private final int tagCount;
  private final AtomicBoolean running = new AtomicBoolean();

  private final GaugeFamily projects;
  private final GaugeFamily budget;
  private final GaugeFamily contracted;
  private final GaugeFamily paid;
  private final GaugeFamily saved;
  private final GaugeFamily execution;
  private final GaugeFamily yearElapsed;
  private final GaugeFamily alertsOpen;
  private final GaugeFamily alertsOpenByBuyer;
  private final GaugeFamily lagEvents;
  private final GaugeFamily lagSeconds;
  private final AtomicLong openDeadlines = new AtomicLong();
  private final AtomicLong liveEntities = new AtomicLong();
  private final AtomicLong lastRefresh = new AtomicLong();
  private final AtomicLong lastListingRefresh = new AtomicLong();
  /** Measures how long the listing's pass took, and when it may run again. */
  private final LongSupplier nanoTime;
  /** {@link #nanoTime} before which the listing's pass is not run again; written by the one refresh running. */
  private volatile long listingNotBefore;
  private volatile boolean listingRun;

  public ReadSideGauges(ActorSystem<?> system, Metrics metrics, Database db, Clock clock, Executor blocking, int tagCount) {
    this(system, metrics, db, clock, blocking, tagCount, System::nanoTime);
  }

  ReadSideGauges(ActorSystem<?> system, Metrics metrics, Database db, Clock clock, Executor blocking, int tagCount,
      LongSupplier nanoTime) {
    this.system = system;
    this.db = db;
    this.clock = clock;
    this.blocking = blocking;
    this.tagCount = tagCount;
    this.nanoTime = nanoTime;
    var r = metrics.registry();
    projects = new GaugeFamily(r, "procwatch.projects", "Projects by current stage and buyer");
    budget = new GaugeFamily(r, "procwatch.budget.cny", "Budget of registered projects, CNY");
    contracted = new GaugeFamily(r, "procwatch.contracted.cny",
        "Contract amounts (with amendments) of contracted projects, CNY");
    paid = new GaugeFamily(r, "procwatch.paid.cny", "Payments made, CNY");
    saved = new GaugeFamily(r, "procwatch.saved.cny",
        "Budget minus contract amount, over contracted projects only, CNY (资金节约)");
    execution = new GaugeFamily(r, "procwatch.execution.ratio",
        "Budget execution (预算执行率): paid / budget, by buyer and fiscal year");
    yearElapsed = new GaugeFamily(r, "procwatch.fiscal.year.elapsed.ratio",
        "Share of the fiscal year elapsed (China time), for comparison with the execution ratio");
    alertsOpen = new GaugeFamily(r, "procwatch.alerts.open", "Open (firing or acknowledged) alerts");
    alertsOpenByBuyer = new GaugeFamily(r, "procwatch.alerts.open.by.buyer", "Open alerts by buyer and severity");
    lagEvents = new GaugeFamily(r, "procwatch.projection.lag.events",
        "Tagged events in the journal beyond the projection's stored offset (largest over its tags)");
    lagSeconds = new GaugeFamily(r, "procwatch.projection.lag.seconds",
        "Age of the oldest event not yet projected; 0 when caught up (largest over its tags)");
    Gauge.builder("procwatch.deadlines.open", openDeadlines, AtomicLong::get)
        .description("Projects with a deadline or pre-warning still to come (project_summary.wake_at set)").register(r);
    Gauge.builder("procwatch.entities.live", liveEntities, AtomicLong::get)
        .description("Project entities alive in this node's shard region").register(r);
    Gauge.builder("procwatch.metrics.refreshed.timestamp.seconds", lastRefresh, AtomicLong::get)
        .description("When the read-side gauges were last computed (Unix time)").register(r);
    Gauge.builder("procwatch.metrics.listing.refreshed.timestamp.seconds", lastListingRefresh, AtomicLong::get)
        .description("When the gauges from the project listing (projects, money, open deadlines) were last computed"
            + " (Unix time); they wait longer than the refresh interval when their pass is slow")
        .register(r);
  }

  /** Refreshes now and then every {@code interval}, off the actor threads. */
  public void start(Duration interval) {
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, interval, this::refreshAsync, system.executionContext());
  }

  private void refreshAsync() {
    // One refresh at a time: a slow database must not pile up queries.
    if (!running.compareAndSet(false, true)) return;
    CompletableFuture.runAsync(this::refresh, blocking).whenComplete((ok, e) -> {
      running.set(false);
      if (e != null) log.warn("Refreshing the read-side gauges failed; keeping the last values", e);
    });
    AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(ProcurementProject.ENTITY_TYPE_KEY, replyTo),
            Duration.ofSeconds(3), system.scheduler())
        .thenAccept(state -> {
          long n = 0;
          for (ShardRegion.ShardState shard : state.getShards()) n += shard.getEntityIds().size();
          liveEntities.set(n);
        });
  }

  /**
   * The share of the time the listing's pass may take: after a pass of {@code t}, the next one waits
   * {@code t / LISTING_SHARE} from its start (at the bench's 600,000 projects a pass took 0.5 s, every 5 s a tenth of
   * a PostgreSQL core; the bureau's 3,000 projects a year take milliseconds, so every refresh runs it).
   */
  static final int LISTING_SHARE_INVERSE = 20;

  /** When the listing's pass that started at {@code startedAt} and took {@code tookNanos} may run again. */
  static long listingNotBefore(long startedAt, long tookNanos) {
    return startedAt + Math.max(0, tookNanos) * LISTING_SHARE_INVERSE;
  }

  /**
   * One refresh: the alert counts and the projections' lag every time (they are small, and the alert path to
   * Alertmanager waits for them); the listing's figures unless their last pass is too recent for its duration.
   */
  void refresh() {
    try (Connection c = db.dataSource().getConnection()) {
      long start = nanoTime.getAsLong();
      if (!listingRun || start - listingNotBefore >= 0) {
        refreshListing(c);
        listingNotBefore = listingNotBefore(start, nanoTime.getAsLong() - start);
        listingRun = true;
        lastListingRefresh.set(Instant.now().getEpochSecond());
      }
      refreshAlerts(c);
      refreshLag(c);
      lastRefresh.set(Instant.now().getEpochSecond());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows of a {@code SELECT label1, label2, COUNT(*) ... GROUP BY} query, one gauge row per group. */
  private static Map<Tags, Number> counts(Connection c, String sql, String label1, String label2) throws Exception {
    Map<Tags, Number> rows = new LinkedHashMap<>();
    try (PreparedStatement q = c.prepareStatement(sql); ResultSet rs = q.executeQuery()) {
      while (rs.next()) rows.put(Tags.of(label1, rs.getString(1), label2, rs.getString(2)), rs.getLong(3));
    }
    return rows;
  }

  private record BuyerYear(String buyer, int year) {}

  /** Money of one buyer and fiscal year, summed over the stages. */
  private static final class Money {
    BigDecimal budget = BigDecimal.ZERO, contracted = BigDecimal.ZERO, paid = BigDecimal.ZERO, saved = BigDecimal.ZERO;
  }

  /**
   * Projects by stage and buyer, money by buyer and fiscal year, and the open deadlines, from one pass over the listing
   * (grouped by stage, buyer and fiscal year, then summed here): they were three, a whole-table scan each, and at the
   * bench's 600,000 projects 7% of PostgreSQL's time in a bulk load (docs/performance.md).
   */
  private void refreshListing(Connection c) throws Exception {
    Map<Tags, Number> stages = new LinkedHashMap<>();
    Map<BuyerYear, Money> money = new LinkedHashMap<>();
    long deadlines = 0;
    try (PreparedStatement q = c.prepareStatement(
            "SELECT stage, buyer, fiscal_year, COUNT(*), COUNT(wake_at), SUM(budget), COALESCE(SUM(contract_amount), 0),"
                + " SUM(paid), COALESCE(SUM(CASE WHEN contract_amount IS NOT NULL THEN budget - contract_amount END), 0)"
                + " FROM project_summary GROUP BY stage, buyer, fiscal_year");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        String buyer = rs.getString(2);
        stages.merge(Tags.of("stage", rs.getString(1), "buyer", buyer), rs.getLong(4), (a, b) -> a.longValue() + b.longValue());
        deadlines += rs.getLong(5);
        Money m = money.computeIfAbsent(new BuyerYear(buyer, rs.getInt(3)), t -> new Money());
        m.budget = m.budget.add(orZero(rs.getBigDecimal(6)));
        m.contracted = m.contracted.add(orZero(rs.getBigDecimal(7)));
        m.paid = m.paid.add(orZero(rs.getBigDecimal(8)));
        m.saved = m.saved.add(orZero(rs.getBigDecimal(9)));
      }
    }
    Map<Tags, Number> b = new LinkedHashMap<>(), k = new LinkedHashMap<>(), p = new LinkedHashMap<>(), s = new LinkedHashMap<>(),
        x = new LinkedHashMap<>(), y = new LinkedHashMap<>();
    java.util.Set<Integer> years = new java.util.TreeSet<>();
    for (var e : money.entrySet()) {
      Tags tags = Tags.of("buyer", e.getKey().buyer(), "fiscal_year", Integer.toString(e.getKey().year()));
      Money m = e.getValue();
      years.add(e.getKey().year());
      b.put(tags, m.budget.doubleValue());
      k.put(tags, m.contracted.doubleValue());
      p.put(tags, m.paid.doubleValue());
      s.put(tags, m.saved.doubleValue());
      if (m.budget.signum() > 0) x.put(tags, m.paid.doubleValue() / m.budget.doubleValue());
    }
    Instant now = clock.instant();
    for (int year : years) y.put(Tags.of("fiscal_year", Integer.toString(year)), yearElapsed(year, now));
    projects.set(stages);
    budget.set(b);
    contracted.set(k);
    paid.set(p);
    saved.set(s);
    execution.set(x);
    yearElapsed.set(y);
    openDeadlines.set(deadlines);
  }

  private static BigDecimal orZero(BigDecimal v) {
    return v == null ? BigDecimal.ZERO : v;
  }

  /** 0 before 1 January, 1 after 31 December, linear in between (China time). */
  static double yearElapsed(int year, Instant now) {
    Instant start = LocalDate.of(year, 1, 1).atStartOfDay(CHINA).toInstant();
    Instant end = LocalDate.of(year + 1, 1, 1).atStartOfDay(CHINA).toInstant();
    if (!now.isAfter(start)) return 0;
    if (!now.isBefore(end)) return 1;
    return (double) Duration.between(start, now).toMillis() / Duration.between(start, end).toMillis();
  }

  private void refreshAlerts(Connection c) throws Exception {
    alertsOpen.set(counts(c,
        "SELECT rule, severity, COUNT(*) FROM alert WHERE status <> 'RESOLVED' GROUP BY rule, severity",
        "rule", "severity"));
    alertsOpenByBuyer.set(counts(c,
        "SELECT COALESCE(buyer, ''), severity, COUNT(*) FROM alert WHERE status <> 'RESOLVED' GROUP BY buyer, severity",
        "buyer", "severity"));
  }

  /**
   * Per projection: for each of its tags, the tagged events beyond the stored offset (a journal ordering)
   * and the age of the first of them (journal order); the family shows the worst tag. A tag without a stored offset yet
   * counts from 0. Ages use the journal's own write_timestamp (the JVM wall clock, not the service clock).
   */
  private void refreshLag(Connection c) throws Exception {
    java.util.Map<String, Long> offsets = new java.util.HashMap<>();
    try (PreparedStatement q = c.prepareStatement(
            "SELECT \"projection_name\", \"projection_key\", \"current_offset\" FROM \"pekko_projection_offset_store\"");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        try {
          offsets.put(rs.getString(1) + "|" + rs.getString(2), Long.parseLong(rs.getString(3)));
        } catch (NumberFormatException notASequence) {
          // Only Offset.sequence is used (stack.md §4); anything else is not ours to judge.
        }
      }
    }
    java.util.Map<String, List<String>> tagsOf = new java.util.LinkedHashMap<>();
    List<String> summaryTags = new ArrayList<>();
    for (int i = 0; i < tagCount; i++) summaryTags.add(ProcurementProject.tag(i));
    tagsOf.put(ProjectSummaryProjection.NAME, summaryTags);
    tagsOf.put(AlertProjection.NAME, List.of(ProcurementProject.ALERTS_TAG));
    Map<Tags, Number> events = new LinkedHashMap<>(), seconds = new LinkedHashMap<>();
    long nowMillis = System.currentTimeMillis();
    for (var e : tagsOf.entrySet()) {
      long worstEvents = 0;
      double worstSeconds = 0;
      for (String tag : e.getValue()) {
        long offset = offsets.getOrDefault(e.getKey() + "|" + tag, 0L);
        long[] behind = behind(c, tag, offset);
        long n = behind[0];
        worstEvents = Math.max(worstEvents, n);
        if (n > 0 && behind[1] >= 0) worstSeconds = Math.max(worstSeconds, Math.max(0, nowMillis - behind[1]) / 1000.0);
      }
      events.put(Tags.of("projection", e.getKey()), worstEvents);
      seconds.put(Tags.of("projection", e.getKey()), worstSeconds);
    }
    lagEvents.set(events);
    lagSeconds.set(seconds);
  }

  /**
   * The events of {@code tag} beyond {@code offset} and the write time of the first of them (-1 if none): a range of
   * the (tag, event_id) index, then one journal row by its ordering. The range is sent with its values in the text,
   * not as a prepared statement's parameters: after five executions PostgreSQL may keep a generic plan, which
   * estimates {@code event_id > $2} at a third of the table — it joined the whole journal on every refresh (146 ms
   * a tag at 8,000 journal rows, growing with the history). The values are ours: a tag the service generates and a
   * number.
   */
  static long[] behind(Connection c, String tag, long offset) throws Exception {
    long n, first;
    try (java.sql.Statement q = c.createStatement();
        ResultSet rs = q.executeQuery("SELECT COUNT(*), MIN(\"event_id\") FROM \"event_tag\" WHERE \"tag\" = '"
            + tag.replace("'", "''") + "' AND \"event_id\" > " + offset)) {
      rs.next();
      n = rs.getLong(1);
      first = rs.getLong(2);
    }
    if (n == 0) return new long[] {0, -1};
    try (PreparedStatement q = c.prepareStatement("SELECT \"write_timestamp\" FROM \"event_journal\" WHERE \"ordering\" = ?")) {
      q.setLong(1, first);
      try (ResultSet rs = q.executeQuery()) {
        long at = rs.next() ? rs.getLong(1) : -1;
        return new long[] {n, at > 0 ? at : -1};
      }
    }
  }
}
