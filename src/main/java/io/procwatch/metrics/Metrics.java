package io.procwatch.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.procwatch.alert.AlertChange;
import io.procwatch.alert.AlertProjection;
import io.procwatch.project.Stage;
import io.procwatch.project.StageListener;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The service's one Prometheus registry and the meters fed by events as they happen (ingest, journal
 * writes, alert changes, stages left). Gauges that must survive a restart are computed from the read side
 * by {@link ReadSideGauges}. Every name starts with {@code procwatch_}; labels come from closed sets
 * (stage, rule, severity, type, outcome) — never a project id.
 */
public final class Metrics implements StageListener {
  /** The ingest vocabulary of domain.md §2: anything else is counted as {@code unknown}, so a bad client cannot grow the label set. */
  static final Set<String> TYPES = Set.of("ProjectRegistered", "IntentPublished", "RequirementApproved", "PlanFiled",
      "MethodApproved", "NoticePublished", "BidReceived", "BidsOpened", "BidDisqualified", "EvaluationCompleted",
      "SupplierConfirmed", "AwardPublished", "ChallengeFiled", "ChallengeAnswered", "ProcurementFailed", "ContractSigned",
      "ContractPublished", "ContractAmended", "Delivered", "Accepted", "PaymentMade", "DepositReturned", "ProjectClosed",
      "ProjectCancelled");

  // Buckets: a handful per histogram, chosen for what a supervisor or operator asks ("within a day?").
  private static final Duration[] REQUEST_BUCKETS = durations("5ms", "10ms", "25ms", "50ms", "100ms", "250ms", "500ms",
      "1s", "2.5s", "5s", "10s");
  private static final Duration[] HUMAN_BUCKETS = durations("1m", "10m", "1h", "4h", "1d", "3d", "7d", "30d");
  private static final Duration[] STAGE_BUCKETS = durations("1h", "1d", "3d", "7d", "14d", "30d", "60d", "90d", "180d");
  /** DL alerts fire by a poll plus an exact timer (DeadlineWatch): seconds late means something is wrong. */
  private static final Duration[] FIRING_BUCKETS = durations("100ms", "250ms", "500ms", "1s", "2s", "5s", "10s", "30s",
      "1m", "5m", "1h");

  private static final String PREFIX = "procwatch.";

  private final PrometheusMeterRegistry registry;
  private final Timer ingestLatency;
  private final Timer journalWrite;

