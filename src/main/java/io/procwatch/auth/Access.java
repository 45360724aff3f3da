package io.procwatch.auth;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.procwatch.http.ApiError;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The Pekko HTTP directives of access control. Every route under {@code /api/v1} runs inside
 * {@link #authenticated}, and checks its role and buyer scope <i>after</i> its path matched:
 *
 * <pre>{@code
 * // in Guardian.routes:
 * Access.authenticated(auth, p -> concat(new BuyerRoutes(...).route(p), ...))
 *
 * // in a routes class, e.g. GET /api/v1/buyers/{id}:
 * public Route route(Principal p) {
 *   return pathPrefix("buyers", () -> path(PathMatchers.segment(), id -> get(() ->
 *       Access.requireRole(p, Access.READERS, () ->
 *           Access.requireBuyer(p, id, () -> completeWithFuture(view(id)))))));
 * }
 * }</pre>
 *
 * For a supplier view ({@code GET /api/v1/suppliers/{id}}), which spans buyers, filter what it shows with
 * {@link Principal#mayRead} per buyer, or in SQL with {@link Principal#sqlScope}{@code ("buyer", args)}: a
 * supervisor of buyer A sees only the supplier's projects, bids and alerts of buyer A.
 *
 * <p>Answers: no or an unknown token → {@code 401} with {@code WWW-Authenticate: Bearer}; a role the route
 * does not allow → {@code 403 FORBIDDEN}; an explicit filter naming a buyer outside the scope →
 * {@code 403 BUYER_NOT_IN_SCOPE}; one object (project, alert) of a buyer outside the scope → {@code 404}, the
 * same answer as for an object that does not exist, so that ids cannot be probed.
 */
public final class Access {
  /** Who may read projects and alerts and act on alerts. */
  public static final Set<Role> READERS = Set.of(Role.SUPERVISOR, Role.ADMIN);
  /** Who may submit facts. */
  public static final Set<Role> INGESTERS = Set.of(Role.INGEST, Role.ADMIN);
  public static final Set<Role> ADMINS = Set.of(Role.ADMIN);

  private Access() {}

  /** The caller's principal from {@code Authorization: Bearer <token>}, or a 401. */
  public static Route authenticated(Authenticator auth, Function<Principal, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      Optional<Principal> p = auth.authenticate(bearer(header).orElse(null));
      return p.map(inner).orElseGet(() -> complete(unauthenticated(header.isPresent()
          ? "the bearer token is not valid" : "send Authorization: Bearer <token>")));
    });
  }

  /** As {@link #authenticated}, or with a one-time {@code ?ticket=} (the feed, for browsers). */
  public static Route authenticatedOrTicket(Authenticator auth, Function<Principal, Route> inner) {
    return parameterOptional("ticket", ticket -> {
      if (ticket.isEmpty() || auth.open()) return authenticated(auth, inner);
      return auth.redeemTicket(ticket.get()).map(inner)
          .orElseGet(() -> complete(unauthenticated("the ticket is unknown, used or expired; get a new one")));
    });
  }

  /** {@code inner} if the principal holds one of {@code roles} (admin holds all), else {@code 403}. */
  public static Route requireRole(Principal p, Set<Role> roles, Supplier<Route> inner) {
    if (p.hasAny(roles)) return inner.get();
    return complete(new ApiError(403, "FORBIDDEN", "'" + p.name() + "' has role(s) " + labels(p.roles())
        + "; this needs one of " + labels(roles), null).response());
  }

  /** For a {@code buyer} filter: {@code 403} when it names a buyer outside the scope. */
  public static Route requireBuyerFilter(Principal p, Optional<String> buyer, Supplier<Route> inner) {
    if (buyer.isEmpty() || buyer.get().isBlank() || p.mayRead(buyer.get().strip())) return inner.get();
    return complete(new ApiError(403, "BUYER_NOT_IN_SCOPE",
        "buyer: '" + p.name() + "' may not see buyer " + buyer.get().strip(), "buyer").response());
  }

  /** For one object of {@code buyer}: {@code 404}, as for a missing one, when it is outside the scope. */
  public static Route requireBuyer(Principal p, String buyer, Supplier<Route> inner) {
    if (p.mayRead(buyer)) return inner.get();
    return complete(new ApiError(404, "NOT_FOUND", "no buyer " + buyer, null).response());
  }

  /**
   * {@code inner} if {@code limiter} has a token for this principal, else {@code 429} with
   * {@code Retry-After} in seconds. The local principal of open mode is not limited.
   */
  public static Route rateLimited(RateLimiter limiter, Principal p, Supplier<Route> inner) {
    if (p == Principal.LOCAL) return inner.get();
    long wait = limiter.acquire(p.name());
    if (wait == 0) return inner.get();
    return complete(tooMany("more requests than procwatch.auth.ingest-rate allows for '" + p.name()
        + "'; retry after " + wait + " s", wait));
  }

  public static HttpResponse tooMany(String message, long retryAfterSeconds) {
    return new ApiError(429, "TOO_MANY_REQUESTS", message, null).response()
        .addHeader(RawHeader.create("Retry-After", Long.toString(retryAfterSeconds)));
  }

  public static HttpResponse unauthenticated(String message) {
    return new ApiError(401, "UNAUTHENTICATED", message, null).response()
        .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"procwatch\""));
  }

  static Optional<String> bearer(Optional<String> header) {
    if (header.isEmpty()) return Optional.empty();
    String h = header.get().strip();
    if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.of(h.substring(7).strip());
    return Optional.empty();
  }

  private static String labels(Set<Role> roles) {
    List<String> l = roles.stream().map(Role::label).sorted().toList();
    return String.join(", ", l);
  }
}
