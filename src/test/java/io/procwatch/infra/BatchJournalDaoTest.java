package io.procwatch.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * {@link BatchJournalDao} (one statement a batch on PostgreSQL) stores exactly what the plugin's own
 * {@link DefaultJournalDao} stores for the same batches: every column, a project's rows in sequence order by
 * {@code ordering}, the same tag rows; and a batch that cannot be stored leaves nothing behind.
 */
class BatchJournalDaoTest {

  @Test
  void theServiceWritesItsJournalThroughIt() throws Exception {
    try (Postgres.FreshDatabase db = Postgres.create();
        TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
      // the configured DAO (RecoveryJournalDao) writes through this class
      assertThat(BatchJournalDao.class.isAssignableFrom(
          Class.forName(service.system().settings().config().getString("jdbc-journal.dao")))).isTrue();
    }
  }

  @Test
  void storesWhatThePluginStores() throws Exception {
    try (Postgres.FreshDatabase db = Postgres.create();
        TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
      Daos daos = daos(service);
      Random random = new Random(7);
      for (int batch = 0; batch < 40; batch++) {
        List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows = randomBatch(random, batch);
        get(daos.plain.writeJournalRows(seq(withPrefix(rows, "plain|"))));
        // the plugin's write queue hands rows over in any order: ours sorts them as the plugin does
        List<Tuple2<JournalPekkoSerializationRow, Set<String>>> shuffled = new ArrayList<>(withPrefix(rows, "batch|"));
        Collections.shuffle(shuffled, random);
        get(daos.batch.writeJournalRows(seq(shuffled)));
      }
      Map<String, List<String>> plain = stored(service, "plain|");
      Map<String, List<String>> batch = stored(service, "batch|");
      assertThat(plain.values().stream().mapToInt(List::size).sum()).isGreaterThan(200);
      assertThat(batch).isEqualTo(plain);
      assertThat(tags(service, "batch|")).isEqualTo(tags(service, "plain|")).isNotEmpty();
    }
  }

  @Test
  void aBatchThatCannotBeStoredLeavesNothing() throws Exception {
    try (Postgres.FreshDatabase db = Postgres.create();
        TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
      Daos daos = daos(service);
      get(daos.batch.writeJournalRows(seq(List.of(row("X|1", 1, "t-1"), row("X|1", 2, "t-1")))));
      // sequence number 2 is stored already: the batch fails as a whole, its other rows and tags included
      assertThatThrownBy(() -> get(daos.batch.writeJournalRows(
          seq(List.of(row("X|2", 1, "t-2"), row("X|1", 3, "t-2"), row("X|1", 2, "t-2"))))))
          .hasStackTraceContaining("duplicate key");
      assertThat(stored(service, "X|")).containsOnlyKeys("1").extractingByKey("1").asList().hasSize(2);
      assertThat(tags(service, "X|")).containsOnlyKeys("1#1", "1#2");
    }
  }

  private record Daos(DefaultJournalDao plain, BatchJournalDao batch) {}

