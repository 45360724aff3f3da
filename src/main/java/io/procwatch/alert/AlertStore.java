package io.procwatch.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procwatch.auth.Principal;
import io.procwatch.infra.Database;
import io.procwatch.infra.Json;
import io.procwatch.rules.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Reads the alert read side: listings with filters, one alert with its numbered history. */
public final class AlertStore {
  private static final ObjectMapper JSON = Json.mapper();

  /** Listing filters; null means "any". {@code status} may also be {@code OPEN} (firing or acknowledged). */
  public record Filter(String status, Severity minSeverity, String rule, String buyer, String projectId) {}

  public record Page(List<JsonNode> items, Long next) {}

  public record WithHistory(JsonNode alert, List<JsonNode> history) {}

  private final Database db;
  private final Executor blocking;

  public AlertStore(Database db, Executor blocking) {
    this.db = db;
    this.blocking = blocking;
  }

  /** Alerts matching {@code f}, of the buyers {@code scope} may see. */
  public CompletionStage<Page> list(Filter f, Long after, int limit, Principal scope) {
    return CompletableFuture.supplyAsync(() -> query(f, after, limit, scope), blocking);
  }

  public CompletionStage<Optional<WithHistory>> get(String alertId) {
    return CompletableFuture.supplyAsync(() -> one(alertId), blocking);
  }

  /** An alert as of the change numbered {@code sequence}. */
  public record Current(long sequence, Alert alert) {}

  /** Every active (not resolved) alert with the sequence of its last change: what Alertmanager must hold. */
  public CompletionStage<List<Current>> active() {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps = c.prepareStatement(
              "SELECT last_sequence, body FROM alert WHERE status <> 'RESOLVED' ORDER BY raised_sequence");
          ResultSet rs = ps.executeQuery()) {
        List<Current> out = new ArrayList<>();
        while (rs.next()) out.add(new Current(rs.getLong(1), JSON.readValue(rs.getString(2), Alert.class)));
        return List.copyOf(out);
      } catch (Exception e) {
        throw new IllegalStateException("cannot read the active alerts", e);
      }
    }, blocking);
  }

  private Page query(Filter f, Long after, int limit, Principal scope) {
    StringBuilder sql = new StringBuilder("SELECT raised_sequence, last_sequence, body FROM alert WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    sql.append(scope.sqlScope("buyer", args));
    if (f.status() != null) {
      if (f.status().equals("OPEN")) sql.append(" AND status <> 'RESOLVED'");
      else {
        sql.append(" AND status = ?");
        args.add(f.status());
      }
    }
    if (f.minSeverity() != null) {
      List<String> levels = new ArrayList<>();
      for (Severity s : Severity.values()) if (s.atLeast(f.minSeverity())) levels.add("'" + s.name() + "'");
      sql.append(" AND severity IN (").append(String.join(", ", levels)).append(")");
    }
    if (f.rule() != null) {
      sql.append(" AND rule = ?");
      args.add(f.rule());
    }
    if (f.buyer() != null) {
      sql.append(" AND buyer = ?");
      args.add(f.buyer());
    }
    if (f.projectId() != null) {
      sql.append(" AND project_id = ?");
      args.add(f.projectId());
    }
    if (after != null) {
      sql.append(" AND raised_sequence > ?");
      args.add(after);
    }
    sql.append(" ORDER BY raised_sequence LIMIT ?");
    args.add(limit + 1);
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
      List<JsonNode> items = new ArrayList<>();
      List<Long> raised = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          raised.add(rs.getLong(1));
          items.add(withSequence(rs.getString(3), rs.getLong(2)));
        }
      }
      Long next = null;
      if (items.size() > limit) {
        items = items.subList(0, limit);
        next = raised.get(limit - 1);
      }
      return new Page(List.copyOf(items), next);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read alerts", e);
    }
  }

  private Optional<WithHistory> one(String alertId) {
    try (Connection c = db.dataSource().getConnection()) {
      JsonNode alert;
      try (PreparedStatement ps = c.prepareStatement("SELECT last_sequence, body FROM alert WHERE alert_id = ?")) {
        ps.setString(1, alertId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) return Optional.empty();
          alert = withSequence(rs.getString(2), rs.getLong(1));
        }
      }
      List<JsonNode> history = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT body FROM alert_change WHERE alert_id = ? ORDER BY sequence")) {
        ps.setString(1, alertId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) history.add(JSON.readTree(rs.getString(1)));
        }
      }
      return Optional.of(new WithHistory(alert, List.copyOf(history)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read alert " + alertId, e);
    }
  }

  private static JsonNode withSequence(String body, long sequence) throws Exception {
    ObjectNode node = (ObjectNode) JSON.readTree(body);
    node.put("sequence", sequence);
    return node;
  }
}
