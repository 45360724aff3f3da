package io.procwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.infra.Database;
import io.procwatch.infra.Settings;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The listing's pass over {@code project_summary} takes at most a twentieth of the time: after a pass of {@code t} the
 * next waits {@code 20 t} from its start, while the alert counts are computed at every refresh. The pass's duration is
 * read from a test ticker that moves on by a set amount at each reading, so "the pass took 100 ms" is exact.
 */
class ListingGaugeSpacingTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void theNextPassWaitsTwentyTimesTheLastOne() {
    assertThat(ReadSideGauges.listingNotBefore(1_000 * MS, 100 * MS)).isEqualTo(3_000 * MS);
    assertThat(ReadSideGauges.listingNotBefore(1_000 * MS, 0)).isEqualTo(1_000 * MS);
    // a ticker that went backwards does not move the next pass before this one
    assertThat(ReadSideGauges.listingNotBefore(1_000 * MS, -5 * MS)).isEqualTo(1_000 * MS);
  }

  @Test
  void aSlowListingPassIsSkippedUntilItsShareAllowsItWhileAlertCountsRefreshEveryTime() throws Exception {
    String url = "jdbc:h2:mem:spacing-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (Database db = Database.open(new Settings.Db(url, "sa", "", 1, 2, true))) {
      Flyway.configure().dataSource(db.dataSource())
          .locations("classpath:db/migration/common", "classpath:db/migration/" + db.vendor().migrations).load().migrate();
      AtomicLong now = new AtomicLong();
      AtomicLong costOfARead = new AtomicLong();
      // each reading moves the ticker on: the pass's start and end readings are costOfARead apart
      Metrics metrics = new Metrics();
      // no actor system: refresh() is called here directly, not scheduled
      ReadSideGauges gauges = new ReadSideGauges(null, metrics, db,
          Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC), Runnable::run, 0,
          () -> now.getAndAdd(costOfARead.get()));

      insertProject(db, "p-1");
      insertAlert(db, "a-1");
      costOfARead.set(100 * MS);
      gauges.refresh(); // the first pass always runs: 0 → 100 ms, next not before 2 s
      assertThat(projects(metrics)).isEqualTo(1);
      assertThat(openAlerts(metrics)).isEqualTo(1);

      costOfARead.set(0);
      insertProject(db, "p-2");
      insertAlert(db, "a-2");
      now.set(1_999 * MS);
      gauges.refresh();
      assertThat(projects(metrics)).as("the listing's pass is not due yet").isEqualTo(1);
      assertThat(openAlerts(metrics)).as("alert counts are refreshed every time").isEqualTo(2);

      now.set(2_000 * MS);
      gauges.refresh();
      assertThat(projects(metrics)).as("due at twenty times its last duration").isEqualTo(2);

      // a fast pass (0 ns here) lets the next refresh run it again at once
      insertProject(db, "p-3");
      gauges.refresh();
      assertThat(projects(metrics)).isEqualTo(3);
    }
  }

  private static double projects(Metrics metrics) {
    return metrics.registry().find("procwatch.projects").gauges().stream().mapToDouble(g -> g.value()).sum();
  }

  private static double openAlerts(Metrics metrics) {
    return metrics.registry().find("procwatch.alerts.open").gauges().stream().mapToDouble(g -> g.value()).sum();
  }

  private static void insertProject(Database db, String id) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO project_summary (project_id, buyer, title, category, category_kind, fiscal_year, stage,"
          + " budget, last_event_at, updated_at) VALUES ('" + id + "', 'b-1', 't', 'A02', 'GOODS', 2026, 'REGISTERED',"
          + " 100.00, TIMESTAMP WITH TIME ZONE '2026-06-01 00:00:00+00', TIMESTAMP WITH TIME ZONE '2026-06-01 00:00:00+00')");
    }
  }

  private static void insertAlert(Database db, String id) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO alert (alert_id, fingerprint, rule, severity, prewarning, status, project_id, buyer,"
          + " subject, raised_at, raised_sequence, last_sequence, body) VALUES ('" + id + "', 'f', 'DL01', 'CRITICAL',"
          + " FALSE, 'FIRING', 'p-1', 'b-1', 's', TIMESTAMP WITH TIME ZONE '2026-06-01 00:00:00+00', 1, 1, '{}')");
    }
  }
}
