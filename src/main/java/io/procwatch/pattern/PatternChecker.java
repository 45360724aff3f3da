package io.procwatch.pattern;

import io.procwatch.infra.Database;
import io.procwatch.pattern.PopulationRules.BuyerFigures;
import io.procwatch.pattern.PopulationRules.ProcessFigures;
import io.procwatch.pattern.PopulationRules.SupplierFigures;
import io.procwatch.project.Fact.Method;
import io.procwatch.rules.CategoryKind;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleCatalogue;
import io.procwatch.rules.RuleId;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the population figures: it reads the owners the projection marked ({@code xp_dirty}), reloads
 * just their figures, updates the {@link PopulationRules} incrementally, and tells each {@link PatternOwner} whose
 * conditions changed the complete set that holds now. It runs on one thread of its own (the populations are not
 * shared), after each projection commit and at least every {@code check-interval}.
 *
 * <p>Restart: the populations are loaded from the tables in one pass, and every owner that has an open XP alert or
 * is flagged now is reconciled once. A mark is deleted only after its owner was reconciled, so a crash in between
 * only repeats a reconcile — which changes nothing.
 */
public final class PatternChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PatternChecker.class);
  private static final int BATCH = 20_000;

  private final ActorSystem<?> system;
  private final Database db;
  private final RuleCatalogue catalogue;
  private final BuyerRules buyerRules;
  private final Duration askTimeout;
  private final PopulationRules population;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pattern-checker");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong reconciled = new AtomicLong();
  private final java.time.Clock clock;
  private final Duration reloadInterval;
  private Map<String, Set<String>> flaggedBefore = Map.of();
  private boolean loaded;
  private java.time.Instant nextReload = java.time.Instant.MIN;

  /**
   * The start of each population rule's rolling window ({@code window-months} back from now, Asia/Shanghai): a
   * process counts while its award (XP04, XP05, XP06; for XP06 also a contract) or a bid (XP07) lies inside it.
   */
  public record Since(java.time.Instant xp04, java.time.Instant xp05, java.time.Instant xp06, java.time.Instant xp07) {
    public static final Since ALL = new Since(java.time.Instant.EPOCH, java.time.Instant.EPOCH, java.time.Instant.EPOCH,
        java.time.Instant.EPOCH);
  }

  Since since() {
    java.time.ZonedDateTime now = clock.instant().atZone(BuyerRules.SHANGHAI);
    java.util.function.Function<RuleId, java.time.Instant> back =
        id -> now.minusMonths(catalogue.get(id).intParam("window-months")).toInstant();
    return new Since(back.apply(RuleId.XP04), back.apply(RuleId.XP05), back.apply(RuleId.XP06), back.apply(RuleId.XP07));
  }

  /**
   * @param reloadInterval how often the populations are reloaded from the tables, so that processes leave the rolling
   *     windows even when nothing new arrives about them
   */
  public PatternChecker(ActorSystem<?> system, Database db, RuleCatalogue catalogue, BuyerRules buyerRules, Duration askTimeout,
      java.time.Clock clock, Duration reloadInterval) {
    this.clock = clock;
    this.reloadInterval = reloadInterval;
    this.system = system;
    this.db = db;
    this.catalogue = catalogue;
    this.buyerRules = buyerRules;
    this.askTimeout = askTimeout;
    this.population = new PopulationRules(catalogue);
  }

  public void start(Duration interval) {
    thread.scheduleWithFixedDelay(this::safeCycle, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A projection committed: check soon (coalesced; the thread runs one cycle at a time). */
  public void poke() {
    if (scheduled.compareAndSet(false, true)) thread.execute(() -> {
      scheduled.set(false);
      safeCycle();
    });
  }

  /** Owners reconciled since start (for the benchmark and tests). */
  public long reconciledCount() {
    return reconciled.get();
  }

  private void safeCycle() {
    try {
      cycle();
    } catch (Exception e) {
      if (!system.getWhenTerminated().toCompletableFuture().isDone()) log.warn("Pattern check failed; retried next cycle", e);
    }
  }

  void cycle() throws Exception {
    Set<String> reconcile = new LinkedHashSet<>();
    List<Long> handled = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(true);
      if (!clock.instant().isBefore(nextReload)) {
        loaded = false;
        nextReload = clock.instant().plus(reloadInterval);
      }
      Since since = since();
      if (!loaded) {
        loadAll(c, since);
        reconcile.addAll(ownersWithOpenAlerts(c));
        loaded = true;
      }
      Set<String> owners = new LinkedHashSet<>();
      try (PreparedStatement q = c.prepareStatement("SELECT id, owner FROM xp_dirty ORDER BY id")) {
        q.setMaxRows(BATCH);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            handled.add(rs.getLong(1));
            owners.add(rs.getString(2));
          }
        }
      }
      for (String owner : owners) {
        String id = owner.substring(owner.indexOf('@') + 1);
        if (owner.startsWith("buyer@")) {
          population.buyer(id, buyerFigures(c, id, since.xp07()));
          reconcile.add(owner);
        } else if (owner.startsWith("supplier@")) {
          population.supplier(id, supplierFigures(c, id, prefixLength(), since));
        } else if (owner.startsWith("project@")) {
          population.process(id, processFigures(c, id, since.xp05()));
        }
      }
      Map<String, List<Condition>> now = population.evaluate();
      Map<String, Set<String>> flagged = new HashMap<>();
      for (var e : now.entrySet()) {
        Set<String> keys = new TreeSet<>();
        for (Condition cond : e.getValue()) keys.add(cond.key());
        flagged.put(e.getKey(), keys);
      }
      Set<String> all = new HashSet<>(flagged.keySet());
      all.addAll(flaggedBefore.keySet());
      for (String owner : all) {
        if (!flagged.getOrDefault(owner, Set.of()).equals(flaggedBefore.getOrDefault(owner, Set.of()))) reconcile.add(owner);
      }
      if (reconcile.isEmpty() && handled.isEmpty()) {
        flaggedBefore = flagged;
        return;
      }
      for (String owner : reconcile) {
        List<Condition> conditions = new ArrayList<>(now.getOrDefault(owner, List.of()));
        if (owner.startsWith("buyer@")) conditions.addAll(buyerRules.evaluate(contracts(c, owner.substring(6))));
        ClusterSharding.get(system).entityRefFor(PatternOwner.ENTITY_TYPE_KEY, owner)
            .<PatternOwner.Reconciled>ask(r -> new PatternOwner.Reconcile(List.copyOf(conditions), r), askTimeout)
            .toCompletableFuture().get(askTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        reconciled.incrementAndGet();
      }
      flaggedBefore = flagged;
      if (!handled.isEmpty()) {
        try (PreparedStatement d = c.prepareStatement("DELETE FROM xp_dirty WHERE id = ?")) {
          for (Long id : handled) {
            d.setLong(1, id);
            d.addBatch();
          }
          d.executeBatch();
        }
      }
    }
    if (handled.size() == BATCH) poke();
  }

  /** Startup: every supplier, buyer and awarded process into the populations, one query each. */
  private void loadAll(Connection c, Since since) throws Exception {
    Set<String> suppliers = new TreeSet<>();
    try (PreparedStatement q = c.prepareStatement("SELECT DISTINCT supplier FROM xp_bid UNION SELECT DISTINCT supplier"
        + " FROM xp_contract UNION SELECT DISTINCT award_supplier FROM xp_project WHERE award_supplier IS NOT NULL");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) suppliers.add(rs.getString(1));
    }
    for (String s : suppliers) population.supplier(s, supplierFigures(c, s, prefixLength(), since));
    List<String> buyers = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement("SELECT DISTINCT buyer FROM xp_project"); ResultSet rs = q.executeQuery()) {
      while (rs.next()) buyers.add(rs.getString(1));
    }
    for (String b : buyers) population.buyer(b, buyerFigures(c, b, since.xp07()));
    List<String> processes = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement("SELECT project_id FROM xp_project WHERE award_supplier IS NOT NULL AND NOT cancelled");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) processes.add(rs.getString(1));
    }
    for (String p : processes) population.process(p, processFigures(c, p, since.xp05()));
    log.info("Pattern populations loaded: {} suppliers, {} buyers, {} awarded processes", suppliers.size(), buyers.size(),
        processes.size());
  }

  private static Set<String> ownersWithOpenAlerts(Connection c) throws Exception {
    Set<String> owners = new LinkedHashSet<>();
    try (PreparedStatement q = c.prepareStatement("SELECT alert_id FROM alert WHERE status <> 'RESOLVED' AND rule LIKE 'XP%'");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) owners.add(PatternOwner.ownerOf(rs.getString(1)));
    }
    return owners;
  }

  static SupplierFigures supplierFigures(Connection c, String supplier, int prefixLen, Since since) throws Exception {
    int bidProcesses = 0, wins = 0, submitted = 0, disqualified = 0;
    try (PreparedStatement q = c.prepareStatement(
        "SELECT b.bids, b.disqualified, p.award_supplier, p.award_at, b.received_at FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id"
            + " WHERE b.supplier = ? AND NOT p.cancelled")) {
      q.setString(1, supplier);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          int bids = rs.getInt(1);
          boolean disq = rs.getBoolean(2);
          String winner = rs.getString(3);
          java.sql.Timestamp awardAt = rs.getTimestamp(4);
          if (!rs.getTimestamp(5).toInstant().isBefore(since.xp07())) {
            submitted += bids;
            if (disq) disqualified += bids;
          }
          if (!disq && winner != null && awardAt != null && !awardAt.toInstant().isBefore(since.xp04())) {
            bidProcesses++;
            if (winner.equals(supplier)) wins++;
          }
        }
      }
    }
    Set<String> projects = new HashSet<>();
    Set<String> prefixes = new HashSet<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT project_id, category, award_at FROM xp_project WHERE award_supplier = ? AND NOT cancelled UNION"
            + " SELECT p.project_id, p.category, k.signed_at FROM xp_contract k JOIN xp_project p ON p.project_id = k.project_id"
            + " WHERE k.supplier = ? AND NOT p.cancelled")) {
      q.setString(1, supplier);
      q.setString(2, supplier);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          if (rs.getTimestamp(3).toInstant().isBefore(since.xp06())) continue;
          projects.add(rs.getString(1));
          String cat = rs.getString(2);
          prefixes.add(cat.length() <= prefixLen ? cat : cat.substring(0, prefixLen));
        }
      }
    }
    return new SupplierFigures(bidProcesses, wins, submitted, disqualified, projects.size(), prefixes.size());
  }

  static BuyerFigures buyerFigures(Connection c, String buyer, java.time.Instant since) throws Exception {
    try (PreparedStatement q = c.prepareStatement(
        "SELECT COALESCE(SUM(b.bids), 0), COALESCE(SUM(CASE WHEN b.disqualified THEN b.bids ELSE 0 END), 0)"
            + " FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id WHERE p.buyer = ? AND NOT p.cancelled"
            + " AND b.received_at >= ?")) {
      q.setString(1, buyer);
      q.setTimestamp(2, java.sql.Timestamp.from(since));
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return new BuyerFigures(rs.getInt(1), rs.getInt(2));
      }
    }
  }

  /** R024/R058: the winner's lowest valid bid and the lowest valid bid of anyone else. */
  static ProcessFigures processFigures(Connection c, String projectId, java.time.Instant since) throws Exception {
    String buyer, winner;
    try (PreparedStatement q = c.prepareStatement("SELECT buyer, award_supplier, cancelled, award_at FROM xp_project WHERE project_id = ?")) {
      q.setString(1, projectId);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next() || rs.getBoolean(3) || rs.getString(2) == null) return null;
        if (rs.getTimestamp(4) == null || rs.getTimestamp(4).toInstant().isBefore(since)) return null;
        buyer = rs.getString(1);
        winner = rs.getString(2);
      }
    }
    BigDecimal win = null, second = null;
    try (PreparedStatement q = c.prepareStatement("SELECT supplier, amount FROM xp_bid WHERE project_id = ? AND NOT disqualified")) {
      q.setString(1, projectId);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          BigDecimal a = rs.getBigDecimal(2);
          if (rs.getString(1).equals(winner)) win = a;
          else if (second == null || a.compareTo(second) < 0) second = a;
        }
      }
    }
    return new ProcessFigures(buyer, winner, win, second);
  }

  static List<BuyerRules.Contract> contracts(Connection c, String buyer) throws Exception {
    List<BuyerRules.Contract> out = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT k.project_id, k.contract_id, k.supplier, p.category, p.category_kind, p.fiscal_year, p.method, k.amount,"
            + " k.signed_at FROM xp_contract k JOIN xp_project p ON p.project_id = k.project_id"
            + " WHERE p.buyer = ? AND NOT p.cancelled")) {
      q.setString(1, buyer);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          String m = rs.getString(7);
          out.add(new BuyerRules.Contract(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              CategoryKind.valueOf(rs.getString(5)), rs.getInt(6), m == null ? null : Method.valueOf(m),
              rs.getBigDecimal(8), rs.getTimestamp(9).toInstant()));
        }
      }
    }
    return out;
  }

  private int prefixLength() {
    return catalogue.get(RuleId.XP06).intParam("category-prefix-length");
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
