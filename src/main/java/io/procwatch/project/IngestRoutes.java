package io.procwatch.project;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.procwatch.auth.Access;
import io.procwatch.auth.Principal;
import io.procwatch.auth.RateLimiter;
import io.procwatch.http.ApiError;
import io.procwatch.infra.Json;
import io.procwatch.infra.Settings;
import io.procwatch.metrics.Metrics;
import io.procwatch.project.ProcurementProject.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/events}: one fact as {@code application/json}, or a batch as
 * {@code application/x-ndjson}. A fact is acknowledged only after its project actor has stored it.
 */
public final class IngestRoutes {
  private static final Logger log = LoggerFactory.getLogger(IngestRoutes.class);
  public static final ContentType NDJSON =
      MediaTypes.customWithFixedCharset("application", "x-ndjson", HttpCharsets.UTF_8, Map.of(), false).toContentType();

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Settings settings;
  private final Clock clock;
  private final IngestParser parser;
  private final Metrics metrics;

  public IngestRoutes(ActorSystem<?> system, Settings settings, Clock clock, Metrics metrics) {
    this.metrics = metrics;
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.clock = clock;
    this.parser = new IngestParser(settings.ingest().maxFutureSkew());
  }

  /** Mounted under {@code /api/v1}, inside {@link Access#authenticated}: ingest or admin, rate-limited per token. */
  public Route route(Principal principal, RateLimiter limiter) {
    return path("events", () -> post(() -> Access.requireRole(principal, Access.INGESTERS, () ->
        Access.rateLimited(limiter, principal, this::events))));
  }

