package io.procwatch.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.procwatch.Guardian;
import io.procwatch.infra.AppConfig;
import io.procwatch.infra.Database;
import io.procwatch.infra.Settings;
import io.procwatch.testing.Local;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code procwatch.http.tls}: the whole service on HTTPS with a keystore made by the JDK's keytool, asked by a
 * real HTTPS client that trusts that certificate; a client that does not trust it is refused.
 */
class TlsTest {
  @Test
  void theServiceServesHttpsFromAConfiguredKeystore() throws Exception {
    Path dir = Files.createTempDirectory("procwatch-tls");
    Path keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "procwatch", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", "s3cret-pw", "-keypass", "s3cret-pw")
        .redirectErrorStream(true).start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(out).isZero();

    int port = Local.freePort();
    Map<String, Object> m = new HashMap<>();
    m.put("procwatch.http.port", port);
    m.put("procwatch.http.host", "127.0.0.1");
    m.put("procwatch.http.tls.enabled", true);
    m.put("procwatch.http.tls.keystore", keystore.toString());
    m.put("procwatch.http.tls.keystore-password", "s3cret-pw");
    m.put("procwatch.auth.tokens-file", "");
    m.put("procwatch.db.url", "jdbc:h2:mem:procwatch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    m.put("pekko.remote.artery.canonical.port", 0);
    m.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    Config config = AppConfig.withDatabase(ConfigFactory.parseMap(m).withFallback(AppConfig.load(null)));
    Settings settings = Settings.from(config);
    assertThat(settings.tls().toString()).doesNotContain("s3cret-pw");
    Database db = Database.open(settings.db());
    db.migrate();
    ActorSystem<Void> system = ActorSystem.create(Guardian.create(settings, db, Clock.systemUTC()), "procwatch-tls", config);
    try {
      HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore, "s3cret-pw"))
          .connectTimeout(Duration.ofSeconds(5)).build();
      URI ready = URI.create("https://127.0.0.1:" + port + "/health/ready");
      HttpResponse<String> r = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> trusting.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()),
              resp -> resp.statusCode() == 200);
      assertThat(r.sslSession()).isPresent();
      assertThat(r.uri().getScheme()).isEqualTo("https");

      // the JDK's default trust store does not know this self-signed certificate
      HttpClient stranger = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(() -> stranger.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
      // and plain HTTP on the HTTPS port gets no HTTP answer
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      db.close();
      Local.deleteTree(dir);
    }
  }

  @Test
  void aMissingKeystoreIsAClearError() {
    Settings.Tls tls = new Settings.Tls(true, "/nonexistent/server.p12", "x", "PKCS12");
    assertThatThrownBy(() -> Tls.context(tls)).hasMessageContaining("cannot load the TLS keystore")
        .hasMessageContaining("/nonexistent/server.p12");
    assertThatThrownBy(() -> Tls.context(new Settings.Tls(true, "", "", "PKCS12")))
        .hasMessageContaining("PROCWATCH_TLS_KEYSTORE");
  }

  private static SSLContext trusting(Path keystore, String password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, password.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }
}
