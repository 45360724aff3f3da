package io.procwatch.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procwatch.infra.Json;
import io.procwatch.infra.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes procwatch's alerts to one or more Alertmanagers through their v2 API ({@code POST <url>/api/v2/alerts}),
 * so that existing Alertmanager routing (mail, WeCom/DingTalk webhooks, on-call) works unchanged.
 *
 * <p><b>What it sends.</b> The labels and annotations of {@link WebhookAlert} (labels {@code alertname} = rule
 * id, {@code severity} in lower case, {@code buyer}, {@code project_id}, {@code rule_subject}, and {@code supplier}
 * / {@code prewarning} when present), {@code startsAt}, {@code endsAt} and an absolute {@code generatorURL}.
 * A resolved alert carries {@code endsAt} = its resolution time. A firing alert carries {@code endsAt} =
 * now + 4 &times; {@code resend-interval}, as Prometheus does, rather than none: it is a lease, renewed by each
 * resend, so if procwatch stops (or this node loses the alert projection) Alertmanager resolves the alert
 * itself after a time procwatch chose, instead of after whatever {@code resolve_timeout} it was configured with.
 * Times sent are on the wall clock, which Alertmanager compares them with; business time stays in annotations.
 *
 * <p><b>State.</b> One actor holds a mirror: per fingerprint, the newest version of the alert by
 * {@code sequence} (every open alert, plus resolved ones not yet delivered everywhere). It is filled at start
 * from the {@code alert} table and kept current from {@link AlertProjection.AlertsNumbered}; subscribing
 * before loading and keeping the higher sequence makes the hand-over safe in either order. Each Alertmanager
 * has its own set of dirty fingerprints: a change marks it dirty for every target, a resend tick marks every
 * open alert dirty. One request per target is in flight at a time, built from the mirror when sent, so a
 * target always receives the newest state last.
 *
 * <p><b>Failures.</b> A connection error, timeout or 5xx puts the batch back among the dirty fingerprints and
 * retries that target after an exponential backoff ({@code min-backoff} to {@code max-backoff}, with jitter);
 * meanwhile changes only replace the newest state per fingerprint, so an outage costs memory proportional to
 * the alerts that changed, not to the changes. It is logged once when the target goes down and once when it is
 * back. A 4xx means procwatch sent something Alertmanager will never accept: logged and dropped, not retried.
 * Resolved alerts waiting for a down target are bounded ({@code max-pending-resolved}); the oldest are dropped
 * beyond it, and that target then resolves them itself when their lease runs out.
 *
 * <p>Limits: the event stream is local, so the push runs on the node of the alert projection (one node today).
 * An alert resolved just after a restart, before the subscription took effect, is not in the initial load
 * (which reads active alerts only): Alertmanager resolves it when the lease sent before the restart runs out.
 */
public final class AlertmanagerPush extends AbstractBehavior<AlertmanagerPush.Command> {
  private static final Logger log = LoggerFactory.getLogger(AlertmanagerPush.class);
  private static final ObjectMapper JSON = Json.mapper();
  /** Prometheus: a firing alert is valid for 4 resend intervals unless renewed. */
  static final int LEASE_RESENDS = 4;
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public sealed interface Command {}

  private record Changed(AlertProjection.AlertsNumbered numbered) implements Command {}

  private record Loaded(List<AlertStore.Current> active, Throwable failure) implements Command {}

  private enum Load implements Command { INSTANCE }

  private enum Resend implements Command { INSTANCE }

  private record Retry(int target) implements Command {}

  private record Posted(int target, List<String> batch, int status, String body, Throwable failure) implements Command {}

  /** Plain counters, bound to {@code procwatch_alertmanager_*} by the metrics registry. */
  public static final class Counters {
    final AtomicLong posts = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong alertsSent = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();

    /** Requests Alertmanager accepted. */
    public long posts() {
      return posts.get();
    }

    /** Requests that failed (unreachable, timeout, 5xx) and will be retried. */
    public long failures() {
      return failures.get();
    }

    /** Requests refused with a 4xx: not retried. */
    public long rejected() {
      return rejected.get();
    }

    /** Alerts in accepted requests. */
    public long alertsSent() {
      return alertsSent.get();
    }

    /** Resolved alerts dropped because a target was down too long (max-pending-resolved). */
    public long dropped() {
      return dropped.get();
    }
  }

  /** One Alertmanager and what it still has to receive. */
  private static final class Target {
    final String url;
    final URI endpoint;
    final LinkedHashSet<String> dirty = new LinkedHashSet<>();
    List<String> inFlight = List.of();
    boolean waiting; // backing off
    int failedAttempts;

    Target(String url) {
      this.url = url;
      this.endpoint = URI.create(url + "/api/v2/alerts");
    }
  }

