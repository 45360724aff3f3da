package io.procwatch.project;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procwatch.http.ApiError;
import io.procwatch.infra.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public ingest contract (domain.md §2) at the parser: 400 for the wrong JSON shape, 422 for
 * well-formed but unacceptable content, always naming the field; a valid event of every type parses.
 */
class IngestParserTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final Duration SKEW = Duration.ofHours(1);
  private final IngestParser parser = new IngestParser(SKEW);

  /** A valid {@code data} of every type of the vocabulary, with every field it has. */
  private static final Map<String, String> VALID = new LinkedHashMap<>();

  static {
    VALID.put("ProjectRegistered",
        "{\"buyer\":\"B1\",\"buyerName\":\"重庆市某局\",\"title\":\"办公设备采购\",\"budgetProjectId\":\"BP-2026-7\","
            + "\"category\":\"A02010104\",\"categoryKind\":\"GOODS\",\"budget\":800000.00,\"fiscalYear\":2026,"
            + "\"centralCatalogue\":false,\"items\":[{\"name\":\"台式计算机\",\"quantity\":10,\"unitPrice\":5000.00}]}");
    VALID.put("IntentPublished", "{}");
    VALID.put("RequirementApproved", "{}");
    VALID.put("PlanFiled", "{}");
    VALID.put("MethodApproved",
        "{\"method\":\"SINGLE_SOURCE\",\"approvalRef\":\"渝财采〔2026〕1号\",\"singleSourceGround\":\"ONLY_SUPPLIER\"}");
    VALID.put("NoticePublished",
        "{\"docIssueAt\":\"2026-02-09T10:00:00+08:00\",\"bidDeadline\":\"2026-03-11T09:30:00+08:00\"}");
    VALID.put("BidReceived",
        "{\"supplier\":\"S1\",\"supplierName\":\"甲公司\",\"amount\":749321.37,\"receivedAt\":\"2026-03-09T10:00:00+08:00\","
            + "\"sme\":true,\"payerAccount\":\"6222-0001\",\"contact\":\"13800000001\",\"address\":\"重庆市渝中区1号\"}");
    VALID.put("BidsOpened", "{}");
    VALID.put("BidDisqualified", "{\"supplier\":\"S2\",\"reason\":\"资格不符\"}");
    VALID.put("EvaluationCompleted", "{\"ranking\":[\"S1\",\"S2\",\"S3\"]}");
    VALID.put("SupplierConfirmed", "{\"supplier\":\"S1\"}");
    VALID.put("AwardPublished", "{\"supplier\":\"S1\",\"amount\":749321.37}");
    VALID.put("ChallengeFiled", "{\"challengeId\":\"Q1\",\"supplier\":\"S2\"}");
    VALID.put("ChallengeAnswered", "{\"challengeId\":\"Q1\",\"supplier\":\"S2\"}");
    VALID.put("ProcurementFailed", "{\"reason\":\"有效投标不足三家\"}");
    VALID.put("ContractSigned",
        "{\"contractId\":\"C-1\",\"supplier\":\"S1\",\"amount\":749321.37,\"sme\":true,\"paymentDays\":30,"
            + "\"acceptanceDays\":10,\"performanceBond\":37466.07}");
    VALID.put("ContractPublished", "{}");
    VALID.put("ContractAmended", "{\"amountDelta\":-1000.50,\"reason\":\"减少数量\"}");
    VALID.put("Delivered", "{}");
    VALID.put("Accepted", "{}");
    VALID.put("PaymentMade", "{\"amount\":749321.37,\"kind\":\"FINAL\"}");
    VALID.put("DepositReturned", "{\"kind\":\"BID\",\"supplier\":\"S2\"}");
    VALID.put("ProjectClosed", "{\"reason\":\"归档\"}");
    VALID.put("ProjectCancelled", "{\"reason\":\"需求取消\"}");
  }

  // ------------------------------------------------------------------ helpers

  private static ObjectNode event(String type, String data) {
    ObjectNode e = Json.mapper().createObjectNode();
    e.put("eventId", "src-000123");
    e.put("projectId", "CQJZ-2026-0042");
    e.put("type", type);
    e.put("occurredAt", "2026-03-02T10:15:00+08:00");
    e.put("actor", "zhang.wei");
    if (data != null) e.set("data", tree(data));
    return e;
  }

  private static ObjectNode valid(String type) {
    return event(type, VALID.get(type));
  }

  private static JsonNode tree(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static ObjectNode data(ObjectNode event) {
    return (ObjectNode) event.get("data");
  }

  /**
   * The event read from its UTF-8 bytes, as the routes read it, between other bytes (the offsets are honoured) —
   * and checked to be what reading its text gives, error messages included.
   */
  private IngestParser.Parsed parse(String json) {
    byte[] utf8 = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] around = new byte[utf8.length + 7];
    java.util.Arrays.fill(around, (byte) '\n');
    System.arraycopy(utf8, 0, around, 3, utf8.length);
    IngestParser.Parsed fromBytes = parser.parse(around, 3, utf8.length, NOW);
    assertThat(fromBytes).as("from the bytes of %s", json).isEqualTo(parser.parse(json, NOW));
    return fromBytes;
  }

  private IngestParser.Parsed parse(JsonNode event) {
    return parse(event.toString());
  }

  private Fact ok(String json) {
    IngestParser.Parsed p = parse(json);
    assertThat(p.error()).as("error for %s", json).isNull();
    assertThat(p.fact()).isNotNull();
    return p.fact();
  }

  private Fact ok(JsonNode event) {
    return ok(event.toString());
  }

  private static ApiError assertBad(IngestParser.Parsed p, int status, String code, String field) {
    assertThat(p.fact()).isNull();
    ApiError e = p.error();
    assertThat(e).isNotNull();
    assertThat(e.status()).as("status of %s", e).isEqualTo(status);
    assertThat(e.code()).as("code of %s", e).isEqualTo(code);
    assertThat(e.field()).as("field of %s", e).isEqualTo(field);
    assertThat(e.message()).isNotBlank();
    if (field != null) assertThat(e.message()).as("message names the field").contains(field);
    return e;
  }

  // ------------------------------------------------------------------ not the right JSON

  @ParameterizedTest
  @ValueSource(strings = {"{\"eventId\":", "not json", "{'eventId':'x'}", "", "{\"a\":1} trailing"})
  void malformedJsonIs400(String body) {
    assertBad(parse(body), 400, "MALFORMED_JSON", null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{\"eventId\":\"x\"}]", "\"an event\"", "42", "null", "true"})
  void aNonObjectIs400(String body) {
    assertBad(parse(body), 400, "MALFORMED_JSON", null);
  }

  @Test
  void aDuplicateKeyIsMalformed() {
    String body = valid("Delivered").toString().replace("{\"eventId\"", "{\"eventId\":\"a\",\"eventId\"");
    assertBad(parse(body), 400, "MALFORMED_JSON", null);
  }

  @Test
  void anUnknownTopLevelFieldIs400NamingIt() {
    ObjectNode e = valid("Delivered");
    e.put("colour", "red");
    assertBad(parse(e), 400, "UNKNOWN_FIELD", "colour");
  }

  @ParameterizedTest
  @ValueSource(strings = {"eventId", "projectId", "type", "occurredAt"})
  void eachMissingEnvelopeFieldIs422NamingIt(String field) {
    ObjectNode e = valid("PaymentMade");
    e.remove(field);
    assertBad(parse(e), 422, "MISSING_FIELD", field);

    e.putNull(field);
    assertBad(parse(e), 422, "MISSING_FIELD", field);

    e.put(field, "  ");
    assertBad(parse(e), 422, "MISSING_FIELD", field);
  }

  @Test
  void actorIsOptional() {
    ObjectNode e = valid("Accepted");
    e.remove("actor");
    assertThat(ok(e).actor()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"eventId", "projectId", "type", "occurredAt", "actor"})
  void aNonStringEnvelopeFieldIs400NamingIt(String field) {
    ObjectNode e = valid("PaymentMade");
    e.put(field, 123);
    assertBad(parse(e), 400, "WRONG_TYPE", field);

    e.set(field, tree("{\"id\":\"x\"}"));
    assertBad(parse(e), 400, "WRONG_TYPE", field);

    e.set(field, tree("[\"x\"]"));
    assertBad(parse(e), 400, "WRONG_TYPE", field);
  }

  @Test
  void dataThatIsNotAnObjectIs400() {
    ObjectNode e = valid("PaymentMade");
    e.set("data", tree("[{\"amount\":1,\"kind\":\"FINAL\"}]"));
    assertBad(parse(e), 400, "WRONG_TYPE", "data");

    e.put("data", "amount=1");
    assertBad(parse(e), 400, "WRONG_TYPE", "data");
  }

  /** A number sent as a string is never coerced: the contract says money is a JSON number. */
  @Test
  void aStringForAnAmountIs400NamingIt() {
    ObjectNode e = valid("PaymentMade");
    data(e).put("amount", "100");
    assertBad(parse(e), 400, "WRONG_TYPE", "data.amount");

    ObjectNode r = valid("ProjectRegistered");
    data(r).put("budget", "800000.00");
    assertBad(parse(r), 400, "WRONG_TYPE", "data.budget");
  }

  @Test
  void otherScalarsSentAsTheWrongJsonTypeAre400() {
    ObjectNode r = valid("ProjectRegistered");
    data(r).put("fiscalYear", "2026");
    assertBad(parse(r), 400, "WRONG_TYPE", "data.fiscalYear");

    ObjectNode c = valid("ContractSigned");
    data(c).put("sme", "true");
    assertBad(parse(c), 400, "WRONG_TYPE", "data.sme");

    ObjectNode d = valid("ContractSigned");
    data(d).put("paymentDays", "30");
    assertBad(parse(d), 400, "WRONG_TYPE", "data.paymentDays");

    ObjectNode n = valid("PaymentMade");
    data(n).put("amount", true);
    assertBad(parse(n), 400, "WRONG_TYPE", "data.amount");
  }

  @Test
  void anObjectOrArrayForAStringFieldIs400NamingIt() {
    ObjectNode e = valid("SupplierConfirmed");
    data(e).set("supplier", tree("{\"id\":\"S1\"}"));
    assertBad(parse(e), 400, "WRONG_TYPE", "data.supplier");

    ObjectNode a = valid("SupplierConfirmed");
    data(a).set("supplier", tree("[\"S1\"]"));
    assertBad(parse(a), 400, "WRONG_TYPE", "data.supplier");

    ObjectNode r = valid("EvaluationCompleted");
    data(r).put("ranking", "S1,S2");
    assertBad(parse(r), 400, "WRONG_TYPE", "data.ranking");
  }

  @Test
  void anUnknownDataFieldIs400NamingIt() {
    ObjectNode e = event("PaymentMade", "{\"amout\":100,\"kind\":\"FINAL\"}");
    assertBad(parse(e), 400, "UNKNOWN_FIELD", "data.amout");

    ObjectNode d = valid("Delivered");
    data(d).put("when", "today");
    assertBad(parse(d), 400, "UNKNOWN_FIELD", "data.when");

    ObjectNode r = valid("ProjectRegistered");
    ((ObjectNode) data(r).get("items").get(0)).put("colour", "black");
    assertBad(parse(r), 400, "UNKNOWN_FIELD", "data.items[0].colour");
  }

  // ------------------------------------------------------------------ well-formed but unacceptable

  @Test
  void anUnknownEventTypeIs422() {
    assertBad(parse(event("ContractTerminated", "{}")), 422, "UNKNOWN_TYPE", "type");
    assertBad(parse(event("contractSigned", VALID.get("ContractSigned"))), 422, "UNKNOWN_TYPE", "type");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "2026-03-02T10:15:00", // no offset: business time must say where it happened
    "2026-03-02",
    "2026-03-02 10:15:00+08:00",
    "2026-13-45T10:15:00+08:00",
    "yesterday",
    "1772417700"
  })
  void anOccurredAtWithoutOffsetOrUnparsableIs422(String occurredAt) {
    ObjectNode e = valid("Delivered");
    e.put("occurredAt", occurredAt);
    assertBad(parse(e), 422, "INVALID_VALUE", "occurredAt");
  }

  @Test
  void occurredAtInUtcOrAnyOffsetIsTheSameInstant() {
    ObjectNode z = valid("Delivered");
    z.put("occurredAt", "2026-03-02T02:15:00Z");
    assertThat(ok(z).occurredAt()).isEqualTo(Instant.parse("2026-03-02T02:15:00Z"));
    assertThat(ok(valid("Delivered")).occurredAt()).isEqualTo(Instant.parse("2026-03-02T02:15:00Z"));
  }

  @Test
  void anOccurredAtInTheFutureBeyondTheSkewIs422() {
    ObjectNode e = valid("Delivered");
    e.put("occurredAt", NOW.plus(SKEW).plusSeconds(1).toString());
    assertBad(parse(e), 422, "INVALID_VALUE", "occurredAt");

    e.put("occurredAt", "2030-01-01T00:00:00+08:00");
    assertBad(parse(e), 422, "INVALID_VALUE", "occurredAt");

    e.put("occurredAt", NOW.plus(SKEW).toString());
    assertThat(ok(e).occurredAt()).isEqualTo(NOW.plus(SKEW));
  }

  @Test
  void anInvalidEnumValueIs422NamingIt() {
    ObjectNode e = valid("PaymentMade");
    data(e).put("kind", "LATER");
    ApiError err = assertBad(parse(e), 422, "INVALID_VALUE", "data.kind");
    assertThat(err.message()).contains("PREPAY", "PROGRESS", "FINAL");

    ObjectNode m = valid("MethodApproved");
    data(m).put("method", "open_tender");
    assertBad(parse(m), 422, "INVALID_VALUE", "data.method");

    ObjectNode r = valid("ProjectRegistered");
    data(r).put("categoryKind", "FOOD");
    assertBad(parse(r), 422, "INVALID_VALUE", "data.categoryKind");
  }

  @Test
  void aMissingRequiredDataFieldIs422NamingIt() {
    ObjectNode e = valid("PaymentMade");
    data(e).remove("kind");
    assertBad(parse(e), 422, "MISSING_FIELD", "data.kind");

    ObjectNode noData = valid("PaymentMade");
    noData.remove("data");
    assertBad(parse(noData), 422, "MISSING_FIELD", "data.amount");

    ObjectNode nullData = valid("ContractSigned");
    nullData.putNull("data");
    assertBad(parse(nullData), 422, "MISSING_FIELD", "data.contractId");

    for (String field : List.of("buyer", "title", "category", "categoryKind", "budget", "fiscalYear")) {
      ObjectNode r = valid("ProjectRegistered");
      data(r).remove(field);
      assertBad(parse(r), 422, "MISSING_FIELD", "data." + field);
    }
  }

  /**
   * Identifiers carry no control characters: the read side keys records by them, the cross-project contract groups
   * joined with U+001F, so a supplier or category holding one would be split wrongly there. Free text keeps them.
   */
  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> identifiersWithControlCharacters() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("ProjectRegistered", "category", "A0101\u001fB1"),
        org.junit.jupiter.params.provider.Arguments.of("ProjectRegistered", "buyer", "B1\nB2"),
        org.junit.jupiter.params.provider.Arguments.of("ContractSigned", "supplier", "S\u00011"),
        org.junit.jupiter.params.provider.Arguments.of("ContractSigned", "contractId", "C-1\r"),
        org.junit.jupiter.params.provider.Arguments.of("BidDisqualified", "supplier", "S1\t"));
  }

  @ParameterizedTest
  @MethodSource("identifiersWithControlCharacters")
  void anIdentifierWithAControlCharacterIs422NamingIt(String type, String field, String value) {
    ObjectNode e = valid(type);
    data(e).put(field, value);
    ApiError err = assertBad(parse(e), 422, "INVALID_VALUE", "data." + field);
    assertThat(err.message()).contains("control characters");
  }

  @Test
  void freeTextKeepsControlCharactersAndIdentifiersAnyPrintableCharacter() {
    ObjectNode text = valid("BidDisqualified"); // a reason is free text: a line break is fine there
    data(text).put("reason", "late\nand unsigned");
    assertThat(parse(text).error()).isNull();
    ObjectNode cjk = valid("ContractSigned"); // CJK, a surrogate pair
    data(cjk).put("supplier", "重庆市\ud842\udfb7有限公司");
    assertThat(parse(cjk).error()).isNull();
  }

  @Test
  void aBlankRequiredStringIs422() {
    ObjectNode e = valid("SupplierConfirmed");
    data(e).put("supplier", "   ");
    assertBad(parse(e), 422, "INVALID_VALUE", "data.supplier");

    ObjectNode r = valid("ProjectRegistered");
    data(r).put("buyer", "");
    assertBad(parse(r), 422, "INVALID_VALUE", "data.buyer");

    ObjectNode c = valid("ContractSigned");
    data(c).put("contractId", "\t");
    assertBad(parse(c), 422, "INVALID_VALUE", "data.contractId");

    ObjectNode ranking = valid("EvaluationCompleted");
    data(ranking).set("ranking", tree("[\"S1\",\" \"]"));
    assertBad(parse(ranking), 422, "INVALID_VALUE", "data.ranking[1]");
  }

  @Test
  void aNegativeAmountIs422() {
    ObjectNode e = valid("PaymentMade");
    data(e).put("amount", new BigDecimal("-0.01"));
    ApiError err = assertBad(parse(e), 422, "INVALID_VALUE", "data.amount");
    assertThat(err.message()).contains("negative");

    ObjectNode bid = valid("BidReceived");
    data(bid).put("amount", -100);
    assertBad(parse(bid), 422, "INVALID_VALUE", "data.amount");

    ObjectNode bond = valid("ContractSigned");
    data(bond).put("performanceBond", -1);
    assertBad(parse(bond), 422, "INVALID_VALUE", "data.performanceBond");
  }

  @Test
  void aNegativeBudgetIs422() {
    ObjectNode r = valid("ProjectRegistered");
    data(r).put("budget", new BigDecimal("-800000.00"));
    assertBad(parse(r), 422, "INVALID_VALUE", "data.budget");
  }

  @Test
  void anAmendmentMayReduceTheContract() {
    Fact f = ok(valid("ContractAmended"));
    assertThat(((Fact.ContractAmended) f.data()).amountDelta()).isEqualByComparingTo("-1000.50");
  }

  @Test
  void moreThanTwoDecimalsIs422() {
    ObjectNode e = valid("PaymentMade");
    data(e).put("amount", new BigDecimal("100.123"));
    ApiError err = assertBad(parse(e), 422, "INVALID_VALUE", "data.amount");
    assertThat(err.message()).contains("2 decimals");

    ObjectNode a = valid("ContractAmended");
    data(a).put("amountDelta", new BigDecimal("-0.001"));
    assertBad(parse(a), 422, "INVALID_VALUE", "data.amountDelta");

    ObjectNode i = valid("ProjectRegistered");
    ((ObjectNode) data(i).get("items").get(0)).put("unitPrice", new BigDecimal("5000.005"));
    assertBad(parse(i), 422, "INVALID_VALUE", "data.items[0].unitPrice");
  }

  @Test
  void trailingZerosBeyondTheFenAreStillExactFen() {
    ObjectNode e = valid("PaymentMade");
    data(e).put("amount", new BigDecimal("100.1200"));
    assertThat(((Fact.PaymentMade) ok(e).data()).amount()).isEqualByComparingTo("100.12");

    data(e).set("amount", tree("1.5e3"));
    assertThat(((Fact.PaymentMade) ok(e).data()).amount()).isEqualByComparingTo("1500");
  }

  @Test
  void anAbsurdAmountIs422() {
    ObjectNode e = valid("PaymentMade");
    data(e).put("amount", new BigDecimal("1000000000000.01"));
    assertBad(parse(e), 422, "INVALID_VALUE", "data.amount");

    data(e).set("amount", tree("1e15"));
    assertBad(parse(e), 422, "INVALID_VALUE", "data.amount");

    ObjectNode r = valid("ProjectRegistered");
    data(r).set("budget", tree("99999999999999999999"));
    assertBad(parse(r), 422, "INVALID_VALUE", "data.budget");

    ObjectNode a = valid("ContractAmended");
    data(a).put("amountDelta", new BigDecimal("-2000000000000"));
    assertBad(parse(a), 422, "INVALID_VALUE", "data.amountDelta");

    // The limit itself is still a (very large) amount.
    data(e).put("amount", new BigDecimal("1000000000000"));
    assertThat(((Fact.PaymentMade) ok(e).data()).amount()).isEqualByComparingTo(Validation.MAX_AMOUNT);
  }

  @Test
  void fiscalYearOutOfRangeIs422() {
    for (int year : new int[] {1999, 2101, 0, -2026, 20260}) {
      ObjectNode r = valid("ProjectRegistered");
      data(r).put("fiscalYear", year);
      assertBad(parse(r), 422, "INVALID_VALUE", "data.fiscalYear");
    }
    for (int year : new int[] {2000, 2100}) {
      ObjectNode r = valid("ProjectRegistered");
      data(r).put("fiscalYear", year);
      assertThat(((Fact.ProjectRegistered) ok(r).data()).fiscalYear()).isEqualTo(year);
    }
  }

  /** A JSON number is the right shape; one with a fraction is the wrong value for a count of days. */
  @Test
  void aFractionalNumberOfDaysIs422() {
    ObjectNode d = valid("ContractSigned");
    data(d).put("paymentDays", 30.5);
    assertBad(parse(d), 422, "INVALID_VALUE", "data.paymentDays");
  }

  @Test
  void contractDaysOutOfRangeAre422() {
    ObjectNode c = valid("ContractSigned");
    data(c).put("paymentDays", -1);
    assertBad(parse(c), 422, "INVALID_VALUE", "data.paymentDays");

    ObjectNode a = valid("ContractSigned");
    data(a).put("acceptanceDays", 366);
    assertBad(parse(a), 422, "INVALID_VALUE", "data.acceptanceDays");
  }

  @Test
  void anItemQuantityMustBePositive() {
    ObjectNode r = valid("ProjectRegistered");
    ((ObjectNode) data(r).get("items").get(0)).put("quantity", 0);
    assertBad(parse(r), 422, "INVALID_VALUE", "data.items[0].quantity");
  }

  @Test
  void aBidDeadlineBeforeTheDocumentsIs422() {
    ObjectNode e = event("NoticePublished",
        "{\"docIssueAt\":\"2026-02-09T10:00:00+08:00\",\"bidDeadline\":\"2026-02-09T09:59:59+08:00\"}");
    assertBad(parse(e), 422, "INVALID_VALUE", "data.bidDeadline");

    // Same instant in another offset is not "before".
    ObjectNode same = event("NoticePublished",
        "{\"docIssueAt\":\"2026-02-09T10:00:00+08:00\",\"bidDeadline\":\"2026-02-09T02:00:00Z\"}");
    ok(same);
  }

  @Test
  void anInvalidTimestampInDataIs422NamingIt() {
    ObjectNode e = event("NoticePublished",
        "{\"docIssueAt\":\"next monday\",\"bidDeadline\":\"2026-03-11T09:30:00+08:00\"}");
    assertBad(parse(e), 422, "INVALID_VALUE", "data.docIssueAt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "-leading-dash", "has space", "x?y=1", "..", "%2F"})
  void aProjectIdThatCannotBeAPathSegmentIs422(String projectId) {
    ObjectNode e = valid("Delivered");
    e.put("projectId", projectId);
    assertBad(parse(e), 422, "INVALID_VALUE", "projectId");
  }

  @Test
  void aProjectIdMayUseChineseLettersAndSeparators() {
    ObjectNode e = valid("Delivered");
    e.put("projectId", "渝财采-2026.0042_(一)");
    assertThat(ok(e).projectId()).isEqualTo("渝财采-2026.0042_(一)");
  }

  @Test
  void anOverlongOrControlCharacterEventIdIs422() {
    ObjectNode e = valid("Delivered");
    e.put("eventId", "x".repeat(201));
    assertBad(parse(e), 422, "INVALID_VALUE", "eventId");

    e.put("eventId", "src\n1");
    assertBad(parse(e), 422, "INVALID_VALUE", "eventId");

    e.put("eventId", "x".repeat(200));
    assertThat(ok(e).eventId()).hasSize(200);
  }

  // ------------------------------------------------------------------ the whole vocabulary parses

  static Stream<String> everyType() {
    return Fact.Data.types().stream().map(Fact.Data::typeName);
  }

  @Test
  void theExamplesCoverEveryTypeOfTheVocabulary() {
    Set<String> names = new HashSet<>();
    everyType().forEach(names::add);
    assertThat(names).hasSize(24);
    assertThat(VALID.keySet()).containsExactlyInAnyOrderElementsOf(names);
  }

  @ParameterizedTest
  @MethodSource("everyType")
  void aValidEventOfEveryTypeParses(String type) {
    String data = VALID.get(type);
    assertThat(data).as("an example of %s in VALID", type).isNotNull();
    Fact f = ok(event(type, data));
    assertThat(f.type()).isEqualTo(type);
    assertThat(f.data()).isInstanceOf(Fact.Data.byName(type));
    assertThat(f.eventId()).isEqualTo("src-000123");
    assertThat(f.projectId()).isEqualTo("CQJZ-2026-0042");
    assertThat(f.occurredAt()).isEqualTo(Instant.parse("2026-03-02T02:15:00Z"));
    assertThat(f.actor()).isEqualTo("zhang.wei");

    // Nothing sent was dropped: every field given comes back when the fact is written out.
    JsonNode written = Json.mapper().valueToTree(f.data());
    List<String> sent = new ArrayList<>();
    tree(data).fieldNames().forEachRemaining(sent::add);
    List<String> kept = new ArrayList<>();
    written.fieldNames().forEachRemaining(kept::add);
    assertThat(kept).containsAll(sent);
  }

  /** The first required field of each type with required data (the * of domain.md §2). */
  private static final Map<String, String> FIRST_REQUIRED = Map.ofEntries(
      Map.entry("ProjectRegistered", "data.buyer"), Map.entry("MethodApproved", "data.method"),
      Map.entry("NoticePublished", "data.docIssueAt"), Map.entry("BidReceived", "data.supplier"),
      Map.entry("BidDisqualified", "data.supplier"), Map.entry("SupplierConfirmed", "data.supplier"),
      Map.entry("AwardPublished", "data.supplier"), Map.entry("ChallengeFiled", "data.challengeId"),
      Map.entry("ChallengeAnswered", "data.challengeId"), Map.entry("ContractSigned", "data.contractId"),
      Map.entry("ContractAmended", "data.amountDelta"), Map.entry("PaymentMade", "data.amount"),
      Map.entry("DepositReturned", "data.kind"));

  @ParameterizedTest
  @MethodSource("everyType")
  void anAbsentDataIsFineOnlyForTypesWithoutRequiredFields(String type) {
    IngestParser.Parsed p = parse(event(type, null));
    String required = FIRST_REQUIRED.get(type);
    if (required == null) {
      assertThat(p.error()).as("%s without data", type).isNull();
    } else {
      assertBad(p, 422, "MISSING_FIELD", required);
    }
  }

  @Test
  void theFieldsOfAFactAreReadAsSent() {
    Fact.ContractSigned c = (Fact.ContractSigned) ok(valid("ContractSigned")).data();
    assertThat(c).isEqualTo(new Fact.ContractSigned("C-1", "S1", new BigDecimal("749321.37"), true, 30, 10,
        new BigDecimal("37466.07")));
    assertThat(c.amount()).isEqualTo(new BigDecimal("749321.37"));

    Fact.NoticePublished n = (Fact.NoticePublished) ok(valid("NoticePublished")).data();
    assertThat(n.docIssueAt()).isEqualTo(Instant.parse("2026-02-09T02:00:00Z"));
    assertThat(n.bidDeadline()).isEqualTo(Instant.parse("2026-03-11T01:30:00Z"));

    Fact.ProjectRegistered r = (Fact.ProjectRegistered) ok(valid("ProjectRegistered")).data();
    assertThat(r.items()).hasSize(1);
    assertThat(r.items().get(0).name()).isEqualTo("台式计算机");
    assertThat(r.items().get(0).quantity()).isEqualByComparingTo("10");
    assertThat(r.items().get(0).unitPrice()).isEqualByComparingTo("5000.00");
    assertThat(r.centralCatalogue()).isFalse();
  }

  // ------------------------------------------------------------------ money is exact

  /**
   * Exact means the value, never a double's approximation. (Trailing zeros are not kept: the JSON tree
   * normalizes 0.30 to 0.3, which is the same amount; compare money by value.)
   */
  @Test
  void moneyIsReadAsAnExactDecimalNeverADouble() {
    ObjectNode e = event("PaymentMade", "{\"amount\":0.1,\"kind\":\"PREPAY\"}");
    assertThat(((Fact.PaymentMade) ok(e).data()).amount()).isEqualTo(new BigDecimal("0.1"));

    // 123456789012.34 as a double is 123456789012.33999...
    ObjectNode big = event("PaymentMade", "{\"amount\":123456789012.34,\"kind\":\"PREPAY\"}");
    assertThat(((Fact.PaymentMade) ok(big).data()).amount()).isEqualTo(new BigDecimal("123456789012.34"));

    ObjectNode sum = event("ProjectRegistered", VALID.get("ProjectRegistered").replace("800000.00", "0.30"));
    Fact.ProjectRegistered r = (Fact.ProjectRegistered) ok(sum).data();
    assertThat(r.budget()).isEqualByComparingTo("0.30");
    assertThat(new BigDecimal("0.1").add(new BigDecimal("0.2"))).isEqualByComparingTo(r.budget());
  }
}
