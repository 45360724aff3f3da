package io.procwatch.infra;

/** The two databases procwatch runs on, and what differs between them. */
public enum Vendor {
  H2("org.h2.Driver", "slick.jdbc.H2Profile$", "h2-dialect", "h2"),
  POSTGRESQL("org.postgresql.Driver", "slick.jdbc.PostgresProfile$", "postgres-dialect", "postgresql");

  public final String driver;
  /** Slick profile; the trailing {@code $} is required (stack.md G6). */
  public final String slickProfile;

  public final String projectionDialect;
  /** Folder of this vendor's migrations under {@code db/migration/}. */
  public final String migrations;

  Vendor(String driver, String slickProfile, String projectionDialect, String migrations) {
    this.driver = driver;
    this.slickProfile = slickProfile;
    this.projectionDialect = projectionDialect;
    this.migrations = migrations;
  }

  public static Vendor of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:h2:")) return H2;
    if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
    throw new IllegalArgumentException(
        "procwatch.db.url must be a jdbc:h2: or jdbc:postgresql: URL, got: " + jdbcUrl.replaceAll("password=[^&;]*", "password=***"));
  }
}
