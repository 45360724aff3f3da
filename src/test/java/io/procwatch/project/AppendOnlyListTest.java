package io.procwatch.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The shared-structure list behind a project's history and bids: every version stays what it was. */
class AppendOnlyListTest {

  private static final Function<String, String> FIRST_CHAR = s -> s.substring(0, 1);

  @Test
  void aVersionIsUnchangedByLaterAppendsToItsSuccessors() {
    AppendOnlyList<String> v0 = AppendOnlyList.empty();
    AppendOnlyList<String> v1 = v0.append("a");
    AppendOnlyList<String> v2 = v1.append("b");
    AppendOnlyList<String> big = v2;
    for (int i = 0; i < 100; i++) big = big.append("x" + i); // grows the shared array several times

    assertThat(v0).isEmpty();
    assertThat(v1).containsExactly("a");
    assertThat(v2).containsExactly("a", "b");
    assertThat(big).hasSize(102).startsWith("a", "b", "x0").endsWith("x99");
    assertThat(v2).isEqualTo(List.of("a", "b"));
  }

  @Test
  void appendingSomethingElseToAnOlderVersionForksWithoutTouchingTheNewer() {
    AppendOnlyList<String> base = AppendOnlyList.<String>empty().append("a");
    AppendOnlyList<String> left = base.append("b").append("c");
    AppendOnlyList<String> right = base.append("z");
    AppendOnlyList<String> rightMore = right.append("y");
    AppendOnlyList<String> leftMore = left.append("d");

    assertThat(left).containsExactly("a", "b", "c");
    assertThat(leftMore).containsExactly("a", "b", "c", "d");
    assertThat(right).containsExactly("a", "z");
    assertThat(rightMore).containsExactly("a", "z", "y");
    assertThat(base).containsExactly("a");
  }

  @Test
  void replayingWhatTheNewerVersionAlreadyHoldsGivesAnEqualList() {
    AppendOnlyList<String> before = AppendOnlyList.<String>empty().append("a");
    AppendOnlyList<String> judged = before.append("b").append("c");
    // the event handler applies the same facts to the state before the command
    AppendOnlyList<String> replayed = before.append("b").append("c");
    assertThat(replayed).isEqualTo(judged);
    // and both can still grow independently
    assertThat(replayed.append("d")).containsExactly("a", "b", "c", "d");
    assertThat(judged.append("e")).containsExactly("a", "b", "c", "e");
  }

  @Test
  void findByKeySeesOnlyTheElementsOfItsOwnVersion() {
    AppendOnlyList<String> v1 = AppendOnlyList.of(List.of("apple"), FIRST_CHAR);
    AppendOnlyList<String> v2 = v1.append("banana");
    AppendOnlyList<String> fork = v1.append("blueberry");

    assertThat(v1.findByKey("a")).isEqualTo("apple");
    assertThat(v1.findByKey("b")).isNull();
    assertThat(v2.findByKey("b")).isEqualTo("banana");
    assertThat(fork.findByKey("b")).isEqualTo("blueberry");
    assertThat(fork.findByKey("c")).isNull();
    assertThat(AppendOnlyList.of(List.of("apple"), null).findByKey("a")).isNull();
  }

  @Test
  void itCannotBeChangedFromOutside() {
    AppendOnlyList<String> v = AppendOnlyList.<String>empty().append("a");
    assertThatThrownBy(() -> v.add("b")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> v.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