  private final Settings.Alertmanager settings;
  private final AlertStore store;
  private final Clock wallClock;
  private final Counters counters;
  private final TimerScheduler<Command> timers;
  private final HttpClient http;
  private final List<Target> targets = new ArrayList<>();
  /** Newest known version of each alert, by fingerprint. */
  private final Map<String, AlertStore.Current> mirror = new HashMap<>();
  /** Fingerprints of the resolved entries of the mirror, oldest first: the bounded part. */
  private final LinkedHashSet<String> resolved = new LinkedHashSet<>();
  private int loadAttempts;

  /**
   * @param wallClock the clock Alertmanager's clock agrees with: lease and clamp times are on it
   */
  public static Behavior<Command> create(Settings.Alertmanager settings, AlertStore store, Clock wallClock,
      Counters counters) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(AlertProjection.AlertsNumbered.class,
          ctx.messageAdapter(AlertProjection.AlertsNumbered.class, Changed::new)));
      return new AlertmanagerPush(ctx, settings, store, wallClock, counters, timers);
    }));
  }

  private AlertmanagerPush(ActorContext<Command> ctx, Settings.Alertmanager settings, AlertStore store, Clock wallClock,
      Counters counters, TimerScheduler<Command> timers) {
    super(ctx);
    this.settings = settings;
    this.store = store;
    this.wallClock = wallClock;
    this.counters = counters;
    this.timers = timers;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.requestTimeout())
        .build();
    for (String url : settings.urls()) targets.add(new Target(url));
    ctx.getSelf().tell(Load.INSTANCE);
    timers.startTimerWithFixedDelay(Resend.INSTANCE, Resend.INSTANCE, settings.resendInterval());
    log.info("pushing alerts to Alertmanager {} every {} and on every change", settings.urls(), settings.resendInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Load.class, m -> load())
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(Changed.class, this::onChanged)
        .onMessage(Resend.class, m -> resend())
        .onMessage(Retry.class, this::onRetry)
        .onMessage(Posted.class, this::onPosted)
        .build();
  }

  private Behavior<Command> load() {
    getContext().pipeToSelf(store.active(), Loaded::new);
    return this;
  }

  private Behavior<Command> onLoaded(Loaded m) {
    if (m.failure() != null) {
      loadAttempts++;
      if (loadAttempts == 1) log.warn("cannot read the active alerts for Alertmanager yet; retrying", m.failure());
      timers.startSingleTimer(Load.INSTANCE, Load.INSTANCE, backoff(loadAttempts));
      return this;
    }
    for (AlertStore.Current c : m.active()) remember(c);
    for (Target t : targets) {
      for (AlertStore.Current c : m.active()) t.dirty.add(c.alert().fingerprint());
    }
    pumpAll();
    return this;
  }

  private Behavior<Command> onChanged(Changed m) {
    for (AlertProjection.Numbered n : m.numbered().changes()) {
      if (remember(new AlertStore.Current(n.sequence(), n.alert()))) {
        for (Target t : targets) t.dirty.add(n.alert().fingerprint());
      }
    }
    boundResolved();
    pumpAll();
    return this;
  }

  private Behavior<Command> resend() {
    for (Target t : targets) {
      for (AlertStore.Current c : mirror.values()) if (c.alert().open()) t.dirty.add(c.alert().fingerprint());
    }
    pumpAll();
    return this;
  }

  private Behavior<Command> onRetry(Retry m) {
    targets.get(m.target()).waiting = false;
    pump(m.target());
    return this;
  }

  private Behavior<Command> onPosted(Posted m) {
    Target t = targets.get(m.target());
    t.inFlight = List.of();
    boolean ok = m.failure() == null && m.status() / 100 == 2;
    boolean refused = m.failure() == null && m.status() / 100 == 4;
    if (ok) {
      counters.posts.incrementAndGet();
      counters.alertsSent.addAndGet(m.batch().size());
      if (t.failedAttempts > 0) {
        log.info("Alertmanager {} reachable again after {} failed attempt(s); delivering what changed meanwhile",
            t.url, t.failedAttempts);
      }
      t.failedAttempts = 0;
    } else if (refused) {
      counters.rejected.incrementAndGet();
      // Not retried: the same body would be refused again. Alertmanager inserts the valid alerts of a batch.
      log.error("Alertmanager {} refused {} alert(s) with {}: {}", t.url, m.batch().size(), m.status(), m.body());
      t.failedAttempts = 0;
    } else {
      counters.failures.incrementAndGet();
      // Back in front of the queue; a newer state that arrived meanwhile is already dirty and is the one sent.
      LinkedHashSet<String> again = new LinkedHashSet<>(m.batch());
      again.addAll(t.dirty);
      t.dirty.clear();
      t.dirty.addAll(again);
      t.failedAttempts++;
      if (t.failedAttempts == 1) {
        String why = m.failure() != null ? String.valueOf(m.failure()) : "HTTP " + m.status() + ": " + m.body();
        log.warn("Alertmanager {} unreachable ({}); retrying with backoff up to {}, keeping the newest state of "
            + "each alert (logged again when it is back)", t.url, why, settings.maxBackoff());
      }
      t.waiting = true;
      timers.startSingleTimer("retry-" + m.target(), new Retry(m.target()), backoff(t.failedAttempts));
    }
    prune();
    pump(m.target());
    return this;
  }

  /** Keeps {@code c} if it is newer than what the mirror holds; true when it was. */
  private boolean remember(AlertStore.Current c) {
    String fp = c.alert().fingerprint();
    AlertStore.Current known = mirror.get(fp);
    if (known != null && known.sequence() >= c.sequence()) return false;
    mirror.put(fp, c);
    resolved.remove(fp);
    if (!c.alert().open()) resolved.add(fp);
    return true;
  }

  private void boundResolved() {
    Iterator<String> oldest = resolved.iterator();
    while (resolved.size() > settings.maxPendingResolved() && oldest.hasNext()) {
      String fp = oldest.next();
      oldest.remove();
      mirror.remove(fp);
      for (Target t : targets) t.dirty.remove(fp);
      counters.dropped.incrementAndGet();
    }
  }

  /** Forgets resolved alerts every target has received. */
  private void prune() {
    Iterator<String> it = resolved.iterator();
    while (it.hasNext()) {
      String fp = it.next();
      boolean pending = false;
      for (Target t : targets) pending |= t.dirty.contains(fp) || t.inFlight.contains(fp);
      if (!pending) {
        it.remove();
        mirror.remove(fp);
      }
    }
  }

  private void pumpAll() {
    for (int i = 0; i < targets.size(); i++) pump(i);
  }

  private void pump(int i) {
    Target t = targets.get(i);
    if (!t.inFlight.isEmpty() || t.waiting || t.dirty.isEmpty()) return;
    List<String> batch = new ArrayList<>();
    ArrayNode body = JSON.createArrayNode();
    Instant now = wallClock.instant();
    Duration lease = settings.resendInterval().multipliedBy(LEASE_RESENDS);
    Iterator<String> it = t.dirty.iterator();
    while (it.hasNext() && batch.size() < settings.maxBatch()) {
      String fp = it.next();
      it.remove();
      AlertStore.Current c = mirror.get(fp);
      if (c == null) continue;
      batch.add(fp);
      body.add(payload(c.alert(), now, lease, settings.externalUrl()));
    }
    if (batch.isEmpty()) return;
    t.inFlight = batch;
    HttpRequest request = HttpRequest.newBuilder(t.endpoint)
        .timeout(settings.requestTimeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
    getContext().pipeToSelf(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()),
        (r, e) -> e != null
            ? new Posted(i, batch, 0, null, e)
            : new Posted(i, batch, r.statusCode(), abbreviate(r.body()), null));
  }

  private Duration backoff(int attempts) {
    long min = settings.minBackoff().toMillis();
    long max = settings.maxBackoff().toMillis();
    double exp = min * Math.pow(2, Math.min(attempts - 1, 30));
    long capped = (long) Math.min(max, exp);
    // Up to 20 % jitter, so several procwatch nodes or targets do not retry in lock step.
    return Duration.ofMillis(capped + (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble()));
  }

  /**
   * One alert as Alertmanager's v2 {@code postableAlert}: a pure function of the alert and the wall clock.
   *
   * @param now Alertmanager's notion of now (the wall clock)
   * @param lease how long a firing alert stays firing in Alertmanager without being sent again
   */
  static ObjectNode payload(Alert a, Instant now, Duration lease, String externalUrl) {
    ObjectNode webhook = WebhookAlert.of(a);
    ObjectNode out = JSON.createObjectNode();
    out.set("labels", webhook.get("labels"));
    ObjectNode annotations = JSON.createObjectNode();
    // Alertmanager refuses the whole alert for one annotation name outside [a-zA-Z_][a-zA-Z0-9_]*; rule
    // details are free-form keys.
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) () -> webhook.get("annotations").fields()) {
      annotations.set(labelName(e.getKey()), e.getValue());
    }
    out.set("annotations", annotations);
    Instant ends = a.open() ? now.plus(lease) : min(a.resolvedAt() == null ? now : a.resolvedAt(), now);
    // Business time may run ahead of the wall clock (max-future-skew, a test clock); Alertmanager refuses
    // startsAt after endsAt, and an alert that starts in the future is not active yet.
    Instant starts = min(Instant.parse(webhook.get("startsAt").asText()), min(now, ends));
    out.put("startsAt", starts.toString());
    out.put("endsAt", ends.toString());
    out.put("generatorURL", externalUrl + webhook.get("generatorURL").asText());
    return out;
  }

  static String labelName(String key) {
    if (LABEL_NAME.matcher(key).matches()) return key;
    if (key.isEmpty()) return "_";
    String s = key.replaceAll("[^a-zA-Z0-9_]", "_");
    return Character.isDigit(s.charAt(0)) ? "_" + s : s;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static String abbreviate(String s) {
    if (s == null) return "";
    return s.length() <= 500 ? s : s.substring(0, 500) + "...";
  }
}
