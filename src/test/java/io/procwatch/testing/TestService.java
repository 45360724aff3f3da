package io.procwatch.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.procwatch.Guardian;
import io.procwatch.infra.AppConfig;
import io.procwatch.infra.DataClock;
import io.procwatch.infra.Database;
import io.procwatch.infra.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;

/**
 * The whole service, started as {@code procwatch serve} starts it (migrations, cluster, sharding,
 * projections, HTTP on a free port), on a real database, with a real HTTP client in front.
 */
public final class TestService implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final ActorSystem<Void> system;
  private final Database db;
  private final int port;

  private final Clock clock;

  private TestService(ActorSystem<Void> system, Database db, int port, Clock clock) {
    this.system = system;
    this.db = db;
    this.port = port;
    this.clock = clock;
  }

  /** The service clock: the one given, or the data clock made on it (procwatch.clock.mode = data). */
  public Clock clock() {
    return clock;
  }

  /** A fresh in-memory H2 database of its own. */
  public static TestService h2(Clock clock) {
    return start("jdbc:h2:mem:procwatch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", clock, Map.of());
  }

  /**
   * @param clock the wall clock: the service's clock (or, with procwatch.clock.mode = data, the one its data clock
   *     keeps), and the clock of tickets and rate limits
   */
  public static TestService start(String url, String user, String password, Clock clock, Map<String, Object> overrides) {
    Map<String, Object> m = new HashMap<>(overrides);
    int port = freePort();
    m.put("procwatch.http.port", port);
    m.put("procwatch.http.host", "127.0.0.1");
    m.put("procwatch.db.url", url);
    m.put("procwatch.db.user", user);
    m.put("procwatch.db.password", password);
    m.put("pekko.remote.artery.canonical.port", 0);
    m.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    m.put("pekko.loglevel", "WARNING");
    // Open (local) mode unless a test names a token file: never a developer's own conf/tokens.conf.
    m.putIfAbsent("procwatch.auth.tokens-file", "");
    Config config = AppConfig.withDatabase(ConfigFactory.parseMap(m).withFallback(AppConfig.load(null)));
    Settings settings = Settings.from(config);
    Database db = Database.open(settings.db());
    db.migrate();
    // as Main does: with procwatch.clock.mode = data, a data clock restored from the database, on this wall clock
    Clock serviceClock = DataClock.forService(settings.clockMode(), db, clock);
    ActorSystem<Void> system =
        ActorSystem.create(Guardian.create(settings, db, serviceClock, clock), "procwatch-test", config);
    TestService service = new TestService(system, db, port, serviceClock);
    // The port is bound asynchronously by the Guardian: until then the client cannot even connect.
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(IllegalStateException.class)
        .until(() -> service.get("/health/ready").statusCode() == 200);
    return service;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Database db() {
    return db;
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build());
  }

  public HttpResponse<String> postJson(String body) {
    return post("application/json", body);
  }

  public HttpResponse<String> postNdjson(String body) {
    return post("application/x-ndjson", body);
  }

  public HttpResponse<String> post(String contentType, String body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/events"))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  /** A body of raw bytes (not necessarily UTF-8). */
  public HttpResponse<String> post(String contentType, byte[] body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/events"))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the actor system (as CoordinatedShutdown would) and closes the read-side pool. */
  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    db.close();
  }

  private static int freePort() {
    return Local.freePort();
  }
}
