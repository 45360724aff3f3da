package io.procwatch.auth;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.procwatch.http.ApiError;
import io.procwatch.infra.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/audit?alertId=&limit=&after=} (admin only): who acknowledged or resolved which alert,
 * when, with what note, oldest first; {@code next} is the {@code after} of the following page. Entries are
 * written by the alert projection, so one appears within a moment of the acknowledgement.
 */
public final class AuditRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final Database db;
  private final Executor blocking;

  public AuditRoutes(Database db, Executor blocking) {
    this.db = db;
    this.blocking = blocking;
  }

  /** Mounted under {@code /api/v1}, inside {@link Access#authenticated}. */
  public Route route(Principal p) {
    return path("audit", () -> get(() -> Access.requireRole(p, Access.ADMINS, () ->
        parameterOptional("alertId", alertId -> parameterOptional("limit", limit -> parameterOptional("after", after -> {
          int n = DEFAULT_LIMIT;
          if (limit.isPresent()) {
            n = parse(limit.get());
            if (n < 1 || n > MAX_LIMIT) return bad("limit", "an integer from 1 to " + MAX_LIMIT);
          }
          long cursor = 0;
          if (after.isPresent() && !after.get().isBlank()) {
            cursor = parse(after.get());
            if (cursor < 0) return bad("after", "the 'next' of the previous page");
          }
          String alert = alertId.filter(s -> !s.isBlank()).orElse(null);
          int size = n;
          long from = cursor;
          return completeWithFuture(CompletableFuture.supplyAsync(
              () -> ApiError.json(StatusCodes.OK, page(alert, from, size)), blocking));
        }))))));
  }

  private Map<String, Object> page(String alertId, long after, int limit) {
    String sql = "SELECT id, principal, action, alert_id, project_id, buyer, at, note FROM audit WHERE id > ?"
        + (alertId == null ? "" : " AND alert_id = ?") + " ORDER BY id LIMIT ?";
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setLong(i++, after);
      if (alertId != null) ps.setString(i++, alertId);
      ps.setInt(i, limit + 1);
      List<Map<String, Object>> items = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("id", rs.getLong(1));
          e.put("principal", rs.getString(2));
          e.put("action", rs.getString(3));
          e.put("alertId", rs.getString(4));
          e.put("projectId", rs.getString(5));
          e.put("buyer", rs.getString(6));
          e.put("at", rs.getTimestamp(7).toInstant().toString());
          e.put("note", rs.getString(8));
          items.add(e);
        }
      }
      Map<String, Object> out = new LinkedHashMap<>();
      Object next = null;
      if (items.size() > limit) {
        items = items.subList(0, limit);
        next = items.get(limit - 1).get("id");
      }
      out.put("items", items);
      out.put("next", next);
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the audit trail", e);
    }
  }

  private static Route bad(String field, String reason) {
    return complete(new ApiError(400, "INVALID_PARAMETER", field + ": " + reason, field).response());
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
