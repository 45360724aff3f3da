package io.procwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procwatch.calendar.WorkCalendar;
import io.procwatch.sim.Generator;
import io.procwatch.sim.History;
import java.time.LocalDate;
import java.util.ArrayList;
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

  private static String line(String project, String eventId, String type) {
    return "{\"eventId\":\"" + eventId + "\",\"projectId\":\"" + project + "\",\"type\":\"" + type
        + "\",\"occurredAt\":\"2025-03-02T10:00:00+08:00\"}";
  }
}
