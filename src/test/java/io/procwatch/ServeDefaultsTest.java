package io.procwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.procwatch.auth.Authenticator;
import io.procwatch.auth.Principal;
import io.procwatch.auth.Role;
import io.procwatch.infra.Settings;
import io.procwatch.testing.Local;
import io.procwatch.testing.MutableClock;
import io.procwatch.testing.TestService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Issue 7 §6: a fresh install without tokens serves loopback only, says so loudly, and refuses anything else. */
class ServeDefaultsTest {
  final ListAppender<ILoggingEvent> log = new ListAppender<>();
  Path dir;

  @BeforeEach
  void capture() throws Exception {
    log.start();
    root().addAppender(log);
    dir = Files.createTempDirectory("procwatch-serve");
  }

  @AfterEach
  void release() throws Exception {
    root().detachAppender(log);
    Local.deleteTree(dir);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private List<String> lines() {
    return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void withoutTokensServeRefusesToBindToEveryInterface() throws Exception {
    Path conf = dir.resolve("application.conf");
    Files.writeString(conf, "include classpath(\"application.conf\")\n"
        + "procwatch.http.host = \"0.0.0.0\"\n"
        + "procwatch.auth.tokens-file = \"" + dir.resolve("no-such-tokens.conf") + "\"\n"
        + "procwatch.db.url = \"jdbc:h2:mem:never-opened\"\n");
    int code = new CommandLine(new Main()).execute("serve", "--config", conf.toString());
    assertThat(code).isEqualTo(2);
    assertThat(lines()).anyMatch(l -> l.startsWith("Refusing to listen on 0.0.0.0 without access tokens")
        && l.contains("procwatch token") && l.contains("PROCWATCH_TOKENS_FILE"));
  }

  @Test
  void withoutTokensTheServiceRunsOpenOnLoopbackAndSaysSoLoudly() {
    try (TestService s = TestService.h2(new MutableClock())) {
      assertThat(s.get("/api/v1/projects").statusCode()).isEqualTo(200);
      assertThat(s.get("/api/v1/audit").statusCode()).isEqualTo(200);
    }
    assertThat(log.list).anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
        && e.getFormattedMessage().startsWith("NO ACCESS TOKENS") && e.getFormattedMessage().contains("WITHOUT credentials"));
  }

  @Test
  void theBindingRuleIsLoopbackOnlyWithoutTokensAndAnyAddressWithThem() throws Exception {
    Settings.Auth none = auth(dir.resolve("absent.conf"));
    Authenticator open = Authenticator.load(none, Clock.systemUTC());
    assertThat(open.open()).isTrue();
    assertThat(open.bindingRefusal("127.0.0.1")).isEmpty();
    assertThat(open.bindingRefusal("localhost")).isEmpty();
    assertThat(open.bindingRefusal("::1")).isEmpty();
    assertThat(open.bindingRefusal("0.0.0.0")).isPresent();
    assertThat(open.bindingRefusal("::")).isPresent();

    Path file = dir.resolve("tokens.conf");
    Files.writeString(file, Authenticator.newToken("p", Set.of(Role.INGEST), null, 1000).entry() + "\n");
    Authenticator closed = Authenticator.load(auth(file), Clock.systemUTC());
    assertThat(closed.open()).isFalse();
    assertThat(closed.bindingRefusal("0.0.0.0")).isEmpty();
    assertThat(closed.authenticate(null)).isEmpty();
  }

  @Test
  void theTokenCommandPrintsTheSecretOnceAndStoresOnlyItsHash() throws Exception {
    Path file = dir.resolve("conf").resolve("tokens.conf");
    String out = run("token", "--name", "wang.fang", "--role", "supervisor", "--buyer", "B-1", "--buyer", "B-2",
        "--file", file.toString());
    String token = out.lines().map(String::strip).filter(l -> l.startsWith(Authenticator.PREFIX)).findFirst().orElseThrow();
    String stored = Files.readString(file);
    // pwt_<id>_<secret>: the id is hex, the secret base64url (which may itself contain '_')
    String secret = token.substring(token.indexOf('_', Authenticator.PREFIX.length()) + 1);
    assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
    assertThat(stored).doesNotContain(token).doesNotContain(secret)
        .contains("pbkdf2-sha256$600000$").contains("name = \"wang.fang\"");
    // a second token appends to the same file
    String out2 = run("token", "--name", "platform", "--role", "ingest", "--file", file.toString());
    String token2 = out2.lines().map(String::strip).filter(l -> l.startsWith(Authenticator.PREFIX)).findFirst().orElseThrow();

    Authenticator auth = Authenticator.load(auth(file), Clock.systemUTC());
    assertThat(auth.tokenCount()).isEqualTo(2);
    Principal p = auth.authenticate(token).orElseThrow();
    assertThat(p.name()).isEqualTo("wang.fang");
    assertThat(p.roles()).containsExactly(Role.SUPERVISOR);
    assertThat(p.buyers()).containsExactlyInAnyOrder("B-1", "B-2");
    assertThat(p.mayRead("B-1")).isTrue();
    assertThat(p.mayRead("B-3")).isFalse();
    assertThat(auth.authenticate(token2).orElseThrow().roles()).containsExactly(Role.INGEST);
    assertThat(auth.authenticate(token2.substring(0, token2.length() - 1) + "#")).isEmpty();

    assertThat(new CommandLine(new Main()).execute("token", "--name", "x", "--role", "boss")).isEqualTo(2);
    assertThat(new CommandLine(new Main()).execute("token", "--name", "x", "--role", "admin", "--buyer", "B-1")).isEqualTo(2);
  }

  @Test
  void aBadTokenFileIsRefusedNamingTheEntry() throws Exception {
    Path file = dir.resolve("tokens.conf");
    Files.writeString(file, "tokens += { id = \"abcdef01\", name = \"x\", roles = [\"root\"], hash = \"pbkdf2-sha256$1000$AA$AA\" }\n");
    assertThatThrownBy(() -> Authenticator.load(auth(file), Clock.systemUTC()))
        .hasMessageContaining("tokens[0]").hasMessageContaining("unknown role 'root'");
    Files.writeString(file, "tokens += { id = \"abcdef01\", name = \"x\", roles = [\"ingest\"], hash = \"plain-text\" }\n");
    assertThatThrownBy(() -> Authenticator.load(auth(file), Clock.systemUTC())).hasMessageContaining("hash");
  }

  private static Settings.Auth auth(Path file) {
    return new Settings.Auth(file, true, 0, 1, 10, Duration.ofSeconds(30));
  }

  private static String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      assertThat(new CommandLine(new Main()).execute(args)).isZero();
    } finally {
      System.setOut(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
