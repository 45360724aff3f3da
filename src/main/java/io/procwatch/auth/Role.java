package io.procwatch.auth;

import java.util.Locale;

/**
 * What a token may do. {@code INGEST}: submit facts only (the procurement platform). {@code SUPERVISOR}: read
 * projects and alerts and acknowledge/resolve alerts, within its buyer scope. {@code ADMIN}: everything, every
 * buyer, plus the audit trail.
 */
public enum Role {
  INGEST,
  SUPERVISOR,
  ADMIN;

  /** {@code ingest}, {@code supervisor}, {@code admin} as written in {@code conf/tokens.conf}. */
  public static Role parse(String s) {
    try {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown role '" + s + "' (one of ingest, supervisor, admin)");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