  private Route events() {
    return extractRequestEntity(entity -> {
          MediaType media = entity.getContentType().mediaType();
          String kind = media.mainType() + "/" + media.subType();
          long started = System.nanoTime();
          return switch (kind) {
            case "application/json" -> completeWithFuture(timed(started, read(entity, settings.ingest().maxEventBytes()).thenCompose(this::single)));
            case "application/x-ndjson" -> completeWithFuture(timed(started, read(entity, settings.ingest().maxBatchBytes()).thenCompose(this::batch)));
            default -> complete(new ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
                "send one event as application/json or a batch as application/x-ndjson, not " + kind, "Content-Type").response());
          };
        });
  }

  private CompletionStage<HttpResponse> timed(long started, CompletionStage<HttpResponse> answer) {
    return answer.whenComplete((r, e) -> metrics.ingestLatency().record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  /**
   * How far past the limit a body is still read (and dropped) before the 413 is sent. A client writes its whole body
   * before it reads the answer; had the server closed the connection with the body's rest unread, the kernel would
   * reset it and the client could lose the 413 ("header parser received no bytes") — seen under load. Past this,
   * the connection is closed at once: an absurd upload is not worth the bandwidth.
   */
  static final long DRAIN_BYTES = 8L << 20;

  private CompletionStage<Object> read(HttpEntity entity, long maxBytes) {
    if (entity.getContentLengthOption().isPresent() && entity.getContentLengthOption().getAsLong() > maxBytes) {
      if (entity.getContentLengthOption().getAsLong() - maxBytes > DRAIN_BYTES) {
        return CompletableFuture.completedFuture(tooLarge(maxBytes));
      }
      return entity.withoutSizeLimit().discardBytes(system).completionStage()
          .handle((done, e) -> tooLarge(maxBytes));
    }
    // The server hands over a body that arrived whole as a Strict entity (a small one always does): its bytes are
    // already here, and its length was checked above. toStrict would still materialise a stream for it, which was
    // about a tenth of the service's CPU per single event.
    if (entity instanceof HttpEntity.Strict strict) {
      return CompletableFuture.completedFuture(strict.getData().toArray());
    }
    // A body without a Content-Length (chunked) is only measured while it streams in: kept up to the limit, then
    // read on and dropped (up to DRAIN_BYTES more) so that the client gets its 413.
    return entity.withoutSizeLimit().getDataBytes()
        .completionTimeout(java.time.Duration.ofSeconds(30))
        .runWith(Sink.fold(new Body(maxBytes), Body::add), system)
        .<Object>thenApply(body -> body.over() ? tooLarge(maxBytes) : body.bytes())
        .exceptionally(e -> {
          Throwable cause = unwrap(e);
          if (cause instanceof BodyTooLarge) return tooLarge(maxBytes);
          throw new IllegalStateException(cause);
        });
  }

  /** A streamed body: its bytes up to the limit, then only a count. */
  private static final class Body {
    private final long maxBytes;
    private ByteStringBuilder bytes = new ByteStringBuilder();
    private long length;

    Body(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    Body add(ByteString chunk) {
      length += chunk.size();
      if (length > maxBytes + DRAIN_BYTES) throw new BodyTooLarge();
      if (length > maxBytes) bytes = null; // over: the rest is only counted
      else bytes.append(chunk);
      return this;
    }

    boolean over() {
      return bytes == null;
    }

    byte[] bytes() {
      return bytes.result().toArray();
    }
  }

  /** Ends reading a body too large even to drain; the connection is closed. */
  private static final class BodyTooLarge extends RuntimeException {
    BodyTooLarge() {
      super("body too large to drain", null, false, false);
    }
  }

  private static HttpResponse tooLarge(long maxBytes) {
    return new ApiError(413, "PAYLOAD_TOO_LARGE", "the body is larger than " + maxBytes + " bytes", null).response();
  }

  // ------------------------------------------------------------------ one event

  private CompletionStage<HttpResponse> single(Object body) {
    if (body instanceof HttpResponse r) return CompletableFuture.completedFuture(r);
    byte[] bytes = (byte[]) body;
    IngestParser.Parsed parsed = parser.parse(bytes, 0, bytes.length, clock.instant());
    if (parsed.error() != null) {
      metrics.ingested(typeOf(bytes, 0, bytes.length), Outcome.REJECTED);
      return CompletableFuture.completedFuture(parsed.error().response());
    }
    Fact fact = parsed.fact();
    return record(fact.projectId(), List.of(fact))
        .thenApply(outcomes -> {
          Outcome o = outcomes.get(0);
          metrics.ingested(fact.type(), o.result());
          if (o.error() != null) return reject(o).response();
          return ApiError.json(StatusCodes.ACCEPTED, accepted(fact.projectId(), o));
        })
        .exceptionally(e -> unavailable(e, fact.projectId()).response());
  }

  // ------------------------------------------------------------------ a batch

  /**
   * One result line per input line, in order. Lines of one project go to its actor together, in order,
   * in one command (judged as a whole, stored atomically), projects in parallel; a bad line is answered on
   * its own and does not sink the rest.
   */
  private CompletionStage<HttpResponse> batch(Object body) {
    if (body instanceof HttpResponse r) return CompletableFuture.completedFuture(r);
    byte[] bytes = (byte[]) body;
    int[] bounds = lineBounds(bytes);
    int lineCount = bounds.length / 2;
    Instant now = clock.instant();
    // The answer of each line, by index (null for a blank line, which has none): a rejected line's map at once, an
    // accepted line's outcome once its project has answered.
    Object[] results = new Object[lineCount];
    Map<String, ProjectLines> byProject = new LinkedHashMap<>();
    ProjectLines last = null;
    int count = 0;
    for (int i = 0; i < lineCount; i++) {
      int from = bounds[2 * i], to = bounds[2 * i + 1];
      // stripped of whitespace at both ends, as String.strip() would strip the line: ASCII whitespace here, and a line
      // with anything else at an end (no JSON object has) decoded and stripped as text
      while (from < to && asciiWhitespace(bytes[from])) from++;
      while (to > from && asciiWhitespace(bytes[to - 1])) to--;
      if (from == to) continue;
      String text = null;
      if (bytes[from] < 0 || bytes[to - 1] < 0) {
        text = new String(bytes, from, to - from, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) continue;
      }
      count++;
      int lineNo = i + 1;
      IngestParser.Parsed parsed = text != null ? parser.parse(text, now) : parser.parse(bytes, from, to - from, now);
      if (parsed.error() != null) {
        metrics.ingested(text != null ? typeOf(text) : typeOf(bytes, from, to - from), Outcome.REJECTED);
        results[i] = lineError(lineNo, null, parsed.error());
        continue;
      }
      Fact f = parsed.fact();
      // a batch usually holds each project's lines one after the other: no map look-up for those
      ProjectLines group = last != null && last.projectId.equals(f.projectId()) ? last
          : byProject.computeIfAbsent(f.projectId(), ProjectLines::new);
      group.add(i, f);
      last = group;
    }
    if (count == 0) {
      return CompletableFuture.completedFuture(
          new ApiError(400, "EMPTY_BATCH", "the batch has no events (one JSON event per line)", null).response());
    }

    CompletableFuture<?>[] pending = new CompletableFuture<?>[byProject.size()];
    int p = 0;
    for (ProjectLines group : byProject.values()) {
      String projectId = group.projectId;
      List<Fact> facts = group.facts;
      pending[p++] = record(projectId, facts)
          .<Void>handle((outcomes, err) -> {
            synchronized (results) {
              for (int k = 0; k < facts.size(); k++) {
                int index = group.indexes.get(k);
                int lineNo = index + 1;
                if (err != null || k >= outcomes.size()) {
                  results[index] = lineError(lineNo, facts.get(k).eventId(), unavailable(err, projectId));
                } else {
                  Outcome o = outcomes.get(k);
                  metrics.ingested(facts.get(k).type(), o.result());
                  results[index] = o.error() != null ? lineError(lineNo, o.eventId(), reject(o)) : new LineAccepted(lineNo, projectId, o);
                }
              }
            }
            return null;
          })
          .toCompletableFuture();
    }
    return CompletableFuture.allOf(pending).thenApply(done -> {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(160 * results.length);
      synchronized (results) {
        writeLines(results, out);
      }
      return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(NDJSON, out.toByteArray());
    });
  }

  /** The lines of one project in a batch, in order: their indexes in the body and their facts. */
  private static final class ProjectLines {
    final String projectId;
    final List<Integer> indexes = new ArrayList<>();
    final List<Fact> facts = new ArrayList<>();

    ProjectLines(String projectId) {
      this.projectId = projectId;
    }

    void add(int index, Fact fact) {
      indexes.add(index);
      facts.add(fact);
    }
  }

  /**
   * The body's lines as {@code [start, end)} pairs of offsets into it, split where the decoded text's
   * {@code split("\r?\n", -1)} splits (a CR before the LF is dropped, a lone CR stays): the same lines, so the same
   * line numbers. In UTF-8 a CR or LF byte is always that character, never part of another one's bytes. The lines are
   * parsed from the body's bytes: decoding a batch into a string and cutting it into one string a line cost more than
   * parsing it (a batch of Chinese text decodes into two bytes a character, and each line was copied again).
   */
  public static int[] lineBounds(byte[] body) {
    int[] bounds = new int[32];
    int n = 0;
    int from = 0;
    for (int nl = indexOf(body, (byte) '\n', 0); ; nl = indexOf(body, (byte) '\n', from)) {
      if (n + 2 > bounds.length) bounds = Arrays.copyOf(bounds, bounds.length * 2);
      if (nl < 0) {
        bounds[n++] = from;
        bounds[n++] = body.length;
        return Arrays.copyOf(bounds, n);
      }
      bounds[n++] = from;
      bounds[n++] = nl > from && body[nl - 1] == '\r' ? nl - 1 : nl;
      from = nl + 1;
    }
  }

  private static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) if (a[i] == b) return i;
    return -1;
  }

  /** What {@link Character#isWhitespace} says of an ASCII byte (false for any byte of a longer character). */
  private static boolean asciiWhitespace(byte b) {
    return b == ' ' || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F);
  }

  /** An accepted line's answer, written field by field ({@link #writeLines}). */
  record LineAccepted(int line, String projectId, Outcome outcome) {}

  /**
   * The answer lines as UTF-8, each line's JSON and a newline: an accepted line written by one generator field by
   * field, in the order and form the mapper gave the map of the line's fields (IngestRoutesLinesTest compares
   * them); a rejected line by the mapper. A map and a generator per line were a tenth of the cost of a bulk request's parsing.
   */
  static void writeLines(Object[] results, java.io.OutputStream out) {
    try (com.fasterxml.jackson.core.JsonGenerator g = Json.mapper().createGenerator(out)) {
      g.setRootValueSeparator(null);
      for (Object r : results) {
        if (r == null) continue;
        if (r instanceof LineAccepted a) {
          Outcome o = a.outcome();
          g.writeStartObject();
          g.writeNumberField("line", a.line());
          g.writeNumberField("status", 202);
          g.writeStringField("result", o.result());
          if (o.eventId() != null) g.writeStringField("eventId", o.eventId());
          g.writeStringField("projectId", a.projectId());
          if (o.stage() != null) g.writeStringField("stage", o.stage().name());
          if (o.flags() != null) {
            g.writeFieldName("flags");
            if (o.flags().isEmpty()) {
              g.writeStartArray();
              g.writeEndArray();
            } else {
              Json.mapper().writeValue(g, o.flags());
            }
          }
          g.writeEndObject();
        } else {
          Json.mapper().writeValue(g, r);
        }
        g.writeRaw('\n');
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private CompletionStage<List<Outcome>> record(String projectId, List<Fact> facts) {
    // The ask round trip (judge + journal write + reply) is what "journal write latency" measures:
    // the persist dominates it, and it is what an ingest client waits for.
    long started = System.nanoTime();
    return sharding.entityRefFor(ProcurementProject.ENTITY_TYPE_KEY, projectId)
        .<ProcurementProject.Recorded>ask(replyTo -> new ProcurementProject.Record(facts, replyTo), settings.http().askTimeout())
        .thenApply(recorded -> {
          metrics.journalWrite().record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
          return recorded.outcomes();
        });
  }

  /** The type a line claims, for the rejected-events counter ("unknown" when it cannot be read). */
  private static String typeOf(String line) {
    try {
      return typeOf(Json.mapper().readTree(line));
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String typeOf(byte[] bytes, int from, int length) {
    try {
      return typeOf(Json.mapper().readTree(bytes, from, length));
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String typeOf(com.fasterxml.jackson.databind.JsonNode root) {
    var type = root == null ? null : root.get("type");
    return type != null && type.isTextual() ? type.asText() : "unknown";
  }

  // ------------------------------------------------------------------ answers

  private static Map<String, Object> accepted(String projectId, Outcome o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("result", o.result());
    m.put("eventId", o.eventId());
    m.put("projectId", projectId);
    m.put("stage", o.stage());
    m.put("flags", o.flags());
    return m;
  }

  private static Map<String, Object> lineError(int line, String eventId, ApiError error) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("line", line);
    m.put("status", error.status());
    m.put("result", Outcome.REJECTED);
    if (eventId != null) m.put("eventId", eventId);
    m.putAll(error.body());
    return m;
  }

  private static ApiError reject(Outcome o) {
    Judge.Rejected r = o.error();
    return new ApiError(409, r.code(), r.message(), r.field());
  }

  /** The project did not answer: nothing is known to be stored, and a retry with the same eventId is safe. */
  private static ApiError unavailable(Throwable e, String projectId) {
    Throwable cause = unwrap(e);
    if (cause instanceof TimeoutException) {
      log.warn("Project {} did not answer in time", projectId);
    } else {
      log.error("Recording facts of project {} failed", projectId, cause);
    }
    return new ApiError(503, "UNAVAILABLE",
        "project " + projectId + " could not confirm that the event is stored; retry with the same eventId (retries are safe)", null);
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException
        || e instanceof IllegalStateException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
