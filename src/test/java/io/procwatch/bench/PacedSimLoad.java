package io.procwatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The background load of {@code bench/alert-latency}: a history written by {@code procwatch simulate --out}, handed
 * out one event at a time for single-event POSTs, so that a paced open-loop driver keeps each project's events in
 * their order and never has two events of one project in flight.
 *
 * <p>Why one in flight per project: the service judges a project's events in arrival order, so two concurrent POSTs
 * of one project could arrive swapped and be judged out of sequence (an SQ01 the history never planted). With one in
 * flight, event k+1 of a project is only handed out after the 202 of event k.
 *
 * <p>How events are picked: {@code active} projects are open at once (in the history's order). Each tick takes one
 * of the open projects that has no event in flight, at random (seeded), so consecutive requests come from different
 * projects at different stages — the mix of event types of a live year, not one project at a time. (A round robin
 * would keep the projects in lockstep: a burst of registrations, then one of approvals, and so on.) A project that
 * has sent its last event is replaced by the next one of the history. When every open project has an event in
 * flight (the service answers slower than {@code active} / rate), one more project is opened rather than waiting:
 * the load stays open-loop, and {@link #extraOpened()} says how often that happened.
 *
 * <p><b>Business-time order</b> ({@link #timeOrdered}, for a service on the data clock, {@code serve --clock data}):
 * every event of the history in order of its {@code occurredAt} (precisely: of the latest occurredAt of its project
 * up to it; ties: the project's first appearance, then its position in the project); each tick takes the earliest unsent event whose project has nothing in flight and which
 * is that project's next event, looking at most {@code lookahead} events past the earliest unsent one (as
 * {@code bench/ingest/replay.lua} does). So the service's data time follows the history, never runs more than the
 * look-ahead ahead of an event still to send, and each project still sends its events in order, one in flight.
 * When every event within the look-ahead belongs to a busy project the tick gets nothing ({@link #take()} is null
 * while {@link #exhausted()} is false) and is counted in {@link #stalls()}. The driver then waits for an answer to
 * free a project ({@link #takeWaiting}: the next answer usually frees one within milliseconds) and sends late, so
 * the rate it offers holds; a tick that finds nothing even after the longest wait is skipped and counted in
 * {@link #skipped()} (it lowers the rate sent, and can make the run INVALID: reported, not hidden).
 *
 * <p>How far out of business-time order: an event is sent at most {@code lookahead} events past the earliest unsent
 * one, and (with a lead bound) dated at most that much business time after it; {@link #maxLeadMicros()} is the largest business-time lead that actually occurred (the sent event's time minus
 * the earliest unsent event's), so a run can say how much later than its own time an event was judged at most.
 *
 * <p>Thread-safety: {@link #take()} (the pacing thread) and {@link #answered} (HTTP completion threads) synchronize
 * on this object; at a few thousand events per second that costs nothing measurable.
 */
final class PacedSimLoad {
  private static final Pattern PROJECT_ID = Pattern.compile("\"projectId\":\"([^\"]+)\"");
  private static final Pattern EVENT_ID = Pattern.compile("\"eventId\":\"([^\"]+)\"");
  private static final Pattern TYPE = Pattern.compile("\"type\":\"([A-Za-z]+)\"");

  /** One project of the history: its event lines in order, and how far it has got. */
  static final class Project {
    final String id;
    final List<String> lines;
    private int next;
    private boolean inFlight;

    Project(String id, List<String> lines) {
      this.id = id;
      this.lines = lines;
    }
  }

  /**
   * An event handed out for sending; give it back to {@link #answered} once its answer (any answer) is in.
   *
   * @param index its position in its project (0 = the project's first event)
   */
  record Next(Project project, int index, String json) {
    String projectId() {
      return project.id;
    }

    String type() {
      Matcher m = TYPE.matcher(json);
      return m.find() ? m.group(1) : "?";
    }

    String eventId() {
      Matcher m = EVENT_ID.matcher(json);
      return m.find() ? m.group(1) : "?";
    }
  }

  private final List<Project> projects;
  /** Business-time order only: every event, sorted; which are handed out; the earliest not handed out. */
  private final Entry[] order;
  private final boolean[] taken;
  private final int lookahead;
  /** Business-time bound of the look-ahead (µs past the earliest unsent event), Long.MAX_VALUE for none. */
  private final long leadBoundMicros;
  private int head;
  private long stalls;
  private long skipped;
  private long waitedNanos;
  private long maxLeadMicros;
  /** Largest occurredAt (epoch µs) handed out so far (business-time order), or Long.MIN_VALUE. */
  private long dataMicros = Long.MIN_VALUE;

  private record Entry(Project project, int index, long micros) {}

  /** Open projects with no event in flight; picked at random, removed by swapping with the last. */
  private final List<Project> ready = new ArrayList<>();
  private final Random random;
  private int opened;
  private int finished;
  private long extraOpened;
  private long handedOut;

  PacedSimLoad(List<Project> projects, int active, long seed) {
    if (active < 1) throw new IllegalArgumentException("active must be at least 1");
    this.projects = projects;
    this.random = new Random(seed);
    this.order = null;
    this.taken = null;
    this.lookahead = 0;
    this.leadBoundMicros = Long.MAX_VALUE;
    for (int i = 0; i < active && opened < projects.size(); i++) ready.add(projects.get(opened++));
  }

  private PacedSimLoad(List<Project> projects, long leadBoundMicros, int lookahead) {
    if (lookahead < 1) throw new IllegalArgumentException("lookahead must be at least 1");
    if (leadBoundMicros < 0) throw new IllegalArgumentException("lead bound must not be negative");
    this.projects = projects;
    this.random = null;
    this.lookahead = lookahead;
    this.leadBoundMicros = leadBoundMicros;
    List<Entry> all = new ArrayList<>();
    for (Project p : projects) {
      // keyed by the latest business time of the project so far: a project's events then keep their order in the
      // sort even where the history dates one before its predecessor (an out-of-order report), so a project's next
      // event never lies behind a later one of its own beyond the look-ahead (which would stall for good); and the
      // key is the data time the service has once the event is in
      long key = Long.MIN_VALUE;
      for (int i = 0; i < p.lines.size(); i++) {
        key = Math.max(key, Attribution.micros(SimLoad.occurredAt(p.lines.get(i))));
        all.add(new Entry(p, i, key));
      }
    }
    Map<Project, Integer> rank = new java.util.IdentityHashMap<>();
    for (int i = 0; i < projects.size(); i++) rank.put(projects.get(i), i);
    all.sort(java.util.Comparator.comparingLong(Entry::micros).thenComparingInt(e -> rank.get(e.project()))
        .thenComparingInt(Entry::index));
    this.order = all.toArray(new Entry[0]);
    this.taken = new boolean[order.length];
    this.opened = projects.size();
  }

  /** The history in business-time order (see the class comment), for a service on the data clock. */
  static PacedSimLoad timeOrdered(List<Project> projects, int lookahead) {
    return new PacedSimLoad(projects, Long.MAX_VALUE, lookahead);
  }

  /**
   * As {@link #timeOrdered(List, int)}, and never an event dated more than {@code leadBound} (business time) after the
   * earliest unsent one: the bound on how much later than its own time an event can be judged, whatever the
   * history's density (a count alone spans days early in a sparse year).
   */
  static PacedSimLoad timeOrdered(List<Project> projects, int lookahead, java.time.Duration leadBound) {
    return new PacedSimLoad(projects, leadBound.toNanos() / 1000, lookahead);
  }

  boolean isTimeOrdered() {
    return order != null;
  }

  /** Reads an NDJSON history; each project's lines keep their order (they need not be consecutive in the file). */
  static List<Project> read(Path file) throws IOException {
    return group(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static List<Project> group(List<String> lines) {
    Map<String, List<String>> byProject = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.isBlank()) continue;
      Matcher m = PROJECT_ID.matcher(line);
      if (!m.find()) throw new IllegalArgumentException("history line without projectId: " + abbreviate(line));
      byProject.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(line);
    }
    List<Project> out = new ArrayList<>(byProject.size());
    byProject.forEach((id, l) -> out.add(new Project(id, List.copyOf(l))));
    return out;
  }

  /**
   * The next event to send, or null: the history is used up ({@link #exhausted()}), or (business-time order) every
   * event within the look-ahead belongs to a project with an event in flight (a stall).
   */
  synchronized Next take() {
    if (order != null) return takeInTimeOrder();
    Project p = null;
    if (!ready.isEmpty()) {
      int i = random.nextInt(ready.size());
      p = ready.get(i);
      ready.set(i, ready.get(ready.size() - 1));
      ready.remove(ready.size() - 1);
    }
    if (p == null) {
      if (opened >= projects.size()) return null;
      p = projects.get(opened++);
      extraOpened++;
    }
    p.inFlight = true;
    handedOut++;
    return new Next(p, p.next, p.lines.get(p.next));
  }

  private Next takeInTimeOrder() {
    return takeInTimeOrder(true);
  }

  private Next takeInTimeOrder(boolean countStall) {
    while (head < order.length && taken[head]) head++;
    int to = (int) Math.min(order.length, (long) head + lookahead);
    long bound = head < order.length && leadBoundMicros != Long.MAX_VALUE ? order[head].micros() + leadBoundMicros
        : Long.MAX_VALUE;
    for (int k = head; k < to; k++) {
      if (taken[k]) continue;
      Entry e = order[k];
      if (e.micros() > bound) break; // sorted by business time: everything further is beyond the bound too
      Project p = e.project();
      if (p.inFlight || p.next != e.index()) continue;
      taken[k] = true;
      p.inFlight = true;
      handedOut++;
      dataMicros = Math.max(dataMicros, e.micros());
      // the lead over the earliest unsent event: how much later than its own time that one will be judged at most
      maxLeadMicros = Math.max(maxLeadMicros, e.micros() - order[head].micros());
      return new Next(p, e.index(), p.lines.get(e.index()));
    }
    if (countStall && head < order.length) stalls++;
    return null;
  }

  /** The answer to {@code n} is in: its project may send its next event (or makes room for a new project). */
  synchronized void answered(Next n) {
    Project p = n.project();
    if (!p.inFlight || p.next != n.index()) throw new IllegalStateException("answer for an event not in flight: " + n.json());
    p.inFlight = false;
    p.next++;
    notifyAll(); // a driver waiting in takeWaiting: this project's next event may go now
    if (order != null) {
      if (p.next >= p.lines.size()) finished++;
      return;
    }
    if (p.next < p.lines.size()) {
      ready.add(p);
    } else {
      finished++;
      if (opened < projects.size()) ready.add(projects.get(opened++));
    }
  }

  /**
   * {@link #take()}, but when it finds nothing while the history is not used up (a stall: every event within the
   * look-ahead on a busy project), waits up to {@code maxWaitNanos} for answers to free a project and tries again.
   * Null when the history is used up, or when nothing could go within the wait (counted in {@link #skipped()}).
   * The time spent waiting is summed in {@link #waitedNanos()}.
   */
  synchronized Next takeWaiting(long maxWaitNanos) throws InterruptedException {
    Next n = take();
    if (n != null || exhausted()) return n;
    long t0 = System.nanoTime();
    long until = t0 + maxWaitNanos;
    try {
      for (long left = maxWaitNanos; left > 0; left = until - System.nanoTime()) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
        n = order != null ? takeInTimeOrder(false) : take();
        if (n != null || exhausted()) return n;
      }
      skipped++;
      return null;
    } finally {
      waitedNanos += System.nanoTime() - t0;
    }
  }

  /** Nothing left to hand out: every event handed out (time order) or every project opened (random pick). */
  synchronized boolean exhausted() {
    if (order != null) {
      while (head < order.length && taken[head]) head++;
      return head >= order.length;
    }
    return opened >= projects.size() && ready.isEmpty();
  }

  /** Ticks that found every event within the look-ahead on a busy project (business-time order only). */
  synchronized long stalls() {
    return stalls;
  }

  /** Stalled ticks that found nothing to send even after {@link #takeWaiting}'s wait: skipped. */
  synchronized long skipped() {
    return skipped;
  }

  /** Time spent in {@link #takeWaiting} waiting for an answer to free a project, in ns. */
  synchronized long waitedNanos() {
    return waitedNanos;
  }

  /**
   * The largest business-time lead of an event handed out over the earliest event not handed out at that moment
   * (µs; business-time order), 0 before any: how far the replay went out of business-time order.
   */
  synchronized long maxLeadMicros() {
    return maxLeadMicros;
  }

  /**
   * The latest business time handed out so far (epoch µs; business-time order), or {@code Long.MIN_VALUE} before the
   * first event: the service's data time once those events are in, so a probe dated at it does not move data time.
   */
  synchronized long dataMicros() {
    return dataMicros;
  }

  /** The earliest business time of the history (epoch µs), or {@code Long.MIN_VALUE} when it is empty. */
  long firstMicros() {
    if (order != null) return order.length == 0 ? Long.MIN_VALUE : order[0].micros();
    long first = Long.MAX_VALUE;
    for (Project p : projects) for (String l : p.lines) first = Math.min(first, Attribution.micros(SimLoad.occurredAt(l)));
    return first == Long.MAX_VALUE ? Long.MIN_VALUE : first;
  }

  synchronized long handedOut() {
    return handedOut;
  }

  /** Projects opened because every open project had an event in flight at a tick. */
  synchronized long extraOpened() {
    return extraOpened;
  }

  synchronized int opened() {
    return opened;
  }

  synchronized int finished() {
    return finished;
  }

  int projects() {
    return projects.size();
  }

  long events() {
    return projects.stream().mapToLong(p -> p.lines.size()).sum();
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
