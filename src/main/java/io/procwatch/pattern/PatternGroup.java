package io.procwatch.pattern;

import io.procwatch.infra.Sql;
import io.procwatch.infra.Vendor;
import io.procwatch.project.Fact;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One group of project events applied to the pattern tables with a bounded number of statements: the projects of
 * the group, the bid rows and contracts the facts touch are read in a few queries (keys joined from an array); the facts are
 * applied in journal order to that state in memory; the result is written back with one JDBC batch per table and
 * kind of write, the bid counters ({@code xp_bid_count}) as one batch of upserts in a fixed key order (so two
 * projection instances that touch the same buyer never deadlock), then the contract sums of XP01/XP02
 * ({@code xp_buyer_category}, {@code xp_buyer_supplier}: each changed project's contribution after the group minus
 * before it) likewise, and the owners and contract groups to check as one batch.
 *
 * <p>What it decides is what the former row-at-a-time handler decided: an envelope at or below a project's
 * {@code last_seq} is a replay and skipped; a fact about a project that was never registered counts nothing.
 */
final class PatternGroup {
  /** The facts of one journal row that an XP rule reads, with the row's sequence number. */
  record Item(long seq, String projectId, List<Fact> facts) {}

  /** True for the fact types some XP rule reads; every other fact is dropped before any statement. */
  static boolean read(Fact.Data d) {
    return d instanceof Fact.ProjectRegistered || d instanceof Fact.MethodApproved || d instanceof Fact.BidReceived
        || d instanceof Fact.BidDisqualified || d instanceof Fact.AwardPublished || d instanceof Fact.ProcurementFailed
        || d instanceof Fact.ContractSigned || d instanceof Fact.ContractAmended || d instanceof Fact.ProjectCancelled;
  }

  /** Marks (owners packed into rows of {@code xp_dirty}, {@link Marks}): what the checker reloads. */
  static final String BUYER = "buyer@"; // the buyer's contracts (XP01–XP03) and its bid figures (XP07)
  static final String BUYER_BIDS = "buyerbids@"; // only the buyer's bid figures (XP07)
  static final String SUPPLIER = "supplier@";
  static final String PROJECT = "project@";
  /**
   * XP01 and XP02 of one buyer and fiscal year, for one category: {@code buyeryear@<year>␟<category>␟<buyer>} (␟ is
   * U+001F, which no identifier carries). Only a cache invalidation for the checker: the buyer itself is marked too.
   */
  static final String BUYER_YEAR = "buyeryear@";
  /** XP03 of one buyer and one supplier's single-source contracts: {@code buyersole@<supplier>␟<buyer>}. */
  static final String BUYER_SOLE = "buyersole@";
  static final char SEP = '\u001f';
  static final String SINGLE_SOURCE = Fact.Method.SINGLE_SOURCE.name();

  private static final class Project {
    final String id;
    String buyer, category, kind, method, awardSupplier;
    int fiscalYear;
    boolean cancelled, isNew, changed;
    BigDecimal awardAmount;
    Instant awardAt;
    long lastSeq;

    Project(String id) {
      this.id = id;
    }
  }

  private static final class Bid {
    final String projectId, supplier, buyer;
    BigDecimal amount;
    int bids;
    boolean disqualified, isNew, changed;
    final Instant receivedAt;
    /** The project's award time (V12), kept on the row for XP04's first month; null while not awarded. */
    Instant awardAt;

    Bid(String projectId, String supplier, String buyer, BigDecimal amount, int bids, boolean disqualified, Instant receivedAt,
        Instant awardAt) {
      this.projectId = projectId;
      this.supplier = supplier;
      this.buyer = buyer;
      this.amount = amount;
      this.bids = bids;
      this.disqualified = disqualified;
      this.receivedAt = receivedAt;
      this.awardAt = awardAt;
    }
  }

  private static final class Contract {
    final String projectId, contractId;
    String supplier;
    BigDecimal amount;
    Instant signedAt;
    boolean isNew, changed;

    Contract(String projectId, String contractId) {
      this.projectId = projectId;
      this.contractId = contractId;
    }
  }

  record CountKey(String kind, String owner, int ym) implements Comparable<CountKey> {
    @Override
    public int compareTo(CountKey o) {
      int c = kind.compareTo(o.kind);
      if (c == 0) c = owner.compareTo(o.owner);
      return c != 0 ? c : Integer.compare(ym, o.ym);
    }
  }

  private final Connection conn;
  private final Vendor vendor;
  private final Map<String, Project> projects = new HashMap<>();
  /** Bid rows by project, then supplier; for a project in {@link #whole} every row of the project. */
  private final Map<String, Map<String, Bid>> bids = new HashMap<>();
  private final Map<String, Map<String, Contract>> contracts = new HashMap<>();
  private final Set<String> whole = new HashSet<>();
  private final Map<CountKey, int[]> counts = new TreeMap<>();
  private final Set<String> dirty = new LinkedHashSet<>();
  /** The projects whose contracts were read: their contribution to the contract sums before the group's facts. */
  private final Map<String, Before> contractsBefore = new HashMap<>();
  private final Map<SumKey, Sum> categorySums = new TreeMap<>();
  private final Map<SumKey, Sum> supplierSums = new TreeMap<>();
  /** The projects whose award, contracts or cancellation the group may change (their contracts were read). */
  private final Set<String> touched = new HashSet<>();
  /** XP06: processes added per (supplier, month of its latest touch, category), V11; key (supplier, ym, category). */
  private final Map<SumKey, int[]> supplierProcesses = new TreeMap<>();
  /** XP04: {processes, wins} added per (supplier, month of the award), V12; key (supplier, ym). */
  private final Map<SumKey, int[]> supplierAwards = new TreeMap<>();

