package io.procwatch.testing;

import io.procwatch.project.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole project life cycles of domain.md §2 as ingest lines, each with the stage it should lead to.
 * The timelines break no rule of domain.md §3 (periods long enough, deadlines met, approvals in working
 * hours, three distinct bids, award below 98% of the budget), so every step is expected "applied" and a
 * test that wants a flag adds the one irregular step itself. Event ids are {@code <projectId>-<nn>}.
 */
public final class Lifecycles {
  public static final String BUDGET = "800000.00";
  /** Winning bid, award, contract and payment: fen, and not representable as a double. */
  public static final String AMOUNT = "749321.37";
  public static final String SELF_BUDGET = "50000.00";
  public static final String SELF_AMOUNT = "48000.00";

  /** One line of a life cycle. */
  public record Step(String eventId, String type, String occurredAt, String json, Stage stageAfter) {}

  private Lifecycles() {}

  /** Registered → intent → … → three bids → … → payment in full → bid deposits back → closed (21 steps). */
  public static List<Step> competitive(String projectId, String buyer) {
    Builder b = new Builder(projectId);
    b.add("ProjectRegistered", "2026-01-05T09:00:00+08:00", null, registrationData(buyer, BUDGET), Stage.REGISTERED);
    // Intent 34 CD before the notice (N10 asks for 30).
    b.add("IntentPublished", "2026-01-06T10:00:00+08:00", null, null, Stage.INTENT_PUBLISHED);
    b.add("RequirementApproved", "2026-01-07T10:00:00+08:00", "li.na", null, Stage.REQUIREMENT_APPROVED);
    b.add("PlanFiled", "2026-01-08T10:00:00+08:00", null, null, Stage.PLAN_FILED);
    b.add("MethodApproved", "2026-01-09T10:00:00+08:00", "li.na", "{\"method\":\"OPEN_TENDER\"}", Stage.METHOD_APPROVED);
    // 30 CD between the documents and the deadline (L35 asks for 20).
    b.add("NoticePublished", "2026-02-09T10:00:00+08:00", null,
        "{\"docIssueAt\":\"2026-02-09T10:00:00+08:00\",\"bidDeadline\":\"2026-03-11T09:30:00+08:00\"}", Stage.NOTICE_PUBLISHED);
    b.add("BidReceived", "2026-03-09T10:00:00+08:00", null, bid("S1", AMOUNT, "2026-03-09T10:00:00+08:00", "1"), Stage.BIDDING);
    b.add("BidReceived", "2026-03-10T10:00:00+08:00", null, bid("S2", "768000.00", "2026-03-10T10:00:00+08:00", "2"), Stage.BIDDING);
    b.add("BidReceived", "2026-03-10T14:00:00+08:00", null, bid("S3", "779500.50", "2026-03-10T14:00:00+08:00", "3"), Stage.BIDDING);
    b.add("BidsOpened", "2026-03-11T09:30:00+08:00", null, null, Stage.BIDS_OPENED);
    b.add("EvaluationCompleted", "2026-03-11T15:00:00+08:00", null, "{\"ranking\":[\"S1\",\"S2\",\"S3\"]}", Stage.EVALUATED);
    b.add("SupplierConfirmed", "2026-03-12T10:00:00+08:00", "li.na", "{\"supplier\":\"S1\"}", Stage.SUPPLIER_CONFIRMED);
    b.add("AwardPublished", "2026-03-13T10:00:00+08:00", null, "{\"supplier\":\"S1\",\"amount\":" + AMOUNT + "}", Stage.AWARDED);
    b.add("ContractSigned", "2026-03-16T10:00:00+08:00", null,
        "{\"contractId\":\"C-" + projectId + "\",\"supplier\":\"S1\",\"amount\":" + AMOUNT
            + ",\"sme\":true,\"paymentDays\":30,\"acceptanceDays\":10}", Stage.CONTRACT_SIGNED);
    b.add("ContractPublished", "2026-03-17T10:00:00+08:00", null, null, Stage.CONTRACT_PUBLISHED);
    b.add("Delivered", "2026-03-17T14:00:00+08:00", null, null, Stage.DELIVERED);
    b.add("Accepted", "2026-03-18T10:00:00+08:00", "wang.fang", null, Stage.ACCEPTED);
    b.add("PaymentMade", "2026-03-19T10:00:00+08:00", null, "{\"amount\":" + AMOUNT + ",\"kind\":\"FINAL\"}", Stage.PAID);
    // Losing bidders' deposits within 5 WD of the award (R33).
    b.add("DepositReturned", "2026-03-19T15:00:00+08:00", null, "{\"kind\":\"BID\",\"supplier\":\"S2\"}", Stage.PAID);
    b.add("DepositReturned", "2026-03-19T15:30:00+08:00", null, "{\"kind\":\"BID\",\"supplier\":\"S3\"}", Stage.PAID);
    b.add("ProjectClosed", "2026-03-20T10:00:00+08:00", null, "{\"reason\":\"归档\"}", Stage.CLOSED);
    return b.steps;
  }

