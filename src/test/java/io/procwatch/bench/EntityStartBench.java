package io.procwatch.bench;

import io.procwatch.project.ProcurementProject;
import io.procwatch.testing.Postgres;
import io.procwatch.testing.TestService;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The cost of starting a project entity that has no journal yet (what most commands of the simulator's history meet:
 * a self purchase has about nine events; every project of a bulk batch is new): {@code Get} to ids never used, through
 * Cluster Sharding, so each one spawns the entity, sets up its event-sourced behaviour and recovers it (snapshot and
 * journal queries) before it answers. No journal row is written.
 *
 * <pre>
 * java -cp target/procwatch.jar:target/test-classes io.procwatch.bench.EntityStartBench [h2|pg] [entities] [rounds]
 * </pre>
 * Prints, per round after the first (the JIT's warm-up), the CPU of the whole JVM per entity (on H2 that includes the
 * database; on PostgreSQL the server's CPU is not in it) and the wall time, with 64 entities starting at a time.
 */
public final class EntityStartBench {
  private static final int IN_FLIGHT = 64;

  public static void main(String[] args) throws Exception {
    String where = args.length > 0 ? args[0] : "h2";
    int entities = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    if (where.equals("pg")) {
      try (Postgres.FreshDatabase db = Postgres.create();
          TestService service = TestService.start(db.url(), Postgres.USER, Postgres.PASSWORD, Clock.systemUTC(), Map.of())) {
        run(service, entities, rounds);
      }
    } else {
      String url = "jdbc:h2:mem:procwatch-bench-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      try (TestService service = TestService.start(url, "sa", "", Clock.systemUTC(), Map.of())) {
        run(service, entities, rounds);
      }
    }
    System.exit(0);
  }

  private static void run(TestService service, int entities, int rounds) {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ClusterSharding sharding = ClusterSharding.get(service.system());
    for (int round = 0; round < rounds; round++) {
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      List<CompletableFuture<ProcurementProject.Snapshot>> window = new ArrayList<>(IN_FLIGHT);
      for (int i = 0; i < entities; i++) {
        String id = "START-" + round + "-" + i;
        CompletionStage<ProcurementProject.Snapshot> reply = sharding.entityRefFor(ProcurementProject.ENTITY_TYPE_KEY, id)
            .ask(ProcurementProject.Get::new, Duration.ofSeconds(30));
        window.add(reply.toCompletableFuture());
        if (window.size() == IN_FLIGHT) {
          window.forEach(f -> {
            if (f.join().project() != null) throw new IllegalStateException("a new id has a project");
          });
          window.clear();
        }
      }
      window.forEach(CompletableFuture::join);
      long cpu = os.getProcessCpuTime() - cpu0;
      long wall = System.nanoTime() - t0;
      System.out.printf("round %d%s: %d entities, %.1f µs CPU per entity (JVM), %.1f µs wall per entity%n", round,
          round == 0 ? " (warm-up)" : "", entities, cpu / 1000.0 / entities, wall / 1000.0 / entities);
    }
  }
}
