package io.procwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.infra.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads API responses with the service's own strict mapper and checks the one error shape of the API. */
public final class ApiAssertions {
  private ApiAssertions() {}

  /** The body as JSON (money as exact decimals, as the service writes it). */
  public static JsonNode json(String body) {
    try {
      return Json.mapper().readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  public static JsonNode json(HttpResponse<String> response) {
    return json(response.body());
  }

  /** One JSON value per line of an NDJSON body. */
  public static List<JsonNode> ndjson(HttpResponse<String> response) {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (!line.isBlank()) lines.add(json(line));
    }
    return lines;
  }

  public static String contentType(HttpResponse<String> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  /**
   * The response is {@code status} with {@code {"error":{"code","message"[,"field"]}}} and nothing else;
   * {@code field} null means the error must not name one.
   *
   * @return the {@code error} object
   */
  public static JsonNode assertError(HttpResponse<String> response, int status, String code, String field) {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
    assertThat(contentType(response)).startsWith("application/json");
    JsonNode body = json(response);
    List<String> top = new ArrayList<>();
    body.fieldNames().forEachRemaining(top::add);
    assertThat(top).as("top-level fields of %s", body).containsExactly("error");
    return assertErrorBody(body, code, field);
  }

  /** The {@code error} part of a body (a single response, or one NDJSON result line). */
  public static JsonNode assertErrorBody(JsonNode body, String code, String field) {
    JsonNode error = body.get("error");
    assertThat(error).as("error object in %s", body).isNotNull();
    assertThat(error.isObject()).isTrue();
    List<String> names = new ArrayList<>();
    error.fieldNames().forEachRemaining(names::add);
    assertThat(Set.of("code", "message", "field")).as("error fields %s", names).containsAll(names);
    assertThat(error.path("code").isTextual()).isTrue();
    assertThat(error.path("message").isTextual()).isTrue();
    assertThat(error.path("message").asText()).isNotBlank();
    if (code != null) assertThat(error.path("code").asText()).as("code in %s", body).isEqualTo(code);
    if (field == null) {
      assertThat(error.has("field")).as("no field expected in %s", body).isFalse();
    } else {
      assertThat(error.path("field").asText()).as("field in %s", body).isEqualTo(field);
    }
    return error;
  }
}
