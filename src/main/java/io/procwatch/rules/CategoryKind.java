package io.procwatch.rules;

/**
 * The three kinds of procurement object (domain.md §2 {@code categoryKind}). Thresholds differ per kind, so every
 * threshold lookup takes one.
 */
public enum CategoryKind {
  GOODS,
  SERVICES,
  WORKS
}
