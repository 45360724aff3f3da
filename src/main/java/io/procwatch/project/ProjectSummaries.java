package io.procwatch.project;

import io.procwatch.auth.Principal;
import io.procwatch.infra.Database;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Reads the {@code project_summary} listing table (eventually consistent with the projects). */
public final class ProjectSummaries {

  /** One row of the listing. */
  public record Summary(String projectId, String buyer, String buyerName, String title, String category,
      String categoryKind, int fiscalYear, String method, Stage stage, BigDecimal budget, BigDecimal contractAmount,
      BigDecimal paid, Instant lastEventAt, int openAlerts) {}

  /** A page of the listing; {@code next} is the {@code after} cursor of the following page, if any. */
  public record Page(List<Summary> items, String next) {}

  private final Database db;
  private final Executor blocking;

  public ProjectSummaries(Database db, Executor blocking) {
    this.db = db;
    this.blocking = blocking;
  }

  /**
   * Projects ordered by id; {@code buyer}, {@code stage} and {@code after} may be null. Only the buyers
   * {@code scope} may see are listed.
   */
  public CompletionStage<Page> list(String buyer, Stage stage, String after, int limit, Principal scope) {
    return CompletableFuture.supplyAsync(() -> query(buyer, stage, after, limit, scope), blocking);
  }

  private Page query(String buyer, Stage stage, String after, int limit, Principal scope) {
    StringBuilder sql = new StringBuilder(
        "SELECT project_id, buyer, buyer_name, title, category, category_kind, fiscal_year, method, stage, budget,"
            + " contract_amount, paid, last_event_at, open_irregularities FROM project_summary WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (buyer != null) {
      sql.append(" AND buyer = ?");
      args.add(buyer);
    }
    sql.append(scope.sqlScope("buyer", args));
    if (stage != null) {
      sql.append(" AND stage = ?");
      args.add(stage.name());
    }
    if (after != null) {
      sql.append(" AND project_id > ?");
      args.add(after);
    }
    sql.append(" ORDER BY project_id LIMIT ?");
    args.add(limit + 1);
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
      List<Summary> items = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          items.add(new Summary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getString(6), rs.getInt(7), rs.getString(8), Stage.valueOf(rs.getString(9)), rs.getBigDecimal(10),
              rs.getBigDecimal(11), rs.getBigDecimal(12), rs.getTimestamp(13).toInstant(), rs.getInt(14)));
        }
      }
      String next = null;
      if (items.size() > limit) {
        items = items.subList(0, limit);
        next = items.get(limit - 1).projectId();
      }
      return new Page(List.copyOf(items), next);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read project_summary", e);
    }
  }
}
