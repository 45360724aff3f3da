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

  private static long mark(Connection c, String owner) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO xp_dirty (owner) VALUES (?)", new String[] {"id"})) {
      ps.setString(1, owner);
      ps.executeUpdate();
      try (ResultSet rs = ps.getGeneratedKeys()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
