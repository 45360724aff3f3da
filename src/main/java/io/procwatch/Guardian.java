package io.procwatch;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.procwatch.alert.AlertFeed;
import io.procwatch.alert.AlertProjection;
import io.procwatch.alert.AlertSequencer;
import io.procwatch.alert.AlertRoutes;
import io.procwatch.alert.AlertmanagerPush;
import io.procwatch.alert.AlertStore;
import io.procwatch.alert.DeadlineWatch;
import io.procwatch.auth.Access;
import io.procwatch.auth.AuditRoutes;
import io.procwatch.auth.Authenticator;
import io.procwatch.http.HealthRoutes;
import io.procwatch.http.HttpServer;
import io.procwatch.infra.DataClock;
import io.procwatch.infra.Database;
import io.procwatch.infra.Settings;
import io.procwatch.metrics.Metrics;
import io.procwatch.metrics.MetricsRoutes;
import io.procwatch.metrics.ReadSideGauges;
import io.procwatch.pattern.BuyerRules;
import io.procwatch.pattern.PatternChecker;
import io.procwatch.pattern.PatternOwner;
import io.procwatch.pattern.PatternProjection;
import io.procwatch.pattern.PatternRoutes;
import io.procwatch.pattern.PatternSettings;
import io.procwatch.project.IngestRoutes;
import io.procwatch.project.Judge;
import io.procwatch.project.ProcurementProject;
import io.procwatch.project.ProjectRoutes;
import io.procwatch.project.ProjectSummaries;
import io.procwatch.project.ProjectSummaryProjection;
import io.procwatch.rules.RuleContext;
import io.procwatch.rules.RuleEngine;
import io.procwatch.rules.RuleRoutes;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Wires the service: joins the cluster (itself, unless seed nodes are configured), starts the sharded
 * project entities and the projections, and binds the HTTP API. One clock for everything business: the wall clock,
 * a simulated one (the demo) or a {@link DataClock} (replays); a data clock keeps a wall clock for the checks that
 * must stay on it.
 */
public final class Guardian {
  private Guardian() {}

  public static Behavior<Void> create(Settings settings, Database db, Clock clock) {
    return create(settings, db, clock, Clock.systemUTC());
  }

  /** @param wall the wall clock of tickets and rate limits, whatever {@code clock} is (a test moves it on) */
  public static Behavior<Void> create(Settings settings, Database db, Clock clock, Clock wall) {
    return Behaviors.setup(ctx -> {
      var system = ctx.getSystem();
      Cluster cluster = Cluster.get(system);
      if (system.settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("procwatch.blocking-dispatcher"));

      RuleEngine rules = RuleEngine.standard(RuleContext.load(system.settings().config()));
      Metrics metrics = new Metrics();
      // Before the projects: they hand their alert changes to it as soon as those are persisted.
      AlertSequencer alertSequencer = AlertSequencer.start(system, db, blocking);
      ProcurementProject.init(system, new Judge(rules), clock, settings.projection().tagCount(),
          settings.ingest().maxFactsPerEvent(), metrics);
      ProjectSummaryProjection.init(system, db, clock, settings.projection().tagCount());
      // The feed subscribes to the projection's publications before the projection starts.
      AlertFeed feed = new AlertFeed(system, settings.feed(), db, blocking);
      metrics.bindFeed(io.procwatch.alert.FeedCounters.get(system));
      if (settings.alertmanager().enabled()) {
        // Spawned before the projection starts, like the feed, so that it subscribes early; its initial load of the
        // active alerts covers anything published before the subscription took effect.
        AlertmanagerPush.Counters pushed = new AlertmanagerPush.Counters();
        metrics.bindAlertmanager(pushed);
        // Alertmanager compares startsAt/endsAt with its own wall clock, not with procwatch's business clock.
        ctx.spawn(AlertmanagerPush.create(settings.alertmanager(), new AlertStore(db, blocking), Clock.systemUTC(), pushed),
            "alertmanager-push");
      }
      // The safety net: numbers what the sequencer did not; both publish through the sequencer, in sequence order.
      AlertProjection.init(system, db, alertSequencer.projectionCommitted());
      ctx.spawn(alertMetrics(metrics), "alert-metrics");
      startPatterns(system, settings, db, clock, rules);
      new ReadSideGauges(system, metrics, db, clock, blocking, settings.projection().tagCount())
          .start(settings.metrics().refreshInterval());
      DeadlineWatch.init(system, db, clock, blocking, settings.deadlines().pollInterval(), settings.deadlines().lookAhead(),
          settings.deadlines().maxWakesPerPoll());

      // Tickets and rate limits are wall-clock matters, not business time.
      Authenticator auth = Authenticator.load(settings.auth(), wall);
      auth.checkBinding(settings.http().host()); // throws (stopping the system) rather than serve open on a network
      HttpServer.start(system, settings.http().host(), settings.http().port(), settings.tls(),
          routes(system, settings, db, clock, blocking, rules, metrics, feed, auth));
      return Behaviors.empty();
    });
  }

