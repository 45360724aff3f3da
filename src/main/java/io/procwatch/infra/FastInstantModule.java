package io.procwatch.infra;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;

/**
 * Reads the {@code Instant}s of stored events and snapshots ({@code pekko.serialization.jackson.jackson-modules} in
 * {@code conf/pekko.conf}) without a {@code DateTimeFormatter}: they are written as ISO-8601 text in UTC
 * ({@code 2025-03-03T07:22:00Z}, {@code ...:00.123456Z}: {@code Instant.toString()}), and parsing that text was a third
 * of the CPU time of decoding a journal row (JFR of a bulk load: {@code InstantDeserializer._fromString} 33% of
 * {@code PekkoSerialization.fromRow}). The stored format does not change; this only reads it faster.
 *
 * <p>Exactly that shape is parsed here: four-digit year, {@code T}, seconds, an optional fraction of 1-9 digits, and
 * {@code Z}. Anything else (another offset, a year beyond 9999, a leap second, a number, an invalid date) goes to
 * Jackson's own {@link InstantDeserializer}, so what is accepted, and the Instant it gives, are Jackson's.
 */
public final class FastInstantModule extends SimpleModule {

  public FastInstantModule() {
    super("procwatch-fast-instant");
    addDeserializer(Instant.class, new Deserializer());
  }

  static final class Deserializer extends StdScalarDeserializer<Instant> {
    private final InstantDeserializer<Instant> jackson = InstantDeserializer.INSTANT;

    Deserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.hasToken(JsonToken.VALUE_STRING)) {
        Instant fast = parse(p.getText());
        if (fast != null) return fast;
      }
      return jackson.deserialize(p, ctxt);
    }
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} as an Instant, or null when {@code s} is not exactly that. */
  static Instant parse(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z') return null;
    return local(s, n - 1, 0);
  }

  /**
   * The ingest's {@code occurredAt} ({@link java.time.OffsetDateTime#parse}, ISO-8601 with an offset) read the same
   * way: {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]} then {@code Z} or {@code +HH:MM} / {@code -HH:MM} (below 18 hours, not
   * {@code -00:00}), as the Instant {@code OffsetDateTime.parse(s).toInstant()} gives; null for anything else (no
   * seconds, lower-case letters, an offset with seconds, an invalid date...), which the caller hands to
   * {@code OffsetDateTime.parse} — so what is accepted, and the error for what is not, stay the JDK's. The formatter
   * was a quarter of the cost of parsing a bulk line.
   */
  public static Instant parseWithOffset(String s) {
    int n = s.length();
    if (n < 20 || n > 35) return null;
    if (s.charAt(n - 1) == 'Z') return local(s, n - 1, 0);
    int at = n - 6;
    char sign = s.charAt(at);
    if ((sign != '+' && sign != '-') || s.charAt(at + 3) != ':') return null;
    int hours = digits(s, at + 1, 2);
    int minutes = digits(s, at + 4, 2);
    if (hours < 0 || hours > 17 || minutes < 0 || minutes > 59) return null;
    int offset = hours * 3_600 + minutes * 60;
    if (sign == '-' && offset == 0) return null;
    return local(s, at, sign == '+' ? offset : -offset);
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]} in {@code s[0, end)}, at {@code offsetSeconds} east of UTC, as an Instant;
   * null when it is not exactly that or not a valid date and time.
   */
  private static Instant local(String s, int end, int offsetSeconds) {
    if (end < 19 || end > 29 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month) || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (end > 19) {
      int fraction = end - 20; // between '.' and the end
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) return null;
      nanos = digits(s, 20, fraction);
      if (nanos < 0) return null;
      for (int i = fraction; i < 9; i++) nanos *= 10;
    }
    long epochDay = epochDay(year, month, day);
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second - offsetSeconds, nanos);
  }

  /** The non-negative number of {@code len} decimal digits at {@code from}, or -1. */
  private static int digits(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a valid proleptic Gregorian date (the algorithm of {@code LocalDate.toEpochDay}). */
  private static long epochDay(int year, int month, int day) {
    long y = year;
    long total = 365 * y;
    if (y >= 0) total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    else total -= y / -4 - y / -100 + y / -400;
    total += (367L * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total--;
      boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
      if (!leap) total--;
    }
    return total - 719_528L; // days from year 0 to 1970
  }
}
