package io.procwatch.project;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.procwatch.infra.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * When two deliveries are the same fact: equal canonical JSON forms. Two deliveries of the same source fact compare
 * equal even if one wrote {@code 100} and the other {@code 100.00}, or gave the time in another offset; any real
 * difference in content tells them apart.
 *
 * <p>Until 2026-11-30 every accepted fact was stored with its fingerprint, SHA-256 over that canonical form, and a
 * retry was compared by fingerprint. Hashing every fact cost up to a quarter of the bulk load's service CPU while the
 * JIT had not yet compiled the digest (and about a microsecond per fact after), for a comparison that is needed only
 * when an event id comes again. Now a retry is compared with the stored fact itself ({@link #sameFact}), and the
 * fingerprint is computed only for a retry of a fact stored with one (journals and snapshots written before).
 */
final class Fingerprint {
  private static final ObjectMapper CANONICAL =
      Json.mapper().copy().registerModule(new SimpleModule().addSerializer(BigDecimal.class, new JsonSerializer<>() {
        @Override
        public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
          gen.writeString(value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString());
        }
      }));

  private Fingerprint() {}

  /** A digest per thread: looking the algorithm up through the security providers on every fact costs more than it. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  static String of(Fact fact) {
    try {
      byte[] json = CANONICAL.writeValueAsBytes(fact); // UTF-8, the same bytes as the string's
      byte[] digest = SHA256.get().digest(json); // digest() also resets it for the next fact
      // 128 bits are plenty to tell two contents apart and halve what every project keeps per event.
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot fingerprint fact " + fact.eventId(), e);
    }
  }

  /**
   * Whether {@code fact} is a retry of {@code stored} (the same event id): the same content as the fingerprint stored
   * with it when there is one (facts recorded before 2026-11-30), else the same canonical form as the stored fact.
   */
  static boolean sameFact(RecordedFact stored, Fact fact) {
    if (stored.fingerprint() != null) return stored.fingerprint().equals(of(fact));
    try {
      return java.util.Arrays.equals(CANONICAL.writeValueAsBytes(stored.fact()), CANONICAL.writeValueAsBytes(fact));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot compare fact " + fact.eventId(), e);
    }
  }

  /** Registration content without its envelope: a re-sent registration under a new event id is the same. */
  static boolean sameContent(Fact.Data a, Fact.Data b) {
    try {
      return CANONICAL.writeValueAsString(a).equals(CANONICAL.writeValueAsString(b));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
