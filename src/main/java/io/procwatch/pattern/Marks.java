package io.procwatch.pattern;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The owners one projection group marks for the checker, packed into a few rows of {@code xp_dirty} (V15) instead of a
 * row per owner. A bulk load marked about three owners per project (its buyer's year and category, its supplier, its
 * buyer), each mark a row inserted by the projection and deleted by the checker: as many rows as the journal itself
 * wrote, half of the pattern tables' row writes (docs/performance.md). A row holds the owners of one group, so the
 * row commits with the group and is deleted, like a single mark before, only after all its owners were checked.
 *
 * <p>Encoding: each owner as its length in UTF-16 code units, a colon, and the owner itself — no character of an
 * identifier needs escaping (identifiers may hold any character but are at most a few hundred long). A row stays
 * below {@link #MAX_CHARS}, so that PostgreSQL stores it inline, uncompressed. Rows written before V15 carry one
 * owner, unencoded, in the old {@code owner} column.
 */
final class Marks {
  /** The most characters of one packed row (the column is VARCHAR(2000); PostgreSQL compresses a row above ~2 kB). */
  static final int MAX_CHARS = 1500;

  private Marks() {}

  /** The owners, in their order, as few strings as fit {@link #MAX_CHARS} each (an owner is never split). */
  static List<String> pack(Collection<String> owners) {
    List<String> rows = new ArrayList<>();
    StringBuilder row = new StringBuilder();
    for (String owner : owners) {
      String encoded = owner.length() + ":" + owner;
      if (encoded.length() > MAX_CHARS) throw new IllegalArgumentException("owner longer than " + MAX_CHARS + ": " + owner);
      if (row.length() + encoded.length() > MAX_CHARS) {
        rows.add(row.toString());
        row.setLength(0);
      }
      row.append(encoded);
    }
    if (row.length() > 0) rows.add(row.toString());
    return rows;
  }

  /** The owners of one packed row, in order. */
  static List<String> unpack(String packed) {
    List<String> owners = new ArrayList<>();
    int i = 0;
    while (i < packed.length()) {
      int colon = packed.indexOf(':', i);
      if (colon <= i) throw new IllegalArgumentException("not a packed mark at " + i + ": " + packed);
      int n = Integer.parseInt(packed, i, colon, 10);
      int end = colon + 1 + n;
      if (n < 0 || end > packed.length()) throw new IllegalArgumentException("not a packed mark at " + i + ": " + packed);
      owners.add(packed.substring(colon + 1, end));
      i = end;
    }
    return owners;
  }
}
