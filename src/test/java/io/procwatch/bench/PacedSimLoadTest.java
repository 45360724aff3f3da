package io.procwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procwatch.calendar.WorkCalendar;
import io.procwatch.sim.Generator;
import io.procwatch.sim.History;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The alert-latency benchmark's background load: the simulator's history, one event in flight per project, in order. */
class PacedSimLoadTest {

  static List<String> historyLines(int projects) {
    History h = Generator.generate(Generator.Options.bureau(7, LocalDate.of(2025, 1, 1)).withProjects(projects),
        WorkCalendar.fromClasspath());
    return h.events().stream().map(History.Event::json).toList();
  }

  @Test
  void underConcurrentAnswersInAnyOrderEachProjectSendsItsEventsInOrderWithOneInFlight() throws Exception {
    List<String> lines = historyLines(120);
    List<PacedSimLoad.Project> projects = PacedSimLoad.group(lines);
    PacedSimLoad load = new PacedSimLoad(projects, 20, 1);
    Map<String, List<String>> sentByProject = new ConcurrentHashMap<>();
    Set<String> inFlight = ConcurrentHashMap.newKeySet();
    List<String> violations = new ArrayList<>();
    AtomicInteger answered = new AtomicInteger();
    ScheduledExecutorService service = Executors.newScheduledThreadPool(8);
    try {
      // the "service": answers each event after a random delay, from several threads, so answers overtake each other
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (answered.get() < lines.size() && System.nanoTime() < deadline) {
        PacedSimLoad.Next n = load.take();
        if (n == null) {
          Thread.sleep(1);
          continue;
        }
        if (!inFlight.add(n.projectId())) {
          synchronized (violations) {
            violations.add("two in flight for " + n.projectId());
          }
        }
        sentByProject.computeIfAbsent(n.projectId(), k -> new ArrayList<>()).add(n.json());
        service.schedule(() -> {
          inFlight.remove(n.projectId());
          load.answered(n);
          answered.incrementAndGet();
        }, ThreadLocalRandom.current().nextInt(0, 3000), TimeUnit.MICROSECONDS);
      }
      service.shutdown();
      assertThat(service.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      service.shutdownNow();
    }
    assertThat(violations).isEmpty();
    // every event sent exactly once, and each project's in the history's order
    Map<String, List<String>> expected = new HashMap<>();
    for (PacedSimLoad.Project p : projects) expected.put(p.id, p.lines);
    assertThat(sentByProject).isEqualTo(expected);
    assertThat(load.handedOut()).isEqualTo(lines.size());
    assertThat(load.finished()).isEqualTo(projects.size());
    assertThat(load.take()).as("the history is used up").isNull();
  }

  @Test
  void whenEveryOpenProjectIsInFlightAnotherIsOpenedRatherThanWaiting() {
    PacedSimLoad load = new PacedSimLoad(PacedSimLoad.group(historyLines(10)), 2, 1);
    PacedSimLoad.Next a = load.take();
    PacedSimLoad.Next b = load.take();
    PacedSimLoad.Next c = load.take();
    assertThat(List.of(a.projectId(), b.projectId(), c.projectId())).doesNotHaveDuplicates();
    assertThat(List.of(a.index(), b.index(), c.index())).containsOnly(0);
    assertThat(a.type()).isEqualTo("ProjectRegistered");
    assertThat(load.extraOpened()).isEqualTo(1);
    assertThat(load.opened()).isEqualTo(3);
  }

  @Test
  void aFinishedProjectMakesRoomForTheNextOfTheHistory() {
    List<String> lines = List.of(
        line("A", "A-1", "ProjectRegistered"),
        line("B", "B-1", "ProjectRegistered"), line("B", "B-2", "RequirementApproved"),
        line("C", "C-1", "ProjectRegistered"));
    PacedSimLoad load = new PacedSimLoad(PacedSimLoad.group(lines), 1, 1);
    PacedSimLoad.Next first = load.take();
    assertThat(first.eventId()).isEqualTo("A-1");
    load.answered(first);
    assertThat(load.finished()).isEqualTo(1);
    PacedSimLoad.Next second = load.take();
    assertThat(second.eventId()).isEqualTo("B-1");
    load.answered(second);
    assertThat(load.take().eventId()).as("B is open and not in flight; C waits for a free place").isEqualTo("B-2");
    assertThat(load.extraOpened()).isZero();
  }

  @Test
  void linesOfAProjectNeedNotBeConsecutiveButKeepTheirOrder() {
    List<String> lines = List.of(
        line("A", "A-1", "ProjectRegistered"), line("B", "B-1", "ProjectRegistered"),
        line("A", "A-2", "RequirementApproved"), line("B", "B-2", "RequirementApproved"), "",
        line("A", "A-3", "MethodApproved"));
    List<PacedSimLoad.Project> projects = PacedSimLoad.group(lines);
    assertThat(projects).extracting(p -> p.id).containsExactly("A", "B");
    assertThat(projects.get(0).lines).containsExactly(lines.get(0), lines.get(2), lines.get(5));
    assertThat(projects.get(1).lines).containsExactly(lines.get(1), lines.get(3));
    assertThatThrownBy(() -> PacedSimLoad.group(List.of("{\"eventId\":\"x\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("projectId");
  }

  @Test
  void anAnswerForAnEventNotInFlightIsABugInTheDriver() {
    PacedSimLoad load = new PacedSimLoad(PacedSimLoad.group(List.of(line("A", "A-1", "ProjectRegistered"), line("A", "A-2", "Delivered"))), 1, 1);
    PacedSimLoad.Next n = load.take();
    load.answered(n);
    assertThatThrownBy(() -> load.answered(n)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void projectsLeaveLockstepSoTheTypesMix() {
    // 200 open projects of the bureau's year: after the first few thousand picks, a window of 200 consecutive
    // events holds several types (a round robin would send 200 registrations, then 200 approvals, ...)
    PacedSimLoad load = new PacedSimLoad(PacedSimLoad.group(historyLines(1500)), 200, 1);
    for (int i = 0; i < 3000; i++) load.answered(load.take());
    Set<String> types = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      PacedSimLoad.Next n = load.take();
      types.add(n.type());
      load.answered(n);
    }
    assertThat(types).hasSizeGreaterThanOrEqualTo(6);
  }

  // ---- business-time order (the data clock) ------------------------------------------------------------------

  @Test
  void timeOrderUnderConcurrentAnswersKeepsEachProjectsOrderOneInFlightEveryEventOnce() throws Exception {
    List<String> lines = historyLines(150);
    List<PacedSimLoad.Project> projects = PacedSimLoad.group(lines);
    PacedSimLoad load = PacedSimLoad.timeOrdered(projects, 64);
    Map<String, List<String>> sentByProject = new ConcurrentHashMap<>();
    Set<String> inFlight = ConcurrentHashMap.newKeySet();
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    List<Long> handedOutAt = new ArrayList<>();
    Map<String, Long> latest = new HashMap<>();
    AtomicInteger answered = new AtomicInteger();
    ScheduledExecutorService service = Executors.newScheduledThreadPool(8);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (answered.get() < lines.size() && System.nanoTime() < deadline) {
        PacedSimLoad.Next n = load.take();
        if (n == null) {
          Thread.sleep(0, 200_000);
          continue;
        }
        if (!inFlight.add(n.projectId())) violations.add("two in flight for " + n.projectId());
        sentByProject.computeIfAbsent(n.projectId(), k -> new ArrayList<>()).add(n.json());
        // the order's key: the latest business time of the project so far (what data time is once the event is in)
        handedOutAt.add(latest.merge(n.projectId(), Attribution.micros(SimLoad.occurredAt(n.json())), Math::max));
        service.schedule(() -> {
          inFlight.remove(n.projectId());
          load.answered(n);
          answered.incrementAndGet();
        }, ThreadLocalRandom.current().nextInt(0, 2000), TimeUnit.MICROSECONDS);
      }
      service.shutdown();
      assertThat(service.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      service.shutdownNow();
    }
    assertThat(violations).isEmpty();
    Map<String, List<String>> expected = new HashMap<>();
    for (PacedSimLoad.Project p : projects) expected.put(p.id, p.lines);
    assertThat(sentByProject).isEqualTo(expected);
    assertThat(load.handedOut()).isEqualTo(lines.size());
    assertThat(load.finished()).isEqualTo(projects.size());
    assertThat(load.take()).isNull();
    assertThat(load.exhausted()).isTrue();
    // business-time order, up to the look-ahead: no event goes out before one more than 64 places earlier in time
    List<Long> sorted = new ArrayList<>(handedOutAt);
    Collections.sort(sorted);
    for (int k = 0; k < handedOutAt.size(); k++) {
      assertThat(handedOutAt.get(k)).as("event %d", k).isLessThanOrEqualTo(sorted.get(Math.min(sorted.size() - 1, k + 64)));
    }
    assertThat(load.dataMicros()).isEqualTo(sorted.get(sorted.size() - 1));
    assertThat(load.firstMicros()).isEqualTo(sorted.get(0));
  }

  @Test
  void timeOrderAnsweredAtOnceIsExactlyTheHistorysBusinessTimeOrder() {
    List<String> lines = List.of(
        at("A", "A-1", "ProjectRegistered", "2025-03-02T09:00:00+08:00"),
        at("A", "A-2", "RequirementApproved", "2025-03-05T10:00:00+08:00"),
        at("B", "B-1", "ProjectRegistered", "2025-03-01T09:00:00+08:00"),
        at("B", "B-2", "RequirementApproved", "2025-03-03T09:00:00+08:00"),
        at("C", "C-1", "ProjectRegistered", "2025-03-02T09:00:00+08:00"));
    PacedSimLoad load = PacedSimLoad.timeOrdered(PacedSimLoad.group(lines), 1024);
    List<String> order = new ArrayList<>();
    for (PacedSimLoad.Next n; (n = load.take()) != null; ) {
      order.add(n.eventId());
      assertThat(Attribution.micros(SimLoad.occurredAt(n.json()))).isEqualTo(load.dataMicros());
      load.answered(n);
    }
    // ties (A-1, C-1 at the same instant): the project's first appearance in the history
    assertThat(order).containsExactly("B-1", "A-1", "C-1", "B-2", "A-2");
    assertThat(load.stalls()).isZero();
  }

  @Test
  void timeOrderSkipsABusyProjectWithinTheLookAheadAndStallsBeyondIt() {
    List<String> lines = List.of(
        at("A", "A-1", "ProjectRegistered", "2025-03-01T09:00:00+08:00"),
        at("A", "A-2", "RequirementApproved", "2025-03-02T09:00:00+08:00"),
        at("B", "B-1", "ProjectRegistered", "2025-03-03T09:00:00+08:00"));
    PacedSimLoad wide = PacedSimLoad.timeOrdered(PacedSimLoad.group(lines), 2);
    PacedSimLoad.Next a1 = wide.take();
    assertThat(a1.eventId()).isEqualTo("A-1");
    assertThat(wide.take().eventId()).as("A-2 waits for A-1's answer; B-1 is within the look-ahead").isEqualTo("B-1");
    assertThat(wide.take()).as("A-2 still waits").isNull();
    assertThat(wide.exhausted()).isFalse();
    assertThat(wide.stalls()).isEqualTo(1);
    wide.answered(a1);
    assertThat(wide.take().eventId()).isEqualTo("A-2");

    PacedSimLoad narrow = PacedSimLoad.timeOrdered(PacedSimLoad.group(lines), 1);
    PacedSimLoad.Next first = narrow.take();
    assertThat(narrow.take()).as("B-1 is beyond a look-ahead of 1 past A-2, the earliest unsent").isNull();
    assertThat(narrow.stalls()).isEqualTo(1);
    narrow.answered(first);
    assertThat(narrow.take().eventId()).isEqualTo("A-2");
  }

  @Test
  void aStalledTakeWaitsForTheAnswerThatFreesAProjectInsteadOfSkippingTheTick() throws Exception {
    List<String> lines = List.of(
        at("A", "A-1", "ProjectRegistered", "2025-03-01T09:00:00+08:00"),
        at("A", "A-2", "RequirementApproved", "2025-03-02T09:00:00+08:00"));
    PacedSimLoad load = PacedSimLoad.timeOrdered(PacedSimLoad.group(lines), 16);
    PacedSimLoad.Next a1 = load.takeWaiting(0);
    assertThat(a1.eventId()).isEqualTo("A-1");
    ScheduledExecutorService service = Executors.newSingleThreadScheduledExecutor();
    try {
      // the answer to A-1 comes while the driver waits: A-2 goes then, within the same tick
      service.schedule(() -> load.answered(a1), 50, TimeUnit.MILLISECONDS);
      PacedSimLoad.Next a2 = load.takeWaiting(TimeUnit.SECONDS.toNanos(30));
      assertThat(a2).isNotNull();
      assertThat(a2.eventId()).isEqualTo("A-2");
    } finally {
      service.shutdownNow();
    }
    assertThat(load.stalls()).as("the tick found A-2's project busy").isEqualTo(1);
    assertThat(load.skipped()).isZero();
    assertThat(load.waitedNanos()).isPositive();
  }

  @Test
  void aStalledTakeWithNoAnswerWithinTheWaitIsSkippedAndCounted() throws Exception {
    List<String> lines = List.of(
        at("A", "A-1", "ProjectRegistered", "2025-03-01T09:00:00+08:00"),
        at("A", "A-2", "RequirementApproved", "2025-03-02T09:00:00+08:00"));
    PacedSimLoad load = PacedSimLoad.timeOrdered(PacedSimLoad.group(lines), 16);
    PacedSimLoad.Next a1 = load.takeWaiting(0);
    assertThat(load.takeWaiting(TimeUnit.MILLISECONDS.toNanos(20))).isNull();
    assertThat(load.exhausted()).isFalse();
    assertThat(load.stalls()).isEqualTo(1);
    assertThat(load.skipped()).isEqualTo(1);
    load.answered(a1);
    assertThat(load.takeWaiting(0).eventId()).isEqualTo("A-2");
    assertThat(load.takeWaiting(TimeUnit.SECONDS.toNanos(30))).as("used up: no wait").isNull();
    assertThat(load.exhausted()).isTrue();
    assertThat(load.skipped()).isEqualTo(1);
  }

  @Test
  void theLargestBusinessTimeLeadOverTheEarliestUnsentEventIsReported() {
    // A-2 waits for A-1's answer; B-1, five hours after A-2, goes ahead of it: a lead of 5 h over the earliest unsent
    List<String> lines = List.of(
        at("A", "A-1", "ProjectRegistered", "2025-03-01T09:00:00+08:00"),
        at("A", "A-2", "RequirementApproved", "2025-03-01T10:00:00+08:00"),
        at("B", "B-1", "ProjectRegistered", "2025-03-01T15:00:00+08:00"));
    PacedSimLoad load = PacedSimLoad.timeOrdered(PacedSimLoad.group(lines), 16);
    PacedSimLoad.Next a1 = load.take();
    assertThat(load.maxLeadMicros()).as("in order so far").isZero();
    assertThat(load.take().eventId()).isEqualTo("B-1");
    assertThat(load.maxLeadMicros()).isEqualTo(TimeUnit.HOURS.toMicros(5));
    load.answered(a1);
    assertThat(load.take().eventId()).isEqualTo("A-2");
    assertThat(load.maxLeadMicros()).isEqualTo(TimeUnit.HOURS.toMicros(5));
  }

  @Test
  void aBusinessTimeBoundKeepsEventsTooFarAheadOfTheEarliestUnsentOneBack() {
    List<String> lines = List.of(
        at("A", "A-1", "ProjectRegistered", "2025-03-01T09:00:00+08:00"),
        at("A", "A-2", "RequirementApproved", "2025-03-01T10:00:00+08:00"),
        at("B", "B-1", "ProjectRegistered", "2025-03-01T10:30:00+08:00"),
        at("C", "C-1", "ProjectRegistered", "2025-03-01T12:00:00+08:00"));
    PacedSimLoad load = PacedSimLoad.timeOrdered(PacedSimLoad.group(lines), 16, java.time.Duration.ofHours(1));
    PacedSimLoad.Next a1 = load.take();
    assertThat(load.take().eventId()).as("30 min after A-2, the earliest unsent").isEqualTo("B-1");
    assertThat(load.take()).as("C-1 is 2 h after A-2: beyond the bound, although within the count").isNull();
    assertThat(load.stalls()).isEqualTo(1);
    load.answered(a1);
    assertThat(load.take().eventId()).isEqualTo("A-2");
    assertThat(load.take().eventId()).as("the earliest unsent is now C-1 itself").isEqualTo("C-1");
    assertThat(load.maxLeadMicros()).isEqualTo(TimeUnit.MINUTES.toMicros(30));
  }

  @Test
  void timeOrderKeepsAProjectsOrderEvenWhenItsBusinessTimesDoNot() {
    // A-2 is dated before A-1 (a backfill in the history): it is still sent after A-1's answer, never before
    List<String> lines = List.of(
        at("A", "A-1", "ProjectRegistered", "2025-03-05T09:00:00+08:00"),
        at("A", "A-2", "RequirementApproved", "2025-03-01T09:00:00+08:00"));
    PacedSimLoad load = PacedSimLoad.timeOrdered(PacedSimLoad.group(lines), 16);
    PacedSimLoad.Next first = load.take();
    assertThat(first.eventId()).isEqualTo("A-1");
    assertThat(load.take()).isNull();
    load.answered(first);
    assertThat(load.take().eventId()).isEqualTo("A-2");
  }

  private static String at(String project, String eventId, String type, String occurredAt) {
    return "{\"eventId\":\"" + eventId + "\",\"projectId\":\"" + project + "\",\"type\":\"" + type
        + "\",\"occurredAt\":\"" + occurredAt + "\"}";
  }

  private static String line(String project, String eventId, String type) {
    return "{\"eventId\":\"" + eventId + "\",\"projectId\":\"" + project + "\",\"type\":\"" + type
        + "\",\"occurredAt\":\"2025-03-02T10:00:00+08:00\"}";
  }
}
