package io.procwatch;

import com.typesafe.config.Config;
import io.procwatch.infra.AppConfig;
import io.procwatch.infra.Database;
import io.procwatch.infra.Settings;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar procwatch.jar <command>}. */
@Command(
    name = "procwatch",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Real-time monitoring and early warning for public procurement.",
    subcommands = {Main.Serve.class, Main.Migrate.class, TokenCommand.class, io.procwatch.sim.SimulateCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    configureCommonPool(Runtime.getRuntime().availableProcessors());
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /**
   * The common fork-join pool's settings, which must be made before anything touches the pool; an explicit {@code -D}
   * setting wins. On a 2-core machine the pool gets parallelism 1, and CompletableFuture then starts a new thread for
   * every async callback (measured: 15k threads in 20 s of ingest, 2-3x slower): 2. Its workers keep their thread
   * locals between tasks ({@link io.procwatch.infra.CommonPoolThreads}).
   */
  static void configureCommonPool(int processors) {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null && processors <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    if (System.getProperty(io.procwatch.infra.CommonPoolThreads.PROPERTY) == null) {
      System.setProperty(io.procwatch.infra.CommonPoolThreads.PROPERTY, io.procwatch.infra.CommonPoolThreads.class.getName());
    }
  }

  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  abstract static class WithConfig {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "Configuration file (default: ./conf/application.conf if present, else the packaged defaults).")
    Path config;

    Config config() {
      return AppConfig.load(config);
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the service (HTTP API, project actors, projections).")
  static final class Serve extends WithConfig implements Callable<Integer> {
    @Option(names = "--port", description = "HTTP port (default: procwatch.http.port, 8080, or PROCWATCH_HTTP_PORT).")
    Integer port;

    @Option(names = "--demo", description = "Demo: a simulated year of the bureau, fed at one day per second, on a database of "
        + "its own (./data/demo, emptied at start; see docs/simulator.md).")
    boolean demo;

    @Option(names = "--clock", paramLabel = "wall|data", description = "The service's now (default: procwatch.clock.mode, wall, "
        + "or PROCWATCH_CLOCK). data: the latest business time accepted, for replaying history and benchmarks "
        + "(docs/simulator.md).")
    String clock;

    @Override
    public Integer call() throws Exception {
      Config config = config();
      if (port != null) {
        config = com.typesafe.config.ConfigFactory.parseString("procwatch.http.port = " + port).withFallback(config);
      }
      if (clock != null) {
        try {
          Settings.ClockMode.parse("--clock", clock); // a clear error before anything starts
        } catch (com.typesafe.config.ConfigException e) {
          System.err.println("procwatch serve: " + e.getMessage());
          return 2;
        }
        config = com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("procwatch.clock.mode", clock)).withFallback(config);
      }
      Settings settings = Settings.from(AppConfig.withDatabase(config));
      // no tokens and a non-loopback address: refused, for the demo too
      var refusal = io.procwatch.auth.Authenticator.load(settings.auth(), Clock.systemUTC())
          .bindingRefusal(settings.http().host());
      if (refusal.isPresent()) {
        log.error(refusal.get());
        return 2;
      }
      if (demo) {
        if (settings.clockMode() != Settings.ClockMode.WALL) {
          log.warn("The demo runs on its own simulated clock; procwatch.clock.mode = data is ignored");
        }
        return io.procwatch.sim.Demo.serve(config);
      }
      config = AppConfig.withDatabase(config);
      log.info("Starting procwatch {} on {}", Version.current(), settings.db());
      Database db = Database.open(settings.db());
      if (settings.db().migrateOnStart()) db.migrate();
      Clock serviceClock = io.procwatch.infra.DataClock.forService(settings.clockMode(), db, Clock.systemUTC());
      ActorSystem<Void> system = ActorSystem.create(Guardian.create(settings, db, serviceClock), "procwatch", config);
      system.getWhenTerminated().toCompletableFuture().join();
      db.close();
      return 0;
    }
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply pending database migrations and exit.")
  static final class Migrate extends WithConfig implements Callable<Integer> {
    @Override
    public Integer call() {
      Settings settings = Settings.from(config());
      try (Database db = Database.open(settings.db())) {
        var result = db.migrate();
        System.out.printf("%s: schema version %s, %d migration(s) applied%n", settings.db().url(),
            result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
            result.migrationsExecuted);
      }
      return 0;
    }
  }

  /** The version Maven built, from a filtered resource. */
  static final class Version implements CommandLine.IVersionProvider {
    static String current() {
      try (InputStream in = Main.class.getResourceAsStream("/procwatch-version.properties")) {
        Properties p = new Properties();
        if (in != null) p.load(in);
        return p.getProperty("version", "unknown");
      } catch (Exception e) {
        return "unknown";
      }
    }

    @Override
    public String[] getVersion() {
      return new String[] {"procwatch " + current(), "Apache Pekko (Apache-2.0), Java " + Runtime.version()};
    }
  }
}
