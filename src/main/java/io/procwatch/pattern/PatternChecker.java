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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * shared), once per {@code check-interval} at most: a projection commit asks for a cycle, which starts at once if the
 * last one began at least that long ago and otherwise when it is due; with nothing asked, a cycle still runs every
 * {@code check-interval}. Under load the marks of many commits are then checked in one cycle, whose queries cost about
 * the same for many marks as for few (a cycle reads whole buyer and supplier groups); a backlog larger than one
 * cycle takes is worked off without waiting.
 *
 * <p>Restart: the populations are loaded from the tables in one pass, and every owner that has an open XP alert or
 * is flagged now is reconciled once. A mark is deleted only after its owner was reconciled, so a crash in between
 * only repeats a reconcile — which changes nothing.
 */
public final class PatternChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PatternChecker.class);
  /** Mark rows read per cycle: a projection group's owners, packed ({@link Marks}), up to about 40 owners a row. */
  static final int BATCH = 2_000;

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
  /** The least time from one cycle's start to the next one's ({@code check-interval}; 0 until started). */
  private volatile long spacingNanos;
  /** When the last cycle began ({@link System#nanoTime}). */
  private volatile long lastStartNanos = System.nanoTime() - Long.MAX_VALUE / 2;
  private final AtomicLong reconciled = new AtomicLong();
  private final java.time.Clock clock;
  private final ReloadSchedule reloads;
  private Map<String, Set<String>> flaggedBefore = Map.of();
  /** The identities each owner was last told (since start or the last reload): the same set again is not asked. */
  private final Map<String, Set<String>> told = new HashMap<>();
  /** XP01–XP03 of each buyer, kept per group and recomputed for the groups a mark names (V10's contract sums). */
  private final ContractGroups contractGroups;
  private final AtomicLong skipped = new AtomicLong();
  private boolean loaded;

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
    this.reloads = new ReloadSchedule(clock, reloadInterval, System::nanoTime);
    this.system = system;
    this.db = db;
    this.catalogue = catalogue;
    this.buyerRules = buyerRules;
    this.askTimeout = askTimeout;
    this.population = new PopulationRules(catalogue);
    this.contractGroups = new ContractGroups(buyerRules);
  }

  public void start(Duration interval) {
    spacingNanos = interval.toNanos();
    thread.scheduleWithFixedDelay(() -> {
      if (System.nanoTime() - lastStartNanos >= spacingNanos) safeCycle();
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A projection committed: check when the next cycle is due, at once if the last began {@code check-interval} ago
   * (coalesced; the thread runs one cycle at a time).
   */
  public void poke() {
    if (scheduled.compareAndSet(false, true)) {
      long wait = Math.max(0, lastStartNanos + spacingNanos - System.nanoTime());
      try {
        thread.schedule(() -> {
          scheduled.set(false);
          safeCycle();
        }, wait, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException stopped) {
        // the service is stopping (the checker before the projections): the group is committed and its marks are in
        // xp_dirty for the next start; a failure here would make the projection report a group that did not fail
        log.debug("Pattern checker stopped; the committed group's marks wait for the next start");
      }
    }
  }

  /** Owners reconciled since start (for the benchmark and tests). */
  public long reconciledCount() {
    return reconciled.get();
  }

  /** Owners whose conditions were recomputed but not asked, because they were told the same identities already. */
  public long unchangedCount() {
    return skipped.get();
  }

  private void safeCycle() {
    lastStartNanos = System.nanoTime();
    try {
      cycle();
    } catch (Exception e) {
      contractGroups.clear(); // the cycle's marks come again; what it half applied is recomputed from the tables
      if (!system.getWhenTerminated().toCompletableFuture().isDone()) log.warn("Pattern check failed; retried next cycle", e);
    }
  }

  void cycle() throws Exception {
    Set<String> reconcile = new LinkedHashSet<>();
    List<Long> handled = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(true);
      if (reloads.due()) loaded = false;
      Since since = since();
      if (!loaded) {
        // as after a restart: every owner with an open XP alert is told again what holds now
        // (the contract groups are kept: XP01–XP03 do not depend on the time, and the marks keep them true)
        told.clear();
        loadAll(c, since);
        reconcile.addAll(ownersWithOpenAlerts(c));
        loaded = true;
      }
      // the population loads above read whole tables; from here on every statement is per key
      try (var probes = PatternSql.indexProbes(c)) {
        Set<String> buyerFigures = new LinkedHashSet<>(), buyerContracts = new LinkedHashSet<>();
        Set<String> suppliers = new LinkedHashSet<>(), projects = new LinkedHashSet<>();
        Set<String> owners = new LinkedHashSet<>();
        readMarks(c, handled, owners);
        for (String owner : owners) {
          String id = owner.substring(owner.indexOf('@') + 1);
          if (contractGroups.mark(owner)) {
            continue;
          } else if (owner.startsWith(PatternGroup.BUYER)) {
            buyerFigures.add(id);
            buyerContracts.add(id); // its contract groups are marked apart
          } else if (owner.startsWith(PatternGroup.BUYER_BIDS)) {
            buyerFigures.add(id);
          } else if (owner.startsWith(PatternGroup.SUPPLIER)) {
            suppliers.add(id);
          } else if (owner.startsWith(PatternGroup.PROJECT)) {
            projects.add(id);
          }
        }
        buyerFigures(c, buyerFigures, since.xp07()).forEach(population::buyer);
        supplierFigures(c, suppliers, prefixLength(), since).forEach(population::supplier);
        processFigures(c, projects, since.xp05()).forEach(population::process);
        // XP01–XP03 change only with a buyer's contracts (and its projects' methods and cancellations)
        for (String b : buyerContracts) reconcile.add(PatternGroup.BUYER + b);

        Map<String, List<Condition>> now = population.evaluate();
        Map<String, Set<String>> flagged = new HashMap<>();
        for (var e : now.entrySet()) flagged.put(e.getKey(), keys(e.getValue()));
        Set<String> all = new HashSet<>(flagged.keySet());
        all.addAll(flaggedBefore.keySet());
        for (String owner : all) {
          if (!flagged.getOrDefault(owner, Set.of()).equals(flaggedBefore.getOrDefault(owner, Set.of()))) reconcile.add(owner);
        }
        Set<String> reconciledBuyers = new LinkedHashSet<>();
        for (String owner : reconcile) {
          if (owner.startsWith(PatternGroup.BUYER)) reconciledBuyers.add(owner.substring(PatternGroup.BUYER.length()));
        }
        Map<String, List<Condition>> contractConditions = contractGroups.conditions(c, reconciledBuyers);
        for (String owner : reconcile) {
          List<Condition> conditions = new ArrayList<>(now.getOrDefault(owner, List.of()));
          if (owner.startsWith(PatternGroup.BUYER)) conditions.addAll(contractConditions.getOrDefault(owner.substring(6), List.of()));
          // An owner told this very set of identities already has an alert (or a silenced identity) for each, and
          // none other open: telling it again would change nothing. Only a different set is worth an ask.
          Set<String> keys = keys(conditions);
          if (keys.equals(told.get(owner))) {
            skipped.incrementAndGet();
            continue;
          }
          ClusterSharding.get(system).entityRefFor(PatternOwner.ENTITY_TYPE_KEY, owner)
              .<PatternOwner.Reconciled>ask(r -> new PatternOwner.Reconcile(List.copyOf(conditions), r), askTimeout)
              .toCompletableFuture().get(askTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
          told.put(owner, keys);
          reconciled.incrementAndGet();
        }
        flaggedBefore = flagged;
        deleteMarks(c, handled);
      }
    }
    if (handled.size() == BATCH) thread.execute(this::safeCycle); // a backlog: the next batch at once
  }

  /**
   * The first {@link #BATCH} mark rows by id: their ids into {@code ids} (ascending), their owners into {@code owners}
   * (a row before V15 holds one owner in {@code owner}; since, a group's owners packed in {@code owners}).
   */
  static void readMarks(Connection c, List<Long> ids, Set<String> owners) throws java.sql.SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT id, owner, owners FROM xp_dirty ORDER BY id")) {
      q.setMaxRows(BATCH);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
          String single = rs.getString(2);
          if (single != null) owners.add(single);
          String packed = rs.getString(3);
          if (packed != null) owners.addAll(Marks.unpack(packed));
        }
      }
    }
  }

  /**
   * Deletes exactly the marks read (ids in ascending order), as ranges of consecutive ids: every id of such a range
   * was read, so a mark committed since (ids are not commit-ordered: a lower id can commit later and lies in a gap
   * between two runs) is never deleted with them. A projection commit writes its marks in one statement, so a cycle's
   * ids mostly form long runs (concurrent commits interleave some). Each range is an index range scan, whatever the
   * statistics, sent as one JDBC batch; a join with the ids as an array
   * parameter ({@code id IN (SELECT … FROM UNNEST(?))}) was planned, with the statistics of a table that is empty
   * whenever ANALYZE looks, as a nested loop that rescanned the array for every mark: 0.2-2 s for 1,300-5,200 marks
   * in the benchmark (docs/performance.md).
   */
  static void deleteMarks(Connection c, List<Long> ids) throws java.sql.SQLException {
    if (ids.isEmpty()) return;
    try (PreparedStatement d = c.prepareStatement("DELETE FROM xp_dirty WHERE id BETWEEN ? AND ?")) {
      for (long[] run : runs(ids)) {
        d.setLong(1, run[0]);
        d.setLong(2, run[1]);
        d.addBatch();
      }
      d.executeBatch();
    }
  }

  /** Ascending ids as runs of consecutive ones, each {first, last}. */
  static List<long[]> runs(List<Long> ascending) {
    List<long[]> runs = new ArrayList<>();
    long first = 0, last = 0;
    for (int i = 0; i < ascending.size(); i++) {
      long id = ascending.get(i);
      if (i > 0 && id <= last) throw new IllegalArgumentException("ids not ascending at " + id);
      if (i > 0 && id == last + 1) {
        last = id;
        continue;
      }
      if (i > 0) runs.add(new long[] {first, last});
      first = last = id;
    }
    if (!ascending.isEmpty()) runs.add(new long[] {first, last});
    return runs;
  }

  private static Set<String> keys(List<Condition> conditions) {
    Set<String> keys = new TreeSet<>();
    for (Condition cond : conditions) keys.add(cond.key());
    return keys;
  }

  /** Startup: every supplier, buyer and awarded process into the populations, a query per thousand of each. */
  private void loadAll(Connection c, Since since) throws Exception {
    Set<String> suppliers = new TreeSet<>();
    try (PreparedStatement q = c.prepareStatement("SELECT DISTINCT supplier FROM xp_bid UNION SELECT DISTINCT supplier"
        + " FROM xp_contract UNION SELECT DISTINCT award_supplier FROM xp_project WHERE award_supplier IS NOT NULL");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) suppliers.add(rs.getString(1));
    }
    List<String> buyers = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement("SELECT DISTINCT buyer FROM xp_project"); ResultSet rs = q.executeQuery()) {
      while (rs.next()) buyers.add(rs.getString(1));
    }
    List<String> processes = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement("SELECT project_id FROM xp_project WHERE award_supplier IS NOT NULL AND NOT cancelled");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) processes.add(rs.getString(1));
    }
    // the whole-table reads above outside the scope; the figures are the statements of a cycle, planned as there
    try (var probes = PatternSql.indexProbes(c)) {
      supplierFigures(c, suppliers, prefixLength(), since).forEach(population::supplier);
      buyerFigures(c, buyers, since.xp07()).forEach(population::buyer);
      processFigures(c, processes, since.xp05()).forEach(population::process);
    }
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

  /**
   * Submitted and disqualified bids since {@code since}, per owner ({@code kind} "b": buyers, "s": suppliers), of
   * projects that are not cancelled: the months after the one {@code since} lies in from the counters
   * ({@code xp_bid_count}, at most 13 rows an owner), and that first month — unless the window starts exactly at
   * its beginning — from the owner's bid rows of that month only (an index range on {@code (owner, received_at)}).
   */
  static Map<String, int[]> bidCounts(Connection c, String kind, Collection<String> owners, java.time.Instant since)
      throws Exception {
    Map<String, int[]> out = new HashMap<>();
    for (String o : owners) out.put(o, new int[2]);
    int first = PatternSql.ym(since);
    boolean whole = PatternSql.monthStart(since);
    Set<String> partial = new LinkedHashSet<>();
    for (List<String> chunk : PatternSql.chunks(owners)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "owner"),
          "n.owner, n.ym, n.submitted, n.disqualified", "xp_bid_count n WHERE n.kind = ? AND n.owner = k.owner AND n.ym >= ?"))) {
        q.setArray(1, PatternSql.strings(c, chunk));
        q.setString(2, kind);
        q.setInt(3, first);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            int[] n = out.get(rs.getString(1));
            if (rs.getInt(2) > first || whole) {
              n[0] += rs.getInt(3);
              n[1] += rs.getInt(4);
            } else if (rs.getInt(3) != 0 || rs.getInt(4) != 0) {
              partial.add(rs.getString(1));
            }
          }
        }
      }
    }
    String column = kind.equals("b") ? "buyer" : "supplier";
    for (List<String> chunk : PatternSql.chunks(partial)) {
      try (PreparedStatement q = c.prepareStatement("SELECT owner, SUM(bids), SUM(disq) FROM (" + PatternSql.perKey(c,
          PatternSql.keys("k", "owner"), "b." + column + " AS owner, b.bids AS bids,"
              + " CASE WHEN b.disqualified THEN b.bids ELSE 0 END AS disq",
          "xp_bid b JOIN xp_project p ON p.project_id = b.project_id WHERE b." + column + " = k.owner"
              + " AND b.received_at >= ? AND b.received_at < ? AND NOT p.cancelled") + ") t GROUP BY owner")) {
        q.setArray(1, PatternSql.strings(c, chunk));
        q.setTimestamp(2, java.sql.Timestamp.from(since));
        q.setTimestamp(3, java.sql.Timestamp.from(PatternSql.nextMonth(since)));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            int[] n = out.get(rs.getString(1));
            n[0] += rs.getInt(2);
            n[1] += rs.getInt(3);
          }
        }
      }
    }
    return out;
  }

  /** One supplier's figures (the supplier view). */
  static SupplierFigures supplierFigures(Connection c, String supplier, int prefixLen, Since since) throws Exception {
    return supplierFigures(c, List.of(supplier), prefixLen, since).get(supplier);
  }

  /**
   * XP04 (processes awarded in the window in which the supplier had a valid bid, and those it won), XP06 (awarded or
   * contracted processes in the window and their category prefixes) and XP07 (bid counters) for many suppliers.
   */
  static Map<String, SupplierFigures> supplierFigures(Connection c, Collection<String> suppliers, int prefixLen, Since since)
      throws Exception {
    Map<String, SupplierFigures> out = new LinkedHashMap<>();
    if (suppliers.isEmpty()) return out;
    Map<String, int[]> counts = bidCounts(c, "s", suppliers, since.xp07());
    Map<String, int[]> wins = awardCounts(c, suppliers, since.xp04());
    Map<String, int[]> projects = new HashMap<>();
    Map<String, Set<String>> prefixes = new HashMap<>();
    processCounts(c, suppliers, prefixLen, since.xp06(), projects, prefixes);
    for (String s : suppliers) {
      int[] w = wins.getOrDefault(s, new int[2]);
      int[] n = counts.get(s);
      out.put(s, new SupplierFigures(w[0], w[1], n[0], n[1], projects.getOrDefault(s, new int[1])[0],
          prefixes.getOrDefault(s, Set.of()).size()));
    }
    return out;
  }

  /**
   * XP04: per supplier {processes awarded at or after {@code since} and not cancelled in which it had a valid bid, wins
   * among them}. The months after the one {@code since} lies in come from {@code xp_supplier_award_count} (V12: a row
   * per month of award, at most 13 of them); that first month — unless the window starts exactly at its beginning —
   * from the supplier's bid rows in processes awarded in that month only (an index range on {@code xp_bid (supplier,
   * award_at)}: each bid row keeps its project's award time).
   */
  static Map<String, int[]> awardCounts(Connection c, Collection<String> suppliers, java.time.Instant since)
      throws Exception {
    Map<String, int[]> out = new HashMap<>();
    int first = PatternSql.ym(since);
    boolean whole = PatternSql.monthStart(since);
    Set<String> partial = new LinkedHashSet<>();
    for (List<String> chunk : PatternSql.chunks(suppliers)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "s"),
          "n.supplier, n.ym, n.processes, n.wins", "xp_supplier_award_count n WHERE n.supplier = k.s AND n.ym >= ?"
              + " AND n.processes <> 0"))) {
        q.setArray(1, PatternSql.strings(c, chunk));
        q.setInt(2, first);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            if (rs.getInt(2) > first || whole) {
              int[] n = out.computeIfAbsent(rs.getString(1), k -> new int[2]);
              n[0] += rs.getInt(3);
              n[1] += rs.getInt(4);
            } else {
              partial.add(rs.getString(1));
            }
          }
        }
      }
    }
    for (List<String> chunk : PatternSql.chunks(partial)) {
      // the winner as a probe of the project by its key for each bid row (null if cancelled): a join was planned as a
      // scan of every awarded project, the month's bid rows being estimated as many as the projects
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "s"),
          "b.supplier, (SELECT p.award_supplier FROM xp_project p WHERE p.project_id = b.project_id AND NOT p.cancelled)",
          "xp_bid b WHERE b.supplier = k.s AND b.award_at >= ? AND b.award_at < ? AND NOT b.disqualified"))) {
        q.setArray(1, PatternSql.strings(c, chunk));
        q.setTimestamp(2, java.sql.Timestamp.from(since));
        q.setTimestamp(3, java.sql.Timestamp.from(PatternSql.nextMonth(since)));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            if (rs.getString(2) == null) continue; // cancelled
            int[] n = out.computeIfAbsent(rs.getString(1), k -> new int[2]);
            n[0]++;
            if (rs.getString(2).equals(rs.getString(1))) n[1]++;
          }
        }
      }
    }
    return out;
  }

  /**
   * XP06: each supplier's live processes whose latest award to it or contract with it lies at or after {@code since},
   * counted into {@code processes}, and their category prefixes into {@code prefixes}. The months after the one
   * {@code since} lies in come from {@code xp_supplier_process_count} (V11: a row per month and category, at most 13
   * months of them); that first month — unless the window starts exactly at its beginning — from the supplier's awards
   * and contracts of that month only (index ranges on {@code (award_supplier, award_at)} and {@code (supplier,
   * signed_at)}), without those whose latest touch is later (they are in a later month's rows already).
   */
  static void processCounts(Connection c, Collection<String> suppliers, int prefixLen, java.time.Instant since,
      Map<String, int[]> processes, Map<String, Set<String>> prefixes) throws Exception {
    int first = PatternSql.ym(since);
    boolean whole = PatternSql.monthStart(since);
    Set<String> partial = new LinkedHashSet<>();
    for (List<String> chunk : PatternSql.chunks(suppliers)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "s"),
          "n.supplier, n.ym, n.category, n.processes",
          "xp_supplier_process_count n WHERE n.supplier = k.s AND n.ym >= ? AND n.processes <> 0"))) {
        q.setArray(1, PatternSql.strings(c, chunk));
        q.setInt(2, first);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            String s = rs.getString(1);
            if (rs.getInt(2) > first || whole) {
              processes.computeIfAbsent(s, k -> new int[1])[0] += rs.getInt(4);
              prefixes.computeIfAbsent(s, k -> new HashSet<>()).add(prefix(rs.getString(3), prefixLen));
            } else {
              partial.add(s);
            }
          }
        }
      }
    }
    for (List<String> chunk : PatternSql.chunks(partial)) {
      String later = " AND NOT EXISTS (SELECT 1 FROM xp_contract w2 WHERE w2.project_id = p.project_id"
          + " AND w2.supplier = k.s AND w2.signed_at >= ?)";
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "s"),
          "p.award_supplier, p.project_id, p.category", "xp_project p WHERE p.award_supplier = k.s AND NOT p.cancelled"
              + " AND p.award_at >= ? AND p.award_at < ?" + later) + " UNION " + PatternSql.perKey(c,
          PatternSql.keys("k", "s"), "w.supplier, p.project_id, p.category", "xp_contract w JOIN xp_project p"
              + " ON p.project_id = w.project_id WHERE w.supplier = k.s AND NOT p.cancelled AND w.signed_at >= ?"
              + " AND w.signed_at < ? AND NOT (p.award_supplier IS NOT NULL AND p.award_supplier = k.s"
              + " AND p.award_at >= ?)" + later))) {
        java.sql.Array ids = PatternSql.strings(c, chunk);
        java.sql.Timestamp from = java.sql.Timestamp.from(since);
        java.sql.Timestamp next = java.sql.Timestamp.from(PatternSql.nextMonth(since));
        q.setArray(1, ids);
        q.setTimestamp(2, from);
        q.setTimestamp(3, next);
        q.setTimestamp(4, next);
        q.setArray(5, ids);
        q.setTimestamp(6, from);
        q.setTimestamp(7, next);
        q.setTimestamp(8, next);
        q.setTimestamp(9, next);
        Set<String> seen = new HashSet<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            String s = rs.getString(1);
            if (!seen.add(s + '\u0000' + rs.getString(2))) continue;
            processes.computeIfAbsent(s, k -> new int[1])[0]++;
            prefixes.computeIfAbsent(s, k -> new HashSet<>()).add(prefix(rs.getString(3), prefixLen));
          }
        }
      }
    }
  }

  private static String prefix(String category, int prefixLen) {
    return category.length() <= prefixLen ? category : category.substring(0, prefixLen);
  }

  /**
   * XP06 as computed before V11, from every award and contract of each supplier in the window: the reference the
   * tests compare {@link #processCounts} with. Per supplier {processes, category prefixes}.
   */
  static Map<String, int[]> processCountsFromRows(Connection c, Collection<String> suppliers, int prefixLen,
      java.time.Instant since) throws Exception {
    Map<String, Set<String>> projects = new HashMap<>(), prefixes = new HashMap<>();
    try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "s"),
        "p.award_supplier, p.project_id, p.category", "xp_project p WHERE p.award_supplier = k.s AND NOT p.cancelled"
            + " AND p.award_at >= ?") + " UNION " + PatternSql.perKey(c, PatternSql.keys("k", "s"),
        "w.supplier, p.project_id, p.category", "xp_contract w JOIN xp_project p ON p.project_id = w.project_id"
            + " WHERE w.supplier = k.s AND NOT p.cancelled AND w.signed_at >= ?"))) {
      java.sql.Array ids = PatternSql.strings(c, suppliers);
      q.setArray(1, ids);
      q.setTimestamp(2, java.sql.Timestamp.from(since));
      q.setArray(3, ids);
      q.setTimestamp(4, java.sql.Timestamp.from(since));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          projects.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
          prefixes.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(prefix(rs.getString(3), prefixLen));
        }
      }
    }
    Map<String, int[]> out = new LinkedHashMap<>();
    for (String s : suppliers) {
      out.put(s, new int[] {projects.getOrDefault(s, Set.of()).size(), prefixes.getOrDefault(s, Set.of()).size()});
    }
    return out;
  }

  static Map<String, BuyerFigures> buyerFigures(Connection c, Collection<String> buyers, java.time.Instant since)
      throws Exception {
    Map<String, BuyerFigures> out = new LinkedHashMap<>();
    if (buyers.isEmpty()) return out;
    Map<String, int[]> counts = bidCounts(c, "b", buyers, since);
    for (String b : buyers) out.put(b, new BuyerFigures(counts.get(b)[0], counts.get(b)[1]));
    return out;
  }

  /**
   * R024/R058: the winner's lowest valid bid and the lowest valid bid of anyone else, for each process; {@code null}
   * for a process that is not in the population (not awarded, cancelled, awarded before {@code since}).
   */
  static Map<String, ProcessFigures> processFigures(Connection c, Collection<String> projectIds, java.time.Instant since)
      throws Exception {
    Map<String, ProcessFigures> out = new LinkedHashMap<>();
    for (String p : projectIds) out.put(p, null);
    for (List<String> chunk : PatternSql.chunks(projectIds)) {
      Map<String, String[]> awarded = new HashMap<>();
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "id"),
          "p.project_id, p.buyer, p.award_supplier, p.cancelled, p.award_at", "xp_project p WHERE p.project_id = k.id"))) {
        q.setArray(1, PatternSql.strings(c, chunk));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            if (rs.getBoolean(4) || rs.getString(3) == null) continue;
            if (rs.getTimestamp(5) == null || rs.getTimestamp(5).toInstant().isBefore(since)) continue;
            awarded.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
          }
        }
      }
      if (awarded.isEmpty()) continue;
      Map<String, BigDecimal[]> amounts = new HashMap<>();
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "id"),
          "b.project_id, b.supplier, b.amount", "xp_bid b WHERE b.project_id = k.id AND NOT b.disqualified"))) {
        q.setArray(1, PatternSql.strings(c, awarded.keySet()));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            String winner = awarded.get(rs.getString(1))[1];
            BigDecimal[] m = amounts.computeIfAbsent(rs.getString(1), k -> new BigDecimal[2]);
            BigDecimal a = rs.getBigDecimal(3);
            if (rs.getString(2).equals(winner)) m[0] = a;
            else if (m[1] == null || a.compareTo(m[1]) < 0) m[1] = a;
          }
        }
      }
      for (var e : awarded.entrySet()) {
        BigDecimal[] m = amounts.getOrDefault(e.getKey(), new BigDecimal[2]);
        out.put(e.getKey(), new ProcessFigures(e.getValue()[0], e.getValue()[1], m[0], m[1]));
      }
    }
    return out;
  }

  /**
   * The live contracts (cancelled projects excluded) of each buyer, whole: what XP01–XP03 were computed from before
   * the contract sums of V10, kept as the reference that {@code ContractGroupsTest} compares {@link ContractGroups} with.
   */
  static Map<String, List<BuyerRules.Contract>> contracts(Connection c, Collection<String> buyers) throws Exception {
    Map<String, List<BuyerRules.Contract>> out = new LinkedHashMap<>();
    for (String b : buyers) out.put(b, new ArrayList<>());
    for (List<String> chunk : PatternSql.chunks(buyers)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "b"),
          "p.buyer, w.project_id, w.contract_id, w.supplier, p.category, p.category_kind, p.fiscal_year, p.method,"
              + " w.amount, w.signed_at", "xp_project p JOIN xp_contract w ON w.project_id = p.project_id"
              + " WHERE p.buyer = k.b AND NOT p.cancelled"))) {
        q.setArray(1, PatternSql.strings(c, chunk));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            String m = rs.getString(8);
            out.get(rs.getString(1)).add(new BuyerRules.Contract(rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), CategoryKind.valueOf(rs.getString(6)), rs.getInt(7), m == null ? null : Method.valueOf(m),
                rs.getBigDecimal(9), rs.getTimestamp(10).toInstant()));
          }
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
