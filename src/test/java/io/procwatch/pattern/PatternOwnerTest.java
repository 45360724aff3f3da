package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.procwatch.alert.Alert;
import io.procwatch.alert.AlertChange;
import io.procwatch.alert.AlertStatus;
import io.procwatch.alert.Resolution;
import io.procwatch.project.ProcurementProject;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleContext;
import io.procwatch.rules.RuleEngine;
import io.procwatch.rules.Severity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A buyer's alert owner through Pekko's EventSourcedBehaviorTestKit (which round-trips every command, event and state
 * through the real serializer, and {@code restart()} replays the journal): the same conditions delivered again raise
 * nothing; a condition gone resolves its alert; a manual resolve silences the identity while it holds.
 */
class PatternOwnerTest {
  static ActorTestKit testKit;
  EventSourcedBehaviorTestKit<PatternOwner.Command, ProcurementProject.Event, PatternOwner.State> kit;

  @BeforeAll
  static void startKit() {
    testKit = ActorTestKit.create(ConfigFactory.parseString(
            "pekko.actor.serialization-bindings { \"io.procwatch.infra.CborSerializable\" = jackson-cbor }")
        .withFallback(EventSourcedBehaviorTestKit.config()));
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newOwner() {
    RuleEngine rules = RuleEngine.standard(RuleContext.defaults());
    kit = EventSourcedBehaviorTestKit.create(testKit.system(),
        PatternOwner.create("buyer@XB", Clock.fixed(Instant.parse("2026-04-01T00:00:00Z"), ZoneOffset.UTC), rules::info));
  }

  static Condition split(String sum) {
    return new Condition("XP01", Severity.WARNING, "A0201|2026|WARNING", false, Instant.parse("2026-03-09T07:00:00Z"), null,
        null, "3 contracts …", Map.of("sum", sum, "project:XP-1", "1500000.00"));
  }

  List<AlertChange> reconcile(Condition... conditions) {
    var result = kit.<PatternOwner.Reconciled>runCommand(r -> new PatternOwner.Reconcile(List.of(conditions), r));
    return result.events().stream().flatMap(e -> ((ProcurementProject.AlertsChanged) e).changes().stream()).toList();
  }

  @Test
  void sameConditionsTwiceRaiseOnceAndAGoneConditionResolves() {
    List<AlertChange> first = reconcile(split("3300000.00"));
    assertThat(first).hasSize(1);
    Alert raised = ((AlertChange.Raised) first.get(0)).alert();
    assertThat(raised.id()).isEqualTo("buyer@XB~1");
    assertThat(raised.buyer()).isEqualTo("XB");
    assertThat(raised.projectId()).isNull();
    assertThat(raised.details()).containsEntry("project:XP-1", "1500000.00");
    // delivered again (a replay), and with another amount (annotations never change identity): nothing
    assertThat(reconcile(split("3300000.00"))).isEmpty();
    assertThat(reconcile(split("3400000.00"))).isEmpty();
    // after a restart of the entity, still nothing
    kit.restart();
    assertThat(reconcile(split("3300000.00"))).isEmpty();
    // the condition no longer holds: resolved CLEARED
    List<AlertChange> gone = reconcile();
    assertThat(gone).singleElement().isInstanceOfSatisfying(AlertChange.Resolved.class,
        r -> assertThat(r.resolution()).isEqualTo(Resolution.CLEARED));
    // a re-fire after the resolve is a new alert
    assertThat(((AlertChange.Raised) reconcile(split("3300000.00")).get(0)).alert().id()).isEqualTo("buyer@XB~2");
  }

  @Test
  void aManualResolveSilencesTheIdentityWhileItHolds() {
    reconcile(split("3300000.00"));
    var ack = kit.<ProcurementProject.AlertReply>runCommand(r -> new PatternOwner.Acknowledge("buyer@XB~1", "wang.fang", "looking", r));
    assertThat(ack.reply().alert().status()).isEqualTo(AlertStatus.ACKNOWLEDGED);
    var resolved = kit.<ProcurementProject.AlertReply>runCommand(r -> new PatternOwner.Resolve("buyer@XB~1", "wang.fang",
        "approved split: separate budgets", r));
    assertThat(resolved.reply().alert().resolution()).isEqualTo(Resolution.MANUAL);
    assertThat(reconcile(split("3300000.00"))).isEmpty(); // still holds: silent
    reconcile(); // clears: the silence lifts
    assertThat(reconcile(split("3300000.00"))).hasSize(1);
    var unknown = kit.<ProcurementProject.AlertReply>runCommand(r -> new PatternOwner.Acknowledge("buyer@XB~9", "x", null, r));
    assertThat(unknown.reply().error()).isEqualTo("NOT_FOUND");
  }
}
