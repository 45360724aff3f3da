package io.procwatch.infra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The journal and snapshot plugin config each event-sourced entity hands to Pekko ({@code journalPluginConfig()},
 * {@code snapshotPluginConfig()}): the actor system's own configuration, marked as complete.
 *
 * <p>Why: without one, Pekko 1.2 checks for every new entity, four times (journal, snapshot store, the journal's
 * config, its recovery timeout), that the plugin's path exists in {@code ConfigFactory.empty().withFallback(system
 * config)} — a merge that copies the root object of the whole configuration (every system property and environment
 * variable is a key of it) before the lookup. That was most of setting up a new entity's behaviour ({@code
 * EntityStartBench}: {@code SimpleConfig.withFallback} 3.5% of all samples). A config that ignores fallbacks is
 * returned as it is by {@code withFallback}, so the check becomes a lookup. The effective configuration is the same
 * object: nothing is added or left out, and the plugins themselves are made once per plugin id, as before.
 */
public final class EntityPluginConfig implements Extension {
  private static final ExtensionId<EntityPluginConfig> ID = new ExtensionId<>() {
    @Override
    public EntityPluginConfig createExtension(ActorSystem<?> system) {
      return new EntityPluginConfig(complete(system.settings().config()));
    }
  };

  private final Optional<Config> config;

  private EntityPluginConfig(Config config) {
    this.config = Optional.of(config);
  }

  /** What an entity returns from {@code journalPluginConfig()} and {@code snapshotPluginConfig()}. */
  public static Optional<Config> of(ActorSystem<?> system) {
    return ID.apply(system).config;
  }

  /**
   * The same configuration, ignoring any fallback from now on: Typesafe Config marks a resolved object so when a plain
   * value is merged under it (a value cannot be merged into an object, so nothing below could ever show through).
   */
  static Config complete(Config config) {
    return config.withFallback(ConfigValueFactory.fromAnyRef("nothing falls through a complete configuration"));
  }
}
