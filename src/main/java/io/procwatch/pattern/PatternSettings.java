package io.procwatch.pattern;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code procwatch.patterns}: whether the cross-project rules run, and how often the checker looks at least, and
 * reloads its populations from the tables (processes leave the rolling windows). */
public record PatternSettings(boolean enabled, Duration checkInterval, Duration reloadInterval) {
  public static PatternSettings from(Config root) {
    Config c = root.getConfig("procwatch.patterns");
    return new PatternSettings(c.getBoolean("enabled"), c.getDuration("check-interval"), c.getDuration("reload-interval"));
  }
}