  /** Cross-project patterns (XP01–XP07): aggregate owners always (their alerts stay answerable), the rest if enabled. */
  static void startPatterns(org.apache.pekko.actor.typed.ActorSystem<?> system, Settings settings, Database db, Clock clock,
      RuleEngine rules) {
    PatternOwner.init(system, clock, rules::info);
    PatternSettings patterns = PatternSettings.from(system.settings().config());
    if (!patterns.enabled()) return;
    PatternChecker checker = new PatternChecker(system, db, rules.context().catalogue(),
        new BuyerRules(rules.context().catalogue(), rules.context().thresholds().active()), settings.http().askTimeout(),
        clock, patterns.reloadInterval());
    PatternProjection.init(system, db, settings.projection().tagCount(), patterns, checker::poke);
    checker.start(patterns.checkInterval());
    org.apache.pekko.actor.CoordinatedShutdown.get(system).addJvmShutdownHook(checker::close);
    system.getWhenTerminated().thenRun(checker::close);
  }

  /** Counts alert changes from the same in-process publication the live feed reads. */
  static Behavior<AlertProjection.AlertsNumbered> alertMetrics(Metrics metrics) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(AlertProjection.AlertsNumbered.class, ctx.getSelf()));
      return Behaviors.receiveMessage(numbered -> {
        metrics.alertsNumbered(numbered.changes());
        return Behaviors.same();
      });
    });
  }

  static Route routes(org.apache.pekko.actor.typed.ActorSystem<?> system, Settings settings, Database db, Clock clock,
      Executor blocking, RuleEngine rules, Metrics metrics, AlertFeed feed, Authenticator auth) {
    ProjectSummaries summaries = new ProjectSummaries(db, blocking);
    // The future-skew check on occurredAt is against the wall clock, also when the service clock follows the data.
    IngestRoutes ingest = new IngestRoutes(system, settings, DataClock.wallOf(clock), metrics);
    ProjectRoutes projects = new ProjectRoutes(system, settings, summaries, rules, clock);
    AlertRoutes alerts = new AlertRoutes(system, settings, new AlertStore(db, blocking));
    RuleRoutes ruleRoutes = new RuleRoutes(rules);
    AuditRoutes audit = new AuditRoutes(db, blocking);
    PatternRoutes patterns = new PatternRoutes(db, blocking, clock);
    Route metricsRoute = new MetricsRoutes(metrics).route();
    // The routes of a principal are a pure description (every check and every piece of work runs inside a
    // directive, per request), so each principal's tree is built once, not on every request: building the seven
    // routes' trees was a few percent of the CPU of a single-event ingest.
    java.util.Map<io.procwatch.auth.Principal, Route> byPrincipal = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.function.Function<io.procwatch.auth.Principal, Route> build = p -> concat(
        ingest.route(p, auth.ingestLimiter()),
        projects.route(p),
        feed.ticketRoute(p, auth),
        alerts.route(p),
        ruleRoutes.route(p),
        patterns.route(p),
        audit.route(p));
    Route v1 = concat(
        feed.route(auth), // before AlertRoutes: "stream" is not an alert id; takes a header or a ticket
        Access.authenticated(auth, p -> {
          Route r = byPrincipal.get(p);
          if (r == null) {
            if (byPrincipal.size() >= MAX_CACHED_PRINCIPALS) byPrincipal.clear(); // tokens are few; bound it anyway
            r = build.apply(p);
            byPrincipal.put(p, r);
          }
          return r;
        }));
    // Health is always open; /metrics unless procwatch.auth.metrics-public = false; everything else needs a token.
    return concat(
        new HealthRoutes(system, db, blocking).route(),
        settings.auth().metricsPublic() ? metricsRoute
            : pathPrefixTest("metrics", () -> Access.authenticated(auth, p -> metricsRoute)),
        pathPrefix("api", () -> pathPrefix("v1", () -> v1)));
  }

  private static final int MAX_CACHED_PRINCIPALS = 1024;
}
