package io.procwatch.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.procwatch.infra.Json;
import io.procwatch.infra.Settings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the routes, wraps them so that every error — a rejection, an unexpected exception — leaves as
 * the API's JSON error shape, and unbinds gracefully on CoordinatedShutdown.
 */
public final class HttpServer {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  /** The routes as served: every error in the API's JSON shape. */
  public static Route sealed(Route routes) {
    // built once: the inner suppliers run on every request
    ExceptionHandler exceptions = exceptions();
    Route handled = handleRejections(rejections(), () -> routes);
    return handleExceptions(exceptions, () -> handled);
  }

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String host, int port, Settings.Tls tls,
      Route routes) {
    var server = Http.get(system).newServerAt(host, port);
    if (tls.enabled()) server = server.enableHttps(Tls.context(tls));
    String scheme = tls.enabled() ? "https" : "http";
    return server
        .bind(sealed(routes))
        .whenComplete((binding, error) -> {
          if (error != null) {
            log.error("Could not bind HTTP on {}:{}; stopping", host, port, error);
            system.terminate();
          } else {
            InetSocketAddress a = binding.localAddress();
            log.info("procwatch HTTP API listening on {}://{}:{}/", scheme, a.getHostString(), a.getPort());
            binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
          }
        });
  }

  static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        // A body over a route's size limit (withSizeLimit) fails while it is read: a 413, not a 500.
        .match(org.apache.pekko.http.scaladsl.model.EntityStreamSizeException.class, e -> complete(
            ApiError.of(413, "PAYLOAD_TOO_LARGE", "the body is larger than " + e.limit() + " bytes").response()))
        .matchAny(e -> {
          log.error("Unhandled error while serving a request", e);
          return complete(ApiError.of(500, "INTERNAL", "internal error; see the service log").response());
        })
        .build();
  }

  /** Pekko's own rejection answers (404, 405, 400 on a bad parameter, ...) re-shaped as JSON errors. */
  static RejectionHandler rejections() {
    // A body over a route's size limit is rejected as malformed content: say what it is, in our words.
    RejectionHandler tooLarge = RejectionHandler.newBuilder()
        .handle(org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection.class, r -> {
          Throwable cause = r.getCause();
          if (cause instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException e) {
            return complete(ApiError.of(413, "PAYLOAD_TOO_LARGE", "the body is larger than " + e.limit() + " bytes").response());
          }
          return reject(r);
        })
        .build();
    return tooLarge.withFallback(RejectionHandler.defaultHandler()).mapRejectionResponse(HttpServer::asJsonError);
  }

  private static HttpResponse asJsonError(HttpResponse response) {
    if (response.entity() instanceof HttpEntity.Strict strict
        && !strict.getContentType().mediaType().toString().equals("application/json")) {
      String message = strict.getData().utf8String();
      String code = response.status().reason().toUpperCase().replaceAll("[^A-Z0-9]+", "_");
      Map<String, Object> body = Map.of("error", Map.of("code", code, "message", message));
      try {
        return response.withEntity(org.apache.pekko.http.javadsl.model.ContentTypes.APPLICATION_JSON,
            Json.mapper().writeValueAsBytes(body));
      } catch (Exception e) {
        return response;
      }
    }
    return response;
  }
}
