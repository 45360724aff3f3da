package io.procwatch.project;

import io.procwatch.project.Fact.AwardPublished;
import io.procwatch.project.Fact.BidReceived;
import io.procwatch.project.Fact.ContractSigned;
import io.procwatch.project.Fact.MethodApproved;
import io.procwatch.project.Fact.NoticePublished;
import io.procwatch.project.Fact.ProjectRegistered;
import io.procwatch.alert.Alert;
import io.procwatch.rules.Deadline;
import io.procwatch.rules.Finding;
import io.procwatch.rules.RuleEngine;
import io.procwatch.rules.Severity;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a supervisor needs about one project, as the API shows it. A DTO built from the state,
 * never the state itself, so the stored shape can evolve without breaking clients.
 */
public record ProjectView(
    String projectId,
    ProjectRegistered registration,
    Stage stage,
    String stageZh,
    int round,
    MethodApproved method,
    NoticePublished notice,
    Money money,
    AwardPublished award,
    ContractSigned contract,
    List<ProjectState.Amendment> amendments,
    List<ProjectState.Payment> payments,
    List<Bid> bids,
    List<String> ranking,
    String confirmedSupplier,
    List<ProjectState.Challenge> challenges,
    List<ProjectState.Deposit> deposits,
    Map<String, Instant> dates,
    List<OpenDeadline> openDeadlines,
    List<Alert> alerts,
    List<Irregularity> irregularities,
    List<HistoryEntry> history,
    Instant lastEventAt) {

  /** The figures of the budget → contract → payment loop, exact. */
  public record Money(BigDecimal budget, BigDecimal awarded, BigDecimal contract, BigDecimal amendments,
      BigDecimal contractTotal, BigDecimal paid, BigDecimal outstanding) {}

  public record Bid(String supplier, String supplierName, BigDecimal amount, Instant receivedAt, Boolean sme,
      boolean disqualified, String disqualificationReason) {}

  /** A deadline still running: what closes it and when it is due (business time, Asia/Shanghai calendar). */
  public record OpenDeadline(String rule, String subject, Severity severity, Instant startedAt, Instant prewarnAt,
      Instant dueAt, String message) {}

  /** What a fact was flagged for when it was judged. */
  public record Irregularity(String rule, Severity severity, String subject, String message, String eventId,
      Instant occurredAt) {}

  public record HistoryEntry(String eventId, String type, Instant occurredAt, Instant recordedAt, String actor,
      String result, Stage stage, List<Finding> flags, Fact.Data data) {}

  public static ProjectView of(ProjectState s, RuleEngine.Evaluation now) {
    BigDecimal total = s.contractTotal();
    BigDecimal paid = s.paid();
    Money money = new Money(s.budget(), s.award() == null ? null : s.award().amount(),
        s.contract() == null ? null : s.contract().amount(), s.amendmentsTotal(), total, paid,
        total == null ? null : total.subtract(paid));
    List<Bid> bids = new ArrayList<>();
    for (BidReceived b : s.bids()) {
      String reason = s.disqualified().get(b.supplier());
      bids.add(new Bid(b.supplier(), b.supplierName(), b.amount(), b.receivedAt(), b.sme(), reason != null,
          reason == null || reason.isEmpty() ? null : reason));
    }
    List<Irregularity> irregularities = new ArrayList<>();
    List<HistoryEntry> history = new ArrayList<>(s.history().size());
    for (RecordedFact r : s.history()) {
      Fact f = r.fact();
      for (Finding x : r.findings()) {
        irregularities.add(new Irregularity(x.rule(), x.severity(), x.subject(), x.message(), f.eventId(), f.occurredAt()));
      }
      history.add(new HistoryEntry(f.eventId(), f.type(), f.occurredAt(), r.recordedAt(), f.actor(),
          r.flagged() ? ProcurementProject.Outcome.FLAGGED : ProcurementProject.Outcome.APPLIED, r.stageAfter(),
          r.findings(), f.data()));
    }
    return new ProjectView(s.projectId(), s.registration(), s.stage(), s.stage().zh(), s.round(), s.method(),
        s.notice(), money, s.award(), s.contract(), s.amendments(), s.payments(), bids, s.ranking(),
        s.confirmedSupplier(), List.copyOf(s.challenges().values()), s.deposits(), s.steps(), openDeadlines(now),
        s.alerts().alerts(), irregularities, history, s.lastOccurredAt());
  }

  private static List<OpenDeadline> openDeadlines(RuleEngine.Evaluation ev) {
    List<OpenDeadline> out = new ArrayList<>();
    for (Deadline d : ev.deadlines()) {
      if (d.open()) out.add(new OpenDeadline(d.rule(), d.subject(), d.severity(), d.startedAt(), d.prewarnAt(), d.dueAt(), d.message()));
    }
    out.sort(java.util.Comparator.comparing(OpenDeadline::dueAt));
    return out;
  }
}
