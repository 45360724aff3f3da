package io.procwatch.project;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procwatch.http.ApiError;
import io.procwatch.infra.FastInstantModule;
import io.procwatch.infra.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns one JSON event of the public vocabulary into a {@link Fact}, or into an error that names the
 * field and the reason: 400 when the input is not the right JSON shape (not JSON, a wrong JSON type, an
 * unknown field), 422 when it is well-formed but not acceptable (missing or out-of-range values, an
 * unknown event type or enum value). Nothing is sent to a project unless this accepts it.
 */
public final class IngestParser {
  /** Ids become entity ids and URL path segments: letters (any script), digits and a few separators. */
  private static final Pattern ID = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}._:()\\-]{0,127}");
  private static final int MAX_EVENT_ID = 200;
  private static final Set<String> ENVELOPE = Set.of("eventId", "projectId", "type", "occurredAt", "actor", "data");

  /** Either a fact or an error. */
  public record Parsed(Fact fact, ApiError error) {
    static Parsed ok(Fact f) {
      return new Parsed(f, null);
    }

    static Parsed bad(int status, String code, String field, String message) {
      return new Parsed(null, new ApiError(status, code, message, field));
    }
  }

  private final ObjectMapper mapper = Json.mapper();
  private final Duration maxFutureSkew;

  public IngestParser(Duration maxFutureSkew) {
    this.maxFutureSkew = maxFutureSkew;
  }

  public Parsed parse(String json, Instant now) {
    JsonNode root;
    try {
      root = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      return Parsed.bad(400, "MALFORMED_JSON", null, "not valid JSON: " + e.getOriginalMessage());
    }
    return parse(root, now);
  }

  /**
   * The event in {@code length} bytes of UTF-8 from {@code offset}, as {@link #parse(String, Instant)} reads its text;
   * bytes that are not UTF-8 are malformed JSON (400), never replaced by U+FFFD and accepted.
   */
  public Parsed parse(byte[] utf8, int offset, int length, Instant now) {
    // Jackson would detect UTF-16 and UTF-32 by their zero bytes or byte-order marks and decode them: not here. No
    // UTF-8 JSON text starts with such bytes (a NUL is escaped, 0xFE and 0xFF never occur in UTF-8).
    if (length > 0 && (utf8[offset] == 0 || (length > 1 && utf8[offset + 1] == 0) || (utf8[offset] & 0xFE) == 0xFE)) {
      return Parsed.bad(400, "MALFORMED_JSON", null, "not valid JSON: the body must be UTF-8");
    }
    JsonNode root;
    try {
      root = mapper.readTree(utf8, offset, length);
    } catch (JsonProcessingException e) {
      return Parsed.bad(400, "MALFORMED_JSON", null, "not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      // the decoder's own complaints (CharConversionException) about bytes in memory
      return Parsed.bad(400, "MALFORMED_JSON", null, "not valid JSON: " + e.getMessage());
    }
    return parse(root, now);
  }

  private Parsed parse(JsonNode root, Instant now) {
    if (root == null || !root.isObject()) {
      return Parsed.bad(400, "MALFORMED_JSON", null, "an event must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!ENVELOPE.contains(name)) return Parsed.bad(400, "UNKNOWN_FIELD", name, name + ": unknown field");
    }

    String eventId = text(root, "eventId");
    String projectId = text(root, "projectId");
    String type = text(root, "type");
    String occurred = text(root, "occurredAt");
    String actor = text(root, "actor");
    for (String f : new String[] {"eventId", "projectId", "type", "occurredAt", "actor"}) {
      JsonNode n = root.get(f);
      if (n != null && !n.isNull() && !n.isTextual()) return Parsed.bad(400, "WRONG_TYPE", f, f + ": must be a string");
    }
    if (eventId == null || eventId.isBlank()) return Parsed.bad(422, "MISSING_FIELD", "eventId", "eventId: is required");
    if (eventId.length() > MAX_EVENT_ID || Validation.hasControl(eventId)) {
      return Parsed.bad(422, "INVALID_VALUE", "eventId", "eventId: at most " + MAX_EVENT_ID + " printable characters");
    }
    if (projectId == null || projectId.isBlank()) return Parsed.bad(422, "MISSING_FIELD", "projectId", "projectId: is required");
    if (!ID.matcher(projectId).matches()) {
      return Parsed.bad(422, "INVALID_VALUE", "projectId",
          "projectId: 1-128 letters, digits or . _ : ( ) -, starting with a letter or digit");
    }
    if (type == null || type.isBlank()) return Parsed.bad(422, "MISSING_FIELD", "type", "type: is required");
    Class<? extends Fact.Data> dataType = Fact.Data.byName(type);
    if (dataType == null) return Parsed.bad(422, "UNKNOWN_TYPE", "type", "type: unknown event type '" + type + "'");
    if (occurred == null || occurred.isBlank()) return Parsed.bad(422, "MISSING_FIELD", "occurredAt", "occurredAt: is required");
    Instant occurredAt = FastInstantModule.parseWithOffset(occurred);
    if (occurredAt == null) {
      try {
        occurredAt = OffsetDateTime.parse(occurred).toInstant();
      } catch (DateTimeParseException e) {
        return Parsed.bad(422, "INVALID_VALUE", "occurredAt",
            "occurredAt: must be ISO-8601 with an offset, e.g. 2026-03-02T10:15:00+08:00");
      }
    }
    if (occurredAt.isAfter(now.plus(maxFutureSkew))) {
      return Parsed.bad(422, "INVALID_VALUE", "occurredAt", "occurredAt: is in the future (" + occurred + ")");
    }
    if (actor != null && actor.length() > 200) return Parsed.bad(422, "INVALID_VALUE", "actor", "actor: at most 200 characters");

    JsonNode dataNode = root.get("data");
    if (dataNode == null || dataNode.isNull()) dataNode = JsonNodeFactory.instance.objectNode();
    if (!dataNode.isObject()) return Parsed.bad(400, "WRONG_TYPE", "data", "data: must be a JSON object");

    Fact.Data data;
    try {
      data = mapper.treeToValue((ObjectNode) dataNode, dataType);
    } catch (UnrecognizedPropertyException e) {
      String field = "data." + path(e);
      return Parsed.bad(400, "UNKNOWN_FIELD", field, field + ": unknown field for " + type);
    } catch (InvalidFormatException e) {
      String field = "data." + path(e);
      return Parsed.bad(422, "INVALID_VALUE", field, field + ": '" + e.getValue() + "' is not a valid " + simpleName(e.getTargetType()));
    } catch (JsonMappingException e) {
      String field = "data." + path(e);
      Class<?> target = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m ? m.getTargetType() : null;
      return Parsed.bad(400, "WRONG_TYPE", field, field + ": expected " + (target != null ? simpleName(target) : "another JSON type"));
    } catch (JsonProcessingException e) {
      return Parsed.bad(400, "MALFORMED_JSON", "data", "data: " + e.getOriginalMessage());
    }

    Validation v = new Validation("data.");
    data.validate(v);
    if (!v.ok()) {
      Validation.Problem p = v.problem().orElseThrow();
      String code = p.reason().equals("is required") ? "MISSING_FIELD" : "INVALID_VALUE";
      return Parsed.bad(422, code, p.field(), p.message());
    }
    return Parsed.ok(new Fact(eventId, projectId, occurredAt, actor, data));
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n != null && n.isTextual() ? n.asText() : null;
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String simpleName(Class<?> type) {
    if (type == null) return "value";
    if (type.isEnum()) {
      StringBuilder sb = new StringBuilder("value (one of");
      for (Object c : type.getEnumConstants()) sb.append(' ').append(c);
      return sb.append(')').toString();
    }
    if (type == java.math.BigDecimal.class) return "number";
    if (type == Integer.class || type == int.class) return "integer";
    if (type == Boolean.class || type == boolean.class) return "boolean";
    if (type == Instant.class) return "ISO-8601 timestamp with offset";
    if (type == String.class) return "string";
    if (java.util.List.class.isAssignableFrom(type)) return "array";
    return "object";
  }
}