  /**
   * A row of {@code xp_buyer_category} (key: category, kind, method) or {@code xp_buyer_supplier} (key: supplier);
   * compared in code-point order so that the upserts take their row locks in one order in every projection instance.
   */
  /** What XP01–XP03 read of a project before the group: its signature, method and contract suppliers. */
  private record Before(String signature, String method, Set<String> suppliers) {}

  record SumKey(String buyer, int fiscalYear, String a, String b, String c) implements Comparable<SumKey> {
    @Override
    public int compareTo(SumKey o) {
      int r = PatternSql.compareCodePoints(buyer, o.buyer);
      if (r == 0) r = Integer.compare(fiscalYear, o.fiscalYear);
      if (r == 0) r = PatternSql.compareCodePoints(a, o.a);
      if (r == 0) r = PatternSql.compareCodePoints(b, o.b);
      return r != 0 ? r : PatternSql.compareCodePoints(c, o.c);
    }
  }

  /** An amount and a number of contracts, added to a row of the sums. */
  static final class Sum {
    BigDecimal amount = BigDecimal.ZERO;
    int contracts;

    void add(BigDecimal a, int n) {
      amount = amount.add(a);
      contracts += n;
    }

    boolean isZero() {
      return amount.signum() == 0 && contracts == 0;
    }
  }

  PatternGroup(Connection conn, Vendor vendor) {
    this.conn = conn;
    this.vendor = vendor;
  }

  void run(List<Item> items) throws Exception {
    load(items);
    for (String id : contracts.keySet()) {
      Project p = projects.get(id);
      Set<String> suppliers = new TreeSet<>();
      for (Contract k : contracts.get(id).values()) suppliers.add(k.supplier);
      contractsBefore.put(id, new Before(signature(id), p == null ? null : p.method, suppliers));
      contribute(id, -1);
    }
    for (String id : touched) processes(id, -1);
    awards(-1);
    for (Item item : items) {
      Project p = projects.get(item.projectId());
      if (p != null && item.seq() <= p.lastSeq) continue; // already counted: a replay
      for (Fact f : item.facts()) apply(f, item.seq());
      p = projects.get(item.projectId());
      if (p != null) {
        p.lastSeq = item.seq();
        p.changed = true;
      }
    }
    for (String id : contracts.keySet()) {
      contribute(id, 1);
      Before before = contractsBefore.get(id);
      if (before == null || !before.signature().equals(signature(id))) markContracts(id, before);
    }
    for (String id : touched) processes(id, 1);
    copyAwardTimes();
    awards(1);
    write();
  }

  /**
   * Adds (sign 1) or subtracts (sign −1) what the project's contracts add to the contract sums now: nothing for a
   * cancelled or unknown project. Contracts are kept only with their journal-facing 2 decimals (Validation), as stored.
   */
  private void contribute(String id, int sign) {
    Project p = projects.get(id);
    if (p == null || p.cancelled) return;
    for (Contract k : contracts.getOrDefault(id, Map.of()).values()) {
      BigDecimal a = sign < 0 ? k.amount.negate() : k.amount;
      String method = p.method == null ? "" : p.method;
      categorySums.computeIfAbsent(new SumKey(p.buyer, p.fiscalYear, p.category, p.kind, method), x -> new Sum()).add(a, sign);
      supplierSums.computeIfAbsent(new SumKey(p.buyer, p.fiscalYear, k.supplier, "", ""), x -> new Sum()).add(a, sign);
    }
  }

  /**
   * XP06: adds (sign 1) or subtracts (sign −1) the project's row for each supplier it counts for now — the supplier it
   * is awarded to and those of its contracts, in the month of that supplier's latest award or signing (Shanghai), under
   * its category; nothing for a cancelled or unknown project. A supplier both awarded and contracted counts once.
   */
  private void processes(String id, int sign) {
    Project p = projects.get(id);
    if (p == null || p.cancelled) return;
    Map<String, Instant> last = new HashMap<>();
    if (p.awardSupplier != null && p.awardAt != null) last.put(p.awardSupplier, p.awardAt);
    for (Contract k : contracts.getOrDefault(id, Map.of()).values()) {
      last.merge(k.supplier, k.signedAt, (a, b) -> a.isAfter(b) ? a : b);
    }
    for (var e : last.entrySet()) {
      supplierProcesses.computeIfAbsent(new SumKey(e.getKey(), PatternSql.ym(e.getValue()), p.category, "", ""),
          x -> new int[1])[0] += sign;
    }
  }

  /**
   * XP04: adds (sign 1) or subtracts (sign −1) what each bid row in memory adds to its supplier's award counts now — a
   * process, and a win if the supplier is the one it is awarded to, in the Shanghai month of the award — for a valid
   * bid in a process that is awarded and not cancelled. A row's part depends only on the row and its project; the
   * facts that change a project's award or cancellation make the group read all its rows ({@link #load}), and a bid
   * or a disqualification reads its own row, so the rows not read keep what they added.
   */
  private void awards(int sign) {
    for (Map<String, Bid> rows : bids.values()) {
      for (Bid b : rows.values()) {
        Project p = projects.get(b.projectId);
        if (p == null || p.cancelled || p.awardSupplier == null || p.awardAt == null || b.disqualified) continue;
        int[] n = supplierAwards.computeIfAbsent(new SumKey(b.supplier, PatternSql.ym(p.awardAt), "", "", ""),
            x -> new int[2]);
        n[0] += sign;
        if (b.supplier.equals(p.awardSupplier)) n[1] += sign;
      }
    }
  }

