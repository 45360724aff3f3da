package io.procwatch.http;

import io.procwatch.infra.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The one error shape of the API: {@code {"error":{"code":"...","message":"...","field":"..."}}}, and
 * the helpers that turn values into JSON responses.
 */
public record ApiError(int status, String code, String message, String field) {

  public static ApiError of(int status, String code, String message) {
    return new ApiError(status, code, message, null);
  }

  public Map<String, Object> body() {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    if (field != null) error.put("field", field);
    return Map.of("error", error);
  }

  public HttpResponse response() {
    return json(StatusCodes.get(status), body());
  }

  public static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, Json.mapper().writeValueAsBytes(body));
    } catch (Exception e) {
      throw new IllegalStateException("cannot render JSON response", e);
    }
  }
}
