package io.procwatch.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.procwatch.testing.TestService;
import java.time.Clock;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;

/**
 * The plugin config the project entities give Pekko is the system's configuration unchanged, and merging anything
 * under it is free (what spares each new entity a copy of the whole configuration); the plugins Pekko finds with it
 * are the ones it finds without it.
 */
class EntityPluginConfigTest {

  @Test
  void aCompleteConfigIsTheSameConfigAndIgnoresFallbacks() {
    Config system = ConfigFactory.parseString("a.b = 1\nc = [1, 2]").withFallback(ConfigFactory.defaultReference()).resolve();
    Config complete = EntityPluginConfig.complete(system);
    assertThat(complete).isEqualTo(system);
    assertThat(complete.root()).isEqualTo(system.root());
    Config merged = complete.withFallback(ConfigFactory.parseString("a.x = 2\nd = 3"));
    assertThat(merged).as("withFallback returns it as it is").isSameAs(complete);
    assertThat(merged.hasPath("d")).isFalse();
    assertThat(system.withFallback(ConfigFactory.parseString("d = 3")).hasPath("d")).as("unlike the system's").isTrue();
  }

  @Test
  void pekkoFindsTheSamePluginsWithIt() {
    try (TestService service = TestService.h2(Clock.systemUTC())) {
      Persistence persistence = Persistence.get(Adapter.toClassic(service.system()));
      Config given = EntityPluginConfig.of(service.system()).orElseThrow();
      assertThat(given).isEqualTo(service.system().settings().config());
      assertThat(persistence.journalFor("", given)).isEqualTo(persistence.journalFor("", ConfigFactory.empty()));
      assertThat(persistence.snapshotStoreFor("", given)).isEqualTo(persistence.snapshotStoreFor("", ConfigFactory.empty()));
      assertThat(persistence.journalConfigFor("", given)).isEqualTo(persistence.journalConfigFor("", ConfigFactory.empty()));
      assertThat(persistence.journalConfigFor("", given).getString("dao")).isEqualTo(RecoveryJournalDao.class.getName());
    }
  }

  /**
   * The journal and the snapshot store run on the default dispatcher, as pekko-persistence-jdbc means them to; its
   * reference.conf (1.1.1) puts their {@code plugin-dispatcher} inside {@code tables}, where Pekko does not look, so
   * without ours each plugin actor had a pinned thread of its own (a hand-off and a wake-up per write).
   */
  @Test
  void thePluginsRunOnTheDefaultDispatcher() {
    try (TestService service = TestService.h2(Clock.systemUTC())) {
      Persistence persistence = Persistence.get(Adapter.toClassic(service.system()));
      Config given = EntityPluginConfig.of(service.system()).orElseThrow();
      for (org.apache.pekko.actor.ActorRef plugin : java.util.List.of(
          persistence.journalFor("", given), persistence.snapshotStoreFor("", given))) {
        assertThat(((org.apache.pekko.actor.ActorRefWithCell) plugin).underlying().props().dispatcher())
            .as("dispatcher of %s", plugin.path()).isEqualTo("pekko.actor.default-dispatcher");
      }
    }
  }
}
