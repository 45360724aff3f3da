package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.procwatch.infra.AppConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code procwatch.patterns} as shipped, and a projection group that could never form refused with its key named. */
class PatternSettingsTest {

  @Test
  void theShippedDefaults() {
    PatternSettings s = PatternSettings.from(AppConfig.load(null));
    assertThat(s.enabled()).isTrue();
    assertThat(s.checkInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.groupSize()).isEqualTo(500);
    assertThat(s.groupWithin()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void anEmptyGroupIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> PatternSettings.from(ConfigFactory.parseString("procwatch.patterns.group-size = 0")
            .withFallback(AppConfig.load(null))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("procwatch.patterns.group-size");
    assertThatThrownBy(() -> PatternSettings.from(ConfigFactory.parseString("procwatch.patterns.group-within = 0s")
            .withFallback(AppConfig.load(null))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("procwatch.patterns.group-within");
  }
}
