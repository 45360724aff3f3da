package io.procwatch.infra;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code procwatch {}} configuration, read once into typed records. */
public record Settings(Http http, Ingest ingest, Db db, Projection projection, Deadlines deadlines,
    Metrics metrics, Feed feed, Alertmanager alertmanager, Auth auth, Tls tls, ClockMode clockMode) {

  /**
   * {@code procwatch.clock.mode}: the service's "now". {@code wall}: the wall clock (live monitoring). {@code data}: the
   * latest business time accepted, for replaying a history and benchmarks ({@link DataClock}).
   */
  public enum ClockMode {
    WALL, DATA;

    public static ClockMode parse(String path, String value) {
      return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "wall" -> WALL;
        case "data" -> DATA;
        default -> throw new com.typesafe.config.ConfigException.BadValue(path, "expected wall or data, got '" + value + "'");
      };
    }
  }

  public record Http(String host, int port, Duration askTimeout) {}

  public record Ingest(long maxEventBytes, long maxBatchBytes, int maxFactsPerEvent, Duration maxFutureSkew) {}

  /**
   * @param journalPoolSize connections of the Slick pool shared by journal, snapshots and event queries
   * @param readSidePoolSize connections for projections and listings
   */
  public record Db(String url, String user, String password, int journalPoolSize, int readSidePoolSize,
      boolean migrateOnStart) {

    public Vendor vendor() {
      return Vendor.of(url);
    }

    /** Never print the password. */
    @Override
    public String toString() {
      return "Db[url=" + url + ", user=" + user + "]";
    }
  }

  public record Projection(int tagCount) {}

  /** How the DeadlineWatch looks for deadlines coming due. */
  public record Deadlines(Duration pollInterval, Duration lookAhead, int maxWakesPerPoll) {}

  /** How often the read-side gauges of /metrics are recomputed. */
  public record Metrics(Duration refreshInterval) {}

  /**
   * The live alert feed ({@code GET /api/v1/alerts/stream}).
   *
   * @param bufferSize messages queued per client before it counts as lagging and is disconnected
   * @param keepAlive a {@code PING} message after this long without any other message
   */
  public record Feed(int bufferSize, Duration keepAlive) {}

  /**
   * Pushing alerts to Alertmanager ({@code POST <url>/api/v2/alerts}); off when {@code urls} is empty.
   *
   * @param urls base URLs, no trailing slash, e.g. {@code http://am-1:9093}
   * @param resendInterval how often every active alert is sent again; a firing alert's {@code endsAt} is
   *     4 of these ahead, so Alertmanager resolves it by itself if procwatch stops sending
   * @param maxPendingResolved resolved alerts kept for an Alertmanager that is down, beyond which the oldest
   *     are dropped (Alertmanager then resolves them itself when their {@code endsAt} passes)
   * @param externalUrl where procwatch is reached from outside, for {@code generatorURL}
   */
  public record Alertmanager(java.util.List<String> urls, Duration resendInterval, Duration minBackoff,
      Duration maxBackoff, Duration requestTimeout, int maxBatch, int maxPendingResolved, String externalUrl) {

    public boolean enabled() {
      return !urls.isEmpty();
    }

    static Alertmanager from(Config am, Http http) {
      // A list in conf/, or from PROCWATCH_ALERTMANAGER_URLS a comma-separated string: HOCON cannot turn one
      // environment variable into a list, so both shapes are accepted here.
      java.util.List<String> raw = am.getValue("urls").valueType() == com.typesafe.config.ConfigValueType.LIST
          ? am.getStringList("urls")
          : java.util.Arrays.asList(am.getString("urls").split(","));
      java.util.List<String> urls = new java.util.ArrayList<>();
      for (String u : raw) {
        String t = u.trim();
        if (t.isEmpty()) continue;
        java.net.URI uri;
        try {
          uri = java.net.URI.create(t);
        } catch (IllegalArgumentException e) {
          throw new com.typesafe.config.ConfigException.BadValue("procwatch.alertmanager.urls", "not a URL: " + t, e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          throw new com.typesafe.config.ConfigException.BadValue("procwatch.alertmanager.urls",
              "expected http(s)://host:port, got " + t);
        }
        urls.add(t.replaceAll("/+$", ""));
      }
      String external = am.getString("external-url").trim().replaceAll("/+$", "");
      if (external.isEmpty()) external = "http://" + http.host() + ":" + http.port();
      return new Alertmanager(java.util.List.copyOf(urls), am.getDuration("resend-interval"),
          am.getDuration("min-backoff"), am.getDuration("max-backoff"), am.getDuration("request-timeout"),
          am.getInt("max-batch"), am.getInt("max-pending-resolved"), external);
    }
  }

  /**
   * Access control ({@code procwatch.auth}; see README "Access control").
   *
   * @param tokensFile the token file; when it does not exist the service runs open, on loopback only
   * @param metricsPublic whether {@code GET /metrics} is served without a token
   * @param ingestRate ingest requests per second per token (0: no limit), with bursts of {@code ingestBurst}
   * @param feedConnectionsPerToken open alert-feed WebSockets allowed per token
   * @param ticketTtl how long a one-time feed ticket is valid
   */
  public record Auth(java.nio.file.Path tokensFile, boolean metricsPublic, double ingestRate, int ingestBurst,
      int feedConnectionsPerToken, Duration ticketTtl) {}

  /** HTTPS for the API ({@code procwatch.http.tls}); the keystore holds the server's key and certificate. */
  public record Tls(boolean enabled, String keystore, String keystorePassword, String keystoreType) {
    /** Never print the password. */
    @Override
    public String toString() {
      return "Tls[enabled=" + enabled + ", keystore=" + keystore + ", type=" + keystoreType + "]";
    }
  }

  public static Settings from(Config root) {
    Config c = root.getConfig("procwatch");
    Config http = c.getConfig("http");
    Config ingest = c.getConfig("ingest");
    Config db = c.getConfig("db");
    Http httpSettings = new Http(http.getString("host"), http.getInt("port"), http.getDuration("ask-timeout"));
    return new Settings(
        httpSettings,
        new Ingest(ingest.getBytes("max-event-bytes"), ingest.getBytes("max-batch-bytes"),
            ingest.getInt("max-facts-per-event"), ingest.getDuration("max-future-skew")),
        new Db(db.getString("url"), db.getString("user"), db.getString("password"), db.getInt("journal-pool-size"),
            db.getInt("read-side-pool-size"), db.getBoolean("migrate-on-start")),
        new Projection(c.getInt("projection.tag-count")),
        new Deadlines(c.getDuration("deadlines.poll-interval"), c.getDuration("deadlines.look-ahead"),
            c.getInt("deadlines.max-wakes-per-poll")),
        new Metrics(c.getDuration("metrics.refresh-interval")),
        new Feed(c.getInt("feed.buffer-size"), c.getDuration("feed.keep-alive")),
        Alertmanager.from(c.getConfig("alertmanager"), httpSettings),
        new Auth(c.getString("auth.tokens-file").isBlank() ? null : java.nio.file.Path.of(c.getString("auth.tokens-file")),
            c.getBoolean("auth.metrics-public"), c.getDouble("auth.ingest-rate"), c.getInt("auth.ingest-burst"),
            c.getInt("auth.feed-connections-per-token"), c.getDuration("auth.ticket-ttl")),
        new Tls(http.getBoolean("tls.enabled"), http.getString("tls.keystore"), http.getString("tls.keystore-password"),
            http.getString("tls.keystore-type")),
        ClockMode.parse("procwatch.clock.mode", c.getString("clock.mode")));
  }
}