  /**
   * Each bid row in memory takes its project's award time (XP04's first month is an index range over it); the rows
   * not read belong to projects whose award the group did not change.
   */
  private void copyAwardTimes() {
    for (Map<String, Bid> rows : bids.values()) {
      for (Bid b : rows.values()) {
        Project p = projects.get(b.projectId);
        Instant at = p == null ? null : p.awardAt;
        if (java.util.Objects.equals(b.awardAt, at)) continue;
        b.awardAt = at;
        b.changed = true;
      }
    }
  }

  /** Everything XP01–XP03 read of a project: its method, whether cancelled, and its contracts. */
  private String signature(String id) {
    Project p = projects.get(id);
    StringBuilder b = new StringBuilder();
    if (p != null) b.append(p.method).append(SEP).append(p.cancelled);
    for (Contract k : contracts.getOrDefault(id, Map.of()).values()) {
      b.append(SEP).append(SEP).append(k.contractId).append(SEP).append(k.supplier).append(SEP).append(k.amount.toPlainString())
          .append(SEP).append(k.signedAt);
    }
    return b.toString();
  }

  /**
   * The groups of XP01–XP03 whose figures the project's changed contracts, method or cancellation touch: its buyer's
   * year and category, and (if the project is or was single-source) each of its contract suppliers, before and after.
   */
  private void markContracts(String id, Before before) {
    Project p = projects.get(id);
    if (p == null) return;
    dirty.add(BUYER_YEAR + p.fiscalYear + SEP + p.category + SEP + p.buyer);
    boolean sole = SINGLE_SOURCE.equals(p.method) || (before != null && SINGLE_SOURCE.equals(before.method()));
    if (!sole) return;
    Set<String> suppliers = new TreeSet<>();
    for (Contract k : contracts.getOrDefault(id, Map.of()).values()) suppliers.add(k.supplier);
    if (before != null) suppliers.addAll(before.suppliers());
    for (String s : suppliers) dirty.add(BUYER_SOLE + s + SEP + p.buyer);
  }

  // ------------------------------------------------------------------ reading the state the group touches

