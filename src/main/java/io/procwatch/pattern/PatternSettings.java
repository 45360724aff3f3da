package io.procwatch.pattern;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code procwatch.patterns}: whether the cross-project rules run, how often the checker looks at least and reloads its
 * populations from the tables (processes leave the rolling windows), and how many events the projection applies in
 * one transaction at most ({@code group-size}) or after how long ({@code group-within}).
 */
public record PatternSettings(boolean enabled, Duration checkInterval, Duration reloadInterval, int groupSize,
    Duration groupWithin) {
  public PatternSettings {
    if (groupSize < 1) throw new IllegalArgumentException("procwatch.patterns.group-size must be at least 1, not " + groupSize);
    if (groupWithin.isNegative() || groupWithin.isZero()) {
      throw new IllegalArgumentException("procwatch.patterns.group-within must be positive, not " + groupWithin);
    }
  }

  public static PatternSettings from(Config root) {
    Config c = root.getConfig("procwatch.patterns");
    return new PatternSettings(c.getBoolean("enabled"), c.getDuration("check-interval"), c.getDuration("reload-interval"),
        c.getInt("group-size"), c.getDuration("group-within"));
  }
}
