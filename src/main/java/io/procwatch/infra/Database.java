package io.procwatch.infra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database: schema migrations (Flyway, the only way the schema ever changes), the read-side
 * connection pool, and the Pekko configuration that points the journal at the same database.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final Settings.Db settings;
  private final HikariDataSource dataSource;

  private Database(Settings.Db settings, HikariDataSource dataSource) {
    this.settings = settings;
    this.dataSource = dataSource;
  }

  /** Opens the read-side pool (connections are made lazily by Hikari as needed). */
  public static Database open(Settings.Db settings) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("procwatch-read-side");
    hc.setJdbcUrl(settings.url());
    hc.setUsername(settings.user());
    hc.setPassword(settings.password());
    hc.setDriverClassName(settings.vendor().driver);
    hc.setMaximumPoolSize(settings.readSidePoolSize());
    hc.setMinimumIdle(1);
    hc.setAutoCommit(true);
    hc.setInitializationFailTimeout(-1);
    if (settings.vendor() == Vendor.POSTGRESQL) {
      // The read side's JDBC batches of plain INSERTs (a group's new listing rows, alert rows) go to the server as
      // multi-row INSERTs instead of one statement execution per row (docs/performance.md, "Status on main
      // (2026-12-01, late morning, another slow host)"). A reWriteBatchedInserts in the URL wins over this default.
      hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    return new Database(settings, new HikariDataSource(hc));
  }

  public HikariDataSource dataSource() {
    return dataSource;
  }

  public Vendor vendor() {
    return settings.vendor();
  }

  /** Applies pending migrations for this vendor and says what it did. */
  public MigrateResult migrate() {
    Flyway flyway = Flyway.configure()
        .dataSource(dataSource)
        // The plugin's own tables differ per vendor; procwatch's read side is plain SQL both understand.
        .locations("classpath:db/migration/common", "classpath:db/migration/" + settings.vendor().migrations)
        .baselineOnMigrate(false)
        .load();
    MigrateResult result = flyway.migrate();
    log.info("Database {} at schema version {} ({} migration(s) applied now)",
        settings.url(), result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
        result.migrationsExecuted);
    return result;
  }

  /** True when a connection answers a trivial query within a second. */
  public boolean ping() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(1);
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Pekko settings that follow from {@code procwatch.db}: the shared Slick pool of the journal, snapshot
   * store and read journal (stack.md §2, G6), and the projection offset-store dialect (G11).
   */
  public static Config pekkoOverlay(Settings.Db db) {
    Vendor v = db.vendor();
    Map<String, Object> m = new HashMap<>();
    String slick = "pekko-persistence-jdbc.shared-databases.slick.";
    m.put(slick + "profile", v.slickProfile);
    m.put(slick + "db.url", db.url());
    m.put(slick + "db.user", db.user());
    m.put(slick + "db.password", db.password());
    m.put(slick + "db.driver", v.driver);
    // Keep numThreads == maxConnections (stack.md G6).
    m.put(slick + "db.numThreads", db.journalPoolSize());
    m.put(slick + "db.maxConnections", db.journalPoolSize());
    m.put(slick + "db.minConnections", db.journalPoolSize());
    m.put("pekko.projection.jdbc.dialect", v.projectionDialect);
    return ConfigFactory.parseMap(m, "procwatch.db");
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
