package io.procwatch.infra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the configuration: an explicit {@code --config} file, else {@code ./conf/application.conf}
 * (the operator-editable copy), else the defaults packaged in the jar (the same files). Environment
 * overrides ({@code ${?PROCWATCH_...}}) apply in every case.
 */
public final class AppConfig {
  private AppConfig() {}

  public static Config load(Path explicit) {
    Path file = explicit;
    if (file == null) {
      Path local = Path.of("conf", "application.conf");
      if (Files.isRegularFile(local)) file = local;
    } else if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("configuration file not found: " + file.toAbsolutePath());
    }
    Config app = file == null
        ? ConfigFactory.parseResources("application.conf")
        : ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    return ConfigFactory.load(app);
  }

  /** The configuration with the database-derived Pekko settings on top. */
  public static Config withDatabase(Config config) {
    Settings settings = Settings.from(config);
    return Database.pekkoOverlay(settings.db()).withFallback(config).resolve();
  }
}
