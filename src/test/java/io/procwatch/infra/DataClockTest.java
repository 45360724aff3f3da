package io.procwatch.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.procwatch.project.Fact;
import io.procwatch.project.IngestParser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataClockTest {
  static final Instant T0 = Instant.parse("2025-03-01T02:00:00Z");

  static Fact fact(String id, Instant occurredAt) {
    String json = "{\"eventId\":\"" + id + "\",\"projectId\":\"P\",\"type\":\"RequirementApproved\",\"occurredAt\":\""
        + occurredAt + "\"}";
    IngestParser.Parsed parsed = new IngestParser(Duration.ofHours(1)).parse(json, Instant.now());
    assertThat(parsed.error()).isNull();
    return parsed.fact();
  }

  @Test
  void onAWallClockFactsAreJudgedAtItsNowAndNothingMoves() {
    Clock wall = Clock.fixed(T0, ZoneOffset.UTC);
    assertThat(DataClock.judgedAt(wall, List.of(fact("a", T0.plusSeconds(3600))))).isEqualTo(T0);
    DataClock.accepted(wall, T0.plusSeconds(3600)); // no effect, no failure
    assertThat(DataClock.wallOf(wall)).isSameAs(wall);
    assertThat(DataClock.runs(wall)).isTrue();
  }

  @Test
  void onADataClockAFactIsJudgedAtTheLaterOfDataNowAndItsOwnTime() {
    Clock wall = Clock.fixed(Instant.parse("2026-11-30T00:00:00Z"), ZoneOffset.UTC);
    DataClock data = new DataClock(T0, wall);
    assertThat(DataClock.runs(data)).isFalse();
    assertThat(DataClock.wallOf(data)).isSameAs(wall);
    // behind data now: judged at data now; ahead: at its own time, the latest of the request's facts
    assertThat(DataClock.judgedAt(data, List.of(fact("a", T0.minusSeconds(60))))).isEqualTo(T0);
    assertThat(DataClock.judgedAt(data, List.of(fact("b", T0.plusSeconds(60)), fact("c", T0.plusSeconds(30)))))
        .isEqualTo(T0.plusSeconds(60));
    // judging does not move it; accepting does, forward only
    assertThat(data.instant()).isEqualTo(T0);
    DataClock.accepted(data, T0.plusSeconds(90));
    DataClock.accepted(data, T0.plusSeconds(10));
    assertThat(data.instant()).isEqualTo(T0.plusSeconds(90));
  }

  @Test
  void theModeIsReadFromTheConfigurationAndABadOneNamesTheKey() {
    var base = io.procwatch.infra.AppConfig.load(null);
    assertThat(Settings.from(base).clockMode()).isEqualTo(Settings.ClockMode.WALL);
    assertThat(Settings.from(ConfigFactory.parseString("procwatch.clock.mode = data").withFallback(base)).clockMode())
        .isEqualTo(Settings.ClockMode.DATA);
    assertThatThrownBy(() -> Settings.from(ConfigFactory.parseString("procwatch.clock.mode = business").withFallback(base)))
        .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("procwatch.clock.mode");
  }
}