  private void load(List<Item> items) throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    Set<String> contractProjects = new HashSet<>();
    for (Item item : items) {
      ids.add(item.projectId());
      for (Fact f : item.facts()) {
        Fact.Data d = f.data();
        if (d instanceof Fact.AwardPublished || d instanceof Fact.ProcurementFailed || d instanceof Fact.ProjectCancelled) {
          whole.add(item.projectId()); // everyone the project touches is marked; a cancellation takes its bids out
          contractProjects.add(item.projectId());
        } else if (d instanceof Fact.ContractSigned || d instanceof Fact.ContractAmended || d instanceof Fact.MethodApproved) {
          // a method moves the project's contracts between the sums of XP01 (and in or out of XP03's)
          contractProjects.add(item.projectId());
        }
      }
    }
    for (List<String> chunk : PatternSql.chunks(ids)) {
      try (PreparedStatement q = conn.prepareStatement(PatternSql.perKey(conn, PatternSql.keys("k", "id"),
          "p.project_id, p.buyer, p.category, p.category_kind, p.fiscal_year, p.method, p.cancelled, p.award_supplier,"
              + " p.award_amount, p.award_at, p.last_seq", "xp_project p WHERE p.project_id = k.id"))) {
        q.setArray(1, PatternSql.strings(conn, chunk));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            Project p = new Project(rs.getString(1));
            p.buyer = rs.getString(2);
            p.category = rs.getString(3);
            p.kind = rs.getString(4);
            p.fiscalYear = rs.getInt(5);
            p.method = rs.getString(6);
            p.cancelled = rs.getBoolean(7);
            p.awardSupplier = rs.getString(8);
            p.awardAmount = rs.getBigDecimal(9);
            java.sql.Timestamp at = rs.getTimestamp(10);
            p.awardAt = at == null ? null : at.toInstant();
            p.lastSeq = rs.getLong(11);
            projects.put(p.id, p);
          }
        }
      }
    }
    String bidColumns = "b.project_id, b.supplier, b.buyer, b.amount, b.bids, b.disqualified, b.received_at, b.award_at";
    for (List<String> chunk : PatternSql.chunks(whole)) {
      try (PreparedStatement q = conn.prepareStatement(PatternSql.perKey(conn, PatternSql.keys("k", "id"), bidColumns,
          "xp_bid b WHERE b.project_id = k.id"))) {
        q.setArray(1, PatternSql.strings(conn, chunk));
        readBids(q);
      }
    }
    // the rows of the group's (project, supplier) pairs, for the projects not read whole
    List<String[]> pairs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Item item : items) {
      if (whole.contains(item.projectId())) continue;
      for (Fact f : item.facts()) {
        String s = f.data() instanceof Fact.BidReceived b ? b.supplier()
            : f.data() instanceof Fact.BidDisqualified d ? d.supplier() : null;
        if (s != null && seen.add(item.projectId() + '\u0000' + s)) pairs.add(new String[] {item.projectId(), s});
      }
    }
    for (List<String[]> chunk : PatternSql.chunks(pairs)) {
      try (PreparedStatement q = conn.prepareStatement(PatternSql.perKey(conn,
          "UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY)) AS k(project_id, supplier)", bidColumns,
          "xp_bid b WHERE b.project_id = k.project_id AND b.supplier = k.supplier"))) {
        List<String> ps = new ArrayList<>(), ss = new ArrayList<>();
        for (String[] pair : chunk) {
          ps.add(pair[0]);
          ss.add(pair[1]);
        }
        q.setArray(1, PatternSql.strings(conn, ps));
        q.setArray(2, PatternSql.strings(conn, ss));
        readBids(q);
      }
    }
    touched.addAll(contractProjects);
    for (List<String> chunk : PatternSql.chunks(contractProjects)) {
      try (PreparedStatement q = conn.prepareStatement(PatternSql.perKey(conn, PatternSql.keys("k", "id"),
          "c.project_id, c.contract_id, c.supplier, c.amount, c.signed_at", "xp_contract c WHERE c.project_id = k.id"))) {
        q.setArray(1, PatternSql.strings(conn, chunk));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            Contract k = new Contract(rs.getString(1), rs.getString(2));
            k.supplier = rs.getString(3);
            k.amount = rs.getBigDecimal(4);
            k.signedAt = rs.getTimestamp(5).toInstant();
            contracts.computeIfAbsent(k.projectId, x -> new LinkedHashMap<>()).put(k.contractId, k);
          }
        }
      }
    }
  }

  private void readBids(PreparedStatement q) throws SQLException {
    try (ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        String p = rs.getString(1), s = rs.getString(2);
        java.sql.Timestamp awardAt = rs.getTimestamp(8);
        Bid b = new Bid(p, s, rs.getString(3), rs.getBigDecimal(4), rs.getInt(5), rs.getBoolean(6),
            rs.getTimestamp(7).toInstant(), awardAt == null ? null : awardAt.toInstant());
        bids.computeIfAbsent(p, x -> new LinkedHashMap<>()).put(s, b);
      }
    }
  }

  // ------------------------------------------------------------------ applying the facts in memory

  private void apply(Fact fact, long seq) {
    String id = fact.projectId();
    Fact.Data data = fact.data();
    Project p = projects.get(id);
    if (data instanceof Fact.ProjectRegistered r) {
      if (p == null) {
        p = new Project(id);
        p.buyer = r.buyer();
        p.category = r.category();
        p.kind = r.categoryKind().name();
        p.fiscalYear = r.fiscalYear();
        p.lastSeq = seq - 1;
        p.isNew = true;
        projects.put(id, p);
        // a project without contracts or bids changes no figure: nothing to check yet
      }
      return;
    }
    if (p == null) return; // the entity never accepts a fact before the registration; nothing to count
    p.changed = true;
    if (data instanceof Fact.MethodApproved m) {
      p.method = m.method().name();
      dirty.add(BUYER + p.buyer); // XP01 and XP03 read the method
    } else if (data instanceof Fact.BidReceived b) {
      Map<String, Bid> rows = bids.computeIfAbsent(id, x -> new LinkedHashMap<>());
      Bid row = rows.get(b.supplier());
      if (row == null) {
        row = new Bid(id, b.supplier(), p.buyer, b.amount(), 1, false, fact.occurredAt(), p.awardAt);
        row.isNew = true;
        rows.put(b.supplier(), row);
      } else {
        row.bids++;
        if (row.amount.compareTo(b.amount()) > 0) row.amount = b.amount();
        row.changed = true;
      }
      if (!p.cancelled) count(row, 1, row.disqualified ? 1 : 0);
      markBid(p, b.supplier());
    } else if (data instanceof Fact.BidDisqualified d) {
      Bid row = bids.getOrDefault(id, Map.of()).get(d.supplier());
      if (row != null && !row.disqualified) {
        row.disqualified = true;
        row.changed = true;
        if (!p.cancelled) count(row, 0, row.bids);
      }
      markBid(p, d.supplier());
    } else if (data instanceof Fact.AwardPublished a) {
      markAll(p, false);
      p.awardSupplier = a.supplier();
      p.awardAmount = a.amount();
      p.awardAt = fact.occurredAt();
      dirty.add(SUPPLIER + a.supplier());
    } else if (data instanceof Fact.ProcurementFailed) {
      // a re-tender: the failed round's award no longer stands (its bids stay counted as submitted)
      markAll(p, false);
      p.awardSupplier = null;
      p.awardAmount = null;
      p.awardAt = null;
    } else if (data instanceof Fact.ContractSigned c) {
      Contract k = contracts.computeIfAbsent(id, x -> new LinkedHashMap<>()).get(c.contractId());
      if (k == null) {
        k = new Contract(id, c.contractId());
        k.isNew = true;
        contracts.get(id).put(c.contractId(), k);
      } else {
        k.changed = true;
      }
      k.supplier = c.supplier();
      k.amount = c.amount();
      k.signedAt = fact.occurredAt();
      dirty.add(BUYER + p.buyer);
      dirty.add(SUPPLIER + c.supplier());
    } else if (data instanceof Fact.ContractAmended a) {
      // the latest contract of the project takes the amendment (the vocabulary names no contract)
      Contract latest = null;
      for (Contract k : contracts.getOrDefault(id, Map.of()).values()) {
        if (latest == null || k.signedAt.isAfter(latest.signedAt)
            || (k.signedAt.equals(latest.signedAt) && PatternSql.compareCodePoints(k.contractId, latest.contractId) > 0)) {
          latest = k;
        }
      }
      if (latest != null) {
        latest.amount = latest.amount.add(a.amountDelta());
        latest.changed = true;
      }
      dirty.add(BUYER + p.buyer);
    } else if (data instanceof Fact.ProjectCancelled) {
      if (!p.cancelled) {
        p.cancelled = true;
        // its bids leave every sum of submitted and disqualified bids
        for (Bid row : bids.getOrDefault(id, Map.of()).values()) count(row, -row.bids, row.disqualified ? -row.bids : 0);
      }
      markAll(p, true);
    }
  }

  private void count(Bid row, int submitted, int disqualified) {
    if (submitted == 0 && disqualified == 0) return;
    int ym = PatternSql.ym(row.receivedAt);
    add(new CountKey("b", row.buyer, ym), submitted, disqualified);
    add(new CountKey("s", row.supplier, ym), submitted, disqualified);
  }

  private void add(CountKey key, int submitted, int disqualified) {
    int[] c = counts.computeIfAbsent(key, k -> new int[2]);
    c[0] += submitted;
    c[1] += disqualified;
  }

  /**
   * A bid or a disqualification: the buyer's and the supplier's bid figures (XP07, and the supplier's XP04 if the
   * process is awarded); the process's price gap (XP05) only matters once it is awarded.
   */
  private void markBid(Project p, String supplier) {
    dirty.add(BUYER_BIDS + p.buyer);
    dirty.add(SUPPLIER + supplier);
    if (p.awardSupplier != null) dirty.add(PROJECT + p.id);
  }

  /**
   * Everyone whose figures the project touches: its bidders, award winner and contract suppliers, the process, and
   * (for a cancellation, which takes its contracts and bids out) its buyer. An award or a failed round changes
   * nothing a buyer rule reads (XP01–XP03 read contracts, XP07 bids).
   */
  private void markAll(Project p, boolean buyer) {
    if (buyer) dirty.add(BUYER + p.buyer);
    dirty.add(PROJECT + p.id);
    for (String s : bids.getOrDefault(p.id, Map.of()).keySet()) dirty.add(SUPPLIER + s);
    for (Contract k : contracts.getOrDefault(p.id, Map.of()).values()) dirty.add(SUPPLIER + k.supplier);
    if (p.awardSupplier != null) dirty.add(SUPPLIER + p.awardSupplier);
  }

  // ------------------------------------------------------------------ writing back, one batch per kind

  private void write() throws Exception {
    if (vendor == Vendor.POSTGRESQL) {
      writeSets();
      return;
    }
    List<Project> inserted = new ArrayList<>(), updated = new ArrayList<>();
    for (Project p : projects.values()) {
      if (p.isNew) inserted.add(p);
      else if (p.changed) updated.add(p);
    }
    if (!inserted.isEmpty()) {
      batch("INSERT INTO xp_project (project_id, buyer, category, category_kind, fiscal_year, method, cancelled,"
          + " award_supplier, award_amount, award_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserted, (ps, p) -> {
            ps.setString(1, p.id);
            ps.setString(2, p.buyer);
            ps.setString(3, p.category);
            ps.setString(4, p.kind);
            ps.setInt(5, p.fiscalYear);
            projectState(ps, 6, p);
          });
    }
    if (!updated.isEmpty()) {
      batch("UPDATE xp_project SET method = ?, cancelled = ?, award_supplier = ?, award_amount = ?, award_at = ?,"
          + " last_seq = ? WHERE project_id = ?", updated, (ps, p) -> {
            projectState(ps, 1, p);
            ps.setString(7, p.id);
          });
    }
    List<Bid> newBids = new ArrayList<>(), changedBids = new ArrayList<>();
    splitBids(newBids, changedBids);
    if (!newBids.isEmpty()) {
      batch("INSERT INTO xp_bid (project_id, supplier, buyer, amount, bids, disqualified, received_at, award_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", newBids, (ps, b) -> {
            ps.setString(1, b.projectId);
            ps.setString(2, b.supplier);
            ps.setString(3, b.buyer);
            ps.setBigDecimal(4, b.amount);
            ps.setInt(5, b.bids);
            ps.setBoolean(6, b.disqualified);
            Sql.setInstant(ps, 7, b.receivedAt);
            Sql.setInstant(ps, 8, b.awardAt);
          });
    }
    if (!changedBids.isEmpty()) {
      batch("UPDATE xp_bid SET amount = ?, bids = ?, disqualified = ?, award_at = ? WHERE project_id = ? AND supplier = ?",
          changedBids, (ps, b) -> {
            ps.setBigDecimal(1, b.amount);
            ps.setInt(2, b.bids);
            ps.setBoolean(3, b.disqualified);
            Sql.setInstant(ps, 4, b.awardAt);
            ps.setString(5, b.projectId);
            ps.setString(6, b.supplier);
          });
    }
    List<Contract> newContracts = new ArrayList<>(), changedContracts = new ArrayList<>();
    splitContracts(newContracts, changedContracts);
    if (!newContracts.isEmpty()) {
      batch("INSERT INTO xp_contract (project_id, contract_id, supplier, amount, signed_at) VALUES (?, ?, ?, ?, ?)",
          newContracts, (ps, k) -> {
            ps.setString(1, k.projectId);
            ps.setString(2, k.contractId);
            ps.setString(3, k.supplier);
            ps.setBigDecimal(4, k.amount);
            Sql.setInstant(ps, 5, k.signedAt);
          });
    }
    if (!changedContracts.isEmpty()) {
      batch("UPDATE xp_contract SET supplier = ?, amount = ?, signed_at = ? WHERE project_id = ? AND contract_id = ?",
          changedContracts, (ps, k) -> {
            ps.setString(1, k.supplier);
            ps.setBigDecimal(2, k.amount);
            Sql.setInstant(ps, 3, k.signedAt);
            ps.setString(4, k.projectId);
            ps.setString(5, k.contractId);
          });
    }
    if (!dirty.isEmpty()) {
      batch("INSERT INTO xp_dirty (owners) VALUES (?)", Marks.pack(dirty), (ps, owners) -> ps.setString(1, owners));
    }
    writeCounts();
    writeSums();
  }

  private void splitBids(List<Bid> inserted, List<Bid> updated) {
    for (Map<String, Bid> rows : bids.values()) {
      for (Bid b : rows.values()) {
        if (b.isNew) inserted.add(b);
        else if (b.changed) updated.add(b);
      }
    }
  }

  private void splitContracts(List<Contract> inserted, List<Contract> updated) {
    for (Map<String, Contract> rows : contracts.values()) {
      for (Contract k : rows.values()) {
        if (k.isNew) inserted.add(k);
        else if (k.changed) updated.add(k);
      }
    }
  }

  /**
   * PostgreSQL: each kind of write is one statement over all rows of the group, the rows passed as one text array per
   * column and cast in SQL ({@code INSERT … SELECT … FROM UNNEST}, {@code UPDATE … FROM UNNEST}): at most ten
   * executions a group instead of one per row (a JDBC batch saves the round trips, not the executions).
   */
  private void writeSets() throws Exception {
    List<Object[]> inserted = new ArrayList<>(), updated = new ArrayList<>();
    for (Project p : projects.values()) {
      Object[] state = {p.method, p.cancelled, p.awardSupplier, p.awardAmount, p.awardAt, p.lastSeq};
      if (p.isNew) inserted.add(concat(new Object[] {p.id, p.buyer, p.category, p.kind, p.fiscalYear}, state));
      else if (p.changed) updated.add(concat(new Object[] {p.id}, state));
    }
    String[] state = {"method VARCHAR", "cancelled BOOLEAN", "award_supplier VARCHAR", "award_amount NUMERIC",
        "award_at TIMESTAMP WITH TIME ZONE", "last_seq BIGINT"};
    insert("xp_project", concat(new String[] {"project_id VARCHAR", "buyer VARCHAR", "category VARCHAR",
        "category_kind VARCHAR", "fiscal_year INTEGER"}, state), inserted, "");
    update("xp_project", new String[] {"project_id VARCHAR"}, state, updated);
    List<Bid> newBids = new ArrayList<>(), changedBids = new ArrayList<>();
    splitBids(newBids, changedBids);
    List<Object[]> rows = new ArrayList<>();
    for (Bid b : newBids) {
      rows.add(new Object[] {b.projectId, b.supplier, b.buyer, b.amount, b.bids, b.disqualified, b.receivedAt, b.awardAt});
    }
    insert("xp_bid", new String[] {"project_id VARCHAR", "supplier VARCHAR", "buyer VARCHAR", "amount NUMERIC",
        "bids INTEGER", "disqualified BOOLEAN", "received_at TIMESTAMP WITH TIME ZONE", "award_at TIMESTAMP WITH TIME ZONE"},
        rows, "");
    rows = new ArrayList<>();
    for (Bid b : changedBids) rows.add(new Object[] {b.projectId, b.supplier, b.amount, b.bids, b.disqualified, b.awardAt});
    update("xp_bid", new String[] {"project_id VARCHAR", "supplier VARCHAR"},
        new String[] {"amount NUMERIC", "bids INTEGER", "disqualified BOOLEAN", "award_at TIMESTAMP WITH TIME ZONE"}, rows);
    List<Contract> newContracts = new ArrayList<>(), changedContracts = new ArrayList<>();
    splitContracts(newContracts, changedContracts);
    String[] contract = {"supplier VARCHAR", "amount NUMERIC", "signed_at TIMESTAMP WITH TIME ZONE"};
    rows = new ArrayList<>();
    for (Contract k : newContracts) rows.add(new Object[] {k.projectId, k.contractId, k.supplier, k.amount, k.signedAt});
    insert("xp_contract", concat(new String[] {"project_id VARCHAR", "contract_id VARCHAR"}, contract), rows, "");
    rows = new ArrayList<>();
    for (Contract k : changedContracts) rows.add(new Object[] {k.projectId, k.contractId, k.supplier, k.amount, k.signedAt});
    update("xp_contract", new String[] {"project_id VARCHAR", "contract_id VARCHAR"}, contract, rows);
    rows = new ArrayList<>();
    for (String owners : Marks.pack(dirty)) rows.add(new Object[] {owners});
    insert("xp_dirty", new String[] {"owners VARCHAR"}, rows, "");
    // last: the counter rows of a buyer are shared by all projection instances; locked as briefly as possible
    rows = new ArrayList<>();
    for (var e : counts.entrySet()) {
      int[] n = e.getValue();
      if (n[0] != 0 || n[1] != 0) rows.add(new Object[] {e.getKey().kind(), e.getKey().owner(), e.getKey().ym(), n[0], n[1]});
    }
    // in key order: the counter rows of a buyer are shared by all projection instances, and a fixed lock order means
    // two groups wait for each other instead of deadlocking
    insert("xp_bid_count", new String[] {"kind VARCHAR", "owner VARCHAR", "ym INTEGER", "submitted INTEGER",
        "disqualified INTEGER"}, rows, " ORDER BY 1, 2, 3 ON CONFLICT (kind, owner, ym) DO UPDATE SET"
            + " submitted = xp_bid_count.submitted + EXCLUDED.submitted,"
            + " disqualified = xp_bid_count.disqualified + EXCLUDED.disqualified");
    // the contract sums after the counters, each in key order: the same lock order in every instance
    rows = new ArrayList<>();
    for (var e : categorySums.entrySet()) {
      SumKey k = e.getKey();
      if (!e.getValue().isZero()) rows.add(new Object[] {k.buyer(), k.fiscalYear(), k.a(), k.b(), k.c(), e.getValue().amount,
          e.getValue().contracts});
    }
    insert("xp_buyer_category", new String[] {"buyer VARCHAR", "fiscal_year INTEGER", "category VARCHAR",
        "category_kind VARCHAR", "method VARCHAR", "amount NUMERIC", "contracts INTEGER"}, rows, " ORDER BY 1, 2, 3, 4, 5"
            + " ON CONFLICT (buyer, fiscal_year, category, category_kind, method) DO UPDATE SET"
            + " amount = xp_buyer_category.amount + EXCLUDED.amount, contracts = xp_buyer_category.contracts + EXCLUDED.contracts");
    rows = new ArrayList<>();
    for (var e : supplierSums.entrySet()) {
      SumKey k = e.getKey();
      if (!e.getValue().isZero()) rows.add(new Object[] {k.buyer(), k.fiscalYear(), k.a(), e.getValue().amount,
          e.getValue().contracts});
    }
    insert("xp_buyer_supplier", new String[] {"buyer VARCHAR", "fiscal_year INTEGER", "supplier VARCHAR", "amount NUMERIC",
        "contracts INTEGER"}, rows, " ORDER BY 1, 2, 3 ON CONFLICT (buyer, fiscal_year, supplier) DO UPDATE SET"
            + " amount = xp_buyer_supplier.amount + EXCLUDED.amount, contracts = xp_buyer_supplier.contracts + EXCLUDED.contracts");
    // XP06's process counts last, in key order likewise
    rows = new ArrayList<>();
    for (var e : supplierProcesses.entrySet()) {
      SumKey k = e.getKey();
      if (e.getValue()[0] != 0) rows.add(new Object[] {k.buyer(), k.fiscalYear(), k.a(), e.getValue()[0]});
    }
    insert("xp_supplier_process_count", new String[] {"supplier VARCHAR", "ym INTEGER", "category VARCHAR",
        "processes INTEGER"}, rows, " ORDER BY 1, 2, 3 ON CONFLICT (supplier, ym, category) DO UPDATE SET"
            + " processes = xp_supplier_process_count.processes + EXCLUDED.processes");
    // XP04's award counts after them, in key order likewise
    rows = new ArrayList<>();
    for (var e : supplierAwards.entrySet()) {
      int[] n = e.getValue();
      if (n[0] != 0 || n[1] != 0) rows.add(new Object[] {e.getKey().buyer(), e.getKey().fiscalYear(), n[0], n[1]});
    }
    insert("xp_supplier_award_count", new String[] {"supplier VARCHAR", "ym INTEGER", "processes INTEGER", "wins INTEGER"},
        rows, " ORDER BY 1, 2 ON CONFLICT (supplier, ym) DO UPDATE SET"
            + " processes = xp_supplier_award_count.processes + EXCLUDED.processes,"
            + " wins = xp_supplier_award_count.wins + EXCLUDED.wins");
  }

  /** H2: the contract sums, one MERGE a row in key order (retried like the counters). */
  private void writeSums() throws Exception {
    mergeSums("MERGE INTO xp_buyer_category t USING (VALUES (CAST(? AS VARCHAR(256)), CAST(? AS INTEGER),"
        + " CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(16)), CAST(? AS VARCHAR(32)), CAST(? AS NUMERIC(24, 2)),"
        + " CAST(? AS INTEGER))) s (buyer, fiscal_year, category, category_kind, method, amount, contracts)"
        + " ON t.buyer = s.buyer AND t.fiscal_year = s.fiscal_year AND t.category = s.category"
        + " AND t.category_kind = s.category_kind AND t.method = s.method"
        + " WHEN MATCHED THEN UPDATE SET amount = t.amount + s.amount, contracts = t.contracts + s.contracts"
        + " WHEN NOT MATCHED THEN INSERT (buyer, fiscal_year, category, category_kind, method, amount, contracts)"
        + " VALUES (s.buyer, s.fiscal_year, s.category, s.category_kind, s.method, s.amount, s.contracts)", categorySums, 3);
    mergeSums("MERGE INTO xp_buyer_supplier t USING (VALUES (CAST(? AS VARCHAR(256)), CAST(? AS INTEGER),"
        + " CAST(? AS VARCHAR(256)), CAST(? AS NUMERIC(24, 2)), CAST(? AS INTEGER))) s (buyer, fiscal_year, supplier,"
        + " amount, contracts) ON t.buyer = s.buyer AND t.fiscal_year = s.fiscal_year AND t.supplier = s.supplier"
        + " WHEN MATCHED THEN UPDATE SET amount = t.amount + s.amount, contracts = t.contracts + s.contracts"
        + " WHEN NOT MATCHED THEN INSERT (buyer, fiscal_year, supplier, amount, contracts)"
        + " VALUES (s.buyer, s.fiscal_year, s.supplier, s.amount, s.contracts)", supplierSums, 1);
    try (PreparedStatement ps = conn.prepareStatement("MERGE INTO xp_supplier_process_count t USING (VALUES"
        + " (CAST(? AS VARCHAR(256)), CAST(? AS INTEGER), CAST(? AS VARCHAR(64)), CAST(? AS INTEGER)))"
        + " s (supplier, ym, category, processes) ON t.supplier = s.supplier AND t.ym = s.ym AND t.category = s.category"
        + " WHEN MATCHED THEN UPDATE SET processes = t.processes + s.processes"
        + " WHEN NOT MATCHED THEN INSERT (supplier, ym, category, processes) VALUES (s.supplier, s.ym, s.category, s.processes)")) {
      for (var e : supplierProcesses.entrySet()) {
        if (e.getValue()[0] == 0) continue;
        ps.setString(1, e.getKey().buyer());
        ps.setInt(2, e.getKey().fiscalYear());
        ps.setString(3, e.getKey().a());
        ps.setInt(4, e.getValue()[0]);
        upsert(ps);
      }
    }
    try (PreparedStatement ps = conn.prepareStatement("MERGE INTO xp_supplier_award_count t USING (VALUES"
        + " (CAST(? AS VARCHAR(256)), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER)))"
        + " s (supplier, ym, processes, wins) ON t.supplier = s.supplier AND t.ym = s.ym"
        + " WHEN MATCHED THEN UPDATE SET processes = t.processes + s.processes, wins = t.wins + s.wins"
        + " WHEN NOT MATCHED THEN INSERT (supplier, ym, processes, wins) VALUES (s.supplier, s.ym, s.processes, s.wins)")) {
      for (var e : supplierAwards.entrySet()) {
        int[] n = e.getValue();
        if (n[0] == 0 && n[1] == 0) continue;
        ps.setString(1, e.getKey().buyer());
        ps.setInt(2, e.getKey().fiscalYear());
        ps.setInt(3, n[0]);
        ps.setInt(4, n[1]);
        upsert(ps);
      }
    }
  }

  private void mergeSums(String sql, Map<SumKey, Sum> sums, int keyColumns) throws Exception {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (var e : sums.entrySet()) {
        if (e.getValue().isZero()) continue;
        SumKey k = e.getKey();
        ps.setString(1, k.buyer());
        ps.setInt(2, k.fiscalYear());
        String[] rest = {k.a(), k.b(), k.c()};
        for (int i = 0; i < keyColumns; i++) ps.setString(3 + i, rest[i]);
        ps.setBigDecimal(3 + keyColumns, e.getValue().amount);
        ps.setInt(4 + keyColumns, e.getValue().contracts);
        upsert(ps);
      }
    }
  }

  /**
   * Runs an upsert of a counter row shared by the projection's instances, again when a concurrent instance's insert
   * of the same new key won the race (duplicate key: the next attempt finds the row and updates it), at most 5 times.
   */
  private static void upsert(PreparedStatement ps) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        ps.executeUpdate();
        return;
      } catch (SQLException ex) {
        if (attempt >= 5 || !"23505".equals(ex.getSQLState())) throw ex;
      }
    }
  }

  /** {@code INSERT INTO table (columns) SELECT casts FROM UNNEST(arrays) AS k(columns) tail}; columns "name TYPE". */
  private void insert(String table, String[] columns, List<Object[]> rows, String tail) throws SQLException {
    if (rows.isEmpty()) return;
    StringBuilder names = new StringBuilder(), casts = new StringBuilder();
    for (String col : columns) {
      String name = col.substring(0, col.indexOf(' '));
      if (names.length() > 0) {
        names.append(", ");
        casts.append(", ");
      }
      names.append(name);
      casts.append("CAST(k.").append(name).append(" AS ").append(col.substring(col.indexOf(' ') + 1)).append(')');
    }
    set("INSERT INTO " + table + " (" + names + ") SELECT " + casts + " FROM " + unnest(columns.length, names) + tail, rows);
  }

  /** {@code UPDATE table t SET column = cast, … FROM UNNEST(arrays) AS k(keys, columns) WHERE t.key = k.key …}. */
  private void update(String table, String[] keys, String[] columns, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) return;
    StringBuilder names = new StringBuilder(), sets = new StringBuilder(), where = new StringBuilder();
    for (String key : keys) {
      String name = key.substring(0, key.indexOf(' '));
      if (names.length() > 0) {
        names.append(", ");
        where.append(" AND ");
      }
      names.append(name);
      where.append("t.").append(name).append(" = k.").append(name);
    }
    for (String col : columns) {
      String name = col.substring(0, col.indexOf(' '));
      names.append(", ").append(name);
      if (sets.length() > 0) sets.append(", ");
      sets.append(name).append(" = CAST(k.").append(name).append(" AS ").append(col.substring(col.indexOf(' ') + 1)).append(')');
    }
    set("UPDATE " + table + " t SET " + sets + " FROM " + unnest(keys.length + columns.length, names) + " WHERE " + where,
        rows);
  }

  private static String unnest(int n, CharSequence names) {
    StringBuilder u = new StringBuilder("UNNEST(");
    for (int i = 0; i < n; i++) u.append(i == 0 ? "" : ", ").append("CAST(? AS VARCHAR ARRAY)");
    return u.append(") AS k(").append(names).append(')').toString();
  }

  /** Binds column i of every row, as text, to parameter i. */
  private void set(String sql, List<Object[]> rows) throws SQLException {
    int n = rows.get(0).length;
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < n; i++) {
        String[] column = new String[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
          Object v = rows.get(r)[i];
          column[r] = v == null ? null : v instanceof BigDecimal d ? d.toPlainString() : v.toString();
        }
        ps.setArray(i + 1, conn.createArrayOf("VARCHAR", column));
      }
      ps.executeUpdate();
    }
  }

  private static <T> T[] concat(T[] a, T[] b) {
    T[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void projectState(PreparedStatement ps, int i, Project p) throws SQLException {
    if (p.method == null) ps.setNull(i, Types.VARCHAR);
    else ps.setString(i, p.method);
    ps.setBoolean(i + 1, p.cancelled);
    if (p.awardSupplier == null) ps.setNull(i + 2, Types.VARCHAR);
    else ps.setString(i + 2, p.awardSupplier);
    if (p.awardAmount == null) ps.setNull(i + 3, Types.NUMERIC);
    else ps.setBigDecimal(i + 3, p.awardAmount);
    Sql.setInstant(ps, i + 4, p.awardAt);
    ps.setLong(i + 5, p.lastSeq);
  }

  /**
   * H2: the counter deltas in key order, one statement at a time (no round trips in-process), retried if another
   * projection instance created the same row concurrently.
   */
  private void writeCounts() throws Exception {
    List<Map.Entry<CountKey, int[]>> rows = new ArrayList<>();
    for (var e : counts.entrySet()) if (e.getValue()[0] != 0 || e.getValue()[1] != 0) rows.add(e);
    if (rows.isEmpty()) return;
    try (PreparedStatement ps = conn.prepareStatement(PatternSql.H2_COUNTER_MERGE)) {
      for (var e : rows) {
        ps.setString(1, e.getKey().kind());
        ps.setString(2, e.getKey().owner());
        ps.setInt(3, e.getKey().ym());
        ps.setInt(4, e.getValue()[0]);
        ps.setInt(5, e.getValue()[1]);
        upsert(ps);
      }
    }
  }

  private interface Binder<T> {
    void bind(PreparedStatement ps, T row) throws SQLException;
  }

  private <T> void batch(String sql, Collection<T> rows, Binder<T> binder) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (T row : rows) {
        binder.bind(ps, row);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
