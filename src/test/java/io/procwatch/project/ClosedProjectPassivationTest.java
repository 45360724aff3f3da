package io.procwatch.project;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.infra.Json;
import io.procwatch.testing.Lifecycles;
import io.procwatch.testing.Lifecycles.Step;
import io.procwatch.testing.TestService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A closed project with nothing left to wake up for leaves memory as soon as its closing is stored, not after the idle
 * timeout (30 s, untouched here); a project still under way stays. The closed one answers as before from the
 * journal: its whole state, a retried event a duplicate, a late fact stored after its history.
 */
class ClosedProjectPassivationTest {

  @Test
  void aClosedProjectIsPassivatedAndComesBackWhole() throws Exception {
    try (TestService s = TestService.h2(Clock.systemUTC())) {
      List<Step> done = Lifecycles.selfPurchase("PAS-DONE", "B1");
      List<Step> open = Lifecycles.upTo(Lifecycles.selfPurchase("PAS-OPEN", "B1"), "PaymentMade");
      // the closed one in one batch (as a bulk load sends it), the other one event at a time
      StringBuilder batch = new StringBuilder();
      for (Step step : done) batch.append(step.json()).append('\n');
      var answer = s.postNdjson(batch.toString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(answer.body().lines()).hasSize(done.size()).allMatch(l -> l.contains("\"status\":202"));
      for (Step step : open) assertThat(s.postJson(step.json()).statusCode()).isEqualTo(202);

      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
          .until(() -> liveProjects(s), live -> live.contains("PAS-OPEN") && !live.contains("PAS-DONE"));

      JsonNode project = Json.mapper().readTree(s.get("/api/v1/projects/PAS-DONE").body());
      assertThat(project.get("stage").asText()).isEqualTo("CLOSED");
      assertThat(project.get("history")).hasSize(done.size());
      Step last = done.get(done.size() - 1);
      assertThat(Json.mapper().readTree(s.postJson(last.json()).body()).get("result").asText()).isEqualTo("duplicate");
      // a fact after the closing is still judged and stored (flagged SQ03) after the recovered history
      var late = s.postJson(Lifecycles.event("PAS-DONE-late", "PAS-DONE", "Delivered", "2026-04-11T10:00:00+08:00", null, null));
      assertThat(late.statusCode()).as(late.body()).isEqualTo(202);
      assertThat(Json.mapper().readTree(late.body()).get("flags").toString()).contains("SQ03");
      assertThat(Json.mapper().readTree(s.get("/api/v1/projects/PAS-DONE").body()).get("history")).hasSize(done.size() + 1);
    }
  }

  /** The ids of the project entities alive on the node. */
  private static Set<String> liveProjects(TestService s) throws Exception {
    ShardRegion.CurrentShardRegionState state = AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(s.system()).shardState(),
            replyTo -> new GetShardRegionState(ProcurementProject.ENTITY_TYPE_KEY, replyTo),
            Duration.ofSeconds(5), s.system().scheduler())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return state.getShards().stream().flatMap(shard -> shard.getEntityIds().stream()).collect(Collectors.toCollection(TreeSet::new));
  }
}
