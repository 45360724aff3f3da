package io.procwatch.project;

import static io.procwatch.testing.ApiAssertions.assertError;
import static io.procwatch.testing.ApiAssertions.contentType;
import static io.procwatch.testing.ApiAssertions.json;
import static io.procwatch.testing.Lifecycles.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.testing.Lifecycles;
import io.procwatch.testing.Lifecycles.Step;
import io.procwatch.testing.TestService;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/v1/projects/{id}} (asked of the project itself, so read-your-writes) and the listing
 * {@code GET /api/v1/projects?buyer=&stage=&limit=&after=} (the read side, eventually consistent: polled).
 */
class ProjectHttpTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  /** The read side trails the projects by about a journal poll; this is generous for a loaded machine. */
  private static final Duration READ_SIDE = Duration.ofSeconds(10);
  private static TestService service;

  @BeforeAll
  static void start() {
    service = TestService.h2(CLOCK);
  }

  @AfterAll
  static void stop() {
    if (service != null) service.close();
  }

  private static void walk(List<Step> steps) {
    for (Step s : steps) {
      HttpResponse<String> r = service.postJson(s.json());
      assertThat(r.statusCode()).as("%s: %s", s.eventId(), r.body()).isEqualTo(202);
      assertThat(json(r).path("result").asText()).as("%s: %s", s.eventId(), r.body()).isEqualTo("applied");
      assertThat(json(r).path("stage").asText()).as(s.eventId()).isEqualTo(s.stageAfter().name());
    }
  }

  private static JsonNode view(String projectId) {
    HttpResponse<String> r = service.get("/api/v1/projects/" + projectId);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/json");
    return json(r);
  }

  private static BigDecimal money(JsonNode node) {
    assertThat(node.isNumber()).as("%s is a JSON number", node).isTrue();
    return node.decimalValue();
  }

  private static Instant instant(JsonNode node) {
    return Instant.parse(node.asText());
  }

  private static JsonNode list(String query) {
    HttpResponse<String> r = service.get("/api/v1/projects" + query);
    assertThat(r.statusCode()).as("%s: %s", query, r.body()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/json");
    return json(r);
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.path("items").forEach(i -> ids.add(i.path("projectId").asText()));
    return ids;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ one project

  @Test
  void aProjectWalkedThroughTheWholeCompetitivePath() {
    String p = "PH-FULL";
    List<Step> path = Lifecycles.competitive(p, "B-PH-FULL");
    walk(path);

    JsonNode v = view(p);
    assertThat(v.path("projectId").asText()).isEqualTo(p);
    assertThat(v.path("stage").asText()).isEqualTo("CLOSED");
    assertThat(v.path("stageZh").asText()).isEqualTo("已结项");
    assertThat(v.path("round").asInt()).isEqualTo(1);
    assertThat(v.path("registration").path("buyer").asText()).isEqualTo("B-PH-FULL");
    assertThat(v.path("method").path("method").asText()).isEqualTo("OPEN_TENDER");

    // The money loop, exact to the fen.
    JsonNode m = v.path("money");
    assertThat(money(m.path("budget"))).isEqualByComparingTo(Lifecycles.BUDGET);
    assertThat(money(m.path("awarded"))).isEqualByComparingTo(Lifecycles.AMOUNT);
    assertThat(money(m.path("contract"))).isEqualByComparingTo(Lifecycles.AMOUNT);
    assertThat(money(m.path("amendments"))).isEqualByComparingTo("0");
    assertThat(money(m.path("contractTotal"))).isEqualByComparingTo(Lifecycles.AMOUNT);
    assertThat(money(m.path("paid"))).isEqualByComparingTo(Lifecycles.AMOUNT);
    assertThat(money(m.path("outstanding"))).isEqualByComparingTo("0");

    assertThat(v.path("bids")).hasSize(3);
    assertThat(v.path("bids").findValuesAsText("supplier")).containsExactly("S1", "S2", "S3");
    assertThat(money(v.path("bids").get(0).path("amount"))).isEqualByComparingTo(Lifecycles.AMOUNT);
    assertThat(money(v.path("bids").get(2).path("amount"))).isEqualByComparingTo("779500.50");
    v.path("bids").forEach(b -> assertThat(b.path("disqualified").asBoolean()).isFalse());
    assertThat(v.path("ranking")).extracting(JsonNode::asText).containsExactly("S1", "S2", "S3");
    assertThat(v.path("confirmedSupplier").asText()).isEqualTo("S1");
    assertThat(v.path("award").path("supplier").asText()).isEqualTo("S1");
    assertThat(v.path("contract").path("contractId").asText()).isEqualTo("C-" + p);
    assertThat(v.path("contract").path("supplier").asText()).isEqualTo("S1");
    assertThat(v.path("payments")).hasSize(1);
    assertThat(v.path("payments").get(0).path("kind").asText()).isEqualTo("FINAL");
    assertThat(v.path("deposits").findValuesAsText("supplier")).containsExactly("S2", "S3");
    assertThat(v.path("deposits").findValuesAsText("kind")).containsOnly("BID");
    assertThat(v.path("irregularities")).isEmpty();

    // Business dates of every step, latest occurrence.
    JsonNode dates = v.path("dates");
    for (Step s : path) assertThat(dates.has(s.type())).as("dates.%s", s.type()).isTrue();
    assertThat(instant(dates.path("ProjectRegistered"))).isEqualTo(Instant.parse("2026-01-05T01:00:00Z"));
    assertThat(instant(dates.path("ContractSigned"))).isEqualTo(Instant.parse("2026-03-16T02:00:00Z"));
    assertThat(instant(dates.path("DepositReturned"))).isEqualTo(Instant.parse("2026-03-19T07:30:00Z"));
    assertThat(instant(dates.path("ProjectClosed"))).isEqualTo(Instant.parse("2026-03-20T02:00:00Z"));
    assertThat(instant(v.path("notice").path("bidDeadline"))).isEqualTo(Instant.parse("2026-03-11T01:30:00Z"));
    assertThat(instant(v.path("lastEventAt"))).isEqualTo(Instant.parse("2026-03-20T02:00:00Z"));

    // The history: every fact in arrival order, with what it did.
    JsonNode history = v.path("history");
    assertThat(history).hasSize(path.size());
    assertThat(path.size()).isGreaterThanOrEqualTo(19);
    for (int i = 0; i < path.size(); i++) {
      Step s = path.get(i);
      JsonNode h = history.get(i);
      assertThat(h.path("eventId").asText()).isEqualTo(s.eventId());
      assertThat(h.path("type").asText()).isEqualTo(s.type());
      assertThat(h.path("result").asText()).isEqualTo("applied");
      assertThat(h.path("stage").asText()).isEqualTo(s.stageAfter().name());
      assertThat(h.path("flags")).isEmpty();
      assertThat(instant(h.path("occurredAt"))).isEqualTo(Instant.parse(s.occurredAt()));
      assertThat(instant(h.path("recordedAt"))).isEqualTo(NOW);
    }
    assertThat(history.get(2).path("actor").asText()).isEqualTo("li.na");
    assertThat(history.get(0).path("data").path("title").asText()).isEqualTo("办公设备采购");
    assertThat(money(history.get(17).path("data").path("amount"))).isEqualByComparingTo(Lifecycles.AMOUNT);

    // The listing catches up with the same figures.
    await().atMost(READ_SIDE).untilAsserted(() -> {
      JsonNode page = list("?buyer=B-PH-FULL");
      assertThat(ids(page)).containsExactly(p);
      JsonNode s = page.path("items").get(0);
      assertThat(s.path("stage").asText()).isEqualTo("CLOSED");
      assertThat(s.path("method").asText()).isEqualTo("OPEN_TENDER");
      assertThat(money(s.path("budget"))).isEqualByComparingTo(Lifecycles.BUDGET);
      assertThat(money(s.path("contractAmount"))).isEqualByComparingTo(Lifecycles.AMOUNT);
      assertThat(money(s.path("paid"))).isEqualByComparingTo(Lifecycles.AMOUNT);
      assertThat(instant(s.path("lastEventAt"))).isEqualTo(Instant.parse("2026-03-20T02:00:00Z"));
      assertThat(s.path("openIrregularities").asInt()).isZero();
      assertThat(s.path("buyerName").asText()).isEqualTo("重庆市某局");
      assertThat(s.path("fiscalYear").asInt()).isEqualTo(2026);
    });
  }

  @Test
  void anUnknownProjectIs404Json() {
    assertError(service.get("/api/v1/projects/PH-NEVER"), 404, "NOT_FOUND", "projectId");
    assertError(service.get("/api/v1/projects/" + enc("渝财采-未登记")), 404, "NOT_FOUND", "projectId");
  }

  @Test
  void aProjectIdInAnotherScriptIsFoundByItsEncodedPath() {
    String p = "渝财采-2026.0042_(一)";
    walk(Lifecycles.upTo(Lifecycles.selfPurchase(p, "B-PH-ZH"), "RequirementApproved"));
    JsonNode v = view(enc(p));
    assertThat(v.path("projectId").asText()).isEqualTo(p);
    assertThat(v.path("stage").asText()).isEqualTo("REQUIREMENT_APPROVED");
  }

  // ------------------------------------------------------------------ the listing

  @Test
  void theListingFiltersByBuyerAndStageAndPagesThroughEverythingOnce() {
    List<String> first = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      String p = String.format("PH-L1-%02d", i);
      first.add(p);
      List<Step> path = Lifecycles.selfPurchase(p, "B-PH-L1");
      walk(i % 3 == 0 ? Lifecycles.upTo(path, "RequirementApproved") : Lifecycles.upTo(path, "ProjectRegistered"));
    }
    List<String> second = List.of("PH-L2-01", "PH-L2-02", "PH-L2-03");
    for (String p : second) walk(Lifecycles.upTo(Lifecycles.selfPurchase(p, "B-PH-L2"), "MethodApproved"));
    // One of the second buyer's projects has an irregularity: delivery before any contract.
    HttpResponse<String> flagged = service.postJson(event("PH-L2-02-early", "PH-L2-02", "Delivered",
        "2026-04-03T10:00:00+08:00", null, null));
    assertThat(json(flagged).path("result").asText()).isEqualTo("flagged");

    // Each tag has its own projection instance, so a project written earlier can appear later than one of
    // another tag: wait for every project of both buyers, not for the last one written.
    await().atMost(READ_SIDE).untilAsserted(() -> {
      assertThat(ids(list("?buyer=B-PH-L1"))).containsExactlyElementsOf(first);
      assertThat(ids(list("?buyer=B-PH-L2"))).containsExactlyElementsOf(second);
      assertThat(list("?buyer=B-PH-L2&stage=DELIVERED").path("items")).hasSize(1);
    });

    // By buyer: exactly that buyer's projects, in id order, on one page.
    JsonNode byBuyer = list("?buyer=B-PH-L1");
    assertThat(byBuyer.has("next")).isFalse();
    byBuyer.path("items").forEach(i -> assertThat(i.path("buyer").asText()).isEqualTo("B-PH-L1"));
    assertThat(ids(list("?buyer=B-PH-L2"))).containsExactlyElementsOf(second);
    assertThat(list("?buyer=B-PH-NOBODY").path("items")).isEmpty();

    // By stage, with and without the buyer.
    assertThat(ids(list("?buyer=B-PH-L1&stage=REQUIREMENT_APPROVED"))).containsExactly("PH-L1-03", "PH-L1-06");
    assertThat(ids(list("?buyer=B-PH-L1&stage=REGISTERED"))).containsExactly("PH-L1-01", "PH-L1-02", "PH-L1-04",
        "PH-L1-05", "PH-L1-07");
    JsonNode delivered = list("?buyer=B-PH-L2&stage=DELIVERED").path("items").get(0);
    assertThat(delivered.path("projectId").asText()).isEqualTo("PH-L2-02");
    // on the test clock (2026-06-01, two months on): SQ01 (delivery before any contract), DL08 (not accepted
    // within 30 CD of the delivery) and DL11 (stuck in DELIVERED)
    assertThat(delivered.path("openAlerts").asInt()).isEqualTo(3);
    assertThat(delivered.path("method").asText()).isEqualTo("SELF_PURCHASE");
    JsonNode byStage = list("?stage=REQUIREMENT_APPROVED&limit=500");
    byStage.path("items").forEach(i -> assertThat(i.path("stage").asText()).isEqualTo("REQUIREMENT_APPROVED"));
    assertThat(ids(byStage)).contains("PH-L1-03", "PH-L1-06").doesNotContain("PH-L1-01", "PH-L2-01");
    // An empty filter is no filter.
    assertThat(ids(list("?buyer=&stage=&limit=500"))).containsAll(first).containsAll(second);

    // Paging: limit and the next cursor cover every item exactly once, in order.
    JsonNode page1 = list("?buyer=B-PH-L1&limit=3");
    assertThat(ids(page1)).containsExactly("PH-L1-01", "PH-L1-02", "PH-L1-03");
    assertThat(page1.path("next").asText()).isEqualTo("PH-L1-03");
    JsonNode page2 = list("?buyer=B-PH-L1&limit=3&after=" + page1.path("next").asText());
    assertThat(ids(page2)).containsExactly("PH-L1-04", "PH-L1-05", "PH-L1-06");
    JsonNode page3 = list("?buyer=B-PH-L1&limit=3&after=" + page2.path("next").asText());
    assertThat(ids(page3)).containsExactly("PH-L1-07");
    assertThat(page3.has("next")).isFalse();
    // A page that is exactly full has no next; one past the end is empty.
    assertThat(list("?buyer=B-PH-L1&limit=7").has("next")).isFalse();
    assertThat(list("?buyer=B-PH-L1&after=PH-L1-07").path("items")).isEmpty();

    // Walking the whole, unfiltered listing two at a time.
    List<String> all = new ArrayList<>();
    String after = null;
    for (int pages = 0; pages < 100; pages++) {
      JsonNode page = list("?limit=2" + (after == null ? "" : "&after=" + enc(after)));
      assertThat(page.path("items").size()).isBetween(0, 2);
      all.addAll(ids(page));
      if (!page.has("next")) break;
      after = page.path("next").asText();
    }
    assertThat(all).doesNotHaveDuplicates().isSorted().containsAll(first).containsAll(second);
    assertThat(all).containsExactlyElementsOf(ids(list("?limit=500")));
  }

  @ParameterizedTest
  @CsvSource({
    "limit=0, limit",
    "limit=-1, limit",
    "limit=abc, limit",
    "limit=501, limit",
    "limit=2.5, limit",
    "limit=, limit",
    "stage=NOPE, stage",
    "stage=closed, stage",
    "buyer=B1&stage=PAID&limit=9999, limit"
  })
  void aBadListingParameterIs400NamingIt(String query, String parameter) {
    JsonNode error = assertError(service.get("/api/v1/projects?" + query), 400, "INVALID_PARAMETER", parameter);
    assertThat(error.path("message").asText()).startsWith(parameter + ":");
  }

  @Test
  void theLimitBoundsThemselvesAreAccepted() {
    assertThat(list("?limit=1").path("items").size()).isLessThanOrEqualTo(1);
    assertThat(list("?limit=500").path("items").isArray()).isTrue();
    assertThat(list("/").path("items").isArray()).isTrue();
  }
}
