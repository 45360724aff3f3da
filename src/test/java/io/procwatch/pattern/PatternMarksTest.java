package io.procwatch.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procwatch.pattern.PatternGroupTest.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checker deletes exactly the marks ({@code xp_dirty}) it read, as ranges of consecutive ids: a mark whose id lies
 * between two it read (written by a transaction that committed after the read) is kept for the next cycle.
 */
class PatternMarksTest {

  @Test
  void idsBecomeRunsOfConsecutiveOnes() {
    assertThat(PatternChecker.runs(List.of())).isEmpty();
    assertThat(PatternChecker.runs(List.of(7L))).containsExactly(new long[] {7, 7});
    assertThat(PatternChecker.runs(List.of(1L, 2L, 3L, 5L, 6L, 9L)))
        .containsExactly(new long[] {1, 3}, new long[] {5, 6}, new long[] {9, 9});
    assertThat(PatternChecker.runs(List.of(4L, 10L, 11L))).containsExactly(new long[] {4, 4}, new long[] {10, 11});
    assertThatThrownBy(() -> PatternChecker.runs(List.of(3L, 2L))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PatternChecker.runs(List.of(3L, 3L))).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void onlyTheMarksReadAreDeleted(String vendor) throws Exception {
    try (Db db = Db.open(vendor); Connection c = db.db.dataSource().getConnection()) {
      c.setAutoCommit(true);
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) ids.add(mark(c, "supplier@S" + i));
      // what a cycle read: all but every 500th mark, as if those had committed after the read
      List<Long> read = new ArrayList<>();
      List<Long> later = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) (i % 500 == 250 ? later : read).add(ids.get(i));
      long after = mark(c, "buyer@B"); // and one beyond the last read

      PatternChecker.deleteMarks(c, read);
      PatternChecker.deleteMarks(c, List.of());

      List<Long> left = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement("SELECT id FROM xp_dirty ORDER BY id"); ResultSet rs = q.executeQuery()) {
        while (rs.next()) left.add(rs.getLong(1));
      }
      List<Long> expected = new ArrayList<>(later);
      expected.add(after);
      assertThat(left).isEqualTo(expected);
    }
  }

  @Test
  void ownersPackIntoRowsAndBackWhateverTheyHold() {
    List<String> owners = new ArrayList<>();
    owners.add("buyer@B1");
    owners.add("supplier@12:34");              // a colon and digits, as the encoding uses
    owners.add("supplier@line\nbreak\u001f\u001e"); // control characters an identifier may carry
    owners.add("buyeryear@2026\u001f0101\u001fB\u00e9\ud83d\ude00"); // non-ASCII, a surrogate pair
    owners.add("project@");
    for (int i = 0; i < 200; i++) owners.add("supplier@S" + i);
    owners.add("buyeryear@" + "x".repeat(690)); // as long as a mark may be (V10: 700)
    List<String> rows = Marks.pack(owners);
    assertThat(rows).hasSizeGreaterThan(1).allSatisfy(r -> assertThat(r.length()).isLessThanOrEqualTo(Marks.MAX_CHARS));
    List<String> back = new ArrayList<>();
    for (String r : rows) back.addAll(Marks.unpack(r));
    assertThat(back).isEqualTo(owners);
    assertThat(Marks.pack(List.of())).isEmpty();
    assertThat(Marks.unpack("")).isEmpty();
    assertThatThrownBy(() -> Marks.unpack("5:abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Marks.unpack("buyer@B")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Marks.pack(List.of("y".repeat(Marks.MAX_CHARS)))).isInstanceOf(IllegalArgumentException.class);
  }

  /** A checker reads marks of both shapes: one owner a row (written before V15) and a group's owners packed. */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void legacyAndPackedMarksAreReadTogether(String vendor) throws Exception {
    try (Db db = Db.open(vendor); Connection c = db.db.dataSource().getConnection()) {
      c.setAutoCommit(true);
      long legacy = mark(c, "supplier@S1");
      List<String> group = new ArrayList<>();
      for (int i = 0; i < 100; i++) group.add("supplier@S" + i); // S1 again among them
      group.add("buyer@B");
      List<Long> expected = new ArrayList<>(List.of(legacy));
      for (String packed : Marks.pack(group)) expected.add(packed(c, packed));
      List<Long> ids = new ArrayList<>();
      java.util.Set<String> owners = new java.util.LinkedHashSet<>();
      PatternChecker.readMarks(c, ids, owners);
      assertThat(ids).isEqualTo(expected);
      java.util.Set<String> inOrder = new java.util.LinkedHashSet<>(List.of("supplier@S1")); // the legacy row first
      inOrder.addAll(group); // then the group's, S1 not again
      assertThat(owners).containsExactlyElementsOf(inOrder);
    }
  }

  private static long packed(Connection c, String owners) throws Exception {
    return insert(c, "INSERT INTO xp_dirty (owners) VALUES (?)", owners);
  }

  private static long mark(Connection c, String owner) throws Exception {
    return insert(c, "INSERT INTO xp_dirty (owner) VALUES (?)", owner);
  }

  private static long insert(Connection c, String sql, String value) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
      ps.setString(1, value);
      ps.executeUpdate();
      try (ResultSet rs = ps.getGeneratedKeys()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
