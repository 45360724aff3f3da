package io.procwatch.alert;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procwatch.auth.Access;
import io.procwatch.auth.Authenticator;
import io.procwatch.auth.Principal;
import io.procwatch.http.ApiError;
import io.procwatch.infra.Database;
import io.procwatch.infra.Json;
import io.procwatch.infra.Settings;
import io.procwatch.rules.RuleId;
import io.procwatch.rules.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/alerts/stream}: the live alert feed over WebSocket (domain.md §5 "Feed").
 *
 * <p><b>What a client gets.</b> Query filters {@code buyer}, {@code severity} (a minimum), {@code rule},
 * {@code projectId}. Without {@code since}: one {@code SNAPSHOT} message per active (not resolved) alert
 * matching the filter, then {@code SNAPSHOT_END} carrying the sequence the snapshot is as of, then every
 * matching alert change ({@code RAISED}, {@code PREWARNING}, {@code ACKNOWLEDGED}, {@code RESOLVED}) in
 * {@code sequence} order. With {@code since=N}: no snapshot, every matching change with sequence &gt; N, then
 * the live changes. Each message is an alert in Alertmanager webhook (v4) field names ({@link WebhookAlert})
 * plus {@code kind}, {@code sequence} and {@code id}. A {@code {"kind":"PING"}} goes out after
 * {@code procwatch.feed.keep-alive} without traffic. Bad filters are refused before the upgrade with a
 * {@code 400} naming the parameter.
 *
 * <p><b>Hand-over from the database to the live stream</b> — nothing lost, nothing repeated:
 * <ol>
 *   <li><i>Subscribe first.</i> When the connection's stream starts, the client is registered with the
 *       fan-out (below) before anything is read; from then on every change the projection commits is
 *       queued for it (filtered), while the database is still being read.
 *   <li><i>Read the database up to a high-water mark H.</i> Resume: H is read from {@code alert_sequence}
 *       first, then the changes in (since, H] from {@code alert_change}; the counter and the rows commit in
 *       one transaction, so every row up to H is visible and rows are append-only. Snapshot: one statement
 *       reads H and the active alerts together ({@code alert_sequence LEFT JOIN alert}), so both come from the
 *       same committed state: the snapshot is exactly "as of H".
 *   <li><i>Drop live changes with sequence &le; H</i> (they are in what was read, or were excluded from it
 *       by the filter), and afterwards any sequence not above the last one sent.
 * </ol>
 * Any change with sequence &gt; H committed after step 2 read the database, hence after step 1 registered
 * the client; the projection publishes only after its commit, so it reaches the client's queue. A change
 * is therefore sent once, from the database or from the live stream, never both, never neither. Changes are
 * published only after the transaction that numbered them committed (the {@link AlertSequencer}'s group
 * commit right after persist, or the {@link AlertProjection}'s), in sequence order, so nothing uncommitted is
 * ever sent.
 *
 * <p><b>Backpressure.</b> The fan-out is one actor subscribed to {@link AlertProjection.AlertsNumbered} on
 * the event stream; it never waits for a client: it {@code offer}s the matching changes of each publication
 * to the client's own queue, which never blocks. A client that still has more than
 * {@code procwatch.feed.buffer-size} changes queued when the next publication comes is lagging (a single large
 * publication — a group commit — is taken whole by a client that was keeping up): it is unregistered and its stream ends with a last message
 * {@code {"kind":"CLOSE","reason":"... resume with since=N","since":N}} where N is the sequence of the last
 * change handed to its connection, then a normal close frame. (Pekko HTTP 1.3 has no API for a close
 * frame's code and reason on the server side, akka/akka-http#2458; the CLOSE message carries the reason
 * instead.) A client that does not read even that is cut by the server's idle-timeout; by then it holds no
 * queue. One slow client therefore costs only its own buffer: ingestion, the projection and the other
 * clients never wait for it.
 *
 * <p>Limits: the event stream is local, so live changes reach clients of the node that numbered them (one
 * node today; see {@link AlertSequencer} for more). A resume reads its whole gap into memory.
 */
public final class AlertFeed {
  private static final Logger log = LoggerFactory.getLogger(AlertFeed.class);
  private static final ObjectMapper JSON = Json.mapper();
  private static final String PING = "{\"kind\":\"PING\"}";

  /**
   * Which alerts a client wants; null means any.
   *
   * @param scope the buyers the client's principal may see; null means every buyer
   */
  public record Filter(String buyer, Severity minSeverity, String rule, String projectId, Set<String> scope) {
    boolean matches(Alert a) {
      return (scope == null || (a.buyer() != null && scope.contains(a.buyer())))
          && (buyer == null || buyer.equals(a.buyer()))
          && (minSeverity == null || a.severity().atLeast(minSeverity))
          && (rule == null || rule.equals(a.rule()))
          && (projectId == null || projectId.equals(a.projectId()));
    }

    /** The same test as SQL on a table with columns buyer, severity, rule, project_id. */
    String sql(String alias, List<Object> args) {
      StringBuilder s = new StringBuilder();
      if (scope != null) {
        if (scope.isEmpty()) s.append(" AND 1 = 0");
        else {
          s.append(" AND ").append(alias).append(".buyer IN (").append(String.join(", ", java.util.Collections.nCopies(scope.size(), "?"))).append(")");
          args.addAll(scope.stream().sorted().toList());
        }
      }
      if (buyer != null) {
        s.append(" AND ").append(alias).append(".buyer = ?");
        args.add(buyer);
      }
      if (minSeverity != null) {
        List<String> levels = new ArrayList<>();
        for (Severity v : Severity.values()) if (v.atLeast(minSeverity)) levels.add("'" + v.name() + "'");
        s.append(" AND ").append(alias).append(".severity IN (").append(String.join(", ", levels)).append(")");
      }
      if (rule != null) {
        s.append(" AND ").append(alias).append(".rule = ?");
        args.add(rule);
      }
      if (projectId != null) {
        s.append(" AND ").append(alias).append(".project_id = ?");
        args.add(projectId);
      }
      return s.toString();
    }

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      if (buyer != null) parts.add("buyer=" + buyer);
      if (minSeverity != null) parts.add("severity>=" + minSeverity);
      if (rule != null) parts.add("rule=" + rule);
      if (projectId != null) parts.add("projectId=" + projectId);
      if (scope != null) parts.add("scope=" + scope.stream().sorted().toList());
      return parts.isEmpty() ? "all" : String.join(",", parts);
    }
  }

  /** What a connection sends, before rendering. */
  sealed interface Item {
    /**
     * @param persistedAtMillis when its event was persisted, for the delivery-latency metric; 0 when read back
     * @param frame the rendered message shared by every client the change goes to; null when read back
     */
    record Change(long sequence, String kind, Alert alert, long persistedAtMillis, Frame frame) implements Item {}

    record Snapshot(long sequence, Alert alert) implements Item {}

    record SnapshotEnd(long sequence) implements Item {}
  }

  /**
   * One published change and its message text, rendered at most once however many clients get it (the text
   * depends on the change only, not on the client or its filter). Rendered lazily by the first client stream
   * that sends it, off the fan-out actor; two streams racing may both render it, to the same text.
   */
  static final class Frame {
    final AlertProjection.Numbered change;
    private volatile String text;

    Frame(AlertProjection.Numbered change) {
      this.change = change;
    }

    String text() throws Exception {
      String t = text;
      if (t == null) {
        t = changeText(change.sequence(), change.kind(), change.alert());
        text = t;
      }
      return t;
    }
  }

  /** The message of one alert change: {@code kind}, {@code sequence}, {@code id}, then the webhook fields. */
  static String changeText(long sequence, String kind, Alert alert) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    out.put("kind", kind);
    out.put("sequence", sequence);
    out.put("id", alert.id());
    WebhookAlert.render(alert, out);
    return JSON.writeValueAsString(out);
  }

  /** The database part of a connection: what to send first, and the high-water mark H it is as of. */
  record CatchUp(List<Item> items, long highWater) {}

  /** The client fell {@code procwatch.feed.buffer-size} messages behind. */
  static final class Lagging extends RuntimeException {
    Lagging() {
      super("lagging", null, false, false);
    }
  }

  /** {@code since} names a sequence the feed has not reached: another database, or a typo. */
  static final class SinceAhead extends RuntimeException {
    final long since;
    final long newest;

    SinceAhead(long since, long newest) {
      super("since " + since + " > " + newest, null, false, false);
      this.since = since;
      this.newest = newest;
    }
  }

  /**
   * One connected client as the fan-out sees it: its queue holds the matching part of each publication (a
   * group commit can publish hundreds of changes at once), {@code pending} counts the changes in it;
   * {@code principal} is who connected (for connection limits).
   */
  record Client(Filter filter, BoundedSourceQueue<List<Frame>> queue, AtomicLong pending,
      String principal) {}

  private final Settings.Feed settings;
  private final Database db;
  private final Executor blocking;
  private final Materializer mat;
  private final FeedCounters counters;
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong();

  /** Create once per actor system, before the alert projection starts publishing. */
  public AlertFeed(ActorSystem<?> system, Settings.Feed settings, Database db, Executor blocking) {
    this.settings = settings;
    this.db = db;
    this.blocking = blocking;
    this.mat = Materializer.matFromSystem(system);
    this.counters = FeedCounters.get(system);
    ActorRef<AlertProjection.AlertsNumbered> fanout = system.systemActorOf(fanout(), "alert-feed", Props.empty());
    // Subscribed synchronously on the classic event stream (the typed Subscribe is a message and could
    // lose the first publications after start-up); typed Publish ends up on this same stream.
    system.classicSystem().getEventStream().subscribe(Adapter.toClassic(fanout), AlertProjection.AlertsNumbered.class);
  }

  private Behavior<AlertProjection.AlertsNumbered> fanout() {
    return Behaviors.receiveMessage(published -> {
      deliver(published.changes());
      return Behaviors.same();
    });
  }

  /**
   * Offers each client the changes that match its filter; never waits for one. A client that still has more
   * than {@code buffer-size} changes queued from earlier publications is lagging and is dropped; one that was
   * keeping up takes a whole publication, however large (a burst is not lag). Every client gets the same
   * {@link Frame} of a change, so its message is rendered once, not once per client.
   */
  void deliver(List<AlertProjection.Numbered> changes) {
    if (clients.isEmpty()) return;
    List<Frame> frames = new ArrayList<>(changes.size());
    for (AlertProjection.Numbered n : changes) frames.add(new Frame(n));
    for (Client c : clients) {
      List<Frame> mine = new ArrayList<>(frames.size());
      for (Frame f : frames) if (c.filter().matches(f.change.alert())) mine.add(f);
      if (mine.isEmpty()) continue;
      QueueOfferResult r;
      if (c.pending().get() > settings.bufferSize()) {
        r = QueueOfferResult.dropped();
      } else {
        c.pending().addAndGet(mine.size());
        r = c.queue().offer(mine);
      }
      if (r == QueueOfferResult.enqueued()) continue;
      clients.remove(c);
      if (r == QueueOfferResult.dropped()) {
        counters.droppedForLag.incrementAndGet();
        c.queue().fail(new Lagging());
      }
    }
  }

  /**
   * {@code POST /api/v1/alerts/stream/ticket}: a one-time ticket for {@code ?ticket=} on the feed, for browsers
   * (whose WebSocket API cannot send an {@code Authorization} header). Mounted inside {@link Access#authenticated}.
   */
  public Route ticketRoute(Principal p, Authenticator auth) {
    return pathPrefix("alerts", () -> path(PathMatchers.segment("stream").slash("ticket"), () -> post(() ->
        Access.requireRole(p, Access.READERS, () -> {
          Map<String, Object> out = new java.util.LinkedHashMap<>();
          out.put("ticket", auth.issueTicket(p));
          out.put("expiresInSeconds", auth.settings().ticketTtl().toSeconds());
          return complete(ApiError.json(org.apache.pekko.http.javadsl.model.StatusCodes.OK, out));
        }))));
  }

  /**
   * Mounted under {@code /api/v1}, before the {@code alerts/{id}} routes; authenticates by itself (bearer token
   * or one-time ticket). Supervisors and admins; a supervisor gets only its buyers' alerts in the snapshot, the
   * live changes and a resume, and a {@code buyer} filter naming another buyer is refused with 403 before the
   * upgrade. At most {@code procwatch.auth.feed-connections-per-token} open connections per token (429).
   */
  public Route route(Authenticator auth) {
    return pathPrefix("alerts", () -> path("stream", () -> get(() -> Access.authenticatedOrTicket(auth, p ->
        Access.requireRole(p, Access.READERS, () -> route(p, auth))))));
  }

  private Route route(Principal p, Authenticator auth) {
    int maxConnections = auth.settings().feedConnectionsPerToken();
    return parameterOptional("buyer", buyer -> Access.requireBuyerFilter(p, buyer, () ->
        parameterOptional("severity", severity ->
            parameterOptional("rule", rule -> parameterOptional("projectId", projectId ->
                parameterOptional("since", since -> {
                  Severity sev = null;
                  if (present(severity)) {
                    try {
                      sev = Severity.valueOf(severity.get().strip().toUpperCase());
                    } catch (IllegalArgumentException e) {
                      return bad("severity", "one of INFO, WARNING, CRITICAL (the minimum)");
                    }
                  }
                  String r = present(rule) ? rule.get().strip().toUpperCase() : null;
                  if (r != null && !isRule(r)) return bad("rule", "unknown rule '" + rule.get() + "'");
                  Long from = null;
                  if (present(since)) {
                    try {
                      from = Long.parseLong(since.get().strip());
                    } catch (NumberFormatException e) {
                      from = -1L;
                    }
                    if (from < 0) return bad("since", "a sequence number (the 'sequence' of the last message received)");
                  }
                  Filter f = new Filter(present(buyer) ? buyer.get().strip() : null, sev, r,
                      present(projectId) ? projectId.get().strip() : null, p.buyers());
                  Long resumeFrom = from;
                  if (p != Principal.LOCAL && connectionsOf(p.name()) >= maxConnections) {
                    return complete(Access.tooMany("'" + p.name() + "' already has " + maxConnections
                        + " open alert-feed connections (procwatch.auth.feed-connections-per-token)", 5));
                  }
                  return extractRequest(req -> req.getAttribute(AttributeKeys.webSocketUpgrade)
                      .map(upgrade -> complete(upgrade.handleMessagesWith(
                          Flow.fromSinkAndSourceCoupled(drain(), messages(f, resumeFrom, p.name())))))
                      .orElseGet(() -> complete(new ApiError(400, "WEBSOCKET_REQUIRED",
                          "this endpoint is a WebSocket: connect with a WebSocket client (Upgrade: websocket)", null)
                          .response())));
                }))))));
  }

  private long connectionsOf(String principal) {
    return clients.stream().filter(c -> c.principal().equals(principal)).count();
  }

  /** The client sends nothing we act on; streamed messages are drained so that the connection flows. */
  private Sink<Message, NotUsed> drain() {
    return Flow.<Message>create()
        .mapAsync(1, m -> m.isText()
            ? m.asTextMessage().getStreamedText().runWith(Sink.ignore(), mat)
            : m.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), mat))
        .to(Sink.ignore());
  }

  /** What one connection sends; everything per client is created when its stream starts. */
  Source<Message, NotUsed> messages(Filter filter, Long since, String principal) {
    return Source.<Message, NotUsed>fromMaterializer((m, attributes) -> {
          ClientState conn = new ClientState(ids.incrementAndGet(), filter, since);
          // at most buffer-size + 1 publications queued: each holds at least one change, and none is offered
          // while more than buffer-size changes are pending
          var live = Source.<List<Frame>>queue(settings.bufferSize() + 1).preMaterialize(m);
          AtomicLong pending = new AtomicLong();
          Client client = new Client(filter, live.first(), pending, principal);
          clients.add(client); // 1. subscribe to the live changes first ...
          counters.connected.incrementAndGet();
          counters.connections.incrementAndGet();
          log.info("Alert feed client {} ({}) connected: filter {}, {}", conn.id, principal, filter,
              since == null ? "snapshot" : "resume after sequence " + since);
          // 2. ... then read the database up to its high-water mark H ...
          CompletionStage<CatchUp> read = CompletableFuture.supplyAsync(
              () -> since == null ? snapshot(filter) : resume(filter, since), blocking);
          Source<Item, NotUsed> items = Source.completionStageSource(read.thenApply(c -> {
                long[] last = {c.highWater()};
                // 3. ... and drop the live changes it already covered.
                Source<Item, NotUsed> after = live.second()
                    .mapConcat(chunk -> chunk)
                    .map(n -> {
                      pending.decrementAndGet();
                      return n;
                    })
                    .filter(f -> {
                      if (f.change.sequence() <= last[0]) return false;
                      last[0] = f.change.sequence();
                      return true;
                    })
                    .map(f -> (Item) new Item.Change(f.change.sequence(), f.change.kind(), f.change.alert(),
                        f.change.persistedAtMillis(), f));
                return Source.from(c.items()).concat(after);
              }))
              .mapMaterializedValue(x -> NotUsed.getInstance());
          return items
              .map(conn::render)
              .recover(new PFBuilder<Throwable, Message>().matchAny(conn::closing).build())
              .watchTermination((mv, done) -> {
                done.whenComplete((d, error) -> {
                  clients.remove(client);
                  counters.connected.decrementAndGet();
                  if (!conn.lagging) live.first().complete(); // a lagging client's queue has already failed
                  String why = conn.closeReason != null ? conn.closeReason
                      : error != null ? "connection failed: " + error.getMessage() : "client closed";
                  log.info("Alert feed client {} disconnected: {} (filter {}, {} messages, last sequence {})",
                      conn.id, why, filter, conn.sent, conn.position);
                });
                return mv;
              });
        })
        .mapMaterializedValue(x -> NotUsed.getInstance())
        .keepAlive(settings.keepAlive(), () -> TextMessage.create(PING));
  }

  /** Per-connection state; written by its stream, read by the termination log. */
  private final class ClientState {
    final long id;
    final Filter filter;
    /** The sequence the client can resume from: the last change sent (or the snapshot's H); -1: none yet. */
    volatile long position;
    volatile long sent;
    volatile String closeReason;
    volatile boolean lagging;

    ClientState(long id, Filter filter, Long since) {
      this.id = id;
      this.filter = filter;
      this.position = since == null ? -1 : since;
    }

    Message render(Item item) throws Exception {
      if (item instanceof Item.Change c) {
        String text = c.frame() != null ? c.frame().text() : changeText(c.sequence(), c.kind(), c.alert());
        position = c.sequence();
        if (c.persistedAtMillis() > 0) counters.delivered(System.currentTimeMillis() - c.persistedAtMillis());
        sent++;
        counters.messagesSent.incrementAndGet();
        return TextMessage.create(text);
      }
      ObjectNode out = JSON.createObjectNode();
      if (item instanceof Item.Snapshot s) {
        out.put("kind", "SNAPSHOT");
        out.put("sequence", s.sequence());
        out.put("id", s.alert().id());
        WebhookAlert.render(s.alert(), out);
      } else if (item instanceof Item.SnapshotEnd e) {
        out.put("kind", "SNAPSHOT_END");
        out.put("sequence", e.sequence());
        position = e.sequence();
      }
      if (!(item instanceof Item.SnapshotEnd)) {
        sent++;
        counters.messagesSent.incrementAndGet();
      }
      return TextMessage.create(JSON.writeValueAsString(out));
    }

    /** The last message of a stream that ends on our side: why, and where to resume. */
    Message closing(Throwable error) {
      while (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
        error = error.getCause();
      }
      String resume = position < 0 ? "reconnect without since (the snapshot was not complete)"
          : "resume with since=" + position;
      if (error instanceof Lagging) {
        lagging = true;
        closeReason = "client too slow: more than " + settings.bufferSize() + " messages behind; " + resume;
      } else if (error instanceof SinceAhead a) {
        closeReason = "since=" + a.since + " is after the newest sequence " + a.newest
            + " (another database, or a wrong number); reconnect without since for a fresh snapshot";
        position = -1;
      } else {
        log.error("Alert feed client {} failed", id, error);
        closeReason = "internal error; " + resume;
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("kind", "CLOSE");
      out.put("reason", closeReason);
      if (position >= 0) out.put("since", position);
      try {
        return TextMessage.create(JSON.writeValueAsString(out));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The active alerts matching {@code f} and the sequence H they are as of, in one statement. */
  CatchUp snapshot(Filter f) {
    List<Object> args = new ArrayList<>();
    String sql = "SELECT s.last_value, a.last_sequence, a.body FROM alert_sequence s"
        + " LEFT JOIN alert a ON a.status <> 'RESOLVED'" + f.sql("a", args)
        + " WHERE s.id = 1 ORDER BY a.raised_sequence";
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
      List<Item> items = new ArrayList<>();
      long highWater = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          highWater = rs.getLong(1);
          String body = rs.getString(3);
          if (body != null) items.add(new Item.Snapshot(rs.getLong(2), JSON.readValue(body, Alert.class)));
        }
      }
      items.add(new Item.SnapshotEnd(highWater));
      return new CatchUp(List.copyOf(items), highWater);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the alert snapshot", e);
    }
  }

  /**
   * The changes matching {@code f} with sequence in (since, H]. A change row holds the change, not the
   * alert after it, so each alert concerned is rebuilt from its own history up to H.
   */
  CatchUp resume(Filter f, long since) {
    try (Connection c = db.dataSource().getConnection()) {
      long highWater;
      try (PreparedStatement ps = c.prepareStatement("SELECT last_value FROM alert_sequence WHERE id = 1");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        highWater = rs.getLong(1);
      }
      if (since > highWater) throw new SinceAhead(since, highWater);
      List<Object> args = new ArrayList<>(List.of(highWater, since, highWater));
      String sql = "SELECT c.sequence, c.kind, c.body FROM alert_change c WHERE c.sequence <= ? AND c.alert_id IN"
          + " (SELECT m.alert_id FROM alert_change m WHERE m.sequence > ? AND m.sequence <= ?" + f.sql("m", args) + ")"
          + " ORDER BY c.sequence";
      List<Item> items = new ArrayList<>();
      Map<String, Alert> alerts = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long seq = rs.getLong(1);
            AlertChange change = JSON.treeToValue(JSON.readTree(rs.getString(3)).get("change"), AlertChange.class);
            Alert after = change.apply(alerts.get(change.alertId()));
            alerts.put(change.alertId(), after);
            if (seq > since) items.add(new Item.Change(seq, rs.getString(2), after, 0, null));
          }
        }
      }
      return new CatchUp(List.copyOf(items), highWater);
    } catch (SinceAhead e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read alert changes after " + since, e);
    }
  }

  private static Route bad(String field, String reason) {
    return complete(new ApiError(400, "INVALID_PARAMETER", field + ": " + reason, field).response());
  }

  private static boolean present(Optional<String> s) {
    return s.isPresent() && !s.get().isBlank();
  }

  private static boolean isRule(String r) {
    for (RuleId id : RuleId.values()) if (id.name().equals(r)) return true;
    return false;
  }
}