  /** The self-purchase path: Registered → RequirementApproved → MethodApproved → contract … → closed (8 steps). */
  public static List<Step> selfPurchase(String projectId, String buyer) {
    Builder b = new Builder(projectId);
    b.add("ProjectRegistered", "2026-04-01T09:00:00+08:00", null, registrationData(buyer, SELF_BUDGET), Stage.REGISTERED);
    b.add("RequirementApproved", "2026-04-01T10:30:00+08:00", "li.na", null, Stage.REQUIREMENT_APPROVED);
    b.add("MethodApproved", "2026-04-02T10:00:00+08:00", "li.na", "{\"method\":\"SELF_PURCHASE\"}", Stage.METHOD_APPROVED);
    b.add("ContractSigned", "2026-04-03T10:00:00+08:00", null,
        "{\"contractId\":\"C-" + projectId + "\",\"supplier\":\"S9\",\"amount\":" + SELF_AMOUNT + "}", Stage.CONTRACT_SIGNED);
    b.add("Delivered", "2026-04-07T10:00:00+08:00", null, null, Stage.DELIVERED);
    b.add("Accepted", "2026-04-08T10:00:00+08:00", "wang.fang", null, Stage.ACCEPTED);
    b.add("PaymentMade", "2026-04-09T10:00:00+08:00", null, "{\"amount\":" + SELF_AMOUNT + ",\"kind\":\"FINAL\"}", Stage.PAID);
    b.add("ProjectClosed", "2026-04-10T10:00:00+08:00", null, null, Stage.CLOSED);
    return b.steps;
  }

  /** The steps of {@code path} up to and including the first of type {@code last}. */
  public static List<Step> upTo(List<Step> path, String last) {
    for (int i = 0; i < path.size(); i++) {
      if (path.get(i).type().equals(last)) return List.copyOf(path.subList(0, i + 1));
    }
    throw new IllegalArgumentException(last + " is not on the path");
  }

  public static String registrationData(String buyer, String budget) {
    return "{\"buyer\":\"" + buyer + "\",\"buyerName\":\"重庆市某局\",\"title\":\"办公设备采购\",\"category\":\"A02010104\","
        + "\"categoryKind\":\"GOODS\",\"budget\":" + budget + ",\"fiscalYear\":2026}";
  }

  /** One event line with an optional actor. */
  public static String event(String eventId, String projectId, String type, String occurredAt, String actor, String data) {
    return "{\"eventId\":\"" + eventId + "\",\"projectId\":\"" + projectId + "\",\"type\":\"" + type
        + "\",\"occurredAt\":\"" + occurredAt + "\"" + (actor == null ? "" : ",\"actor\":\"" + actor + "\"")
        + (data == null ? "" : ",\"data\":" + data) + "}";
  }

  private static String bid(String supplier, String amount, String receivedAt, String n) {
    return "{\"supplier\":\"" + supplier + "\",\"supplierName\":\"供应商" + n + "\",\"amount\":" + amount
        + ",\"receivedAt\":\"" + receivedAt + "\",\"sme\":true,\"payerAccount\":\"6222-000" + n
        + "\",\"contact\":\"1380000000" + n + "\",\"address\":\"重庆市渝中区" + n + "号\"}";
  }

  private static final class Builder {
    final String projectId;
    final List<Step> steps = new ArrayList<>();

    Builder(String projectId) {
      this.projectId = projectId;
    }

    void add(String type, String at, String actor, String data, Stage after) {
      String id = String.format("%s-%02d", projectId, steps.size() + 1);
      steps.add(new Step(id, type, at, event(id, projectId, type, at, actor, data), after));
    }
  }
}
