package io.procwatch.alert;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.auth.Access;
import io.procwatch.auth.Principal;
import io.procwatch.http.ApiError;
import io.procwatch.infra.Json;
import io.procwatch.infra.Settings;
import io.procwatch.project.ProcurementProject;
import io.procwatch.rules.RuleId;
import io.procwatch.rules.Severity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code GET /api/v1/alerts}, {@code GET /api/v1/alerts/{id}}, and the supervisor's transitions
 * {@code POST /api/v1/alerts/{id}/ack} and {@code .../resolve} with {@code {"note"}}, attributed to the authenticated principal. Transitions go
 * to the alert's project (its id names it), which persists them; listings come from the read side.
 */
public final class AlertRoutes {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  private static final int MAX_TEXT = 2000;
  /** A note of {@link #MAX_TEXT} characters, 4 bytes each at most, with room for the JSON around it. */
  private static final long MAX_BODY_BYTES = 16 * 1024;

  private final ClusterSharding sharding;
  private final Settings settings;
  private final AlertStore store;

  public AlertRoutes(ActorSystem<?> system, Settings settings, AlertStore store) {
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.store = store;
  }

  /**
   * Mounted under {@code /api/v1}, inside {@link Access#authenticated}: supervisors and admins, each seeing and
   * acting only on the alerts of its buyers (another buyer's alert answers 404, like a missing one). A
   * transition is attributed to the authenticated principal.
   */
  public Route route(Principal p) {
    return pathPrefix("alerts", () -> concat(
        pathEndOrSingleSlash(() -> get(() -> Access.requireRole(p, Access.READERS, () -> list(p)))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> get(() -> Access.requireRole(p, Access.READERS, () -> completeWithFuture(one(p, id))))),
            path("ack", () -> post(() -> Access.requireRole(p, Access.READERS, () -> body(b -> completeWithFuture(transition(p, id, b, false)))))),
            path("resolve", () -> post(() -> Access.requireRole(p, Access.READERS, () -> body(b -> completeWithFuture(transition(p, id, b, true))))))))));
  }

  /** The body of a transition: a note at most, so anything beyond a few kilobytes is refused with 413. */
  private static Route body(java.util.function.Function<String, Route> inner) {
    return withSizeLimit(MAX_BODY_BYTES, () -> entity(Unmarshaller.entityToString(), inner));
  }

  private Route list(Principal p) {
    return parameterOptional("status", status -> parameterOptional("severity", severity ->
        parameterOptional("rule", rule -> parameterOptional("buyer", buyer -> parameterOptional("projectId", projectId ->
            parameterOptional("limit", limit -> parameterOptional("after", after -> Access.requireBuyerFilter(p, buyer, () -> {
              String st = blankToNull(status).map(String::toUpperCase).orElse(null);
              if (st != null && !st.matches("OPEN|FIRING|ACKNOWLEDGED|RESOLVED")) {
                return bad("status", "one of OPEN, FIRING, ACKNOWLEDGED, RESOLVED");
              }
              Severity sev = null;
              if (blankToNull(severity).isPresent()) {
                try {
                  sev = Severity.valueOf(severity.get().toUpperCase());
                } catch (IllegalArgumentException e) {
                  return bad("severity", "one of INFO, WARNING, CRITICAL (the minimum)");
                }
              }
              String r = blankToNull(rule).map(String::toUpperCase).orElse(null);
              if (r != null && !isRule(r)) return bad("rule", "unknown rule '" + rule.get() + "'");
              int n = DEFAULT_LIMIT;
              if (limit.isPresent()) {
                n = parseInt(limit.get(), -1);
                if (n < 1 || n > MAX_LIMIT) return bad("limit", "an integer from 1 to " + MAX_LIMIT);
              }
              Long cursor = null;
              if (blankToNull(after).isPresent()) {
                long a = parseLong(after.get(), -1);
                if (a < 0) return bad("after", "a sequence number (the 'next' of the previous page)");
                cursor = a;
              }
              AlertStore.Filter f = new AlertStore.Filter(st, sev, r, blankToNull(buyer).orElse(null), blankToNull(projectId).orElse(null));
              return completeWithFuture(store.list(f, cursor, n, p).thenApply(page -> ApiError.json(StatusCodes.OK, page)));
            }))))))));
  }

  private CompletionStage<HttpResponse> one(Principal p, String alertId) {
    return store.get(alertId).thenApply(found -> found
        .filter(a -> p.mayRead(a.alert().path("buyer").textValue()))
        .map(a -> ApiError.json(StatusCodes.OK, Map.of("alert", a.alert(), "history", a.history())))
        .orElseGet(() -> notFound(alertId)));
  }

  private CompletionStage<HttpResponse> transition(Principal p, String alertId, String body, boolean resolve) {
    if (p.allBuyers()) return transition(alertId, p.name(), body, resolve);
    // A scoped supervisor acts only on alerts the read side shows it: the same alerts it can list or see.
    return store.get(alertId).thenCompose(found -> found.isPresent() && p.mayRead(found.get().alert().path("buyer").textValue())
        ? transition(alertId, p.name(), body, resolve)
        : done(notFound(alertId)));
  }

  private CompletionStage<HttpResponse> transition(String alertId, String by, String body, boolean resolve) {
    JsonNode json;
    try {
      json = body.isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(body);
    } catch (Exception e) {
      return done(new ApiError(400, "MALFORMED_JSON", "not valid JSON: " + e.getMessage(), null).response());
    }
    if (json == null || !json.isObject()) return done(new ApiError(400, "MALFORMED_JSON", "the body must be a JSON object", null).response());
    for (var it = json.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (f.equals("by")) {
        return done(new ApiError(400, "UNKNOWN_FIELD", "by: an acknowledgement is attributed to the authenticated"
            + " principal (the token's name); remove 'by'", f).response());
      }
      if (!f.equals("note")) return done(new ApiError(400, "UNKNOWN_FIELD", f + ": unknown field", f).response());
      if (!json.get(f).isTextual()) return done(new ApiError(400, "WRONG_TYPE", f + ": must be a string", f).response());
    }
    String note = json.hasNonNull("note") ? json.get("note").asText().strip() : null;
    if (note != null && note.length() > MAX_TEXT) return done(new ApiError(422, "INVALID_VALUE", "note: at most " + MAX_TEXT + " characters", "note").response());
    if (resolve && (note == null || note.isEmpty())) {
      return done(new ApiError(422, "MISSING_FIELD", "note: a manual resolve needs a note saying why", "note").response());
    }
    int cut = alertId.lastIndexOf('~');
    if (cut <= 0) return done(notFound(alertId));
    String projectId = alertId.substring(0, cut);
    String finalNote = note;
    // An aggregate's alert (a buyer's or supplier's, "<kind>@<id>~n") is owned by its PatternOwner.
    java.util.concurrent.CompletionStage<ProcurementProject.AlertReply> asked = io.procwatch.pattern.PatternOwner.owns(alertId)
        ? sharding.entityRefFor(io.procwatch.pattern.PatternOwner.ENTITY_TYPE_KEY, projectId)
            .<ProcurementProject.AlertReply>ask(replyTo -> resolve
                ? new io.procwatch.pattern.PatternOwner.Resolve(alertId, by, finalNote, replyTo)
                : new io.procwatch.pattern.PatternOwner.Acknowledge(alertId, by, finalNote, replyTo), settings.http().askTimeout())
        : sharding.entityRefFor(ProcurementProject.ENTITY_TYPE_KEY, projectId)
            .<ProcurementProject.AlertReply>ask(replyTo -> resolve
                ? new ProcurementProject.Resolve(alertId, by, finalNote, replyTo)
                : new ProcurementProject.Acknowledge(alertId, by, finalNote, replyTo), settings.http().askTimeout());
    return asked
        .thenApply(reply -> {
          if ("NOT_FOUND".equals(reply.error())) return notFound(alertId);
          if (reply.error() != null) return new ApiError(409, reply.error(), reply.message(), null).response();
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("alert", reply.alert());
          return ApiError.json(StatusCodes.OK, out);
        });
  }

  private static HttpResponse notFound(String alertId) {
    return new ApiError(404, "NOT_FOUND", "no alert " + alertId, null).response();
  }

  private static Route bad(String field, String reason) {
    return complete(new ApiError(400, "INVALID_PARAMETER", field + ": " + reason, field).response());
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static boolean isRule(String r) {
    for (RuleId id : RuleId.values()) if (id.name().equals(r)) return true;
    return false;
  }

  private static Optional<String> blankToNull(Optional<String> s) {
    return s.filter(v -> !v.isBlank());
  }

  private static int parseInt(String s, int fallback) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static long parseLong(String s, long fallback) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
