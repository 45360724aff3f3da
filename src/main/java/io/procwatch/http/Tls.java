package io.procwatch.http;

import io.procwatch.infra.Settings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/** The HTTPS context of {@code procwatch.http.tls}: the server's key and certificate from a keystore. */
final class Tls {
  private Tls() {}

  static HttpsConnectionContext context(Settings.Tls tls) {
    if (tls.keystore().isBlank()) {
      throw new IllegalStateException("procwatch.http.tls.enabled is on but procwatch.http.tls.keystore"
          + " (PROCWATCH_TLS_KEYSTORE) is not set");
    }
    Path file = Path.of(tls.keystore());
    char[] password = tls.keystorePassword().toCharArray();
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance(tls.keystoreType());
      ks.load(in, password);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), null, new java.security.SecureRandom());
      return ConnectionContext.httpsServer(ssl);
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the TLS keystore " + file.toAbsolutePath() + " ("
          + tls.keystoreType() + "): " + e.getMessage(), e);
    }
  }
}
