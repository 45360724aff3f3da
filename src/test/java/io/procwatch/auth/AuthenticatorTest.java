package io.procwatch.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.infra.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The token check without HTTP: the slow hash is paid once per token, wrong tokens included. */
class AuthenticatorTest {
  @Test
  void aTokenIsHashedOnceThenServedFromTheCacheAndAWrongOneCostsOneHash() throws Exception {
    Path dir = Files.createTempDirectory("procwatch-authn");
    try {
      Authenticator.NewToken a = Authenticator.newToken("a", Set.of(Role.SUPERVISOR), List.of("B-1"), 1000);
      Authenticator.NewToken b = Authenticator.newToken("b", Set.of(Role.INGEST), null, 1000);
      Path file = dir.resolve("tokens.conf");
      Files.writeString(file, a.entry() + "\n" + b.entry() + "\n");
      Authenticator auth = Authenticator.load(new Settings.Auth(file, true, 0, 1, 1, Duration.ofSeconds(30)), Clock.systemUTC());

      for (int i = 0; i < 100; i++) assertThat(auth.authenticate(a.token())).map(Principal::name).hasValue("a");
      assertThat(auth.slowChecks()).isEqualTo(1);
      String wrong = a.token().substring(0, a.token().length() - 4) + "AAAA";
      for (int i = 0; i < 100; i++) assertThat(auth.authenticate(wrong)).isEmpty();
      assertThat(auth.slowChecks()).isEqualTo(2);
      // an id that no entry has costs no hash at all
      assertThat(auth.authenticate(Authenticator.PREFIX + "deadbeef_xyz")).isEmpty();
      assertThat(auth.authenticate("Basic Zm9vOmJhcg==")).isEmpty();
      assertThat(auth.slowChecks()).isEqualTo(2);
      // a token of one entry never passes as another's
      assertThat(auth.authenticate(b.token())).map(Principal::roles).hasValue(Set.of(Role.INGEST));
      assertThat(auth.slowChecks()).isEqualTo(3);
    } finally {
      io.procwatch.testing.Local.deleteTree(dir);
    }
  }

  @Test
  void theHashIsSaltedAndVerifiesOnlyItsOwnSecret() {
    String h1 = TokenHash.hash("secret", 1000);
    String h2 = TokenHash.hash("secret", 1000);
    assertThat(h1).isNotEqualTo(h2).startsWith("pbkdf2-sha256$1000$");
    assertThat(TokenHash.verify("secret", h1)).isTrue();
    assertThat(TokenHash.verify("secret", h2)).isTrue();
    assertThat(TokenHash.verify("secreT", h1)).isFalse();
  }

  @Test
  void theBuyerScopeBecomesSql() {
    Principal scoped = new Principal("s", Set.of(Role.SUPERVISOR), Set.of("B-2", "B-1"));
    List<Object> args = new java.util.ArrayList<>();
    assertThat(scoped.sqlScope("buyer", args)).isEqualTo(" AND buyer IN (?, ?)");
    assertThat(args).containsExactly("B-1", "B-2");
    assertThat(Principal.LOCAL.sqlScope("buyer", new java.util.ArrayList<>())).isEmpty();
    assertThat(new Principal("n", Set.of(Role.SUPERVISOR), Set.of()).sqlScope("buyer", args)).isEqualTo(" AND 1 = 0");
    assertThat(scoped.mayRead(null)).isFalse();
    assertThat(Principal.LOCAL.mayRead(null)).isTrue();
  }

  /** A feed ticket works once, and only until its time to live has passed (on the authenticator's clock). */
  @Test
  void aTicketWorksOnceAndOnlyWithinItsTimeToLive() {
    java.time.Instant t0 = java.time.Instant.parse("2026-03-02T01:00:00Z");
    io.procwatch.testing.MutableClock clock = new io.procwatch.testing.MutableClock().setNow(t0);
    Authenticator auth = Authenticator.load(new Settings.Auth(null, true, 0, 1, 1, Duration.ofSeconds(30)), clock);
    Principal sup = new Principal("sup", Set.of(Role.SUPERVISOR), Set.of("B-1"));

    String once = auth.issueTicket(sup);
    clock.setNow(t0.plusSeconds(29)); // (the clock ticks on from what it is set to)
    assertThat(auth.redeemTicket(once)).hasValue(sup);
    assertThat(auth.redeemTicket(once)).as("used once").isEmpty();

    String late = auth.issueTicket(sup);
    clock.setNow(t0.plusSeconds(29 + 31));
    assertThat(auth.redeemTicket(late)).as("a second past its 30 s").isEmpty();
    assertThat(auth.redeemTicket("never-issued")).isEmpty();
    assertThat(auth.redeemTicket(null)).isEmpty();
  }
}

