package io.procwatch.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.procwatch.infra.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: it can take facts — the database
 * answers and this node is an Up member of the cluster (so sharding can place projects).
 */
public final class HealthRoutes {
  private final ActorSystem<?> system;
  private final Database db;
  private final Executor blocking;

  public HealthRoutes(ActorSystem<?> system, Database db, Executor blocking) {
    this.system = system;
    this.db = db;
    this.blocking = blocking;
  }

  public Route route() {
    return pathPrefix("health", () -> concat(
        path("live", () -> get(() -> complete(ApiError.json(StatusCodes.OK, Map.of("status", "live"))))),
        path("ready", () -> get(() -> completeWithFuture(CompletableFuture.supplyAsync(() -> {
          boolean database = db.ping();
          boolean cluster = Cluster.get(system).selfMember().status() == MemberStatus.up();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("status", database && cluster ? "ready" : "not ready");
          body.put("checks", Map.of("database", database, "cluster", cluster));
          return ApiError.json(database && cluster ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
        }, blocking))))));
  }
}
