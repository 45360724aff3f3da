package io.procwatch.pattern;

import io.procwatch.project.Fact.Method;
import io.procwatch.rules.CategoryKind;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleDefinition;
import io.procwatch.rules.RuleId;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * XP01–XP03 of each buyer, kept per group and recomputed only for the groups the projection marked, from the running
 * contract sums of migration V10 — not from the buyer's whole contract history:
 * <ul>
 *   <li>XP01, per (category prefix, fiscal year): the sum and the category kinds come from the buyer's
 *       {@code xp_buyer_category} rows of that year; only a group at or above the warning level reads its own
 *       contracts (an index range), to list them, and goes through {@link BuyerRules#xp01} as before;</li>
 *   <li>XP02, per fiscal year: the buyer's total and number of contracts from the same rows, and from
 *       {@code xp_buyer_supplier} only the suppliers above the share (and their latest signing);</li>
 *   <li>XP03, per supplier: that supplier's single-source contracts with the buyer, through {@link BuyerRules#xp03}.</li>
 * </ul>
 * A buyer seen for the first time is computed whole: its rows of every year, its single-source contracts, and the
 * contracts of its groups that hold. The conditions come out in the order {@link BuyerRules#evaluate} gives them.
 *
 * <p>Not thread-safe: the {@link PatternChecker}'s thread owns it. XP01–XP03 do not depend on the time of the check,
 * so what is kept stays true until a mark says otherwise.
 */
final class ContractGroups {
  private final BuyerRules rules;
  private final Map<String, Buyer> buyers = new HashMap<>();
  /** Marks of the cycle, per buyer: (fiscal year → categories) and suppliers of single-source contracts. */
  private final Map<String, Map<Integer, Set<String>>> markedYears = new HashMap<>();
  private final Map<String, Set<String>> markedSole = new HashMap<>();
  /** Rows read (for tests and the benchmark): contract sums, contracts. */
  long sumRows, contractRows;

  /** The conditions of one buyer, by group, each map in the order of {@link BuyerRules#evaluate}'s loops. */
  private static final class Buyer {
    final TreeMap<String, List<Condition>> xp01 = new TreeMap<>(); // "prefix|year"
    final TreeMap<Integer, List<Condition>> xp02 = new TreeMap<>();
    final TreeMap<String, List<Condition>> xp03 = new TreeMap<>(); // supplier

    List<Condition> all() {
      List<Condition> out = new ArrayList<>();
      xp01.values().forEach(out::addAll);
      xp02.values().forEach(out::addAll);
      xp03.values().forEach(out::addAll);
      return List.copyOf(out);
    }
  }

  /** One row of {@code xp_buyer_category} with contracts. */
  private record Row(String category, CategoryKind kind, String method, BigDecimal amount, int contracts) {}

  ContractGroups(BuyerRules rules) {
    this.rules = rules;
  }

  /** Forgets every buyer (after a failed cycle, whose marks come again). */
  void clear() {
    buyers.clear();
    markedYears.clear();
    markedSole.clear();
  }

  /** Takes a mark of {@code xp_dirty}; returns false if it is not one of XP01–XP03's groups. */
  boolean mark(String owner) {
    if (owner.startsWith(PatternGroup.BUYER_YEAR)) {
      String[] p = owner.substring(PatternGroup.BUYER_YEAR.length()).split(String.valueOf(PatternGroup.SEP), 3);
      markedYears.computeIfAbsent(p[2], k -> new HashMap<>()).computeIfAbsent(Integer.parseInt(p[0]), k -> new TreeSet<>())
          .add(p[1]);
      return true;
    }
    if (owner.startsWith(PatternGroup.BUYER_SOLE)) {
      String[] p = owner.substring(PatternGroup.BUYER_SOLE.length()).split(String.valueOf(PatternGroup.SEP), 2);
      markedSole.computeIfAbsent(p[1], k -> new TreeSet<>()).add(p[0]);
      return true;
    }
    return false;
  }

  /**
   * Applies the marks taken since the last call to the buyers already known, then returns the conditions of
   * {@code wanted}, computing whole the ones not known yet.
   */
  Map<String, List<Condition>> conditions(Connection c, Collection<String> wanted) throws Exception {
    // marked groups of known buyers; the marks of a buyer not known are moot: it is computed whole when wanted
    Map<String, Set<Integer>> years = new LinkedHashMap<>();
    Map<String, Set<String>> prefixes = new HashMap<>(); // buyer → "prefix|year" to recompute
    for (var e : markedYears.entrySet()) {
      if (!buyers.containsKey(e.getKey())) continue;
      years.put(e.getKey(), e.getValue().keySet());
      for (var y : e.getValue().entrySet()) {
        for (String cat : y.getValue()) prefixes.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(prefix(cat) + "|" + y.getKey());
      }
    }
    Map<String, Set<String>> sole = new LinkedHashMap<>();
    for (var e : markedSole.entrySet()) if (buyers.containsKey(e.getKey())) sole.put(e.getKey(), e.getValue());
    markedYears.clear();
    markedSole.clear();
    Set<String> fresh = new LinkedHashSet<>();
    for (String b : wanted) if (!buyers.containsKey(b)) fresh.add(b);

    // XP01 and XP02 of the marked years, and of every year of a buyer computed whole
    Map<String, Map<Integer, List<Row>>> rows = yearRows(c, years, fresh);
    Map<String, Buyer> updated = new HashMap<>();
    for (String b : fresh) updated.put(b, new Buyer());
    List<String[]> groupsToList = new ArrayList<>(); // buyer, year, prefix of XP01 groups at or above the warning level
    List<Object[]> shares = new ArrayList<>(); // buyer, year, total, contracts: years in which XP02 may hold
    for (var e : rows.entrySet()) {
      String b = e.getKey();
      boolean whole = fresh.contains(b);
      Buyer target = whole ? updated.get(b) : buyers.get(b);
      for (var y : e.getValue().entrySet()) {
        int year = y.getKey();
        // XP01: the groups of the year that were marked (all of them for a buyer computed whole)
        Map<String, List<Row>> groups = new TreeMap<>();
        for (Row r : y.getValue()) groups.computeIfAbsent(prefix(r.category()) + "|" + year, k -> new ArrayList<>()).add(r);
        if (!whole) {
          for (String g : prefixes.getOrDefault(b, Set.of())) if (g.endsWith("|" + year)) target.xp01.remove(g);
        }
        for (var g : groups.entrySet()) {
          if (!whole && !prefixes.getOrDefault(b, Set.of()).contains(g.getKey())) continue;
          if (xp01MayHold(g.getValue())) {
            groupsToList.add(new String[] {b, Integer.toString(year), g.getKey().substring(0, g.getKey().lastIndexOf('|'))});
          }
        }
        // XP02: the year's total and count
        target.xp02.remove(year);
        BigDecimal total = BigDecimal.ZERO;
        int count = 0;
        for (Row r : y.getValue()) {
          total = total.add(r.amount());
          count += r.contracts();
        }
        if (enabled(RuleId.XP02) && count >= rules.catalogue().get(RuleId.XP02).intParam("min-contracts")
            && total.signum() != 0) {
          shares.add(new Object[] {b, year, total, count});
        }
      }
      // a marked year with no contracts left has no rows: its groups and XP02 are gone
      if (!whole) {
        for (int year : years.getOrDefault(b, Set.of())) {
          if (e.getValue().containsKey(year)) continue;
          target.xp02.remove(year);
          for (String g : prefixes.getOrDefault(b, Set.of())) if (g.endsWith("|" + year)) target.xp01.remove(g);
        }
      }
    }
    for (var e : years.entrySet()) {
      if (rows.containsKey(e.getKey())) continue;
      Buyer target = buyers.get(e.getKey());
      for (int year : e.getValue()) {
        target.xp02.remove(year);
        for (String g : prefixes.getOrDefault(e.getKey(), Set.of())) if (g.endsWith("|" + year)) target.xp01.remove(g);
      }
    }
    // XP01: the groups that may hold, listed and judged by BuyerRules as before
    for (var e : groupContracts(c, groupsToList).entrySet()) {
      String[] key = e.getKey().split("\u0000", 2);
      Buyer target = fresh.contains(key[0]) ? updated.get(key[0]) : buyers.get(key[0]);
      List<Condition> found = rules.xp01(new ArrayList<>(e.getValue()));
      if (!found.isEmpty()) target.xp01.put(key[1], found);
    }
    // XP02: the suppliers above the share
    for (var e : suppliersAbove(c, shares).entrySet()) {
      String[] key = e.getKey().split("\u0000", 2);
      Buyer target = fresh.contains(key[0]) ? updated.get(key[0]) : buyers.get(key[0]);
      target.xp02.put(Integer.parseInt(key[1]), e.getValue());
    }
    // XP03: the marked suppliers of known buyers, every single-source supplier of a buyer computed whole
    if (enabled(RuleId.XP03)) {
      for (var e : soleContracts(c, sole, fresh).entrySet()) {
        String b = e.getKey();
        Buyer target = fresh.contains(b) ? updated.get(b) : buyers.get(b);
        for (var s : e.getValue().entrySet()) {
          List<Condition> found = rules.xp03(s.getValue());
          if (found.isEmpty()) target.xp03.remove(s.getKey());
          else target.xp03.put(s.getKey(), found);
        }
      }
    }
    buyers.putAll(updated);
    Map<String, List<Condition>> out = new LinkedHashMap<>();
    for (String b : wanted) out.put(b, buyers.get(b).all());
    return out;
  }

  private boolean enabled(RuleId id) {
    return rules.catalogue().get(id).enabled();
  }

  private String prefix(String category) {
    int len = rules.catalogue().get(RuleId.XP01).intParam("category-prefix-length");
    return category.length() <= len ? category : category.substring(0, len);
  }

  /** XP01 from the sums alone: true if the group's non-excluded contracts reach the warning level. */
  private boolean xp01MayHold(List<Row> group) {
    if (!enabled(RuleId.XP01)) return false;
    RuleDefinition def = rules.catalogue().get(RuleId.XP01);
    Set<Method> excluded = def.enumSetParam("excluded-methods", Method.class);
    BigDecimal sum = BigDecimal.ZERO, threshold = null;
    for (Row r : group) {
      if (r.method().isEmpty() || excluded.contains(Method.valueOf(r.method()))) continue;
      sum = sum.add(r.amount());
      BigDecimal t = rules.profile().publicTenderThreshold(r.kind());
      if (threshold == null || t.compareTo(threshold) < 0) threshold = t;
    }
    if (threshold == null) return false;
    return sum.compareTo(threshold) > 0 || sum.compareTo(threshold.multiply(def.decimalParam("warning-ratio"))) >= 0;
  }

  /** The buyer's rows with contracts of the marked years, and of every year for the buyers in {@code whole}. */
  private Map<String, Map<Integer, List<Row>>> yearRows(Connection c, Map<String, Set<Integer>> years, Set<String> whole)
      throws Exception {
    Map<String, Map<Integer, List<Row>>> out = new LinkedHashMap<>();
    String columns = "s.buyer, s.fiscal_year, s.category, s.category_kind, s.method, s.amount, s.contracts";
    List<String[]> keys = new ArrayList<>();
    for (var e : years.entrySet()) for (int y : e.getValue()) keys.add(new String[] {e.getKey(), Integer.toString(y)});
    for (List<String[]> chunk : PatternSql.chunks(keys)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c,
          "UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY)) AS k(b, y)", columns,
          "xp_buyer_category s WHERE s.buyer = k.b AND s.fiscal_year = CAST(k.y AS INTEGER) AND s.contracts > 0"))) {
        bindColumns(c, q, chunk);
        readRows(q, out);
      }
    }
    for (List<String> chunk : PatternSql.chunks(whole)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "b"), columns,
          "xp_buyer_category s WHERE s.buyer = k.b AND s.contracts > 0"))) {
        q.setArray(1, PatternSql.strings(c, chunk));
        readRows(q, out);
      }
    }
    return out;
  }

  private void readRows(PreparedStatement q, Map<String, Map<Integer, List<Row>>> out) throws Exception {
    try (ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        sumRows++;
        out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).computeIfAbsent(rs.getInt(2), k -> new ArrayList<>())
            .add(new Row(rs.getString(3), CategoryKind.valueOf(rs.getString(4)), rs.getString(5), rs.getBigDecimal(6),
                rs.getInt(7)));
      }
    }
  }

  private static final String CONTRACT_COLUMNS = "w.project_id, w.contract_id, w.supplier, p.category, p.category_kind,"
      + " p.fiscal_year, p.method, w.amount, w.signed_at";

  private static BuyerRules.Contract contract(ResultSet rs, int i) throws Exception {
    String m = rs.getString(i + 6);
    return new BuyerRules.Contract(rs.getString(i), rs.getString(i + 1), rs.getString(i + 2), rs.getString(i + 3),
        CategoryKind.valueOf(rs.getString(i + 4)), rs.getInt(i + 5), m == null ? null : Method.valueOf(m),
        rs.getBigDecimal(i + 7), rs.getTimestamp(i + 8).toInstant());
  }

  /** The live contracts of each (buyer, year, prefix), keyed "buyer\0prefix|year". */
  private Map<String, List<BuyerRules.Contract>> groupContracts(Connection c, List<String[]> groups) throws Exception {
    Map<String, List<BuyerRules.Contract>> out = new LinkedHashMap<>();
    int len = rules.catalogue().get(RuleId.XP01).intParam("category-prefix-length");
    boolean postgres = PatternSql.vendor(c) == io.procwatch.infra.Vendor.POSTGRESQL;
    for (List<String[]> chunk : PatternSql.chunks(groups)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c,
          postgres
              ? "UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY),"
                  + " CAST(? AS VARCHAR ARRAY)) AS k(b, y, prefix, upper)"
              : "UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY)) AS k(b, y, prefix)",
          "p.buyer, k.prefix, " + CONTRACT_COLUMNS, "xp_project p JOIN xp_contract w ON w.project_id = p.project_id"
              + " WHERE p.buyer = k.b AND p.fiscal_year = CAST(k.y AS INTEGER)"
              // on PostgreSQL the prefix as a range of the index (V17, in code point order): the group's projects
              // only, not every project of the buyer's year
              + (postgres ? " AND p.category COLLATE \"C\" >= k.prefix AND p.category COLLATE \"C\" < k.upper" : "")
              + " AND SUBSTRING(p.category FROM 1 FOR " + len + ") = k.prefix AND NOT p.cancelled"))) {
        if (postgres) {
          List<String[]> withUpper = new ArrayList<>(chunk.size());
          for (String[] g : chunk) withUpper.add(new String[] {g[0], g[1], g[2], PatternSql.afterPrefix(g[2])});
          bindColumns(c, q, withUpper);
        } else {
          bindColumns(c, q, chunk);
        }
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            contractRows++;
            BuyerRules.Contract k = contract(rs, 3);
            if (!prefix(k.category()).equals(rs.getString(2))) continue; // SUBSTRING counts code points, Java chars
            out.computeIfAbsent(rs.getString(1) + "\u0000" + rs.getString(2) + "|" + k.fiscalYear(), x -> new ArrayList<>())
                .add(k);
          }
        }
      }
    }
    return out;
  }

  /**
   * XP02 of each (buyer, year, total, contracts) given: the suppliers with more than the share of the total, and the
   * latest signing of each; keyed "buyer\0year", the conditions in supplier order.
   */
  private Map<String, List<Condition>> suppliersAbove(Connection c, List<Object[]> years) throws Exception {
    Map<String, List<Condition>> out = new LinkedHashMap<>();
    if (years.isEmpty()) return out;
    BigDecimal share = rules.catalogue().get(RuleId.XP02).decimalParam("share");
    Map<String, Object[]> byKey = new HashMap<>();
    List<String[]> keys = new ArrayList<>();
    for (Object[] y : years) {
      byKey.put(y[0] + "\u0000" + y[1], y);
      keys.add(new String[] {(String) y[0], y[1].toString(), ((BigDecimal) y[2]).multiply(share).toPlainString()});
    }
    // buyer, year, supplier → amount, contracts; the limit is a range of xp_buyer_supplier_amount_idx (V18)
    Map<String, Object[]> above = new TreeMap<>();
    for (List<String[]> chunk : PatternSql.chunks(keys)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c,
          "UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY)) AS k(b, y, lim)",
          "s.buyer, s.fiscal_year, s.supplier, s.amount, s.contracts", "xp_buyer_supplier s WHERE s.buyer = k.b"
              + " AND s.fiscal_year = CAST(k.y AS INTEGER) AND s.contracts > 0 AND s.amount > CAST(k.lim AS NUMERIC)"))) {
        bindColumns(c, q, chunk);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            sumRows++;
            above.put(rs.getString(1) + "\u0000" + rs.getInt(2) + "\u0000" + rs.getString(3),
                new Object[] {rs.getString(1), rs.getInt(2), rs.getString(3), rs.getBigDecimal(4), rs.getInt(5), null});
          }
        }
      }
    }
    if (above.isEmpty()) return out;
    List<String[]> latestKeys = new ArrayList<>();
    for (Object[] a : above.values()) latestKeys.add(new String[] {(String) a[0], a[1].toString(), (String) a[2]});
    for (List<String[]> chunk : PatternSql.chunks(latestKeys)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c,
          "UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY)) AS k(b, y, s)",
          "p.buyer, p.fiscal_year, w.supplier, w.signed_at",
          // on PostgreSQL the supplier's contracts from the latest back (xp_contract_supplier_idx), each one probe of
          // its project (a LATERAL that OFFSET 0 keeps apart), until the first of the buyer's year: a supplier above
          // the share holds a large part of that year, so the walk is short. Reading the buyer's projects of the year
          // instead probed a contract for each of them — 3.6 ms a key for the largest buyers (1,300 projects), against
          // 0.15 ms. H2 joins the buyer's projects with their contracts and the newest is kept below.
          (PatternSql.vendor(c) == io.procwatch.infra.Vendor.POSTGRESQL
              ? "xp_contract w CROSS JOIN LATERAL (SELECT p0.buyer, p0.fiscal_year, p0.cancelled FROM xp_project p0"
                  + " WHERE p0.project_id = w.project_id OFFSET 0) p WHERE w.supplier = k.s AND p.buyer = k.b"
                  + " AND p.fiscal_year = CAST(k.y AS INTEGER) AND NOT p.cancelled ORDER BY w.signed_at DESC LIMIT 1"
              : "xp_project p JOIN xp_contract w ON w.project_id = p.project_id"
                  + " WHERE p.buyer = k.b AND p.fiscal_year = CAST(k.y AS INTEGER) AND NOT p.cancelled AND w.supplier = k.s")))) {
        bindColumns(c, q, chunk);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            contractRows++;
            Object[] a = above.get(rs.getString(1) + "\u0000" + rs.getInt(2) + "\u0000" + rs.getString(3));
            Instant at = rs.getTimestamp(4).toInstant();
            if (a[5] == null || at.isAfter((Instant) a[5])) a[5] = at;
          }
        }
      }
    }
    // in supplier order within a year, as BuyerRules.xp02
    Map<String, TreeMap<String, Condition>> sorted = new LinkedHashMap<>();
    for (Object[] a : above.values()) {
      String key = a[0] + "\u0000" + a[1];
      Object[] y = byKey.get(key);
      sorted.computeIfAbsent(key, k -> new TreeMap<>()).put((String) a[2], rules.xp02((Integer) a[1], (String) a[2],
          (BigDecimal) a[3], (Integer) a[4], (BigDecimal) y[2], (Integer) y[3], (Instant) a[5]));
    }
    sorted.forEach((k, v) -> out.put(k, List.copyOf(v.values())));
    return out;
  }

  /**
   * Single-source contracts, per buyer and supplier: of the given suppliers of known buyers, and every one of the
   * buyers in {@code whole} (the given suppliers' lists are present even when empty: their XP03 is gone).
   */
  private Map<String, Map<String, List<BuyerRules.Contract>>> soleContracts(Connection c, Map<String, Set<String>> pairs,
      Set<String> whole) throws Exception {
    Map<String, Map<String, List<BuyerRules.Contract>>> out = new LinkedHashMap<>();
    List<String[]> keys = new ArrayList<>();
    for (var e : pairs.entrySet()) {
      for (String s : e.getValue()) {
        keys.add(new String[] {e.getKey(), s});
        out.computeIfAbsent(e.getKey(), k -> new TreeMap<>()).put(s, new ArrayList<>());
      }
    }
    String sole = "p.method = '" + Method.SINGLE_SOURCE.name() + "' AND NOT p.cancelled";
    for (List<String[]> chunk : PatternSql.chunks(keys)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c,
          "UNNEST(CAST(? AS VARCHAR ARRAY), CAST(? AS VARCHAR ARRAY)) AS k(b, s)", "p.buyer, " + CONTRACT_COLUMNS,
          // on PostgreSQL the supplier's contracts first, then one probe of each one's project (a LATERAL that
          // OFFSET 0 keeps apart): a plain join may be planned as the buyer's projects, each against all of the
          // supplier's contracts (seconds per call on a bureau-sized history)
          (PatternSql.vendor(c) == io.procwatch.infra.Vendor.POSTGRESQL
              ? "xp_contract w CROSS JOIN LATERAL (SELECT * FROM xp_project p0 WHERE p0.project_id = w.project_id"
                  + " OFFSET 0) p"
              : "xp_contract w JOIN xp_project p ON p.project_id = w.project_id")
              + " WHERE w.supplier = k.s AND p.buyer = k.b AND " + sole))) {
        bindColumns(c, q, chunk);
        readSole(q, out);
      }
    }
    for (List<String> chunk : PatternSql.chunks(whole)) {
      try (PreparedStatement q = c.prepareStatement(PatternSql.perKey(c, PatternSql.keys("k", "b"), "p.buyer, " + CONTRACT_COLUMNS,
          "xp_project p JOIN xp_contract w ON w.project_id = p.project_id WHERE p.buyer = k.b AND " + sole))) {
        q.setArray(1, PatternSql.strings(c, chunk));
        readSole(q, out);
      }
    }
    return out;
  }

  private void readSole(PreparedStatement q, Map<String, Map<String, List<BuyerRules.Contract>>> out) throws Exception {
    try (ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        contractRows++;
        BuyerRules.Contract k = contract(rs, 2);
        out.computeIfAbsent(rs.getString(1), x -> new TreeMap<>()).computeIfAbsent(k.supplier(), x -> new ArrayList<>()).add(k);
      }
    }
  }

  /** Binds the keys' columns, in order, as the statement's first string arrays (one per column of UNNEST). */
  private static void bindColumns(Connection c, PreparedStatement q, List<String[]> keys) throws SQLException {
    int columns = keys.get(0).length;
    for (int i = 0; i < columns; i++) q.setArray(i + 1, PatternSql.strings(c, column(keys, i)));
  }

  private static List<String> column(List<String[]> rows, int i) {
    List<String> out = new ArrayList<>(rows.size());
    for (String[] r : rows) out.add(r[i]);
    return out;
  }
}
