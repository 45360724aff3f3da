package io.procwatch.project;

import static io.procwatch.testing.Facts.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.infra.Json;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A project comes back whole from the journal — with and without a snapshot — after its entity was passivated and
 * after the whole service was restarted, on H2 and PostgreSQL: the same state, a retried event still a duplicate, and
 * a new event stored after the recovered ones (a sequence number taken twice would fail the write). With the
 * recovery's DAOs (io.procwatch.infra.RecoverySnapshotDao, RecoveryJournalDao) and the entity's plugin config.
 */
class ProjectRecoveryTest {
  /** Idle entities are passivated after this (30 s in conf/pekko.conf). */
  private static final Map<String, Object> QUICK_PASSIVATION =
      Map.of("pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout", "1s");

  @Test
  void onH2() throws Exception {
    String url = "jdbc:h2:mem:procwatch-recovery-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    check(url, "sa", "");
  }

  @Test
  void onPostgres() throws Exception {
    try (Postgres.FreshDatabase db = Postgres.create()) {
      check(db.url(), Postgres.USER, Postgres.PASSWORD);
    }
  }

  private static void check(String url, String user, String password) throws Exception {
    Map<String, JsonNode> before = new HashMap<>();
    try (TestService first = TestService.start(url, user, password, Clock.systemUTC(), QUICK_PASSIVATION)) {
      write(first, "REC-FEW", 1);   // journal only
      write(first, "REC-MANY", 55); // a snapshot at 50 events, and events after it
      for (String p : Set.of("REC-FEW", "REC-MANY")) before.put(p, project(first, p));
      assertThat(before.get("REC-MANY").toString()).contains("0.55");

      awaitPassivated(first);
      for (String p : Set.of("REC-FEW", "REC-MANY")) {
        assertThat(project(first, p)).as("%s after passivation", p).isEqualTo(before.get(p));
        assertRetryIsDuplicate(first, p);
      }
      awaitPassivated(first);
      addPayment(first, "REC-MANY", "after-passivation");
      before.put("REC-MANY", project(first, "REC-MANY"));
    }

    try (TestService second = TestService.start(url, user, password, Clock.systemUTC(), Map.of())) {
      for (String p : Set.of("REC-FEW", "REC-MANY")) {
        assertThat(project(second, p)).as("%s after the restart", p).isEqualTo(before.get(p));
        assertRetryIsDuplicate(second, p);
        addPayment(second, p, "after-restart");
      }
      assertThat(project(second, "REC-MANY").toString()).contains("0.57");
    }
  }

  /** Registration, requirement, method and contract, then {@code payments} single payments of 0.01. */
  private static void write(TestService service, String p, int payments) {
    post(service, event("reg-" + p, p, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
        "{\"buyer\":\"B1\",\"title\":\"采购\",\"category\":\"A05\",\"categoryKind\":\"GOODS\",\"budget\":10000,\"fiscalYear\":2026}"));
    post(service, event("req-" + p, p, "RequirementApproved", "2026-03-03T09:00:00+08:00", null));
    post(service, event("met-" + p, p, "MethodApproved", "2026-03-04T09:00:00+08:00", "{\"method\":\"SELF_PURCHASE\"}"));
    post(service, event("con-" + p, p, "ContractSigned", "2026-03-05T09:00:00+08:00",
        "{\"contractId\":\"HT-" + p + "\",\"supplier\":\"S1\",\"amount\":9999.99}"));
    for (int i = 0; i < payments; i++) addPayment(service, p, "pay-" + i);
  }

  private static void addPayment(TestService service, String p, String id) {
    JsonNode r = post(service, event(id + "-" + p, p, "PaymentMade", "2026-03-06T09:00:00+08:00",
        "{\"amount\":0.01,\"kind\":\"PREPAY\"}"));
    assertThat(r.get("result").asText()).isIn("applied", "flagged");
  }

  private static void assertRetryIsDuplicate(TestService service, String p) {
    JsonNode r = post(service, event("pay-0-" + p, p, "PaymentMade", "2026-03-06T09:00:00+08:00",
        "{\"amount\":0.01,\"kind\":\"PREPAY\"}"));
    assertThat(r.get("result").asText()).as("retry of %s", p).isEqualTo("duplicate");
  }

  private static JsonNode post(TestService service, String json) {
    var r = service.postJson(json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    try {
      return Json.mapper().readTree(r.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode project(TestService service, String p) throws Exception {
    var r = service.get("/api/v1/projects/" + p);
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  /** Until no project entity is alive on the node: the next command recovers from the journal. */
  private static void awaitPassivated(TestService service) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
      ShardRegion.CurrentShardRegionState state = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
              ClusterSharding.get(service.system()).shardState(),
              replyTo -> new GetShardRegionState(ProcurementProject.ENTITY_TYPE_KEY, replyTo),
              Duration.ofSeconds(5), service.system().scheduler())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      return state.getShards().stream().allMatch(s -> s.getEntityIds().isEmpty());
    });
  }
}
