package io.procwatch.alert;

/** FIRING → (ACKNOWLEDGED) → RESOLVED; a re-fire after resolve is a new alert. */
public enum AlertStatus {
  FIRING,
  ACKNOWLEDGED,
  RESOLVED
}