  private static Daos daos(TestService service) {
    Config journal = service.system().settings().config().getConfig("jdbc-journal");
    JournalConfig config = new JournalConfig(journal);
    SlickDatabase slick = ((SlickExtensionImpl) SlickExtension.get(Adapter.toClassic(service.system()))).database(journal);
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(service.system()));
    ExecutionContext ec = service.system().executionContext();
    Materializer mat = Materializer.matFromSystem(service.system());
    return new Daos(new DefaultJournalDao(slick.database(), slick.profile(), config, serialization, ec, mat),
        new BatchJournalDao(slick.database(), slick.profile(), config, serialization, ec, mat));
  }

  /** Rows of a few projects, several rows each (in sequence order), with 0–2 tags, with and without metadata. */
  private static List<Tuple2<JournalPekkoSerializationRow, Set<String>>> randomBatch(Random random, int batch) {
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows = new ArrayList<>();
    int projects = 1 + random.nextInt(6);
    for (int p = 0; p < projects; p++) {
      String pid = "P-" + batch + "-" + p;
      int n = 1 + random.nextInt(5);
      for (int s = 1; s <= n; s++) {
        byte[] payload = new byte[random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(3000)];
        random.nextBytes(payload);
        boolean meta = random.nextInt(4) == 0;
        byte[] metaPayload = meta ? new byte[] {(byte) s, (byte) 255, 0} : null;
        List<String> tags = new ArrayList<>();
        if (random.nextBoolean()) tags.add("project-" + random.nextInt(4));
        if (random.nextInt(3) == 0) tags.add("alerts");
        rows.add(new Tuple2<>(new JournalPekkoSerializationRow(Long.MIN_VALUE, false, pid, s, "writer-" + batch,
            1_700_000_000_000L + random.nextInt(1_000_000), random.nextBoolean() ? "" : "Manifest" + s, payload,
            1000 + random.nextInt(3), "M" + random.nextInt(9), Option.apply(metaPayload),
            meta ? Option.apply((Object) 33) : Option.empty(), meta ? Option.apply("meta") : Option.empty()), set(tags)));
      }
    }
    return rows;
  }

  private static Tuple2<JournalPekkoSerializationRow, Set<String>> row(String pid, long seq, String tag) {
    return new Tuple2<>(new JournalPekkoSerializationRow(Long.MIN_VALUE, false, pid, seq, "w", 1L, "", new byte[] {1},
        1, "m", Option.empty(), Option.empty(), Option.empty()), set(List.of(tag)));
  }

  private static List<Tuple2<JournalPekkoSerializationRow, Set<String>>> withPrefix(
      List<Tuple2<JournalPekkoSerializationRow, Set<String>>> rows, String prefix) {
    List<Tuple2<JournalPekkoSerializationRow, Set<String>>> out = new ArrayList<>();
    for (Tuple2<JournalPekkoSerializationRow, Set<String>> r : rows) {
      JournalPekkoSerializationRow j = r._1();
      out.add(new Tuple2<>(j.copy(j.ordering(), j.deleted(), prefix + j.persistenceId(), j.sequenceNumber(), j.writer(),
          j.writeTimestamp(), j.adapterManifest(), j.eventPayload(), j.eventSerId(), j.eventSerManifest(),
          j.metaPayload(), j.metaSerId(), j.metaSerManifest()), r._2()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Set<String> set(List<String> tags) {
    return (Set<String>) scala.collection.immutable.Set$.MODULE$.from(CollectionConverters.asScala(tags));
  }

  private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }

  private static void get(scala.concurrent.Future<?> f) throws Exception {
    FutureConverters.asJava(f).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * Every stored row of the prefix's projects, without the prefix, by project and in {@code ordering} order: equal
   * maps mean equal columns and each project's rows in the same order (the order across projects within a batch is
   * the write queue's, not the journal's to keep).
   */
  private static Map<String, List<String>> stored(TestService service, String prefix) throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    try (Connection c = service.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT persistence_id, sequence_number, deleted, writer,"
            + " write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest, event_payload, meta_ser_id,"
            + " meta_ser_manifest, meta_payload FROM event_journal WHERE persistence_id LIKE ? ORDER BY ordering")) {
      ps.setString(1, prefix + "%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1).substring(prefix.length()), k -> new ArrayList<>()).add(
              rs.getLong(2) + " " + rs.getBoolean(3) + " "
              + rs.getString(4) + " " + rs.getLong(5) + " " + rs.getString(6) + " " + rs.getInt(7) + " "
              + rs.getString(8) + " " + Arrays.hashCode(rs.getBytes(9)) + "/" + rs.getBytes(9).length + " "
              + rs.getObject(10) + " " + rs.getString(11) + " " + Arrays.toString(rs.getBytes(12)));
        }
      }
    }
    return out;
  }

  /** The tags of each stored row of the prefix's projects, by "project#sequence". */
  private static Map<String, List<String>> tags(TestService service, String prefix) throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    try (Connection c = service.db().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT j.persistence_id, j.sequence_number, t.tag FROM event_tag t"
            + " JOIN event_journal j ON j.ordering = t.event_id WHERE j.persistence_id LIKE ? ORDER BY 1, 2, 3")) {
      ps.setString(1, prefix + "%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String key = rs.getString(1).substring(prefix.length()) + "#" + rs.getLong(2);
          out.computeIfAbsent(key, k -> new ArrayList<>()).add(rs.getString(3));
        }
      }
    }
    return out;
  }
}
