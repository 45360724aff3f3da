package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.procwatch.rules.RuleCatalogue;
import io.procwatch.rules.ThresholdProfiles;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A pattern group that commits while the service stops finds the checker closed: its marks are committed in
 * {@code xp_dirty} for the next start, and the projection must not be told the group failed (a bench run's stop logged
 * "Failed to process envelopes" for a group whose commit had succeeded).
 */
class PatternCheckerStopTest {
  @Test
  void aCommitAfterTheCheckerClosedIsNotAFailure() {
    BuyerRules rules = new BuyerRules(RuleCatalogue.defaults(), ThresholdProfiles.defaults().byId("central-2020").orElseThrow());
    PatternChecker checker = new PatternChecker(null, null, RuleCatalogue.defaults(), rules, Duration.ofSeconds(5),
        Clock.systemUTC(), Duration.ofHours(1));
    checker.close();
    assertThatCode(checker::poke).doesNotThrowAnyException();
    assertThatCode(checker::poke).doesNotThrowAnyException();
  }
}
