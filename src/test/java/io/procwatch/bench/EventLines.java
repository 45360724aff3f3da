package io.procwatch.bench;

/**
 * Ingest events of the public vocabulary (domain.md §2) for the benchmark. Every project walks the
 * competitive path to {@code NoticePublished}, after which {@code BidReceived} may repeat: each bid has
 * a supplier and an eventId never used before, so each one is answered {@code applied}.
 *
 * <p>Business times lie in March 2026 (in the past, so never "in the future"), each step after the one
 * it requires, so no sequence rule fires.
 */
final class EventLines {
  private EventLines() {}

  /** The project id of project number {@code n}; the wrk script (single.lua) builds the same ids. */
  static String projectId(String prefix, int n) {
    return String.format("%s-%05d", prefix, n);
  }

  /** ProjectRegistered → RequirementApproved → MethodApproved → NoticePublished: four lines. */
  static void appendWalkToNotice(StringBuilder out, String projectId) {
    out.append("{\"eventId\":\"").append(projectId).append("-reg\",\"projectId\":\"").append(projectId)
        .append("\",\"type\":\"ProjectRegistered\",\"occurredAt\":\"2026-03-02T09:00:00+08:00\",\"data\":{")
        .append("\"buyer\":\"500000-bench\",\"buyerName\":\"重庆市某局\",\"title\":\"办公设备采购 ").append(projectId)
        .append("\",\"category\":\"A02010104\",\"categoryKind\":\"GOODS\",\"budget\":3800000.00,\"fiscalYear\":2026}}\n");
    out.append("{\"eventId\":\"").append(projectId).append("-req\",\"projectId\":\"").append(projectId)
        .append("\",\"type\":\"RequirementApproved\",\"occurredAt\":\"2026-03-03T10:00:00+08:00\",\"actor\":\"li.na\"}\n");
    out.append("{\"eventId\":\"").append(projectId).append("-method\",\"projectId\":\"").append(projectId)
        .append("\",\"type\":\"MethodApproved\",\"occurredAt\":\"2026-03-04T10:00:00+08:00\",\"actor\":\"li.na\",")
        .append("\"data\":{\"method\":\"OPEN_TENDER\",\"approvalRef\":\"CQ-2026-").append(projectId).append("\"}}\n");
    out.append("{\"eventId\":\"").append(projectId).append("-notice\",\"projectId\":\"").append(projectId)
        .append("\",\"type\":\"NoticePublished\",\"occurredAt\":\"2026-03-05T09:00:00+08:00\",")
        .append("\"data\":{\"docIssueAt\":\"2026-03-05T09:00:00+08:00\",\"bidDeadline\":\"2026-03-26T09:30:00+08:00\"}}\n");
  }

  /** One BidReceived; {@code key} must be unique in the run (it makes the eventId and the supplier). */
  static void appendBid(StringBuilder out, String projectId, String key, int amountSeed) {
    out.append("{\"eventId\":\"").append(key).append("\",\"projectId\":\"").append(projectId)
        .append("\",\"type\":\"BidReceived\",\"occurredAt\":\"2026-03-20T14:00:00+08:00\",\"data\":{\"supplier\":\"S")
        .append(key).append("\",\"supplierName\":\"供应商 ").append(key).append("\",\"amount\":")
        .append(3_000_000 + (amountSeed % 700_000)).append(".00,\"sme\":true}}\n");
  }
}
