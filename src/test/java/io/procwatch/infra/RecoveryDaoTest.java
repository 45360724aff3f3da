package io.procwatch.infra;

import static io.procwatch.testing.Facts.event;
import static io.procwatch.testing.Facts.registration;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.config.SnapshotConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.snapshot.dao.DefaultSnapshotDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple2;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * {@link RecoverySnapshotDao} answers the latest snapshot as the plugin's DAO does, and {@link RecoveryJournalDao}
 * the highest sequence number as the plugin's does, for a persistence id never written, one with journal rows only
 * and one with a snapshot, on H2 and PostgreSQL; a write between the snapshot query and the journal's query sends
 * the journal to the database.
 */
class RecoveryDaoTest {
  private static final List<String> IDS = List.of("Project|NEW", "Project|FEW", "Project|MANY");

  @Test
  void sameAnswersAsThePluginOnH2() throws Exception {
    String url = "jdbc:h2:mem:procwatch-recovery-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (TestService service = TestService.start(url, "sa", "", Clock.systemUTC(), Map.of())) {
      check(service, "\"snapshot\"", "\"persistence_id\"");
    }
  }

  @Test
  void sameAnswersAsThePluginOnPostgres() throws Exception {
    try (Postgres.FreshDatabase db = Postgres.create();
        TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
      check(service, "snapshot", "persistence_id");
    }
  }

  private static void check(TestService service, String snapshotTable, String idColumn) throws Exception {
    Config config = service.system().settings().config();
    assertThat(config.getString("jdbc-journal.dao")).isEqualTo(RecoveryJournalDao.class.getName());
    assertThat(config.getString("jdbc-snapshot-store.dao")).isEqualTo(RecoverySnapshotDao.class.getName());
    write(service, "FEW", 0);
    write(service, "MANY", 55); // 59 journal events: a snapshot at 50 (snapshotEvery 50)
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> snapshots(service, snapshotTable, idColumn) > 0);

    ActorSystem system = Adapter.toClassic(service.system());
    Serialization serialization = SerializationExtension.get(system);
    Materializer mat = SystemMaterializer.get(system).materializer();
    ExecutionContext ec = system.dispatcher();
    SlickDatabase journalDb = ((SlickExtensionImpl) SlickExtension.get(system)).database(config.getConfig("jdbc-journal"));
    SlickDatabase snapshotDb = ((SlickExtensionImpl) SlickExtension.get(system)).database(config.getConfig("jdbc-snapshot-store"));
    JournalConfig journalConfig = new JournalConfig(config.getConfig("jdbc-journal"));
    SnapshotConfig snapshotConfig = new SnapshotConfig(config.getConfig("jdbc-snapshot-store"));
    var pluginJournal = new DefaultJournalDao(journalDb.database(), journalDb.profile(), journalConfig, serialization, ec, mat);
    var pluginSnapshots = new DefaultSnapshotDao(snapshotDb.database(), snapshotDb.profile(), snapshotConfig, serialization, ec, mat);
    var journal = new RecoveryJournalDao(journalDb.database(), journalDb.profile(), journalConfig, serialization, ec, mat);
    var snapshots = new RecoverySnapshotDao(snapshotDb.database(), snapshotDb.profile(), snapshotConfig, serialization, ec, mat);

    for (String id : IDS) {
      Option<Tuple2<SnapshotMetadata, Object>> expected = get(pluginSnapshots.latestSnapshot(id));
      Option<Tuple2<SnapshotMetadata, Object>> got = get(snapshots.latestSnapshot(id));
      assertThat(got.isDefined()).as("a snapshot of %s", id).isEqualTo(expected.isDefined());
      assertThat(got.isDefined()).isEqualTo(id.endsWith("MANY"));
      if (expected.isDefined()) {
        assertThat(got.get()._1()).isEqualTo(expected.get()._1());
        assertThat(serialization.serialize(got.get()._2()).get()).isEqualTo(serialization.serialize(expected.get()._2()).get());
      }
      long highest = (Long) get(pluginJournal.highestSequenceNr(id, 0));
      if (id.endsWith("NEW")) assertThat(highest).isZero();
      else assertThat(highest).as("rows of %s", id).isGreaterThanOrEqualTo(id.endsWith("FEW") ? 4 : 59);
      assertThat(RecoveryHints.get(system).take(id)).as("handed over for %s", id).isEqualTo(highest);
      assertThat(get(snapshots.latestSnapshot(id)).isDefined()).isEqualTo(expected.isDefined());
      assertThat((Long) get(journal.highestSequenceNr(id, 0))).as("answered without the database for %s", id)
          .isEqualTo(highest);
      assertThat((Long) get(journal.highestSequenceNr(id, 0))).as("and then from the database").isEqualTo(highest);
    }

    // a write of the project (through the service's own journal) between the two queries: the journal asks again
    long before = (Long) get(pluginJournal.highestSequenceNr("Project|FEW", 0));
    get(snapshots.latestSnapshot("Project|FEW"));
    assertThat(service.postJson(event("FEW", "PaymentMade", "2026-03-09T09:00:00+08:00",
        "{\"amount\":0.01,\"kind\":\"PREPAY\"}")).statusCode()).isEqualTo(202);
    long after = (Long) get(pluginJournal.highestSequenceNr("Project|FEW", 0));
    assertThat(after).isGreaterThan(before);
    assertThat((Long) get(journal.highestSequenceNr("Project|FEW", 0))).isEqualTo(after);

    // many recoveries at once (a bulk batch of new projects): read together, each answered as if alone
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) many.add("Project|NONE-" + i);
    many.addAll(IDS);
    long readsBefore = snapshots.reads();
    List<Future<Option<Tuple2<SnapshotMetadata, Object>>>> answers = many.stream().map(snapshots::latestSnapshot).toList();
    for (int i = 0; i < many.size(); i++) {
      String id = many.get(i);
      Option<Tuple2<SnapshotMetadata, Object>> got = get(answers.get(i));
      Option<Tuple2<SnapshotMetadata, Object>> expected = get(pluginSnapshots.latestSnapshot(id));
      assertThat(got.isDefined()).as("a snapshot of %s", id).isEqualTo(id.endsWith("MANY"));
      if (got.isDefined()) {
        assertThat(got.get()._1()).isEqualTo(expected.get()._1());
        assertThat(serialization.serialize(got.get()._2()).get()).isEqualTo(serialization.serialize(expected.get()._2()).get());
      }
      assertThat(RecoveryHints.get(system).take(id)).as("handed over for %s", id)
          .isEqualTo((Long) get(pluginJournal.highestSequenceNr(id, 0)));
    }
    assertThat(snapshots.reads() - readsBefore).as("reads for %d recoveries at once", many.size())
        .isLessThanOrEqualTo(many.size() / 10);
  }

  /** Registration, requirement, method and contract, then {@code payments} single payments: one journal event each. */
  private static void write(TestService service, String project, int payments) {
    assertThat(service.postJson(registration(project, "B", "10000")).statusCode()).isEqualTo(202);
    assertThat(service.postJson(event(project, "RequirementApproved", "2026-03-03T09:00:00+08:00", null)).statusCode())
        .isEqualTo(202);
    assertThat(service.postJson(event(project, "MethodApproved", "2026-03-04T09:00:00+08:00",
        "{\"method\":\"SELF_PURCHASE\"}")).statusCode()).isEqualTo(202);
    assertThat(service.postJson(event(project, "ContractSigned", "2026-03-05T09:00:00+08:00",
        "{\"contractId\":\"HT-" + project + "\",\"supplier\":\"S1\",\"amount\":9999.99}")).statusCode()).isEqualTo(202);
    for (int i = 0; i < payments; i++) {
      assertThat(service.postJson(event(project, "PaymentMade", "2026-03-06T09:00:00+08:00",
          "{\"amount\":0.01,\"kind\":\"PREPAY\"}")).statusCode()).isEqualTo(202);
    }
  }

  private static int snapshots(TestService service, String table, String idColumn) throws Exception {
    try (Connection c = service.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + idColumn + " = ?")) {
      ps.setString(1, "Project|MANY");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static <T> T get(Future<T> future) throws Exception {
    return FutureConverters.asJava(future).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
