package io.procwatch.rules;

/** 品目 kind of a procurement (domain.md §2); thresholds differ for works (§4). */
public enum CategoryKind {
  GOODS,
  SERVICES,
  WORKS
}
