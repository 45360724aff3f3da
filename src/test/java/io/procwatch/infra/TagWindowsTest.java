package io.procwatch.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link TagWindows} answers exactly what the database would, and reads from it only what no window holds. The
 * "database" here is a journal in memory: rows by ordering, each with its tag, answered as the read journal's page
 * query answers ({@code (after, upTo]} of one tag, by ordering, at most {@code limit}); the settled bound
 * {@code upTo} only ever moves up, and rows are written only above it, as the journal sequence guarantees.
 */
class TagWindowsTest {

  /** A journal in memory and the page query over it, counting its reads. */
  static final class Journal implements TagWindows.Loader<String> {
    record Entry(long ordering, String tag, int bytes) {}

    final List<Entry> entries = new ArrayList<>();
    int reads;
    long lastAfter = -1;

    /** A journal of rows 1..count, all of {@code tag}, of {@code bytes} each. */
    static Journal of(int count, String tag, int bytes) {
      Journal db = new Journal();
      for (long o = 1; o <= count; o++) db.write(o, tag, bytes);
      return db;
    }

    synchronized void write(long ordering, String tag, int bytes) {
      entries.add(new Entry(ordering, tag, bytes));
    }

    @Override
    public synchronized List<TagWindows.Row<String>> load(String tag, long after, long upTo, int limit) {
      reads++;
      lastAfter = after;
      return expected(tag, after, upTo, limit);
    }

    synchronized List<TagWindows.Row<String>> expected(String tag, long after, long upTo, int limit) {
      List<TagWindows.Row<String>> out = new ArrayList<>();
      for (Entry e : entries) {
        if (out.size() == limit) break;
        if (e.tag().equals(tag) && e.ordering() > after && e.ordering() <= upTo) {
          out.add(new TagWindows.Row<>(e.ordering(), e.bytes(), e.tag() + "#" + e.ordering()));
        }
      }
      return out;
    }
  }

  private static List<Long> orderings(List<TagWindows.Row<String>> rows) {
    return rows.stream().map(TagWindows.Row::ordering).toList();
  }

  @Test
  void theSecondReaderOfAPageIsAnsweredFromTheWindow() throws Exception {
    Journal db = new Journal();
    for (long o = 1; o <= 20; o++) db.write(o, o % 2 == 0 ? "project-0" : "project-1", 100);
    TagWindows<String> windows = new TagWindows<>(1 << 20);

    // the listing reads project-0 up to the settled 12: from the database
    assertThat(orderings(windows.page("project-0", 0, 12, 100, db))).containsExactly(2L, 4L, 6L, 8L, 10L, 12L);
    assertThat(db.reads).isEqualTo(1);
    // the patterns, the same page a moment later: no read, and the very same values
    List<TagWindows.Row<String>> second = windows.page("project-0", 0, 12, 100, db);
    assertThat(orderings(second)).containsExactly(2L, 4L, 6L, 8L, 10L, 12L);
    assertThat(db.reads).isEqualTo(1);
    assertThat(windows.shared()).as("rows answered from the window").isEqualTo(6);
    assertThat(windows.queried()).as("rows answered from the database").isEqualTo(6);
    assertThat(windows.bytes()).isEqualTo(600);

    // the bound has moved to 20: the listing continues from 12 and reads only (12, 20]
    assertThat(orderings(windows.page("project-0", 12, 20, 100, db))).containsExactly(14L, 16L, 18L, 20L);
    assertThat(db.reads).isEqualTo(2);
    assertThat(db.lastAfter).isEqualTo(12);
    // the patterns, still at 6 with a page of 3: from the window, no read
    assertThat(orderings(windows.page("project-0", 6, 20, 3, db))).containsExactly(8L, 10L, 12L);
    // and at 12 with a bound it has not seen yet (24): the window's rows, then (20, 24] from the database
    db.write(21, "project-1", 100);
    db.write(22, "project-0", 100);
    db.write(23, "project-0", 100);
    assertThat(orderings(windows.page("project-0", 12, 23, 100, db))).containsExactly(14L, 16L, 18L, 20L, 22L, 23L);
    assertThat(db.reads).isEqualTo(3);
    assertThat(db.lastAfter).as("only what lies beyond the window").isEqualTo(20);
    // another tag has a window of its own
    assertThat(orderings(windows.page("project-1", 0, 23, 100, db))).hasSize(11);
    assertThat(db.reads).isEqualTo(4);
  }

