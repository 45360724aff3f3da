package io.procwatch.pattern;

import io.procwatch.infra.PlainJdbcSession;
import io.procwatch.project.Fact;
import io.procwatch.project.ProcurementProject;
import io.procwatch.project.RecordedFact;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.projection.eventsourced.EventEnvelope;

/**
 * The row-at-a-time handler PatternProjection had before groups were applied in memory (main 1661a68), kept as the
 * reference the new one must agree with: same xp_project, xp_contract and xp_bid rows for the same events. One
 * change: the bid insert also sets the buyer column V9 added (it is NOT NULL).
 */
final class LegacyPatternHandler {
  private LegacyPatternHandler() {}

  static final class Handler {
    void process(PlainJdbcSession session, List<EventEnvelope<ProcurementProject.Event>> envelopes) throws Exception {
      session.withConnection(conn -> {
        Set<String> dirty = new LinkedHashSet<>();
        for (EventEnvelope<ProcurementProject.Event> env : envelopes) {
          if (!(env.event() instanceof ProcurementProject.FactsRecorded recorded) || recorded.facts().isEmpty()) continue;
          String projectId = recorded.facts().get(0).fact().projectId();
          Long lastSeq = lastSeq(conn, projectId);
          if (lastSeq != null && env.sequenceNr() <= lastSeq) continue; // already counted: a replay
          for (RecordedFact r : recorded.facts()) apply(conn, r.fact(), env.sequenceNr(), dirty);
          exec(conn, "UPDATE xp_project SET last_seq = ? WHERE project_id = ?", env.sequenceNr(), projectId);
        }
        if (!dirty.isEmpty()) {
          try (PreparedStatement ps = conn.prepareStatement("INSERT INTO xp_dirty (owner) VALUES (?)")) {
            for (String owner : dirty) {
              ps.setString(1, owner);
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        return null;
      });
    }
  }

  private static Long lastSeq(Connection conn, String projectId) throws Exception {
    try (PreparedStatement q = conn.prepareStatement("SELECT last_seq FROM xp_project WHERE project_id = ?")) {
      q.setString(1, projectId);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  static void apply(Connection conn, Fact fact, long seq, Set<String> dirty) throws Exception {
    String p = fact.projectId();
    Fact.Data data = fact.data();
    if (data instanceof Fact.ProjectRegistered r) {
      if (lastSeq(conn, p) == null) {
        exec(conn, "INSERT INTO xp_project (project_id, buyer, category, category_kind, fiscal_year, last_seq)"
            + " VALUES (?, ?, ?, ?, ?, ?)", p, r.buyer(), r.category(), r.categoryKind().name(), r.fiscalYear(), seq - 1);
        dirty.add("buyer@" + r.buyer());
      }
      return;
    }
    String buyer = buyerOf(conn, p);
    if (buyer == null) return; // the entity never accepts a fact before the registration; nothing to count
    if (data instanceof Fact.MethodApproved m) {
      exec(conn, "UPDATE xp_project SET method = ? WHERE project_id = ?", m.method().name(), p);
      dirty.add("buyer@" + buyer);
    } else if (data instanceof Fact.BidReceived b) {
      int n = exec(conn, "UPDATE xp_bid SET bids = bids + 1, amount = CASE WHEN amount > ? THEN ? ELSE amount END"
          + " WHERE project_id = ? AND supplier = ?", b.amount(), b.amount(), p, b.supplier());
      if (n == 0) {
        exec(conn, "INSERT INTO xp_bid (project_id, supplier, buyer, amount, bids, received_at) VALUES (?, ?, ?, ?, 1, ?)", p,
            b.supplier(), buyer, b.amount(), fact.occurredAt());
      }
      markProcess(dirty, p, buyer, b.supplier());
    } else if (data instanceof Fact.BidDisqualified d) {
      exec(conn, "UPDATE xp_bid SET disqualified = TRUE WHERE project_id = ? AND supplier = ?", p, d.supplier());
      markProcess(dirty, p, buyer, d.supplier());
    } else if (data instanceof Fact.AwardPublished a) {
      markAll(conn, p, buyer, dirty);
      exec(conn, "UPDATE xp_project SET award_supplier = ?, award_amount = ?, award_at = ? WHERE project_id = ?", a.supplier(),
          a.amount(), fact.occurredAt(), p);
      markProcess(dirty, p, buyer, a.supplier());
    } else if (data instanceof Fact.ProcurementFailed) {
      // a re-tender: the failed round's award no longer stands (its bids stay counted as submitted)
      markAll(conn, p, buyer, dirty);
      exec(conn, "UPDATE xp_project SET award_supplier = NULL, award_amount = NULL, award_at = NULL WHERE project_id = ?", p);
    } else if (data instanceof Fact.ContractSigned c) {
      int n = exec(conn, "UPDATE xp_contract SET supplier = ?, amount = ?, signed_at = ? WHERE project_id = ? AND contract_id = ?",
          c.supplier(), c.amount(), fact.occurredAt(), p, c.contractId());
      if (n == 0) {
        exec(conn, "INSERT INTO xp_contract (project_id, contract_id, supplier, amount, signed_at) VALUES (?, ?, ?, ?, ?)",
            p, c.contractId(), c.supplier(), c.amount(), fact.occurredAt());
      }
      dirty.add("buyer@" + buyer);
      dirty.add("supplier@" + c.supplier());
    } else if (data instanceof Fact.ContractAmended a) {
      // the latest contract of the project takes the amendment (the vocabulary names no contract)
      exec(conn, "UPDATE xp_contract SET amount = amount + ? WHERE project_id = ? AND contract_id ="
          + " (SELECT MAX(contract_id) FROM xp_contract WHERE project_id = ? AND signed_at ="
          + " (SELECT MAX(signed_at) FROM xp_contract WHERE project_id = ?))", a.amountDelta(), p, p, p);
      dirty.add("buyer@" + buyer);
    } else if (data instanceof Fact.ProjectCancelled) {
      exec(conn, "UPDATE xp_project SET cancelled = TRUE WHERE project_id = ?", p);
      markAll(conn, p, buyer, dirty);
    }
  }

  private static void markProcess(Set<String> dirty, String projectId, String buyer, String supplier) {
    dirty.add("buyer@" + buyer);
    dirty.add("supplier@" + supplier);
    dirty.add("project@" + projectId);
  }

  /** Everyone whose figures the project touches: its buyer, bidders, award winner and contract suppliers. */
  private static void markAll(Connection conn, String projectId, String buyer, Set<String> dirty) throws Exception {
    dirty.add("buyer@" + buyer);
    dirty.add("project@" + projectId);
    try (PreparedStatement q = conn.prepareStatement(
        "SELECT supplier FROM xp_bid WHERE project_id = ? UNION SELECT supplier FROM xp_contract WHERE project_id = ?"
            + " UNION SELECT award_supplier FROM xp_project WHERE project_id = ? AND award_supplier IS NOT NULL")) {
      q.setString(1, projectId);
      q.setString(2, projectId);
      q.setString(3, projectId);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) dirty.add("supplier@" + rs.getString(1));
      }
    }
  }

  private static String buyerOf(Connection conn, String projectId) throws Exception {
    try (PreparedStatement q = conn.prepareStatement("SELECT buyer FROM xp_project WHERE project_id = ?")) {
      q.setString(1, projectId);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  static int exec(Connection conn, String sql, Object... args) throws Exception {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        Object a = args[i];
        if (a instanceof java.time.Instant t) io.procwatch.infra.Sql.setInstant(ps, i + 1, t);
        else ps.setObject(i + 1, a);
      }
      return ps.executeUpdate();
    }
  }
}
