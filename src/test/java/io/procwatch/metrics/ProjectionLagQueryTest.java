package io.procwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.infra.Database;
import io.procwatch.infra.Settings;
import io.procwatch.testing.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Random;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ReadSideGauges#behind}: the events of a tag beyond an offset and the write time of the first of them, on
 * H2 and PostgreSQL, against the former join (count and earliest write time over the whole range) on a journal whose
 * write times rise with its ordering, as the service writes them; each asked seven times, past the point where
 * PostgreSQL may switch a prepared statement to a generic plan.
 */
class ProjectionLagQueryTest {

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void countsWhatIsBeyondTheOffsetAndDatesTheFirst(String vendor) throws Exception {
    Postgres.FreshDatabase pg = vendor.equals("postgresql") ? Postgres.create() : null;
    String url = pg != null ? pg.url() : "jdbc:h2:mem:lag-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (Database db = Database.open(new Settings.Db(url, pg != null ? Postgres.USER : "sa",
        pg != null ? Postgres.PASSWORD : "", 1, 2, true))) {
      Flyway.configure().dataSource(db.dataSource())
          .locations("classpath:db/migration/common", "classpath:db/migration/" + db.vendor().migrations).load().migrate();
      try (Connection c = db.dataSource().getConnection()) {
        Random random = new Random(11);
        String[] tags = {"project-0", "project-1", "alerts"};
        try (PreparedStatement j = c.prepareStatement("INSERT INTO \"event_journal\" (\"ordering\", \"persistence_id\","
                + " \"sequence_number\", \"deleted\", \"writer\", \"write_timestamp\", \"event_ser_id\", \"event_ser_manifest\", \"event_payload\","
                + " \"adapter_manifest\")"
                + " VALUES (?, ?, 1, FALSE, 'w', ?, 1, 'm', ?, '')");
            PreparedStatement t = c.prepareStatement("INSERT INTO \"event_tag\" (\"event_id\", \"tag\") VALUES (?, ?)")) {
          for (int ordering = 1; ordering <= 600; ordering++) {
            j.setLong(1, ordering);
            j.setString(2, "Project|p" + ordering);
            j.setLong(3, 1_700_000_000_000L + ordering * 1000L + random.nextInt(900));
            j.setBytes(4, new byte[] {1});
            j.addBatch();
            for (String tag : tags) {
              if (random.nextInt(3) == 0) {
                t.setLong(1, ordering);
                t.setString(2, tag);
                t.addBatch();
              }
            }
          }
          j.executeBatch();
          t.executeBatch();
        }
        for (String tag : tags) {
          for (long offset : new long[] {0, 1, 17, 300, 599, 600, 10_000}) {
            long[] former = formerJoin(c, tag, offset);
            // several times: PostgreSQL plans a prepared statement generically after five executions
            for (int i = 0; i < 7; i++) assertThat(ReadSideGauges.behind(c, tag, offset)).as("%s beyond %d", tag, offset).containsExactly(former);
          }
        }
        assertThat(formerJoin(c, "project-0", 0)[0]).isGreaterThan(150); // the table is what it should be
        assertThat(ReadSideGauges.behind(c, "no-such-tag", 0)).containsExactly(0, -1);
      }
    } finally {
      if (pg != null) pg.close();
    }
  }

  /** The query the gauge ran before: count and earliest write time over the range, -1 for none. */
  private static long[] formerJoin(Connection c, String tag, long offset) throws Exception {
    try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*), MIN(j.\"write_timestamp\") FROM \"event_tag\" t"
        + " JOIN \"event_journal\" j ON j.\"ordering\" = t.\"event_id\" WHERE t.\"tag\" = ? AND t.\"event_id\" > ?")) {
      q.setString(1, tag);
      q.setLong(2, offset);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        long n = rs.getLong(1);
        return new long[] {n, n == 0 ? -1 : rs.getLong(2)};
      }
    }
  }
}