  public Metrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // One prefix for everything this process exposes, the JVM and process meters included (style.md §10):
    // procwatch_jvm_memory_used_bytes, procwatch_process_cpu_usage, ...
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().startsWith(PREFIX) ? id : id.withName(PREFIX + id.getName());
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    ingestLatency = Timer.builder("procwatch.ingest.latency")
        .description("POST /api/v1/events from the request entity to the answer (one event or a whole batch)")
        .serviceLevelObjectives(REQUEST_BUCKETS)
        .register(registry);
    journalWrite = Timer.builder("procwatch.journal.write")
        .description("Round trip of one Record command to a project actor: judge, persist to the journal, reply")
        .serviceLevelObjectives(REQUEST_BUCKETS)
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The text exposition format (0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * The same, only the metrics of these names: a counter by the name it is exposed with ({@code …_total}) or without
   * that suffix, a histogram or summary by its base name (the Prometheus client's filter knows a counter only by its
   * base name). An unknown name selects nothing.
   */
  public String scrape(Set<String> names) {
    Set<String> filter = new LinkedHashSet<>(names);
    for (String n : names) if (n.endsWith("_total")) filter.add(n.substring(0, n.length() - "_total".length()));
    // the format scrape() writes (the client's PrometheusTextFormatWriter.CONTENT_TYPE, a runtime-only dependency)
    return registry.scrape("text/plain; version=0.0.4; charset=utf-8", filter);
  }

  // ------------------------------------------------------------------ ingest

  public void ingested(String type, String outcome) {
    String t = type != null && TYPES.contains(type) ? type : "unknown";
    // one lookup per event instead of a builder, its tags and the registry's lookup (both label sets are bounded)
    ingested.computeIfAbsent(t + '|' + outcome, k -> Counter.builder("procwatch.events.ingested")
            .description("Ingested events by type and outcome (applied, flagged, duplicate, rejected)")
            .tag("type", t)
            .tag("outcome", outcome)
            .register(registry))
        .increment();
  }

  private final java.util.concurrent.ConcurrentHashMap<String, Counter> ingested = new java.util.concurrent.ConcurrentHashMap<>();

  public Timer ingestLatency() {
    return ingestLatency;
  }

  public Timer journalWrite() {
    return journalWrite;
  }

  // ------------------------------------------------------------------ stages

  /** Per stage, registered on first use: nearly every event leaves a stage, and a builder, its histogram settings and
   * the registry's lookup each time were a per-event cost (registering again returns the same meter; a race only
   * looks it up twice). */
  private final Timer[] stageTimers = new Timer[Stage.values().length];

  @Override
  public void left(Stage stage, Duration inStage) {
    Timer t = stageTimers[stage.ordinal()];
    if (t == null) {
      t = Timer.builder("procwatch.stage.duration")
          .description("Business time a project stood in a stage before leaving it (occurredAt to occurredAt)")
          .tag("stage", stage.name())
          .serviceLevelObjectives(STAGE_BUCKETS)
          .register(registry);
      stageTimers[stage.ordinal()] = t;
    }
    t.record(inStage);
  }

  // ------------------------------------------------------------------ alerts

  /** The live alert feed's counters, read at each scrape. */
  public void bindFeed(io.procwatch.alert.FeedCounters feed) {
    io.micrometer.core.instrument.Gauge.builder("procwatch.feed.clients", feed, f -> f.connectedClients())
        .description("WebSocket alert-feed clients connected now").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("procwatch.feed.connections", feed, f -> f.connectionsTotal())
        .description("alert-feed connections accepted").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("procwatch.feed.messages.sent", feed, f -> f.messagesSent())
        .description("alert-feed messages handed to clients").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("procwatch.feed.clients.dropped", feed, f -> f.clientsDroppedForLag())
        .description("alert-feed clients disconnected for falling too far behind").register(registry);
    io.micrometer.core.instrument.Timer latency = io.micrometer.core.instrument.Timer.builder("procwatch.feed.delivery.latency")
        .description("from an alert change's journal write to its hand-over to a feed client's connection (live changes only)")
        .publishPercentileHistogram()
        .minimumExpectedValue(java.time.Duration.ofMillis(1))
        .maximumExpectedValue(java.time.Duration.ofSeconds(30))
        .register(registry);
    feed.onDeliveryLatency(ms -> latency.record(ms, java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  /** The Alertmanager push's counters, read at each scrape (only when a URL is configured). */
  public void bindAlertmanager(io.procwatch.alert.AlertmanagerPush.Counters am) {
    io.micrometer.core.instrument.FunctionCounter.builder("procwatch.alertmanager.requests", am, c -> c.posts())
        .description("POST /api/v2/alerts requests by outcome: ok, failed (retried), rejected (4xx, not retried)")
        .tag("outcome", "ok").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("procwatch.alertmanager.requests", am, c -> c.failures())
        .description("POST /api/v2/alerts requests by outcome: ok, failed (retried), rejected (4xx, not retried)")
        .tag("outcome", "failed").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("procwatch.alertmanager.requests", am, c -> c.rejected())
        .description("POST /api/v2/alerts requests by outcome: ok, failed (retried), rejected (4xx, not retried)")
        .tag("outcome", "rejected").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("procwatch.alertmanager.alerts.sent", am, c -> c.alertsSent())
        .description("alerts in requests Alertmanager accepted (resends included)").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("procwatch.alertmanager.alerts.dropped", am, c -> c.dropped())
        .description("resolved alerts dropped while an Alertmanager was down (max-pending-resolved)").register(registry);
  }

  /** Alert changes as the alert projection committed them (the AlertsNumbered publication). */
  public void alertsNumbered(List<AlertProjection.Numbered> changes) {
    for (AlertProjection.Numbered n : changes) {
      var alert = n.alert();
      String rule = alert.rule();
      String severity = alert.severity().name();
      if (n.change() instanceof AlertChange.Raised) {
        counter("procwatch.alerts.raised", "Alerts raised (pre-warnings included), by rule and severity", rule, severity).increment();
        if (rule.startsWith("DL") && !alert.prewarning() && alert.dueAt() != null && alert.raisedAt() != null) {
          Duration late = Duration.between(alert.dueAt(), alert.raisedAt());
          // A fact that arrives after its deadline raises the breach at arrival: that is the feed's
          // lateness, not the watch's, and would drown the signal; only the wall-clock firings count.
          if (late.compareTo(Duration.ofHours(1)) <= 0) {
            Timer.builder("procwatch.deadline.firing.delay")
                .description("raisedAt - dueAt of deadline (DL) breaches fired on the wall clock")
                .tag("rule", rule)
                .serviceLevelObjectives(FIRING_BUCKETS)
                .register(registry)
                .record(late.isNegative() ? Duration.ZERO : late);
          }
        }
      } else if (n.change() instanceof AlertChange.Acknowledged ack && alert.raisedAt() != null) {
        timeTo("procwatch.alert.time.to.acknowledge", "From raise to the first acknowledgement", severity)
            .record(nonNegative(Duration.between(alert.raisedAt(), ack.at())));
      } else if (n.change() instanceof AlertChange.Resolved resolved) {
        counter("procwatch.alerts.resolved", "Alerts resolved (cleared, retracted or manual), by rule and severity", rule, severity)
            .increment();
        if (alert.raisedAt() != null) {
          timeTo("procwatch.alert.time.to.resolve", "From raise to resolution", severity)
              .record(nonNegative(Duration.between(alert.raisedAt(), resolved.at())));
        }
      }
    }
  }

  private Counter counter(String name, String description, String rule, String severity) {
    return Counter.builder(name).description(description).tag("rule", rule).tag("severity", severity).register(registry);
  }

  private Timer timeTo(String name, String description, String severity) {
    return Timer.builder(name).description(description).tag("severity", severity)
        .serviceLevelObjectives(HUMAN_BUCKETS).register(registry);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static Duration[] durations(String... specs) {
    Duration[] out = new Duration[specs.length];
    for (int i = 0; i < specs.length; i++) {
      out[i] = Duration.ofNanos(com.typesafe.config.ConfigFactory.parseString("d=" + specs[i]).getDuration("d").toNanos());
    }
    return out;
  }
}
