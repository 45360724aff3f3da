package io.procwatch.auth;

import static io.procwatch.testing.ApiAssertions.json;
import static io.procwatch.testing.Facts.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.testing.MutableClock;
import io.procwatch.testing.TestService;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/** A {@link TestService} with a token file, the tokens made as `procwatch token` makes them, and its log captured. */
final class SecuredService implements AutoCloseable {
  final TestService service;
  final Map<String, String> tokens = new LinkedHashMap<>();
  final Path dir;
  final ListAppender<ILoggingEvent> log = new ListAppender<>();

  /** One token: name, roles, buyers (null: every buyer). */
  record Spec(String name, EnumSet<Role> roles, List<String> buyers) {}

  SecuredService(List<Spec> specs, Map<String, Object> overrides) throws Exception {
    dir = Files.createTempDirectory("procwatch-auth");
    StringBuilder file = new StringBuilder("# made by the test, as `procwatch token --file` appends\n");
    for (Spec s : specs) {
      // 1000 iterations: the hash is the same code path at a test's speed (production default 600k).
      Authenticator.NewToken t = Authenticator.newToken(s.name(), s.roles(), s.buyers(), 1000);
      tokens.put(s.name(), t.token());
      file.append(t.entry()).append('\n');
    }
    Path tokensFile = dir.resolve("tokens.conf");
    Files.writeString(tokensFile, file);
    log.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
    Map<String, Object> m = new HashMap<>(overrides);
    m.put("procwatch.auth.tokens-file", tokensFile.toString());
    service = TestService.start("jdbc:h2:mem:procwatch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "",
        new MutableClock().setNow(Instant.parse("2026-03-10T04:00:00Z")), m);
  }

  /** The service's wall clock, which tickets and rate limits run on: a test moves it on instead of waiting. */
  MutableClock clock() {
    return (MutableClock) service.clock();
  }

  String token(String name) {
    return tokens.get(name);
  }

  HttpResponse<String> call(String method, String path, String token, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
    else b.header("Content-Type", path.endsWith("/events") && body.contains("\n") ? "application/x-ndjson" : "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body));
    return service.send(b.build());
  }

  HttpResponse<String> get(String path, String token) {
    return call("GET", path, token, null);
  }

  String ws(String pathAndQuery) {
    return service.baseUrl().replace("http://", "ws://") + pathAndQuery;
  }

  /** A self-purchase project of {@code buyer} whose delivery comes before any contract: SQ01 fires. */
  String projectWithSq01(String projectId, String buyer, String ingestToken) {
    HttpResponse<String> r = call("POST", "/api/v1/events", ingestToken, String.join("\n",
        event(projectId + "-1", projectId, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
            "{\"buyer\":\"" + buyer + "\",\"title\":\"纸张\",\"category\":\"A05040101\",\"categoryKind\":\"GOODS\",\"budget\":3000,\"fiscalYear\":2026}"),
        event(projectId + "-2", projectId, "RequirementApproved", "2026-03-03T09:30:00+08:00", null),
        event(projectId + "-3", projectId, "MethodApproved", "2026-03-04T10:00:00+08:00", "{\"method\":\"SELF_PURCHASE\"}"),
        event(projectId + "-4", projectId, "Delivered", "2026-03-10T10:00:00+08:00", null)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode items = Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> json(get("/api/v1/alerts?rule=SQ01&projectId=" + projectId, token("admin"))).get("items"),
            i -> i.size() == 1);
    return items.get(0).get("id").asText();
  }

  /** A self purchase of {@code buyer} contracted with {@code supplier}: a row of the buyer and supplier views. */
  void contractedPurchase(String projectId, String buyer, String supplier, String amount, String ingestToken) {
    HttpResponse<String> r = call("POST", "/api/v1/events", ingestToken, String.join("\n",
        event(projectId + "-1", projectId, "ProjectRegistered", "2026-03-02T09:00:00+08:00",
            "{\"buyer\":\"" + buyer + "\",\"title\":\"纸张\",\"category\":\"A05040101\",\"categoryKind\":\"GOODS\",\"budget\":"
                + amount + ",\"fiscalYear\":2026}"),
        event(projectId + "-2", projectId, "RequirementApproved", "2026-03-03T09:30:00+08:00", null),
        event(projectId + "-3", projectId, "MethodApproved", "2026-03-04T10:00:00+08:00",
            "{\"method\":\"SELF_PURCHASE\",\"approvalRef\":\"CZ-" + projectId + "\"}"),
        event(projectId + "-4", projectId, "ContractSigned", "2026-03-05T15:00:00+08:00",
            "{\"contractId\":\"HT-" + projectId + "\",\"supplier\":\"" + supplier + "\",\"amount\":" + amount + "}")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body().lines()).allSatisfy(l -> assertThat(l).contains("\"status\":202"));
  }

  /** Every line the service logged so far, formatted as the log shows it. */
  List<String> logLines() {
    return log.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
  }

  @Override
  public void close() throws Exception {
    service.close();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    io.procwatch.testing.Local.deleteTree(dir);
  }
}
