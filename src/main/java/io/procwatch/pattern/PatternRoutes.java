package io.procwatch.pattern;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.procwatch.alert.Alert;
import io.procwatch.auth.Access;
import io.procwatch.auth.Principal;
import io.procwatch.http.ApiError;
import io.procwatch.infra.Database;
import io.procwatch.infra.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/buyers/{id}?fiscalYear=} — spend by category and supplier in a fiscal year (this one by
 * default, in Asia/Shanghai), concentration, open alerts — and {@code GET /api/v1/suppliers/{id}} — wins, bids,
 * buyers, categories, open alerts. Read from the pattern tables (eventually consistent, like every listing).
 * Readers only ({@link Access#READERS}). A supervisor scoped to some buyers sees a buyer outside the scope
 * as unknown ({@code 404}), and a supplier only through the scoped buyers: its bids, awards, contracts,
 * buyers, categories and alerts there. The supplier's population-wide alerts (XP04, XP06, XP07 compare it
 * with every buyer's suppliers) and its cross-buyer bid figures are for supervisors of all buyers.
 */
public final class PatternRoutes {
  private final Database db;
  private final Executor blocking;
  private final Clock clock;

  public PatternRoutes(Database db, Executor blocking, Clock clock) {
    this.db = db;
    this.blocking = blocking;
    this.clock = clock;
  }

  /** Mounted under {@code /api/v1}, inside {@link Access#authenticated}. */
  public Route route(Principal principal) {
    return concat(
        pathPrefix("buyers", () -> path(PathMatchers.segment(), id -> get(() ->
            Access.requireRole(principal, Access.READERS, () -> !principal.mayRead(id) ? complete(unknownBuyer(id)) : (
            parameterOptional("fiscalYear", fy -> {
              int year = clock.instant().atZone(BuyerRules.SHANGHAI).getYear();
              if (fy.isPresent() && !fy.get().isBlank()) {
                try {
                  year = Integer.parseInt(fy.get().strip());
                } catch (NumberFormatException e) {
                  year = -1;
                }
                if (year < 1900 || year > 9999) {
                  return complete(new ApiError(400, "INVALID_PARAMETER", "fiscalYear: must be a year such as 2026",
                      "fiscalYear").response());
                }
              }
              int y = year;
              return completeWithFuture(async(() -> buyer(id, y)));
            })))))),
        pathPrefix("suppliers", () -> path(PathMatchers.segment(), id -> get(() ->
            Access.requireRole(principal, Access.READERS, () ->
                completeWithFuture(async(() -> supplier(id, principal))))))));
  }

  /** A buyer outside the caller's scope gets exactly this answer too, so that ids cannot be probed. */
  private static HttpResponse unknownBuyer(String buyer) {
    return new ApiError(404, "NOT_FOUND", "no buyer " + buyer, "buyerId").response();
  }

  private interface Query {
    HttpResponse run() throws Exception;
  }

  private CompletionStage<HttpResponse> async(Query q) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return q.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, blocking);
  }

  HttpResponse buyer(String buyer, int fiscalYear) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PatternSql.Scope probes = PatternSql.indexProbes(c)) { // the checker's statements, planned as there
      long projects = count(c, "SELECT COUNT(*) FROM xp_project WHERE buyer = ?", buyer);
      if (projects == 0) return unknownBuyer(buyer);
      BigDecimal total = BigDecimal.ZERO;
      int contracts = 0;
      Map<String, Map<String, Object>> byCategory = new LinkedHashMap<>();
      Map<String, Map<String, Object>> bySupplier = new LinkedHashMap<>();
      try (PreparedStatement q = c.prepareStatement(
          "SELECT p.category, k.supplier, k.amount FROM xp_contract k JOIN xp_project p ON p.project_id = k.project_id"
              + " WHERE p.buyer = ? AND p.fiscal_year = ? AND NOT p.cancelled ORDER BY p.category, k.supplier")) {
        q.setString(1, buyer);
        q.setInt(2, fiscalYear);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            BigDecimal amount = rs.getBigDecimal(3);
            total = total.add(amount);
            contracts++;
            add(byCategory, "category", rs.getString(1), amount);
            add(bySupplier, "supplier", rs.getString(2), amount);
          }
        }
      }
      List<Map<String, Object>> suppliers = new ArrayList<>(bySupplier.values());
      suppliers.sort((a, b) -> ((BigDecimal) b.get("amount")).compareTo((BigDecimal) a.get("amount")));
      BigDecimal hhi = BigDecimal.ZERO;
      for (Map<String, Object> s : suppliers) {
        BigDecimal share = total.signum() == 0 ? BigDecimal.ZERO
            : ((BigDecimal) s.get("amount")).divide(total, 6, RoundingMode.HALF_EVEN);
        s.put("share", share);
        hhi = hhi.add(share.multiply(share));
      }
      Map<String, Object> concentration = new LinkedHashMap<>();
      concentration.put("topSupplier", suppliers.isEmpty() ? null : suppliers.get(0).get("supplier"));
      concentration.put("topShare", suppliers.isEmpty() ? null : suppliers.get(0).get("share"));
      concentration.put("herfindahl", hhi.setScale(6, RoundingMode.HALF_EVEN));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("buyer", buyer);
      out.put("fiscalYear", fiscalYear);
      out.put("projects", projects);
      out.put("contracts", contracts);
      out.put("contracted", total);
      out.put("byCategory", new ArrayList<>(byCategory.values()));
      out.put("bySupplier", suppliers);
      out.put("concentration", concentration);
      out.put("openAlerts", alerts(c, "buyer = ?", buyer, List.of()));
      return ApiError.json(StatusCodes.OK, out);
    }
  }

  HttpResponse supplier(String supplier, Principal principal) throws Exception {
    // the buyer scope as a condition on xp_project p; empty for a supervisor of all buyers
    List<Object> scopeArgs = new ArrayList<>();
    String scope = principal.sqlScope("p.buyer", scopeArgs);
    try (Connection c = db.dataSource().getConnection();
        PatternSql.Scope probes = PatternSql.indexProbes(c)) { // the checker's statements, planned as there
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("supplier", supplier);
      String bidsFrom = " FROM xp_bid b JOIN xp_project p ON p.project_id = b.project_id WHERE b.supplier = ?" + scope;
      String contractsFrom = " FROM xp_contract k JOIN xp_project p ON p.project_id = k.project_id WHERE k.supplier = ?" + scope;
      String awardsFrom = " FROM xp_project p WHERE p.award_supplier = ?" + scope;
      long bidRows = number(c, "SELECT COUNT(*)" + bidsFrom, supplier, scopeArgs).longValue();
      long contractRows = number(c, "SELECT COUNT(*)" + contractsFrom, supplier, scopeArgs).longValue();
      long awardRows = number(c, "SELECT COUNT(*)" + awardsFrom, supplier, scopeArgs).longValue();
      if (bidRows + contractRows + awardRows == 0) {
        return new ApiError(404, "NOT_FOUND", "no supplier " + supplier, "supplierId").response();
      }
      PopulationRules.SupplierFigures f = principal.allBuyers()
          ? PatternChecker.supplierFigures(c, supplier, Integer.MAX_VALUE, PatternChecker.Since.ALL)
          : scopedBids(c, supplier, bidsFrom, scopeArgs);
      Map<String, Object> bids = new LinkedHashMap<>();
      bids.put("submitted", f.submittedBids());
      bids.put("disqualified", f.disqualifiedBids());
      bids.put("awardedProcesses", f.bidProcesses());
      bids.put("won", f.wins());
      bids.put("winRatio", f.bidProcesses() == 0 ? null
          : BigDecimal.valueOf(f.wins()).divide(BigDecimal.valueOf(f.bidProcesses()), 6, RoundingMode.HALF_EVEN));
      out.put("bids", bids);
      Map<String, Object> wins = new LinkedHashMap<>();
      wins.put("awards", awardRows);
      wins.put("awardedAmount", number(c, "SELECT COALESCE(SUM(p.award_amount), 0)" + awardsFrom + " AND NOT p.cancelled",
          supplier, scopeArgs));
      wins.put("contracts", contractRows);
      wins.put("contractedAmount", number(c, "SELECT COALESCE(SUM(k.amount), 0)" + contractsFrom + " AND NOT p.cancelled",
          supplier, scopeArgs));
      out.put("wins", wins);
      Map<String, Map<String, Object>> buyers = new LinkedHashMap<>();
      Map<String, Map<String, Object>> categories = new LinkedHashMap<>();
      try (PreparedStatement q = c.prepareStatement(
          "SELECT p.buyer, p.category, k.amount" + contractsFrom + " AND NOT p.cancelled ORDER BY p.buyer, p.category")) {
        bind(q, supplier, scopeArgs);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            add(buyers, "buyer", rs.getString(1), rs.getBigDecimal(3));
            add(categories, "category", rs.getString(2), rs.getBigDecimal(3));
          }
        }
      }
      out.put("buyers", new ArrayList<>(buyers.values()));
      out.put("categories", new ArrayList<>(categories.values()));
      // a scoped supervisor: only alerts of its buyers (a population-wide alert has no buyer)
      out.put("openAlerts", alerts(c, "supplier = ?" + principal.sqlScope("buyer", new ArrayList<>()), supplier,
          scopeArgs));
      return ApiError.json(StatusCodes.OK, out);
    }
  }

  /** The supplier's bid figures over the scoped buyers' processes, counted as the checker counts them. */
  private static PopulationRules.SupplierFigures scopedBids(Connection c, String supplier, String bidsFrom,
      List<Object> scopeArgs) throws Exception {
    int bidProcesses = 0, wins = 0, submitted = 0, disqualified = 0;
    try (PreparedStatement q = c.prepareStatement(
        "SELECT b.bids, b.disqualified, p.award_supplier" + bidsFrom + " AND NOT p.cancelled")) {
      bind(q, supplier, scopeArgs);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          int n = rs.getInt(1);
          boolean disq = rs.getBoolean(2);
          String winner = rs.getString(3);
          submitted += n;
          if (disq) disqualified += n;
          if (!disq && winner != null) {
            bidProcesses++;
            if (winner.equals(supplier)) wins++;
          }
        }
      }
    }
    // awarded processes and category prefixes feed XP06, which the view does not show
    return new PopulationRules.SupplierFigures(bidProcesses, wins, submitted, disqualified, 0, 0);
  }

  private static void bind(PreparedStatement q, String first, List<Object> rest) throws Exception {
    q.setString(1, first);
    for (int i = 0; i < rest.size(); i++) q.setObject(i + 2, rest.get(i));
  }

  private static BigDecimal number(Connection c, String sql, String arg, List<Object> scopeArgs) throws Exception {
    try (PreparedStatement q = c.prepareStatement(sql)) {
      bind(q, arg, scopeArgs);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return Optional.ofNullable(rs.getBigDecimal(1)).orElse(BigDecimal.ZERO);
      }
    }
  }

  private static void add(Map<String, Map<String, Object>> rows, String label, String key, BigDecimal amount) {
    Map<String, Object> row = rows.computeIfAbsent(key, k -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(label, k);
      m.put("contracts", 0);
      m.put("amount", BigDecimal.ZERO);
      return m;
    });
    row.put("contracts", (Integer) row.get("contracts") + 1);
    row.put("amount", ((BigDecimal) row.get("amount")).add(amount));
  }

  private static List<Alert> alerts(Connection c, String where, String value, List<Object> more) throws Exception {
    List<Alert> out = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT body FROM alert WHERE " + where + " AND status <> 'RESOLVED' ORDER BY raised_sequence")) {
      bind(q, value, more);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) out.add(Json.mapper().readValue(rs.getString(1), Alert.class));
      }
    }
    return out;
  }

  private static long count(Connection c, String sql, String arg) throws Exception {
    try (PreparedStatement q = c.prepareStatement(sql)) {
      q.setString(1, arg);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

}
