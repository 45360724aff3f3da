package io.procwatch.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.procwatch.infra.Settings;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a bearer token (or a one-time feed ticket) into a {@link Principal}.
 *
 * <p><b>Tokens</b> look like {@code pwt_<id>_<secret>}: {@code id} picks the entry of
 * {@code conf/tokens.conf} (so a wrong token costs at most one slow hash, never one per entry), and the whole
 * token is checked against the entry's PBKDF2 hash ({@link TokenHash}). A verified token is remembered by an
 * HMAC-SHA256 of it under a key that lives only in this process, so each request does not pay the slow hash;
 * failures are remembered the same way (bounded), so that hammering with one wrong token costs one hash.
 * Token values are never logged or kept in clear: only the entry's name and id appear in the log.
 *
 * <p><b>Open mode.</b> Without a token file the service runs for local use: every request is
 * {@link Principal#LOCAL} (admin, every buyer). {@link #checkBinding} refuses that on anything but a loopback
 * address, and the start-up log says so loudly.
 *
 * <p><b>Tickets</b> are for browsers, whose WebSocket API cannot set an {@code Authorization} header: an
 * authenticated {@code POST /api/v1/alerts/stream/ticket} gets a random one-time ticket valid for
 * {@code procwatch.auth.ticket-ttl}, used once as {@code ?ticket=} on the feed.
 */
public final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_REMEMBERED_FAILURES = 10_000;
  public static final String PREFIX = "pwt_";

  /** One line of the token file. */
  public record Entry(String id, String name, Set<Role> roles, Set<String> buyers, String hash) {}

  private record Ticket(Principal principal, Instant expires) {}

  private final Map<String, Entry> entries;
  private final Clock clock;
  private final Settings.Auth settings;
  private final SecretKeySpec cacheKey;
  private final Map<String, Principal> verified = new ConcurrentHashMap<>();
  private final Set<String> failed = ConcurrentHashMap.newKeySet();
  private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
  private final RateLimiter ingestLimiter;
  private final java.util.concurrent.atomic.AtomicLong slowChecks = new java.util.concurrent.atomic.AtomicLong();

  Authenticator(List<Entry> entries, Settings.Auth settings, Clock clock) {
    Map<String, Entry> byId = new HashMap<>();
    for (Entry e : entries) {
      if (byId.put(e.id(), e) != null) throw new IllegalArgumentException("token id " + e.id() + " appears twice");
    }
    this.entries = Map.copyOf(byId);
    this.settings = settings;
    this.clock = clock;
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    this.ingestLimiter = new RateLimiter(settings.ingestRate(), settings.ingestBurst(), clock);
  }

  /** Reads the token file named by {@code procwatch.auth.tokens-file}; no file means open (local) mode. */
  public static Authenticator load(Settings.Auth settings, Clock clock) {
    Path file = settings.tokensFile();
    if (file == null || !Files.isRegularFile(file)) return new Authenticator(List.of(), settings, clock);
    return new Authenticator(parse(file), settings, clock);
  }

  static List<Entry> parse(Path file) {
    Config c;
    try {
      c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage(), e);
    }
    if (!c.hasPath("tokens")) return List.of();
    List<Entry> out = new java.util.ArrayList<>();
    int i = 0;
    for (Config t : c.getConfigList("tokens")) {
      String where = file + ", tokens[" + i++ + "]";
      try {
        String id = t.getString("id");
        if (!id.matches("[0-9a-f]{8,32}")) throw new IllegalArgumentException("id: 8 to 32 lowercase hex digits");
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : t.getStringList("roles")) roles.add(Role.parse(r));
        if (roles.isEmpty()) throw new IllegalArgumentException("roles: at least one of ingest, supervisor, admin");
        Set<String> buyers = null;
        if (t.hasPath("buyers")) {
          List<String> list = t.getStringList("buyers");
          if (!list.contains("*")) buyers = new HashSet<>(list);
        }
        if (roles.contains(Role.ADMIN) && buyers != null) {
          throw new IllegalArgumentException("buyers: an admin sees every buyer; leave buyers out or use [\"*\"]");
        }
        String hash = t.getString("hash");
        TokenHash.validate(hash);
        out.add(new Entry(id, t.getString("name"), roles, buyers, hash));
      } catch (ConfigException | IllegalArgumentException e) {
        throw new IllegalArgumentException("bad token entry (" + where + "): " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** True when no token is configured: everyone is {@link Principal#LOCAL}. */
  public boolean open() {
    return entries.isEmpty();
  }

  public int tokenCount() {
    return entries.size();
  }

  public Settings.Auth settings() {
    return settings;
  }

  public RateLimiter ingestLimiter() {
    return ingestLimiter;
  }

  /**
   * Refuses to serve without tokens on anything but loopback, and says loudly that it is open.
   *
   * @throws IllegalStateException with the message for the operator
   */
  public void checkBinding(String host) {
    if (!open()) {
      log.info("Authentication: {} token(s) from {}", entries.size(), settings.tokensFile());
      return;
    }
    bindingRefusal(host).ifPresent(message -> {
      throw new IllegalStateException(message);
    });
    log.warn("**************************************************************************************");
    log.warn("NO ACCESS TOKENS ({} not found): every request is served as admin, WITHOUT credentials.",
        settings.tokensFile());
    log.warn("This is for local use only; the HTTP API is bound to the loopback address {}.", host);
    log.warn("Create tokens with `procwatch token --name NAME --role ROLE` before exposing the service.");
    log.warn("**************************************************************************************");
  }

  /** Why the service must not serve on {@code host}, if it must not: open mode on a non-loopback address. */
  public java.util.Optional<String> bindingRefusal(String host) {
    if (!open() || isLoopback(host)) return java.util.Optional.empty();
    return java.util.Optional.of("Refusing to listen on " + host + " without access tokens: anyone who can reach"
        + " it could read every buyer's alerts and submit facts. Create tokens with `procwatch token --name NAME"
        + " --role ROLE --file " + settings.tokensFile() + "` (or point PROCWATCH_TOKENS_FILE at a token file),"
        + " or bind to 127.0.0.1.");
  }

  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** The principal of a bearer token, or empty when it is not one of ours. */
  public Optional<Principal> authenticate(String token) {
    if (open()) return Optional.of(Principal.LOCAL);
    if (token == null || !token.startsWith(PREFIX)) return Optional.empty();
    String key = digest(token);
    Principal known = verified.get(key);
    if (known != null) return Optional.of(known);
    if (failed.contains(key)) return Optional.empty();
    int cut = token.indexOf('_', PREFIX.length());
    Entry entry = cut < 0 ? null : entries.get(token.substring(PREFIX.length(), cut));
    if (entry != null) slowChecks.incrementAndGet();
    if (entry != null && TokenHash.verify(token, entry.hash())) {
      Principal p = new Principal(entry.name(), entry.roles(), entry.buyers());
      verified.put(key, p);
      return Optional.of(p);
    }
    if (failed.size() >= MAX_REMEMBERED_FAILURES) failed.clear();
    failed.add(key);
    log.warn("Rejected a bearer token ({})", entry == null ? "unknown token id" : "wrong secret for token " + entry.name());
    return Optional.empty();
  }

  /** How many tokens were checked against their PBKDF2 hash (the rest came from the cache or had no entry). */
  long slowChecks() {
    return slowChecks.get();
  }

  /** A one-time ticket for the feed, valid for {@code ticket-ttl}. */
  public String issueTicket(Principal p) {
    Instant now = clock.instant();
    tickets.values().removeIf(t -> t.expires().isBefore(now));
    String ticket = random(24);
    tickets.put(digest(ticket), new Ticket(p, now.plus(settings.ticketTtl())));
    return ticket;
  }

  /** The principal a ticket was issued to; a ticket works once and only before it expires. */
  public Optional<Principal> redeemTicket(String ticket) {
    if (ticket == null) return Optional.empty();
    Ticket t = tickets.remove(digest(ticket));
    if (t == null || t.expires().isBefore(clock.instant())) return Optional.empty();
    return Optional.of(t.principal());
  }

  /** A new token and the entry to put in the token file; the secret exists only in the return value. */
  public record NewToken(String token, String entry) {}

  public static NewToken newToken(String name, Set<Role> roles, List<String> buyers, int iterations) {
    byte[] idBytes = new byte[4];
    RANDOM.nextBytes(idBytes);
    String id = java.util.HexFormat.of().formatHex(idBytes);
    String token = PREFIX + id + "_" + random(32);
    StringBuilder e = new StringBuilder("tokens += { id = \"").append(id).append("\", name = ")
        .append(ConfigQuote.quote(name)).append(", roles = [");
    e.append(String.join(", ", roles.stream().map(r -> "\"" + r.label() + "\"").toList())).append("]");
    if (buyers != null && !buyers.isEmpty()) {
      e.append(", buyers = [").append(String.join(", ", buyers.stream().map(ConfigQuote::quote).toList())).append("]");
    }
    e.append(", hash = \"").append(TokenHash.hash(token, iterations)).append("\" }");
    return new NewToken(token, e.toString());
  }

  /** One Mac per thread: looking up and keying a Mac per request costs more than the HMAC itself. */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(cacheKey);
      return mac;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String digest(String value) {
    return Base64.getEncoder().encodeToString(macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** HOCON string quoting for names and buyer ids in generated entries. */
  static final class ConfigQuote {
    static String quote(String s) {
      return com.typesafe.config.ConfigValueFactory.fromAnyRef(s).render(com.typesafe.config.ConfigRenderOptions.concise());
    }
  }
}
