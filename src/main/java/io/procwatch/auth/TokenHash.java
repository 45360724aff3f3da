package io.procwatch.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Token hashes as stored in {@code conf/tokens.conf}: {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}
 * (salt and hash in base64), PBKDF2-HMAC-SHA256 from the JDK, a 16-byte random salt per token, compared in
 * constant time. The iteration count travels with the hash, so it can be raised for new tokens without
 * invalidating old ones.
 */
public final class TokenHash {
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; each token pays it once per process (then it is cached). */
  public static final int DEFAULT_ITERATIONS = 600_000;
  private static final String SCHEME = "pbkdf2-sha256";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int KEY_BITS = 256;

  private TokenHash() {}

  public static String hash(String secret, int iterations) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return SCHEME + "$" + iterations + "$" + b64(salt) + "$" + b64(derive(secret, salt, iterations));
  }

  /** Whether {@code secret} matches {@code stored}; a malformed stored value never matches. */
  public static boolean verify(String secret, String stored) {
    Parsed p = parse(stored);
    return MessageDigest.isEqual(derive(secret, p.salt, p.iterations), p.hash);
  }

  /** Checks the shape when the token file is loaded, so a typo is refused at start, not at first use. */
  public static void validate(String stored) {
    parse(stored);
  }

  private record Parsed(int iterations, byte[] salt, byte[] hash) {}

  private static Parsed parse(String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException("not a " + SCHEME + "$<iterations>$<salt>$<hash> value");
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      if (iterations < 1000) throw new IllegalArgumentException("fewer than 1000 iterations");
      return new Parsed(iterations, Base64.getDecoder().decode(parts[2]), Base64.getDecoder().decode(parts[3]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("iterations is not a number");
    }
  }

  private static byte[] derive(String secret, byte[] salt, int iterations) {
    try {
      KeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, KEY_BITS);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().withoutPadding().encodeToString(b);
  }
}
