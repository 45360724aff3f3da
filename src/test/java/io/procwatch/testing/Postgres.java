package io.procwatch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL of the machine (127.0.0.1:5432, trust auth, database {@code test} by default;
 * override with PROCWATCH_TEST_PG_URL / _USER / _PASSWORD). Every test gets a fresh database of its own,
 * dropped afterwards, never a shared leftover. Where no PostgreSQL answers, the test is skipped with the
 * reason — except under CI=true, where that is a failure.
 */
public final class Postgres {
  public static final String ADMIN_URL = env("PROCWATCH_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String USER = env("PROCWATCH_TEST_PG_USER", "postgres");
  public static final String PASSWORD = env("PROCWATCH_TEST_PG_PASSWORD", "");

  private Postgres() {}

  /** A database that exists for one test. */
  public record FreshDatabase(String name, String url) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try (Connection c = admin(); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }

  public static void assumeAvailable() {
    try (Connection c = admin()) {
      c.isValid(2);
    } catch (Exception e) {
      String reason = "PostgreSQL not reachable at " + ADMIN_URL + " as " + USER + ": " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(reason + " (CI=true: PostgreSQL tests must run)");
      Assumptions.abort(reason);
    }
  }

  public static FreshDatabase create() throws Exception {
    assumeAvailable();
    String name = "procwatch_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String url = ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name;
    return new FreshDatabase(name, url);
  }

  private static Connection admin() throws Exception {
    return DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
