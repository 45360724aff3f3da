package io.procwatch.project;

import static io.procwatch.testing.ApiAssertions.assertError;
import static io.procwatch.testing.ApiAssertions.assertErrorBody;
import static io.procwatch.testing.ApiAssertions.contentType;
import static io.procwatch.testing.ApiAssertions.json;
import static io.procwatch.testing.ApiAssertions.ndjson;
import static io.procwatch.testing.Lifecycles.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.testing.Lifecycles;
import io.procwatch.testing.Lifecycles.Step;
import io.procwatch.testing.TestService;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/events} with an {@code application/x-ndjson} batch: one result line per event
 * line, in input order; a bad line is answered on its own and sinks nothing else; the facts of one
 * project are applied in the order sent, also when they take several commands.
 */
class IngestBatchHttpTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static TestService service;
  /** 10k batches, and at most 4 facts of one project per command, so a short path spans several. */
  private static TestService small;

  @BeforeAll
  static void start() {
    service = TestService.h2(CLOCK);
    small = TestService.start("jdbc:h2:mem:procwatch-small-" + SEQ.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "",
        CLOCK, Map.of("procwatch.ingest.max-batch-bytes", "10k", "procwatch.ingest.max-facts-per-event", 4));
  }

  @AfterAll
  static void stop() {
    if (service != null) service.close();
    if (small != null) small.close();
  }

  private static String newProjectId() {
    return "IB-" + SEQ.incrementAndGet();
  }

  /** The result lines of a 200 NDJSON answer. */
  private static List<JsonNode> results(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/x-ndjson");
    assertThat(r.body()).endsWith("\n");
    return ndjson(r);
  }

  private static void assertAccepted(JsonNode line, int lineNo, String result, String eventId, String projectId, Stage stage) {
    List<String> fields = new ArrayList<>();
    line.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).as("%s", line).containsExactly("line", "status", "result", "eventId", "projectId", "stage", "flags");
    assertThat(line.get("line").asInt()).isEqualTo(lineNo);
    assertThat(line.get("status").asInt()).isEqualTo(202);
    assertThat(line.get("result").asText()).as("%s", line).isEqualTo(result);
    assertThat(line.get("eventId").asText()).isEqualTo(eventId);
    assertThat(line.get("projectId").asText()).isEqualTo(projectId);
    assertThat(line.get("stage").asText()).as("%s", line).isEqualTo(stage.name());
  }

  private static void assertRejected(JsonNode line, int lineNo, int status, String eventId, String code, String field) {
    assertThat(line.get("line").asInt()).as("%s", line).isEqualTo(lineNo);
    assertThat(line.get("status").asInt()).as("%s", line).isEqualTo(status);
    assertThat(line.get("result").asText()).isEqualTo("rejected");
    if (eventId == null) assertThat(line.has("eventId")).as("%s", line).isFalse();
    else assertThat(line.get("eventId").asText()).isEqualTo(eventId);
    assertErrorBody(line, code, field);
  }

  private static JsonNode view(TestService s, String projectId) {
    HttpResponse<String> r = s.get("/api/v1/projects/" + projectId);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  private static int journalRows(TestService s, String projectId) {
    try (Connection c = s.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ?"
            + " AND \"event_ser_manifest\" LIKE '%FactsRecorded'")) {
      ps.setString(1, PersistenceId.of(ProcurementProject.ENTITY_TYPE_KEY.name(), projectId).id());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> historyTypes(JsonNode view) {
    List<String> types = new ArrayList<>();
    view.path("history").forEach(h -> types.add(h.path("type").asText()));
    return types;
  }

  private static String lines(List<Step> steps) {
    StringBuilder sb = new StringBuilder();
    for (Step s : steps) sb.append(s.json()).append('\n');
    return sb.toString();
  }

  // ------------------------------------------------------------------ good and bad lines together

  @Test
  void goodAndBadLinesAreAnsweredOneByOneInInputOrder() {
    String p1 = newProjectId();
    String p2 = newProjectId();
    String ghost = newProjectId();
    List<Step> one = Lifecycles.competitive(p1, "B-IB");
    List<Step> two = Lifecycles.selfPurchase(p2, "B-IB");
    String batch = String.join("\n",
        one.get(0).json(),                                                                        // 1 register p1
        one.get(2).json(),                                                                        // 2 p1 requirement
        "{\"eventId\":\"broken\",",                                                               // 3 not JSON
        event(ghost + "-1", ghost, "Delivered", "2026-03-17T14:00:00+08:00", null, null),         // 4 never registered
        "   ",                                                                                    // 5 blank: no result
        one.get(3).json(),                                                                        // 6 p1 plan
        two.get(0).json(),                                                                        // 7 register p2
        event(p1 + "-neg", p1, "PaymentMade", "2026-03-19T10:00:00+08:00", null,
            "{\"amount\":-5,\"kind\":\"FINAL\"}"),                                                // 8 negative amount
        one.get(4).json(),                                                                        // 9 p1 method
        two.get(1).json(),                                                                        // 10 p2 requirement
        event(p1 + "-dq", p1, "BidDisqualified", "2026-01-09T11:00:00+08:00", null,
            "{\"supplier\":\"S9\"}"),                                                             // 11 never bid
        event(p1 + "-x", p1, "Delivered", "2026-01-09T12:00:00+08:00", null, "{\"when\":1}"),     // 12 unknown field
        one.get(5).json(),                                                                        // 13 p1 notice
        one.get(2).json(),                                                                        // 14 retry of line 2
        "");                                                                                      // trailing newline

    List<JsonNode> results = results(service.postNdjson(batch));
    assertThat(results).extracting(r -> r.get("line").asInt()).containsExactly(1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14);
    assertThat(results).extracting(r -> r.get("status").asInt())
        .containsExactly(202, 202, 400, 409, 202, 202, 422, 202, 202, 409, 400, 202, 202);

    assertAccepted(results.get(0), 1, "applied", p1 + "-01", p1, Stage.REGISTERED);
    assertAccepted(results.get(1), 2, "applied", p1 + "-03", p1, Stage.REQUIREMENT_APPROVED);
    assertRejected(results.get(2), 3, 400, null, "MALFORMED_JSON", null);
    assertRejected(results.get(3), 4, 409, ghost + "-1", "PROJECT_NOT_REGISTERED", "projectId");
    assertAccepted(results.get(4), 6, "applied", p1 + "-04", p1, Stage.PLAN_FILED);
    assertAccepted(results.get(5), 7, "applied", p2 + "-01", p2, Stage.REGISTERED);
    assertRejected(results.get(6), 8, 422, null, "INVALID_VALUE", "data.amount");
    assertAccepted(results.get(7), 9, "applied", p1 + "-05", p1, Stage.METHOD_APPROVED);
    assertAccepted(results.get(8), 10, "applied", p2 + "-02", p2, Stage.REQUIREMENT_APPROVED);
    assertRejected(results.get(9), 11, 409, p1 + "-dq", "UNKNOWN_SUPPLIER", "data.supplier");
    assertRejected(results.get(10), 12, 400, null, "UNKNOWN_FIELD", "data.when");
    assertAccepted(results.get(11), 13, "applied", p1 + "-06", p1, Stage.NOTICE_PUBLISHED);
    assertAccepted(results.get(12), 14, "duplicate", p1 + "-03", p1, Stage.NOTICE_PUBLISHED);

    // The bad lines sank nothing, and left nothing behind.
    JsonNode v1 = view(service, p1);
    assertThat(v1.path("stage").asText()).isEqualTo("NOTICE_PUBLISHED");
    assertThat(historyTypes(v1)).containsExactly("ProjectRegistered", "RequirementApproved", "PlanFiled", "MethodApproved",
        "NoticePublished");
    JsonNode v2 = view(service, p2);
    assertThat(v2.path("stage").asText()).isEqualTo("REQUIREMENT_APPROVED");
    assertThat(historyTypes(v2)).containsExactly("ProjectRegistered", "RequirementApproved");
    assertError(service.get("/api/v1/projects/" + ghost), 404, "NOT_FOUND", "projectId");
  }

  @Test
  void aFactBeforeItsProjectsRegistrationInTheSameBatchIsRefusedAndTheRestApplied() {
    String p = newProjectId();
    List<Step> path = Lifecycles.selfPurchase(p, "B-IB");
    List<JsonNode> results = results(service.postNdjson(path.get(1).json() + "\n" + path.get(0).json() + "\n" + path.get(2).json()));
    assertRejected(results.get(0), 1, 409, p + "-02", "PROJECT_NOT_REGISTERED", "projectId");
    assertAccepted(results.get(1), 2, "applied", p + "-01", p, Stage.REGISTERED);
    // MethodApproved without the (refused) requirement approval: stored, and flagged as a skipped step.
    assertAccepted(results.get(2), 3, "flagged", p + "-03", p, Stage.METHOD_APPROVED);
    assertThat(results.get(2).get("flags").get(0).path("rule").asText()).isEqualTo("SQ01");
    // the answer is UTF-8: the rule's Chinese name arrives intact
    assertThat(results.get(2).get("flags").get(0).path("message").asText()).contains("程序倒置");
  }

  /**
   * The body is read as UTF-8 bytes, line by line: whitespace around a line is stripped as {@code String.strip()}
   * strips it (an ideographic space too), a line of only whitespace is blank, and a line whose bytes are not UTF-8 is
   * malformed JSON on its own — not decoded with U+FFFD in place of the bad bytes and accepted.
   */
  @Test
  void linesAreUtf8BytesStrippedOfWhitespaceAndBytesThatAreNotUtf8AreMalformed() throws Exception {
    String p = newProjectId();
    List<Step> path = Lifecycles.selfPurchase(p, "B-IB");
    String broken = event(p + "-09", p, "PlanFiled", "2026-04-01T11:00:00+08:00", "ACTOR", null);
    byte[] brokenBytes = broken.getBytes(StandardCharsets.UTF_8);
    int at = broken.indexOf("ACTOR");
    brokenBytes[at] = (byte) 0xC3; // a two-byte sequence's first byte
    brokenBytes[at + 1] = (byte) 0x28; // followed by '(' instead of a continuation byte
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.write(("\u3000" + path.get(0).json() + " \u3000\r\n").getBytes(StandardCharsets.UTF_8));
    body.write("\u3000\t\n".getBytes(StandardCharsets.UTF_8));
    body.write(brokenBytes);
    body.write(("\n\u2003" + path.get(1).json()).getBytes(StandardCharsets.UTF_8));
    List<JsonNode> results = results(service.post("application/x-ndjson", body.toByteArray()));
    assertThat(results).hasSize(3);
    assertAccepted(results.get(0), 1, "applied", p + "-01", p, Stage.REGISTERED);
    assertRejected(results.get(1), 3, 400, null, "MALFORMED_JSON", null);
    assertThat(results.get(1).path("error").path("message").asText()).contains("UTF-8");
    assertAccepted(results.get(2), 4, "applied", p + "-02", p, Stage.REQUIREMENT_APPROVED);
    assertThat(view(service, p).path("history")).hasSize(2);
  }

  @Test
  void anEventIdReusedWithinOneBatchIsRefusedAndAnExactRepeatIsADuplicate() {
    String p = newProjectId();
    List<Step> path = Lifecycles.selfPurchase(p, "B-IB");
    String other = event(p + "-02", p, "PlanFiled", "2026-04-01T11:00:00+08:00", null, null);
    List<JsonNode> results = results(service.postNdjson(
        path.get(0).json() + "\n" + path.get(1).json() + "\n" + other + "\n" + path.get(1).json() + "\n"));
    assertThat(results).hasSize(4);
    assertAccepted(results.get(1), 2, "applied", p + "-02", p, Stage.REQUIREMENT_APPROVED);
    assertRejected(results.get(2), 3, 409, p + "-02", "EVENT_ID_REUSED", "eventId");
    assertAccepted(results.get(3), 4, "duplicate", p + "-02", p, Stage.REQUIREMENT_APPROVED);
    assertThat(view(service, p).path("history")).hasSize(2);
  }

  // ------------------------------------------------------------------ order within a project

  @Test
  void twoWholeLifeCyclesInterleavedInOneBatchAreEachAppliedInOrder() {
    String p1 = newProjectId();
    String p2 = newProjectId();
    List<Step> one = Lifecycles.competitive(p1, "B-IB");
    List<Step> two = Lifecycles.selfPurchase(p2, "B-IB");
    List<Step> sent = new ArrayList<>();
    for (int i = 0; i < one.size(); i++) {
      sent.add(one.get(i));
      if (i < two.size()) sent.add(two.get(i));
    }

    List<JsonNode> results = results(service.postNdjson(lines(sent)));
    assertThat(results).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      Step s = sent.get(i);
      String projectId = s.eventId().substring(0, s.eventId().lastIndexOf('-'));
      // Any step out of order would be flagged SQ01 or land on another stage.
      assertAccepted(results.get(i), i + 1, "applied", s.eventId(), projectId, s.stageAfter());
    }
    JsonNode v1 = view(service, p1);
    assertThat(v1.path("stage").asText()).isEqualTo("CLOSED");
    assertThat(historyTypes(v1)).containsExactlyElementsOf(one.stream().map(Step::type).toList());
    assertThat(view(service, p2).path("stage").asText()).isEqualTo("CLOSED");
  }

  @Test
  void aProjectsFactsSpanningSeveralCommandsStayInOrder() {
    String p = newProjectId();
    List<Step> path = Lifecycles.competitive(p, "B-IB");
    String batch = lines(path);
    assertThat(batch.getBytes(StandardCharsets.UTF_8).length).as("fits the small service's batch limit").isLessThan(10 * 1024);

    List<JsonNode> results = results(small.postNdjson(batch));
    assertThat(results).hasSize(21);
    for (int i = 0; i < path.size(); i++) {
      assertAccepted(results.get(i), i + 1, "applied", path.get(i).eventId(), p, path.get(i).stageAfter());
    }
    JsonNode v = view(small, p);
    assertThat(v.path("stage").asText()).isEqualTo("CLOSED");
    assertThat(historyTypes(v)).containsExactlyElementsOf(path.stream().map(Step::type).toList());
    // 21 facts at 4 per journal event: 6 events of one atomic write, and the order held across them.
    assertThat(journalRows(small, p)).isEqualTo(6);

    // The same batch again: every line a duplicate, nothing added.
    List<JsonNode> again = results(small.postNdjson(batch));
    assertThat(again).extracting(r -> r.get("result").asText()).containsOnly("duplicate");
    assertThat(view(small, p).path("history")).hasSize(21);
  }

  @Test
  void windowsLineEndingsAreLines() {
    String p = newProjectId();
    List<Step> path = Lifecycles.selfPurchase(p, "B-IB");
    List<JsonNode> results = results(service.postNdjson(path.get(0).json() + "\r\n" + path.get(1).json() + "\r\n"));
    assertAccepted(results.get(0), 1, "applied", p + "-01", p, Stage.REGISTERED);
    assertAccepted(results.get(1), 2, "applied", p + "-02", p, Stage.REQUIREMENT_APPROVED);
  }

  // ------------------------------------------------------------------ whole-batch errors

  @Test
  void anEmptyBatchIs400() {
    assertError(service.postNdjson(""), 400, "EMPTY_BATCH", null);
    assertError(service.postNdjson("\n  \n\r\n"), 400, "EMPTY_BATCH", null);
  }

  @Test
  void aBatchLargerThanMaxBatchBytesIs413AndNothingOfItIsApplied() {
    String p = newProjectId();
    List<Step> path = Lifecycles.competitive(p, "B-IB");
    StringBuilder big = new StringBuilder(lines(path));
    for (int i = 0; big.length() <= 12 * 1024; i++) {
      big.append(event(p + "-pad-" + i, p, "ContractPublished", "2026-03-17T10:00:00+08:00", null, null)).append('\n');
    }
    assertError(small.postNdjson(big.toString()), 413, "PAYLOAD_TOO_LARGE", null);

    byte[] bytes = big.toString().getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> chunked = small.send(HttpRequest.newBuilder(URI.create(small.baseUrl() + "/api/v1/events"))
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
        .build());
    assertError(chunked, 413, "PAYLOAD_TOO_LARGE", null);
    assertError(small.get("/api/v1/projects/" + p), 404, "NOT_FOUND", "projectId");
  }
}