  @Test
  void aPageCutByItsLimitIsKnownCompleteOnlyUpToItsLastRow() throws Exception {
    Journal db = Journal.of(10, "t", 10);
    TagWindows<String> windows = new TagWindows<>(1 << 20);
    assertThat(orderings(windows.page("t", 0, 10, 4, db))).containsExactly(1L, 2L, 3L, 4L);
    // the window ends at 4, not at the bound 10: a reader asking for more gets 5.. from the database
    assertThat(orderings(windows.page("t", 0, 10, 6, db))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(db.reads).isEqualTo(2);
    assertThat(db.lastAfter).isEqualTo(4);
  }

  @Test
  void oldRowsLeaveTheWindowBeyondItsBytesAndAReaderBehindReadsTheDatabase() throws Exception {
    Journal db = Journal.of(10, "t", 100);
    TagWindows<String> windows = new TagWindows<>(350); // three rows and a half
    assertThat(orderings(windows.page("t", 0, 10, 100, db))).hasSize(10);
    assertThat(db.reads).isEqualTo(1);
    assertThat(windows.bytes()).as("the three newest rows").isEqualTo(300);
    // the window kept 8, 9, 10 (lo = 7): a reader at 7 is answered from it, a reader at 5 from the database
    assertThat(orderings(windows.page("t", 7, 10, 100, db))).containsExactly(8L, 9L, 10L);
    assertThat(db.reads).isEqualTo(1);
    assertThat(orderings(windows.page("t", 5, 10, 100, db))).containsExactly(6L, 7L, 8L, 9L, 10L);
    assertThat(db.reads).isEqualTo(2);
    // which did not disturb the window of the readers ahead
    db.write(11, "t", 100);
    assertThat(orderings(windows.page("t", 8, 11, 100, db))).containsExactly(9L, 10L, 11L);
    assertThat(db.reads).isEqualTo(3);
    assertThat(db.lastAfter).isEqualTo(10);
  }

  @Test
  void aReaderAheadOfTheWindowStartsANewOne() throws Exception {
    Journal db = Journal.of(30, "t", 10);
    TagWindows<String> windows = new TagWindows<>(1 << 20);
    windows.page("t", 0, 10, 100, db);
    assertThat(windows.bytes()).isEqualTo(100);
    assertThat(orderings(windows.page("t", 20, 30, 100, db))).hasSize(10); // a gap (10, 20]: not known, read
    assertThat(windows.bytes()).as("the old window's rows are let go").isEqualTo(100);
    assertThat(orderings(windows.page("t", 25, 30, 100, db))).containsExactly(26L, 27L, 28L, 29L, 30L);
    assertThat(db.reads).isEqualTo(2);
    assertThat(orderings(windows.page("t", 5, 30, 100, db))).as("behind the new window: the database").hasSize(25);
    assertThat(db.reads).isEqualTo(3);
  }

  @Test
  void offReadsTheDatabaseForEveryPage() throws Exception {
    Journal db = new Journal();
    db.write(1, "t", 10);
    TagWindows<String> windows = new TagWindows<>(0);
    windows.page("t", 0, 1, 100, db);
    windows.page("t", 0, 1, 100, db);
    assertThat(db.reads).isEqualTo(2);
    assertThat(windows.page("t", 1, 1, 100, db)).as("an empty range is not read").isEmpty();
    assertThat(db.reads).isEqualTo(2);
  }

  /**
   * Several readers of several tags, each at its own pace with its own page size, while rows are written and the
   * settled bound moves up; each reader's answer is what the database holds, and the readers of one tag share reads.
   */
  @Test
  void readersAtTheirOwnPaceGetExactlyTheDatabasesRows() throws Exception {
    for (long seed = 1; seed <= 40; seed++) {
      Random random = new Random(seed);
      Journal db = new Journal();
      int maxBytes = 200 + random.nextInt(3000);
      TagWindows<String> windows = new TagWindows<>(maxBytes);
      String[] tags = {"project-0", "project-1", "alerts"};
      long written = 0;
      long settled = 0;
      long[] offsets = new long[6]; // two readers a tag
      int[] limits = new int[offsets.length];
      for (int i = 0; i < limits.length; i++) limits[i] = 1 + random.nextInt(12);
      long rows = 0;
      for (int step = 0; step < 400; step++) {
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          written++;
          db.write(written, tags[random.nextInt(tags.length)], 1 + random.nextInt(120));
        }
        if (random.nextInt(3) == 0) settled = written - random.nextInt((int) Math.min(3, written - settled) + 1);
        int reader = random.nextInt(offsets.length);
        String tag = tags[reader / 2];
        if (random.nextInt(50) == 0) offsets[reader] = Math.max(0, offsets[reader] - random.nextInt(30)); // a restart
        List<TagWindows.Row<String>> expected = db.expected(tag, offsets[reader], settled, limits[reader]);
        List<TagWindows.Row<String>> got = windows.page(tag, offsets[reader], settled, limits[reader], db);
        rows += got.size();
        assertThat(got).as("seed %d step %d", seed, step).isEqualTo(expected);
        if (!got.isEmpty()) offsets[reader] = got.get(got.size() - 1).ordering();
        else if (settled > offsets[reader]) offsets[reader] = settled;
      }
      assertThat(windows.shared() + windows.queried()).isEqualTo(rows);
      assertThat(windows.shared()).as("seed %d: rows answered from a window", seed).isPositive();
      assertThat(windows.bytes()).as("seed %d: bytes held", seed).isLessThanOrEqualTo(tags.length * maxBytes);
    }
  }

  /** Two readers of one tag asking at the same moment: one reads the page, the other waits for it and reads nothing. */
  @Test
  void concurrentReadersOfATagShareOneRead() throws Exception {
    Journal db = Journal.of(100, "t", 10);
    for (int round = 0; round < 20; round++) {
      TagWindows<String> windows = new TagWindows<>(1 << 20);
      int before = db.reads;
      CyclicBarrier start = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<List<TagWindows.Row<String>>>> answers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          answers.add(pool.submit(() -> {
            start.await();
            return windows.page("t", 0, 100, 500, db);
          }));
        }
        for (var a : answers) assertThat(a.get()).hasSize(100);
      } finally {
        pool.shutdownNow();
      }
      assertThat(db.reads - before).isEqualTo(1);
    }
  }
}
