package io.procwatch.infra;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code procwatch {}} configuration, read once into typed records. */
public record Settings(Http http, Ingest ingest, Db db, Projection projection, Deadlines deadlines,
    Metrics metrics, Feed feed) {

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
  public record Deadlines(Duration pollInterval, Duration lookAhead) {}

  /** How often the read-side gauges of /metrics are recomputed. */
  public record Metrics(Duration refreshInterval) {}

  /**
   * The live alert feed ({@code GET /api/v1/alerts/stream}).
   *
   * @param bufferSize messages queued per client before it counts as lagging and is disconnected
   * @param keepAlive a {@code PING} message after this long without any other message
   */
  public record Feed(int bufferSize, Duration keepAlive) {}

  public static Settings from(Config root) {
    Config c = root.getConfig("procwatch");
    Config http = c.getConfig("http");
    Config ingest = c.getConfig("ingest");
    Config db = c.getConfig("db");
    return new Settings(
        new Http(http.getString("host"), http.getInt("port"), http.getDuration("ask-timeout")),
        new Ingest(ingest.getBytes("max-event-bytes"), ingest.getBytes("max-batch-bytes"),
            ingest.getInt("max-facts-per-event"), ingest.getDuration("max-future-skew")),
        new Db(db.getString("url"), db.getString("user"), db.getString("password"), db.getInt("journal-pool-size"),
            db.getInt("read-side-pool-size"), db.getBoolean("migrate-on-start")),
        new Projection(c.getInt("projection.tag-count")),
        new Deadlines(c.getDuration("deadlines.poll-interval"), c.getDuration("deadlines.look-ahead")),
        new Metrics(c.getDuration("metrics.refresh-interval")),
        new Feed(c.getInt("feed.buffer-size"), c.getDuration("feed.keep-alive")));
  }
}
