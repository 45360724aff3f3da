package io.procwatch.project;

import static io.procwatch.testing.ApiAssertions.assertError;
import static io.procwatch.testing.ApiAssertions.contentType;
import static io.procwatch.testing.ApiAssertions.json;
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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/events} with one event, through the real HTTP port of the whole service: every
 * status code of the ingest edge, the verdicts of domain.md §2 ("How an event is judged"), and proof
 * that a rejected event leaves no trace in its project.
 */
class IngestHttpTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static TestService service;

  @BeforeAll
  static void start() {
    service = TestService.h2(CLOCK);
  }

  @AfterAll
  static void stop() {
    if (service != null) service.close();
  }

  // ------------------------------------------------------------------ helpers

  private static String newProjectId() {
    return "IH-" + SEQ.incrementAndGet();
  }

  private static HttpResponse<String> post(String json) {
    return service.postJson(json);
  }

  /** Posts every step and checks each is applied at the stage the path expects. */
  private static void walk(List<Step> steps) {
    for (Step s : steps) {
      HttpResponse<String> r = post(s.json());
      assertThat(r.statusCode()).as("%s: %s", s.eventId(), r.body()).isEqualTo(202);
      JsonNode body = json(r);
      assertThat(body.path("result").asText()).as("%s: %s", s.eventId(), r.body()).isEqualTo("applied");
      assertThat(body.path("stage").asText()).as(s.eventId()).isEqualTo(s.stageAfter().name());
    }
  }

  private static JsonNode view(String projectId) {
    HttpResponse<String> r = service.get("/api/v1/projects/" + projectId);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  /** A 202 answer: exactly the documented fields. */
  private static JsonNode accepted(HttpResponse<String> r, String result, String eventId, String projectId, Stage stage) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(contentType(r)).startsWith("application/json");
    JsonNode body = json(r);
    List<String> fields = new ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("result", "eventId", "projectId", "stage", "flags");
    assertThat(body.get("result").asText()).isEqualTo(result);
    assertThat(body.get("eventId").asText()).isEqualTo(eventId);
    assertThat(body.get("projectId").asText()).isEqualTo(projectId);
    assertThat(body.get("stage").asText()).isEqualTo(stage.name());
    assertThat(body.get("flags").isArray()).isTrue();
    if (!result.equals("flagged")) assertThat(body.get("flags")).isEmpty();
    return body;
  }

  /** The rules that fired, in order. */
  private static List<String> rules(JsonNode flags) {
    List<String> rules = new ArrayList<>();
    flags.forEach(f -> rules.add(f.path("rule").asText()));
    return rules;
  }

  private static String registration(String eventId, String projectId, String budget, String occurredAt) {
    return event(eventId, projectId, "ProjectRegistered", occurredAt, null,
        Lifecycles.registrationData("B-IH", budget));
  }

  /**
   * The project's view is exactly what it was: nothing of the rejected fact was stored. And its event
   * id is still free: a valid fact under the same id is applied, not refused as a reused id.
   */
  private static void assertNothingStored(String projectId, JsonNode before, String rejectedEventId, String validFactWithThatId) {
    assertThat(view(projectId)).isEqualTo(before);
    HttpResponse<String> r = post(validFactWithThatId);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(json(r).path("eventId").asText()).isEqualTo(rejectedEventId);
    assertThat(json(r).path("result").asText()).isIn("applied", "flagged");
    assertThat(view(projectId).path("history")).hasSize(before.path("history").size() + 1);
  }

  // ------------------------------------------------------------------ 202: applied, duplicate

  @Test
  void aFactThatIsTheExpectedNextStepIsApplied() {
    String p = newProjectId();
    List<Step> path = Lifecycles.competitive(p, "B-IH");
    accepted(post(path.get(0).json()), "applied", p + "-01", p, Stage.REGISTERED);
    accepted(post(path.get(1).json()), "applied", p + "-02", p, Stage.INTENT_PUBLISHED);
    accepted(post(path.get(2).json()), "applied", p + "-03", p, Stage.REQUIREMENT_APPROVED);

    JsonNode v = view(p);
    assertThat(v.path("stage").asText()).isEqualTo("REQUIREMENT_APPROVED");
    assertThat(v.path("history")).hasSize(3);
    assertThat(v.path("history").get(2).path("actor").asText()).isEqualTo("li.na");
  }

  @Test
  void aRetryWithTheSameEventIdAndContentIsADuplicate() {
    String p = newProjectId();
    String id = p + "-reg";
    accepted(post(registration(id, p, "100", "2026-01-05T09:00:00+08:00")), "applied", id, p, Stage.REGISTERED);

    accepted(post(registration(id, p, "100", "2026-01-05T09:00:00+08:00")), "duplicate", id, p, Stage.REGISTERED);
    // The same content written differently: 100 vs 100.00, and the same instant in another offset.
    accepted(post(registration(id, p, "100.00", "2026-01-05T01:00:00Z")), "duplicate", id, p, Stage.REGISTERED);
    accepted(post(registration(id, p, "100.0", "2026-01-05T03:30:00+02:30")), "duplicate", id, p, Stage.REGISTERED);
    assertThat(view(p).path("history")).hasSize(1);

    // A retry after the project moved on answers the current stage, and still stores nothing.
    String approval = event(p + "-ra", p, "RequirementApproved", "2026-01-07T10:00:00+08:00", null, null);
    accepted(post(approval), "applied", p + "-ra", p, Stage.REQUIREMENT_APPROVED);
    accepted(post(registration(id, p, "100", "2026-01-05T09:00:00+08:00")), "duplicate", id, p, Stage.REQUIREMENT_APPROVED);
    accepted(post(approval), "duplicate", p + "-ra", p, Stage.REQUIREMENT_APPROVED);
    assertThat(view(p).path("history")).hasSize(2);
  }

  @Test
  void aDuplicateOfAMoneyFactIgnoresTrailingZerosButNotTheAmount() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.selfPurchase(p, "B-IH"), "Accepted"));
    String pay = event(p + "-pay", p, "PaymentMade", "2026-04-09T10:00:00+08:00", null, "{\"amount\":100,\"kind\":\"PROGRESS\"}");
    accepted(post(pay), "applied", p + "-pay", p, Stage.PAYING);
    accepted(post(pay.replace("\"amount\":100", "\"amount\":100.00")), "duplicate", p + "-pay", p, Stage.PAYING);

    HttpResponse<String> other = post(pay.replace("\"amount\":100", "\"amount\":100.01"));
    assertError(other, 409, "EVENT_ID_REUSED", "eventId");
    assertThat(view(p).path("money").path("paid").decimalValue()).isEqualByComparingTo("100");
  }

  // ------------------------------------------------------------------ 409: rejected, nothing stored

  @Test
  void theSameEventIdWithOtherContentIs409AndStoresNothing() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.competitive(p, "B-IH"), "RequirementApproved"));
    JsonNode before = view(p);

    // Same id as the registration, other content.
    assertError(post(registration(p + "-01", p, "900000.00", "2026-01-05T09:00:00+08:00")), 409, "EVENT_ID_REUSED", "eventId");
    // Same id as the approval, another type altogether.
    assertError(post(event(p + "-03", p, "PlanFiled", "2026-01-08T10:00:00+08:00", null, null)), 409, "EVENT_ID_REUSED", "eventId");
    // Same id and type, other business time.
    assertError(post(event(p + "-03", p, "RequirementApproved", "2026-01-07T10:00:01+08:00", "li.na", null)),
        409, "EVENT_ID_REUSED", "eventId");
    assertThat(view(p)).isEqualTo(before);
  }

  @Test
  void aFactOfAProjectNeverRegisteredIs409AndStoresNothing() {
    String p = newProjectId();
    String delivered = event(p + "-d", p, "Delivered", "2026-03-17T14:00:00+08:00", null, null);
    assertError(post(delivered), 409, "PROJECT_NOT_REGISTERED", "projectId");
    assertError(service.get("/api/v1/projects/" + p), 404, "NOT_FOUND", "projectId");

    // Once registered, the same fact is accepted: the refusal left nothing behind.
    accepted(post(registration(p + "-r", p, "1000.00", "2026-03-01T09:00:00+08:00")), "applied", p + "-r", p, Stage.REGISTERED);
    assertThat(json(post(delivered)).path("eventId").asText()).isEqualTo(p + "-d");
    assertThat(view(p).path("history")).hasSize(2);
  }

  @Test
  void disqualifyingASupplierThatNeverBidIs409AndStoresNothing() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.competitive(p, "B-IH"), "BidsOpened"));
    JsonNode before = view(p);

    String id = p + "-dq";
    JsonNode error = assertError(post(event(id, p, "BidDisqualified", "2026-03-11T11:00:00+08:00", null,
        "{\"supplier\":\"S9\",\"reason\":\"资格不符\"}")), 409, "UNKNOWN_SUPPLIER", "data.supplier");
    assertThat(error.path("message").asText()).contains("S9");

    assertNothingStored(p, before, id, event(id, p, "BidDisqualified", "2026-03-11T11:00:00+08:00", null,
        "{\"supplier\":\"S3\",\"reason\":\"资格不符\"}"));
    assertThat(view(p).path("bids").get(2).path("disqualified").asBoolean()).isTrue();
  }

  @Test
  void amendingAContractNeverSignedIs409AndStoresNothing() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.competitive(p, "B-IH"), "AwardPublished"));
    JsonNode before = view(p);

    String id = p + "-amend";
    assertError(post(event(id, p, "ContractAmended", "2026-03-14T10:00:00+08:00", null,
        "{\"amountDelta\":5000.00,\"reason\":\"追加\"}")), 409, "NO_CONTRACT", "data.amountDelta");
    assertThat(view(p)).isEqualTo(before);

    // A performance deposit cannot be returned without a contract either.
    assertError(post(event(p + "-bond", p, "DepositReturned", "2026-03-14T10:00:00+08:00", null,
        "{\"kind\":\"PERFORMANCE\",\"supplier\":\"S1\"}")), 409, "NO_CONTRACT", "data.kind");

    assertNothingStored(p, before, id, event(id, p, "ContractSigned", "2026-03-16T10:00:00+08:00", null,
        "{\"contractId\":\"C-" + p + "\",\"supplier\":\"S1\",\"amount\":" + Lifecycles.AMOUNT + "}"));
  }

  @Test
  void answeringAnUnknownChallengeIs409AndStoresNothing() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.competitive(p, "B-IH"), "AwardPublished"));
    accepted(post(event(p + "-q1", p, "ChallengeFiled", "2026-03-16T09:00:00+08:00", null,
        "{\"challengeId\":\"Q1\",\"supplier\":\"S2\"}")), "applied", p + "-q1", p, Stage.AWARDED);
    JsonNode before = view(p);

    String id = p + "-answer";
    assertError(post(event(id, p, "ChallengeAnswered", "2026-03-17T09:00:00+08:00", null,
        "{\"challengeId\":\"Q2\",\"supplier\":\"S2\"}")), 409, "UNKNOWN_CHALLENGE", "data.challengeId");

    assertNothingStored(p, before, id, event(id, p, "ChallengeAnswered", "2026-03-17T09:00:00+08:00", null,
        "{\"challengeId\":\"Q1\",\"supplier\":\"S2\"}"));
    assertThat(view(p).path("challenges").get(0).path("answeredAt").asText()).isEqualTo("2026-03-17T01:00:00Z");

    // Answering it a second time, under another id, is refused as well.
    assertError(post(event(p + "-again", p, "ChallengeAnswered", "2026-03-18T09:00:00+08:00", null,
        "{\"challengeId\":\"Q1\"}")), 409, "CHALLENGE_ALREADY_ANSWERED", "data.challengeId");
  }

  @Test
  void aSecondRegistrationWithOtherContentIs409AndStoresNothing() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.competitive(p, "B-IH"), "RequirementApproved"));
    JsonNode before = view(p);

    String id = p + "-rereg";
    assertError(post(registration(id, p, "900000.00", "2026-01-05T09:00:00+08:00")), 409, "REGISTRATION_CONFLICT", "data");
    assertThat(view(p)).isEqualTo(before);
    assertThat(view(p).path("registration").path("budget").decimalValue()).isEqualByComparingTo(Lifecycles.BUDGET);

    // The same registration re-sent under a new event id is a harmless duplicate.
    HttpResponse<String> same = post(event(id, p, "ProjectRegistered", "2026-01-05T09:00:00+08:00", null,
        Lifecycles.registrationData("B-IH", Lifecycles.BUDGET)));
    accepted(same, "duplicate", id, p, Stage.REQUIREMENT_APPROVED);
    assertThat(view(p)).isEqualTo(before);
  }

  // ------------------------------------------------------------------ 202 flagged: stored, stage advances, rule fires

  @Test
  void deliveryBeforeTheContractIsFlaggedSq01() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.selfPurchase(p, "B-IH"), "MethodApproved"));

    String id = p + "-early";
    JsonNode body = accepted(post(event(id, p, "Delivered", "2026-04-03T10:00:00+08:00", null, null)),
        "flagged", id, p, Stage.DELIVERED);
    assertThat(rules(body.get("flags"))).containsExactly("SQ01");
    JsonNode flag = body.get("flags").get(0);
    assertThat(flag.path("severity").asText()).isEqualTo("CRITICAL");
    assertThat(flag.path("subject").asText()).isEqualTo("Delivered");
    assertThat(flag.path("message").asText()).contains("ContractSigned");

    JsonNode v = view(p);
    assertThat(v.path("stage").asText()).isEqualTo("DELIVERED");
    JsonNode last = v.path("history").get(v.path("history").size() - 1);
    assertThat(last.path("eventId").asText()).isEqualTo(id);
    assertThat(last.path("result").asText()).isEqualTo("flagged");
    assertThat(rules(v.path("irregularities"))).containsExactly("SQ01");
    assertThat(v.path("irregularities").get(0).path("eventId").asText()).isEqualTo(id);
  }

  @Test
  void aStepBeforeItsPrerequisiteInBusinessTimeIsFlaggedSq01() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.selfPurchase(p, "B-IH"), "ContractSigned"));
    // Reported after the contract, but says the delivery happened the day before it was signed.
    String id = p + "-backdated";
    JsonNode body = accepted(post(event(id, p, "Delivered", "2026-04-02T15:00:00+08:00", null, null)),
        "flagged", id, p, Stage.DELIVERED);
    assertThat(rules(body.get("flags"))).containsExactly("SQ01");
    assertThat(body.get("flags").get(0).path("message").asText()).contains("before ContractSigned");
  }

  @Test
  void aContractWithAnotherSupplierThanTheAwardedOneIsFlaggedSq02() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.competitive(p, "B-IH"), "AwardPublished"));

    String id = p + "-contract";
    JsonNode body = accepted(post(event(id, p, "ContractSigned", "2026-03-16T10:00:00+08:00", null,
            "{\"contractId\":\"C-X\",\"supplier\":\"S2\",\"amount\":" + Lifecycles.AMOUNT + "}")),
        "flagged", id, p, Stage.CONTRACT_SIGNED);
    assertThat(rules(body.get("flags"))).containsExactly("SQ02");
    assertThat(body.get("flags").get(0).path("subject").asText()).isEqualTo("C-X");
    assertThat(body.get("flags").get(0).path("message").asText()).contains("S2", "S1");
    assertThat(view(p).path("contract").path("supplier").asText()).isEqualTo("S2");
  }

  @Test
  void activityAfterClosingIsFlaggedSq03ButADepositReturnIsNot() {
    String p = newProjectId();
    walk(Lifecycles.selfPurchase(p, "B-IH"));

    String late = p + "-late";
    JsonNode body = accepted(post(event(late, p, "IntentPublished", "2026-04-13T10:00:00+08:00", null, null)),
        "flagged", late, p, Stage.CLOSED);
    assertThat(rules(body.get("flags"))).containsExactly("SQ03");
    assertThat(body.get("flags").get(0).path("severity").asText()).isEqualTo("WARNING");

    String deposit = p + "-deposit";
    accepted(post(event(deposit, p, "DepositReturned", "2026-04-14T10:00:00+08:00", null,
        "{\"kind\":\"PERFORMANCE\",\"supplier\":\"S9\"}")), "applied", deposit, p, Stage.CLOSED);

    JsonNode v = view(p);
    assertThat(v.path("stage").asText()).isEqualTo("CLOSED");
    assertThat(v.path("history")).hasSize(10);
    assertThat(rules(v.path("irregularities"))).containsExactly("SQ03");
  }

  // ------------------------------------------------------------------ 400 / 422: the parser's answers at the edge

  @Test
  void malformedJsonIs400() {
    assertError(post("{\"eventId\": \"x\","), 400, "MALFORMED_JSON", null);
    assertError(post("[]"), 400, "MALFORMED_JSON", null);
    assertError(post(""), 400, "MALFORMED_JSON", null);
  }

  /** The body is read as UTF-8: other bytes are malformed JSON, and nothing is stored for them. */
  @Test
  void bytesThatAreNotUtf8Are400AndStoreNothing() {
    String p = newProjectId();
    String valid = Lifecycles.selfPurchase(p, "BUYER-UTF8").get(0).json();
    byte[] broken = valid.getBytes(StandardCharsets.UTF_8);
    int at = valid.indexOf("BUYER-UTF8");
    assertThat(valid.substring(0, at)).matches("\\p{ASCII}*"); // so that the char's index is its byte's
    broken[at] = (byte) 0xFF; // never a byte of UTF-8
    JsonNode error = assertError(service.post("application/json", broken), 400, "MALFORMED_JSON", null);
    assertThat(error.path("message").asText()).contains("UTF-8");
    // the same event in UTF-16 (which a JSON parser could detect and decode): refused too
    assertError(service.post("application/json", valid.getBytes(StandardCharsets.UTF_16LE)), 400, "MALFORMED_JSON", null);
    assertError(service.post("application/json", valid.getBytes(StandardCharsets.UTF_16)), 400, "MALFORMED_JSON", null);
    assertThat(service.get("/api/v1/projects/" + p).statusCode()).isEqualTo(404);
    // and in UTF-8 it is accepted
    assertThat(post(valid).statusCode()).isEqualTo(202);
  }

  @Test
  void missingFieldsAre422AndWrongTypesAre400() {
    String p = newProjectId();
    assertError(post("{\"projectId\":\"" + p + "\",\"type\":\"Delivered\",\"occurredAt\":\"2026-03-02T10:15:00+08:00\"}"),
        422, "MISSING_FIELD", "eventId");
    assertError(post(event("e1", p, "PaymentMade", "2026-03-02T10:15:00+08:00", null, "{\"kind\":\"FINAL\"}")),
        422, "MISSING_FIELD", "data.amount");
    assertError(post("{\"eventId\":42,\"projectId\":\"" + p + "\",\"type\":\"Delivered\",\"occurredAt\":\"2026-03-02T10:15:00+08:00\"}"),
        400, "WRONG_TYPE", "eventId");
    assertError(post(event("e1", p, "PaymentMade", "2026-03-02T10:15:00+08:00", null, "{\"amount\":\"100\",\"kind\":\"FINAL\"}")),
        400, "WRONG_TYPE", "data.amount");
    assertError(post(event("e1", p, "PaymentMade", "2026-03-02T10:15:00+08:00", null, "[]")), 400, "WRONG_TYPE", "data");
    assertError(post(event("e1", p, "PaymentMade", "2026-03-02T10:15:00+08:00", null, "{\"amout\":1,\"kind\":\"FINAL\"}")),
        400, "UNKNOWN_FIELD", "data.amout");
    assertError(post(event("e1", p, "PaymentMade", "2026-03-02T10:15:00+08:00", null, "{\"amount\":1,\"kind\":\"LATER\"}")),
        422, "INVALID_VALUE", "data.kind");
    assertError(post(event("e1", p, "Paid", "2026-03-02T10:15:00+08:00", null, null)), 422, "UNKNOWN_TYPE", "type");
    assertError(post(event("e1", p, "Delivered", "2026-03-02T10:15:00", null, null)), 422, "INVALID_VALUE", "occurredAt");
    // The service clock is 2026-06-01T00:00Z; an hour of skew is allowed, a day is not.
    assertError(post(event("e1", p, "Delivered", "2026-06-02T00:00:00Z", null, null)), 422, "INVALID_VALUE", "occurredAt");
  }

  @Test
  void negativeAndAbsurdAmountsAre422AndNeverReachTheProject() {
    String p = newProjectId();
    walk(Lifecycles.upTo(Lifecycles.selfPurchase(p, "B-IH"), "Accepted"));
    JsonNode before = view(p);
    assertError(post(event(p + "-neg", p, "PaymentMade", "2026-04-09T10:00:00+08:00", null,
        "{\"amount\":-48000.00,\"kind\":\"FINAL\"}")), 422, "INVALID_VALUE", "data.amount");
    assertError(post(event(p + "-huge", p, "PaymentMade", "2026-04-09T10:00:00+08:00", null,
        "{\"amount\":48000000000000.00,\"kind\":\"FINAL\"}")), 422, "INVALID_VALUE", "data.amount");
    assertError(post(event(p + "-fen", p, "PaymentMade", "2026-04-09T10:00:00+08:00", null,
        "{\"amount\":48000.001,\"kind\":\"FINAL\"}")), 422, "INVALID_VALUE", "data.amount");
    assertError(post(registration(p + "-negbudget", newProjectId(), "-1.00", "2026-04-01T09:00:00+08:00")),
        422, "INVALID_VALUE", "data.budget");
    assertThat(view(p)).isEqualTo(before);
  }

  // ------------------------------------------------------------------ 413, 415, 405, 404

  /** A registration whose title makes the body about {@code bytes} long. */
  /** One HTTP/1.1 response read off a socket: status line, headers and a body of its Content-Length. */
  private static String rawResponse(java.io.InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) throw new java.io.EOFException("connection closed after: " + head);
      head.append((char) c);
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
    return head + new String(body, StandardCharsets.UTF_8);
  }

  private static String registrationOfSize(String projectId, int bytes) {
    String title = "x".repeat(bytes);
    return event(projectId + "-big", projectId, "ProjectRegistered", "2026-01-05T09:00:00+08:00", null,
        "{\"buyer\":\"B-IH\",\"title\":\"" + title + "\",\"category\":\"A02010104\",\"categoryKind\":\"GOODS\","
            + "\"budget\":1000.00,\"fiscalYear\":2026}");
  }

  @Test
  void aSingleEventLargerThanMaxEventBytesIs413() {
    String p = newProjectId();
    String big = registrationOfSize(p, 300 * 1024);
    assertError(post(big), 413, "PAYLOAD_TOO_LARGE", null);

    // Without a Content-Length (chunked), the limit holds while reading.
    HttpResponse<String> chunked = service.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
        .build());
    assertError(chunked, 413, "PAYLOAD_TOO_LARGE", null);
    assertError(service.get("/api/v1/projects/" + p), 404, "NOT_FOUND", "projectId");

    // Under the 256k limit the body is read and judged: here the title is too long (422), not too large.
    assertError(post(registrationOfSize(p, 200 * 1024)), 422, "INVALID_VALUE", "data.title");
  }

  /**
   * A client that writes its whole oversized body before reading (what most HTTP clients do) still reads the 413:
   * the server reads the body's rest and drops it instead of closing on unread bytes, which makes the kernel reset
   * the connection and lose the answer (seen as "header parser received no bytes" under load). The connection then
   * serves the next request.
   */
  @Test
  void aClientThatWritesItsWholeOversizedBodyFirstReadsThe413() throws Exception {
    String p = newProjectId();
    byte[] big = registrationOfSize(p, 2 * 1024 * 1024).getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(service.baseUrl());
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      String head = "POST /api/v1/events HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + big.length + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(big);
      out.flush();
      String next = "GET /api/v1/projects/" + p + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n\r\n";
      out.write(next.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      java.io.InputStream in = socket.getInputStream();
      String first = rawResponse(in);
      assertThat(first).startsWith("HTTP/1.1 413 ").contains("PAYLOAD_TOO_LARGE");
      assertThat(rawResponse(in)).startsWith("HTTP/1.1 404 ").contains("NOT_FOUND");
    }
    assertError(service.get("/api/v1/projects/" + p), 404, "NOT_FOUND", "projectId");
  }

  @Test
  void anotherMediaTypeIs415() {
    String p = newProjectId();
    String valid = registration(p + "-01", p, "1000.00", "2026-01-05T09:00:00+08:00");
    assertError(service.post("text/plain", valid), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
    assertError(service.post("application/xml", valid), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
    assertError(service.post("application/x-www-form-urlencoded", valid), 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
    HttpResponse<String> none = service.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/events"))
        .POST(HttpRequest.BodyPublishers.ofString(valid)).build());
    assertError(none, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
    assertError(service.get("/api/v1/projects/" + p), 404, "NOT_FOUND", "projectId");

    // A charset parameter is fine.
    accepted(service.post("application/json; charset=utf-8", valid), "applied", p + "-01", p, Stage.REGISTERED);
  }

  @Test
  void anotherMethodOnEventsIs405() {
    HttpResponse<String> delete = service.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/events"))
        .DELETE().build());
    assertError(delete, 405, "METHOD_NOT_ALLOWED", null);
    assertThat(delete.headers().firstValue("Allow")).hasValue("POST");

    assertError(service.get("/api/v1/events"), 405, "METHOD_NOT_ALLOWED", null);
  }

  @Test
  void anUnknownPathIs404Json() {
    assertError(service.get("/api/v1/nope"), 404, "NOT_FOUND", null);
    assertError(service.get("/"), 404, "NOT_FOUND", null);
    HttpResponse<String> v2 = service.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v2/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build());
    assertError(v2, 404, "NOT_FOUND", null);
  }
}
