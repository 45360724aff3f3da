package io.procwatch.alert;

import static io.procwatch.testing.ApiAssertions.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.testing.TestService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.awaitility.Awaitility;

/**
 * A real WebSocket client of the alert feed (Pekko's own client over TCP). It records every text message.
 */
final class FeedClient implements AutoCloseable {
  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  /** The same messages as received, as text. */
  final List<String> texts = new CopyOnWriteArrayList<>();
  final CompletionStage<WebSocketUpgradeResponse> upgrade;
  final CompletionStage<Done> closed;
  private final CompletableFuture<Optional<Message>> outgoing;

  private FeedClient(TestService service, String query) {
    Materializer mat = Materializer.matFromSystem(service.system());
    Sink<Message, CompletionStage<Done>> in = Flow.<Message>create()
        .mapAsync(1, m -> m.asTextMessage().getStreamedText().runFold("", String::concat, mat))
        .toMat(Sink.foreach(text -> {
          texts.add(text);
          received.add(json(text));
        }), Keep.right());
    Flow<Message, Message, Pair<CompletionStage<Done>, CompletableFuture<Optional<Message>>>> flow =
        Flow.fromSinkAndSourceMat(in, Source.<Message>maybe(), Keep.both());
    String uri = service.baseUrl().replace("http://", "ws://") + "/api/v1/alerts/stream" + query;
    var result = Http.get(service.system()).singleWebSocketRequest(WebSocketRequest.create(uri), flow, mat);
    this.upgrade = result.first();
    this.closed = result.second().first();
    this.outgoing = result.second().second();
  }

  static FeedClient connect(TestService service, String query) {
    FeedClient c = new FeedClient(service, query);
    WebSocketUpgradeResponse r = c.upgrade.toCompletableFuture().join();
    if (!r.isValid()) throw new AssertionError("upgrade refused: " + r.response().status());
    return c;
  }

  static FeedClient attempt(TestService service, String query) {
    return new FeedClient(service, query);
  }

  /** The messages other than keep-alive pings. */
  List<JsonNode> messages() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode m : received) if (!m.get("kind").asText().equals("PING")) out.add(m);
    return out;
  }

  /** Alert changes only (no snapshot, no pings, no close). */
  List<JsonNode> changes() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode m : messages()) {
      if (m.get("kind").asText().matches("RAISED|PREWARNING|ACKNOWLEDGED|RESOLVED")) out.add(m);
    }
    return out;
  }

  List<Long> changeSequences() {
    return changes().stream().map(m -> m.get("sequence").asLong()).toList();
  }

  JsonNode await(Predicate<JsonNode> what) {
    return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .until(() -> messages().stream().filter(what).findFirst().orElse(null), m -> m != null);
  }

  static Predicate<JsonNode> kind(String kind) {
    return m -> m.get("kind").asText().equals(kind);
  }

  static Predicate<JsonNode> kind(String kind, String alertId) {
    return m -> m.get("kind").asText().equals(kind) && m.path("id").asText().equals(alertId);
  }

  boolean isClosed() {
    return closed.toCompletableFuture().isDone();
  }

  @Override
  public void close() {
    outgoing.complete(Optional.empty());
  }
}
