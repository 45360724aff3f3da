package io.procwatch.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.procwatch.Guardian;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.infra.AppConfig;
import io.procwatch.infra.Database;
import io.procwatch.infra.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code procwatch serve --demo}: the service on an H2 file database of its own ({@code procwatch.demo.data-dir},
 * {@code ./data/demo}, emptied at every start, never the configured database), on a simulated clock that starts on
 * 1 January of this year and runs {@code procwatch.demo.speed} times faster than the wall clock (one day per second by
 * default), fed a generated year of the bureau over its own HTTP API as the simulated clock reaches each event. The
 * service judges deadlines on that clock too, so a deadline fires when it is late in the simulated year, as it would
 * in the real one; within the first minute there are projects in every stage and alerts.
 */
public final class Demo {
  private static final Logger log = LoggerFactory.getLogger(Demo.class);
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  /** {@code procwatch.demo} of the configuration. */
  public record Options(Path dataDir, double speed, long seed, int projects, double irregularShare) {
    public static Options from(Config config) {
      Config c = config.getConfig("procwatch.demo");
      return new Options(Path.of(c.getString("data-dir")), c.getDouble("speed"), c.getLong("seed"), c.getInt("projects"),
          c.getDouble("irregular-share"));
    }
  }

  /** A running demo: the service and its feeder. */
  public record Running(ActorSystem<Void> system, Database db, SimClock clock, Thread feeder, int port) implements AutoCloseable {
    @Override
    public void close() {
      feeder.interrupt();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      db.close();
    }
  }

  private Demo() {}

  /** Runs the demo until the service stops (Ctrl-C). */
  public static int serve(Config config) throws IOException {
    try (Running demo = start(config, Options.from(config))) {
      demo.system().getWhenTerminated().toCompletableFuture().join();
    }
    return 0;
  }

  public static Running start(Config config, Options o) throws IOException {
    Path dir = o.dataDir().toAbsolutePath().normalize();
    empty(dir);
    Config c = ConfigFactory.parseMap(Map.of(
            "procwatch.db.url", "jdbc:h2:file:" + dir.resolve("procwatch") + ";DB_CLOSE_DELAY=-1",
            "procwatch.db.user", "sa", "procwatch.db.password", ""))
        .withFallback(config);
    c = AppConfig.withDatabase(c);
    Settings settings = Settings.from(c);
    LocalDate start = LocalDate.of(LocalDate.now(SHANGHAI).getYear(), 1, 1);
    // stands still on 1 January until the service answers and the year is generated, then runs
    SimClock clock = SimClock.paused(start.atTime(8, 0).atZone(SHANGHAI).toInstant(), o.speed());
    log.info("Demo: data in {} (emptied at start), simulated clock from {} at {}x ({} simulated days per second)", dir,
        start, o.speed(), String.format("%.2f", o.speed() / 86400));
    Database db = Database.open(settings.db());
    db.migrate();
    ActorSystem<Void> system = ActorSystem.create(Guardian.create(settings, db, clock), "procwatch", c);
    String host = settings.http().host().equals("0.0.0.0") ? "127.0.0.1" : settings.http().host();
    URI url = URI.create("http://" + host + ":" + settings.http().port());
    Generator.Options options = Generator.Options.bureau(o.seed(), start).withProjects(o.projects())
        .withIrregularShare(o.irregularShare());
    Thread feeder = new Thread(() -> feed(url, clock, options), "demo-feeder");
    feeder.setDaemon(true);
    feeder.start();
    return new Running(system, db, clock, feeder, settings.http().port());
  }

  private static void feed(URI url, SimClock clock, Generator.Options options) {
    try {
      History history = Generator.generate(options, WorkCalendar.fromClasspath());
      awaitReady(url);
      clock.run();
      log.info("Demo: feeding {} projects ({} events, {} planted irregularities {}) as the simulated clock reaches them",
          history.projects(), history.events().size(), history.planted().size(), history.plantedByCode());
      Sender sender = new Sender(new Sender.Options(url, System.getenv("PROCWATCH_TOKEN"), 200, 0, clock, clock, null));
      Thread reporter = new Thread(() -> report(sender, clock), "demo-progress");
      reporter.setDaemon(true);
      reporter.start();
      Sender.Summary summary = sender.send(history.chronological());
      reporter.interrupt();
      log.info("Demo: the simulated year is fed: {} events accepted, {} rejected; the service keeps running",
          summary.accepted(), summary.rejected.sum());
      if (summary.failed()) log.warn("Demo: rejected events: {}", summary.rejections);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("Demo feeder stopped", e);
    }
  }

  private static void report(Sender sender, Clock clock) {
    try {
      while (true) {
        Thread.sleep(10_000);
        log.info("Demo: simulated date {}, {} events sent", clock.instant().atZone(SHANGHAI).toLocalDate(),
            sender.summary().sent.sum());
      }
    } catch (InterruptedException e) {
      // done
    }
  }

  private static void awaitReady(URI url) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int i = 0; i < 600; i++) {
      try {
        var r = http.send(HttpRequest.newBuilder(url.resolve("/health/ready")).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (IOException e) {
        // not bound yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the service did not become ready in 2 minutes");
  }

  /** Removes the demo's database files (and nothing else) so that every demo starts from 1 January. */
  private static void empty(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "procwatch*.db")) {
      for (Path f : files) Files.delete(f);
    }
  }
}
