package io.procwatch.alert;

import static io.procwatch.testing.ApiAssertions.json;
import static io.procwatch.testing.Facts.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.calendar.DayKind;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.testing.MutableClock;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import io.procwatch.project.ProcurementProject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A deadline fires on the wall clock within a second of its due time, exactly once, even when its project
 * has been passivated or the whole service restarted in between — on the real PostgreSQL.
 */
class DeadlineSurvivalTest {
  static final String AWARD_AT = "2026-09-01T10:00:00+08:00";

  /** DL01: 30 CD after the award, rolled past the National Day holiday, ends at 24:00 Asia/Shanghai. */
  static Instant due() {
    return WorkCalendar.fromClasspath().dueAt(Instant.parse("2026-09-01T02:00:00Z"), 30, DayKind.CALENDAR);
  }

  static String awardedProject(String p) {
    return String.join("\n",
        event(p + "-1", p, "ProjectRegistered", "2026-07-01T09:00:00+08:00",
            "{\"buyer\":\"B-DL\",\"title\":\"设备\",\"category\":\"A0201\",\"categoryKind\":\"GOODS\",\"budget\":900000,\"fiscalYear\":2026}"),
        event(p + "-2", p, "RequirementApproved", "2026-07-02T10:00:00+08:00", null),
        event(p + "-3", p, "MethodApproved", "2026-07-03T10:00:00+08:00", "{\"method\":\"SINGLE_SOURCE\",\"approvalRef\":\"CQ-2026-7\"}"),
        event(p + "-4", p, "AwardPublished", AWARD_AT, "{\"supplier\":\"S1\",\"amount\":850000}"));
  }

  static List<JsonNode> dl01(TestService s, String projectId) {
    JsonNode items = json(s.get("/api/v1/alerts?rule=DL01&projectId=" + projectId + "&limit=500")).get("items");
    return StreamSupport.stream(items.spliterator(), false).filter(a -> !a.get("prewarning").asBoolean()).toList();
  }

  static void assertFiredOnceOnTime(TestService s, String projectId, Instant due) {
    List<JsonNode> fired = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> dl01(s, projectId), l -> !l.isEmpty());
    Instant raisedAt = Instant.parse(fired.get(0).get("raisedAt").asText());
    assertThat(raisedAt).isAfterOrEqualTo(due).isBefore(due.plusSeconds(1));
    assertThat(Instant.parse(fired.get(0).get("dueAt").asText())).isEqualTo(due);
    // and exactly once, also after further wake-ups
    Awaitility.await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(dl01(s, projectId)).hasSize(1);
  }

  @Test
  void aDeadlineFiresOnTimeWhileItsProjectIsPassivated() throws Exception {
    Instant due = due();
    MutableClock clock = new MutableClock().setNow(due.minusSeconds(60));
    try (Postgres.FreshDatabase db = Postgres.create();
        TestService s = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, clock,
            Map.of("pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout", "1s"))) {
      clock.setNow(due.minusSeconds(10));
      assertThat(s.postNdjson(awardedProject("PASS-1")).body().lines()).allSatisfy(l -> assertThat(l).contains("\"status\":202"));
      // the project goes to sleep long before its deadline
      Awaitility.await().atMost(Duration.ofSeconds(6)).until(() -> !alive(s, "PASS-1"));
      assertThat(clock.instant()).isBefore(due);
      assertFiredOnceOnTime(s, "PASS-1", due);
    }
  }

  @Test
  void aDeadlineFiresOnTimeAfterTheWholeServiceRestarted() throws Exception {
    Instant due = due();
    MutableClock clock = new MutableClock().setNow(due.minusSeconds(60));
    try (Postgres.FreshDatabase db = Postgres.create()) {
      try (TestService first = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, clock, Map.of())) {
        // start-up takes a few seconds: put the deadline far enough ahead to span a whole restart
        clock.setNow(due.minusSeconds(15));
        assertThat(first.postNdjson(awardedProject("RST-1")).statusCode()).isEqualTo(200);
        // the wake-up time must be durable before we pull the plug
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
            json(first.get("/api/v1/projects?buyer=B-DL")).get("items").size() == 1);
      }
      try (TestService second = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, clock, Map.of())) {
        assertThat(clock.instant()).isBefore(due);
        assertFiredOnceOnTime(second, "RST-1", due);
      }
    }
  }

  static boolean alive(TestService s, String projectId) {
    var probe = TestProbe.<ShardRegion.CurrentShardRegionState>create(s.system());
    ClusterSharding.get(s.system()).shardState().tell(new GetShardRegionState(ProcurementProject.ENTITY_TYPE_KEY, probe.getRef()));
    ShardRegion.CurrentShardRegionState state = probe.receiveMessage(Duration.ofSeconds(3));
    for (ShardRegion.ShardState shard : state.getShards()) if (shard.getEntityIds().contains(projectId)) return true;
    return false;
  }
}
