package io.procwatch.bench;

import com.typesafe.config.Config;
import io.procwatch.infra.BatchJournalDao;
import com.typesafe.config.ConfigFactory;
import io.procwatch.infra.AppConfig;
import io.procwatch.infra.Database;
import io.procwatch.infra.Settings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Set;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * The journal's write path alone: batches of tagged journal rows written through the plugin's DAO and through
 * {@link BatchJournalDao}, alternately, into an empty PostgreSQL database given by its URL, migrated to the
 * service's schema; an actor system with the service's configuration and nothing running in it (no projections,
 * no HTTP). Measured in CPU, not wall time, so that other load on the machine hardly moves the figures: the JVM's
 * process CPU and the CPU of the database's backends (from /proc: PostgreSQL on this machine), per row.
 *
 * <pre>
 * createdb -h 127.0.0.1 -U postgres jwb
 * java -cp target/procwatch.jar:target/test-classes io.procwatch.bench.JournalWriteBench \
 *     jdbc:postgresql://127.0.0.1:5432/jwb [rowsPerRound] [rounds] [fk]
 * dropdb -h 127.0.0.1 -U postgres jwb
 * </pre>
 * {@code fk}: with event_tag's foreign key to the journal put back (migration V13 dropped it), to see its cost.
 * Prints one RESULT line per DAO and batch size (1, 8 and 64 rows a batch, one tag a row, 350-byte payloads as
 * single events write), the median of the rounds after the first.
 */
public final class JournalWriteBench {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    int rowsPerRound = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    boolean foreignKey = args.length > 3 && args[3].equals("fk");
    Config root = AppConfig.withDatabase(ConfigFactory.parseMap(Map.of("procwatch.db.url", url,
        "procwatch.db.user", System.getenv().getOrDefault("PG_USER", "postgres"), "procwatch.db.password", "",
        "pekko.remote.artery.canonical.port", 0)).withFallback(AppConfig.load(null)));
    Database database = Database.open(Settings.from(root).db());
    database.migrate();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "journal-write-bench", root);
    try {
      String dbName = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
      if (foreignKey) {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
          s.execute("ALTER TABLE event_tag ADD CONSTRAINT fk_event_journal FOREIGN KEY (event_id)"
              + " REFERENCES event_journal (ordering) ON DELETE CASCADE");
        }
      }
      Config journal = system.settings().config().getConfig("jdbc-journal");
      JournalConfig config = new JournalConfig(journal);
      SlickDatabase slick = ((SlickExtensionImpl) SlickExtension.get(Adapter.toClassic(system))).database(journal);
      Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
      Materializer mat = Materializer.matFromSystem(system);
      DefaultJournalDao plugin = new DefaultJournalDao(slick.database(), slick.profile(), config, serialization,
          system.executionContext(), mat);
      DefaultJournalDao batch = new BatchJournalDao(slick.database(), slick.profile(), config, serialization,
          system.executionContext(), mat);
      byte[] payload = new byte[350];
      new Random(1).nextBytes(payload);
      long[] next = {0};
      for (int size : new int[] {1, 8, 64}) {
        Map<String, List<double[]>> samples = new java.util.LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
          for (DefaultJournalDao dao : List.of(plugin, batch)) {
            String name = dao == plugin ? "plugin" : "batch";
            double[] cost = round(database, dbName, dao, size, rowsPerRound, payload, next);
            if (round > 0) samples.computeIfAbsent(name, k -> new ArrayList<>()).add(cost);
          }
        }
        for (Map.Entry<String, List<double[]>> e : samples.entrySet()) {
          System.out.printf("RESULT dao=%s fk=" + foreignKey + " rows_per_batch=%d jvm_cpu_us_per_row=%.1f pg_cpu_us_per_row=%.1f wall_us_per_row=%.1f%n",
              e.getKey(), size, median(e.getValue(), 0), median(e.getValue(), 1), median(e.getValue(), 2));
        }
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      database.close();
    }
  }

  /** {jvm CPU µs, PostgreSQL CPU µs, wall µs} per row for one round of {@code rows} rows in batches of {@code size}. */
  private static double[] round(Database database, String dbName, DefaultJournalDao dao, int size, int rows,
      byte[] payload, long[] next) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Integer> backends = backends(database, dbName);
    long pg0 = ticks(backends);
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    for (int written = 0; written < rows; written += size) {
      List<Tuple2<JournalPekkoSerializationRow, Set<String>>> batch = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        long n = next[0]++;
        batch.add(new Tuple2<>(new JournalPekkoSerializationRow(Long.MIN_VALUE, false, "Bench|" + (n / 9), 1 + n % 9,
            "writer", System.currentTimeMillis(), "", payload, 33,
            "io.procwatch.project.ProcurementProject$FactsRecorded", Option.empty(), Option.empty(), Option.empty()),
            set("bench")));
      }
      FutureConverters.asJava(dao.writeJournalRows(CollectionConverters.asScala(batch).toList()))
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    double wall = (System.nanoTime() - t0) / 1e3 / rows;
    double jvm = (os.getProcessCpuTime() - cpu0) / 1e3 / rows;
    double pg = (ticks(backends) - pg0) * 1e6 / clockTicks() / rows;
    return new double[] {jvm, pg, wall};
  }

  /** The process ids of the backends connected to {@code database} (the service's pool). */
  private static List<Integer> backends(Database database, String dbName) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = '" + dbName + "'")) {
      while (rs.next()) out.add(rs.getInt(1));
    }
    return out;
  }

  private static long ticks(List<Integer> pids) throws Exception {
    long total = 0;
    for (int pid : pids) {
      Path stat = Path.of("/proc/" + pid + "/stat");
      if (!Files.exists(stat)) continue;
      String s = Files.readString(stat);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
    return total;
  }

  private static long clockTicks() {
    return 100; // USER_HZ on Linux
  }

  private static double median(List<double[]> xs, int i) {
    double[] v = xs.stream().mapToDouble(x -> x[i]).sorted().toArray();
    return v.length == 0 ? Double.NaN : v[v.length / 2];
  }

  @SuppressWarnings("unchecked")
  private static Set<String> set(String tag) {
    return (Set<String>) scala.collection.immutable.Set$.MODULE$.from(CollectionConverters.asScala(List.of(tag)));
  }
}
