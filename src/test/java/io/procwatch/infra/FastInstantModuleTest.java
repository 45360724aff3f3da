package io.procwatch.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.procwatch.project.ProcurementProject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.Test;

/**
 * The fast Instant reading gives what Jackson's own gives, for every text Instant.toString writes and for what it
 * leaves to Jackson; and journal rows written by earlier versions (fixtures: bytes stored by commit 2deea70) decode
 * to the same events with it as without it.
 */
class FastInstantModuleTest {

  @Test
  void parsesWhatInstantWritesAsInstantParseDoes() {
    Random r = new Random(7);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      long seconds = i < 100_000 ? min + (long) (r.nextDouble() * (max - min))
          : Instant.parse("2024-01-01T00:00:00Z").getEpochSecond() + r.nextInt(3 * 366 * 86_400);
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> r.nextInt(1000) * 1_000_000;
        case 2 -> r.nextInt(1_000_000) * 1000;
        default -> r.nextInt(1_000_000_000);
      };
      Instant t = Instant.ofEpochSecond(seconds, nanos);
      assertThat(FastInstantModule.parse(t.toString())).as(t.toString()).isEqualTo(t);
    }
    for (String s : List.of("2025-03-03T07:22:00.5Z", "2025-03-03T07:22:00.12Z", "2024-02-29T23:59:59.1234Z",
        "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "0000-03-01T00:00:00Z")) {
      assertThat(FastInstantModule.parse(s)).as(s).isEqualTo(Instant.parse(s));
    }
  }

  /**
   * The ingest's occurredAt: for random date-times, fractions and offsets written the usual way, the fast reading
   * gives OffsetDateTime.parse's Instant; for texts changed one character at a time (and other shapes) it gives either
   * that same Instant or null (left to OffsetDateTime.parse), never another Instant or an Instant where the JDK
   * refuses.
   */
  @Test
  void readsOccurredAtAsOffsetDateTimeParseDoes() {
    Random r = new Random(11);
    long min = Instant.parse("0000-01-02T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-30T23:59:59Z").getEpochSecond();
    String alphabet = "0123456789-+:.TZtz 9";
    int fast = 0;
    for (int i = 0; i < 100_000; i++) {
      long seconds = i % 2 == 0 ? min + (long) (r.nextDouble() * (max - min))
          : Instant.parse("2024-01-01T00:00:00Z").getEpochSecond() + r.nextInt(3 * 366 * 86_400);
      int nanos = switch (i % 3) {
        case 0 -> 0;
        case 1 -> r.nextInt(1000) * 1_000_000;
        default -> r.nextInt(1_000_000_000);
      };
      java.time.ZoneOffset offset = i % 5 == 0 ? java.time.ZoneOffset.UTC
          : java.time.ZoneOffset.ofTotalSeconds((r.nextInt(36 * 4 + 1) - 18 * 4) * 900);
      String s = java.time.OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos), offset).toString();
      Instant expected = java.time.OffsetDateTime.parse(s).toInstant();
      Instant got = FastInstantModule.parseWithOffset(s);
      if (Math.abs(offset.getTotalSeconds()) < 18 * 3600 && s.charAt(16) == ':') {
        assertThat(got).as(s).isEqualTo(expected);
        fast++;
      } else if (got != null) {
        assertThat(got).as(s).isEqualTo(expected);
      }
      char[] c = s.toCharArray();
      c[r.nextInt(c.length)] = alphabet.charAt(r.nextInt(alphabet.length()));
      assertSameOrLeft(new String(c));
    }
    assertThat(fast).isGreaterThan(50_000);
    for (String s : List.of("2026-03-02T10:15:00+08:00", "2026-03-02T10:15:00.5-05:30", "2024-02-29T23:59:59.123456789Z",
        "2026-03-02T10:15+08:00", "2026-03-02t10:15:00+08:00", "2026-03-02T10:15:00z", "2026-03-02T10:15:00-00:00",
        "2026-03-02T10:15:00+18:00", "2026-03-02T10:15:00+08:00:00", "2026-03-02T10:15:00+0800", "2025-02-29T10:15:00Z",
        "2026-03-02T24:00:00+08:00", "2026-03-02T10:15:00.+08:00", "2026-03-02T10:15:00", "+12026-03-02T10:15:00Z")) {
      assertSameOrLeft(s);
    }
    assertThat(FastInstantModule.parseWithOffset("2026-03-02T10:15:00+08:00"))
        .isEqualTo(Instant.parse("2026-03-02T02:15:00Z"));
  }

  private static void assertSameOrLeft(String s) {
    Instant got = FastInstantModule.parseWithOffset(s);
    if (got == null) return;
    assertThat(got).as(s).isEqualTo(java.time.OffsetDateTime.parse(s).toInstant());
  }

  @Test
  void leavesAnythingElseToJackson() {
    for (String s : List.of("2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z",
        "2025-00-01T00:00:00Z", "2025-01-00T00:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T00:60:00Z",
        "2016-12-31T23:59:60Z", "2025-01-01T00:00:00.Z", "2025-01-01T00:00:00.1234567890Z", "2025-01-01T00:00:00+08:00",
        "2025-01-01T00:00:00", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2025-01-01 00:00:00Z",
        "2025-1-01T00:00:00Z", "20x5-01-01T00:00:00Z", "2025-01-01T00:00:0aZ", "2025-01-01T00:00:00.12a4Z", "")) {
      assertThat(FastInstantModule.parse(s)).as(s).isNull();
    }
  }

  @Test
  void readsAsJacksonDoesThroughAMapper() throws Exception {
    ObjectMapper plain = new ObjectMapper(new CBORFactory()).registerModule(new JavaTimeModule());
    ObjectMapper fast = new ObjectMapper(new CBORFactory()).registerModule(new JavaTimeModule())
        .registerModule(new FastInstantModule());
    for (Object v : List.of("2025-03-03T07:22:00Z", "2025-03-03T07:22:00.123456Z", "2025-03-03T07:22:00+08:00",
        "2016-12-31T23:59:60Z", 1_700_000_000L, 1_700_000_000.5)) {
      byte[] bytes = plain.writeValueAsBytes(v);
      assertThat(fast.readValue(bytes, Instant.class)).as("%s", v).isEqualTo(plain.readValue(bytes, Instant.class));
    }
    byte[] bad = plain.writeValueAsBytes("2025-02-29T00:00:00Z");
    assertThatThrownBy(() -> plain.readValue(bad, Instant.class)).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> fast.readValue(bad, Instant.class)).isInstanceOf(Exception.class);
    assertThat(DateTimeFormatter.ISO_INSTANT.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void journalRowsOfEarlierVersionsDecodeToTheSameEvents() throws Exception {
    Config ours = ConfigFactory.parseResources("pekko.conf").withFallback(ConfigFactory.parseMap(Map.of(
        "pekko.actor.provider", "local"))).withFallback(ConfigFactory.defaultReference()).resolve();
    Config without = ConfigFactory.parseString("pekko.serialization.jackson.jackson-modules = "
        + ConfigFactory.defaultReference().getValue("pekko.serialization.jackson.jackson-modules").render())
        .withFallback(ours).resolve();
    ActorSystem fast = ActorSystem.create("fast", ours);
    ActorSystem plain = ActorSystem.create("plain", without);
    try {
      assertThat(JacksonObjectMapperProvider.get(fast).getOrCreate("jackson-cbor", java.util.Optional.empty())
          .getRegisteredModuleIds()).contains(new FastInstantModule().getTypeId());
      assertThat(JacksonObjectMapperProvider.get(plain).getOrCreate("jackson-cbor", java.util.Optional.empty())
          .getRegisteredModuleIds()).doesNotContain(new FastInstantModule().getTypeId());
      for (String fixture : List.of("journal-2deea70-FactsRecorded.txt", "journal-2deea70-AlertsChanged.txt")) {
        String[] lines = read(fixture).split("\n", 2);
        byte[] bytes = Base64.getMimeDecoder().decode(lines[1].trim());
        Object a = decode(SerializationExtension.get(fast), bytes, lines[0].trim());
        Object b = decode(SerializationExtension.get(plain), bytes, lines[0].trim());
        assertThat(a).isInstanceOf(ProcurementProject.Event.class).isEqualTo(b);
        if (a instanceof ProcurementProject.FactsRecorded f) {
          assertThat(f.facts()).isNotEmpty();
          assertThat(f.facts().get(0).fact().occurredAt()).isEqualTo(Instant.parse("2025-01-27T02:13:00Z"));
        }
      }
    } finally {
      fast.terminate();
      plain.terminate();
      fast.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      plain.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static Object decode(Serialization s, byte[] bytes, String manifest) {
    return s.deserialize(bytes, 33, manifest).get();
  }

  private static String read(String fixture) throws Exception {
    try (InputStream in = FastInstantModuleTest.class.getResourceAsStream("/fixtures/" + fixture)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
