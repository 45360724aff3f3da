package io.procwatch.auth;

import static io.procwatch.testing.ApiAssertions.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** A real WebSocket client of the alert feed (the JDK's, which can send an Authorization header). */
final class WsClient implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<Void> closed = new CompletableFuture<>();
  private WebSocket socket;

  /** The status of a refused handshake, or 101 when it was accepted. */
  record Attempt(int status, WsClient client) {}

  static Attempt attempt(String url, String token) {
    WsClient c = new WsClient();
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (token != null) b.header("Authorization", "Bearer " + token);
    try {
      c.socket = b.buildAsync(URI.create(url), c.listener()).join();
      return new Attempt(101, c);
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) return new Attempt(h.getResponse().statusCode(), null);
      throw e;
    }
  }

  static WsClient connect(String url, String token) {
    Attempt a = attempt(url, token);
    if (a.status() != 101) throw new AssertionError("upgrade refused: " + a.status());
    return a.client();
  }

  private WebSocket.Listener listener() {
    StringBuilder partial = new StringBuilder();
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          received.add(json(partial.toString()));
          partial.setLength(0);
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
        closed.complete(null);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        closed.completeExceptionally(error);
      }
    };
  }

  JsonNode await(Predicate<JsonNode> what) {
    return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> received.stream().filter(what).findFirst().orElse(null), m -> m != null);
  }

  static Predicate<JsonNode> kind(String k) {
    return m -> m.path("kind").asText().equals(k);
  }

  @Override
  public void close() {
    if (socket != null && !socket.isOutputClosed()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    if (socket != null) socket.abort();
  }
}
