package io.procwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procwatch.calendar.WorkCalendar;
import io.procwatch.sim.Generator;
import io.procwatch.sim.History;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator's history as bench/ingest's load: projects read whole, split disjointly, batched in order. */
class SimLoadTest {
  static History history;
  static List<String> lines;

  @BeforeAll
  static void generate() {
    history = Generator.generate(Generator.Options.bureau(7, LocalDate.of(2025, 1, 1)).withProjects(400),
        WorkCalendar.fromClasspath());
    lines = history.events().stream().map(History.Event::json).toList();
  }

  static List<SimLoad.Project> projects() {
    return SimLoad.read(lines.iterator(), Instant.MAX).projects();
  }

  /** Every line of the file, in the file's order, taken back out of the given projects or batches. */
  static List<String> linesOf(List<SimLoad.Project> projects) {
    List<String> out = new ArrayList<>();
    for (SimLoad.Project p : projects) out.addAll(p.lines());
    return out;
  }

  @Test
  void readsEveryProjectWholeWithItsEventsInTheFilesOrder() {
    List<SimLoad.Project> projects = projects();

    assertThat(projects).hasSize(history.projects());
    assertThat(projects).extracting(SimLoad.Project::id).containsExactlyElementsOf(history.projectIds());
    assertThat(linesOf(projects)).containsExactlyElementsOf(lines);
    for (SimLoad.Project p : projects) {
      assertThat(p.lines()).allSatisfy(l -> assertThat(SimLoad.projectId(l)).isEqualTo(p.id()));
      assertThat(p.lines().get(0)).contains("\"type\":\"ProjectRegistered\"");
    }
  }

  @Test
  void refusesAFileWhoseProjectsAreInterleaved() {
    // --order time: the events of a project are spread over the file
    List<String> chronological = history.chronological().stream().map(History.Event::json).toList();

    assertThatThrownBy(() -> SimLoad.read(chronological.iterator(), Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not consecutive");
  }

  @Test
  void holdsBackWhatIsDatedAfterNowSoThatProjectsEndInProgress() {
    Instant now = Instant.parse("2025-07-01T00:00:00Z");
    long future = history.events().stream().filter(e -> e.occurredAt().isAfter(now)).count();
    assertThat(future).as("the fixture spans the cut").isPositive().isLessThan(history.events().size());

    SimLoad.Read read = SimLoad.read(lines.iterator(), now);

    assertThat(read.heldBack()).isEqualTo(future);
    List<String> kept = linesOf(read.projects());
    assertThat(kept).hasSize(lines.size() - (int) future);
    // what is kept is every project's past, in order: a prefix of its history
    for (SimLoad.Project p : read.projects()) {
      List<String> all = history.events().stream().filter(e -> e.projectId().equals(p.id())).map(History.Event::json).toList();
      assertThat(all).startsWith(p.lines().toArray(String[]::new));
    }
  }

  @Test
  void splitsIntoDisjointPartsOfWholeProjectsEachWithItsEvents() {
    List<SimLoad.Project> projects = projects();
    Map<String, Long> targets = new LinkedHashMap<>();
    targets.put("single-warmup", 1200L);
    targets.put("single", 800L);
    targets.put("bulk", 1500L);

    Map<String, List<SimLoad.Project>> parts = SimLoad.split(projects, targets);

    assertThat(parts.keySet()).containsExactly("single-warmup", "single", "bulk");
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, List<SimLoad.Project>> part : parts.entrySet()) {
      long events = part.getValue().stream().mapToLong(SimLoad.Project::events).sum();
      assertThat(events).as(part.getKey()).isGreaterThanOrEqualTo(targets.get(part.getKey()))
          .isLessThan(targets.get(part.getKey()) + 40); // stops at the first project that reaches it
      for (SimLoad.Project p : part.getValue()) {
        assertThat(seen.add(p.id())).as(p.id() + " in one part only").isTrue();
      }
      // whole projects, in the file's order
      List<Integer> positions = part.getValue().stream().map(projects::indexOf).toList();
      assertThat(positions).isSorted().doesNotContain(-1);
    }
    // dealt out across the file, not in blocks: every part begins within its first tenth
    for (List<SimLoad.Project> part : parts.values()) {
      assertThat(projects.indexOf(part.get(0))).isLessThan(projects.size() / 10);
    }
  }

  @Test
  void refusesToSplitAHistoryTooSmallForItsParts() {
    Map<String, Long> targets = new LinkedHashMap<>();
    targets.put("single", 3000L);
    targets.put("bulk", 3000L);

    assertThatThrownBy(() -> SimLoad.split(projects(), targets))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too few events");
  }

  @Test
  void batchesHoldWholeProjectsInTheFilesOrder() {
    List<SimLoad.Project> projects = projects();

    List<SimLoad.Batch> batches = SimLoad.batches(projects, 30);

    assertThat(batches).hasSize((projects.size() + 29) / 30);
    List<String> sent = new ArrayList<>();
    Set<String> inEarlierBatches = new HashSet<>();
    for (SimLoad.Batch b : batches) {
      List<String> body = b.body().lines().toList();
      assertThat(b.body()).endsWith("\n");
      assertThat(b.events()).isEqualTo(body.size());
      Set<String> here = new HashSet<>();
      for (String l : body) here.add(SimLoad.projectId(l));
      assertThat(here).hasSizeLessThanOrEqualTo(30);
      // no project is split across batches, so two batches in flight never hold events of one project
      assertThat(here).allSatisfy(id -> assertThat(inEarlierBatches).doesNotContain(id));
      inEarlierBatches.addAll(here);
      sent.addAll(body);
    }
    assertThat(sent).containsExactlyElementsOf(lines);
  }

  @Test
  void shapeCountsProjectsEventsAndTypes() {
    SimLoad.Shape shape = SimLoad.Shape.of(projects());

    assertThat(shape.projects()).isEqualTo(history.projects());
    assertThat(shape.events()).isEqualTo(history.events().size());
    assertThat(shape.byType().get("ProjectRegistered")).isEqualTo(history.projects());
    assertThat(shape.byType().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(shape.events());
    assertThat(shape.minPerProject()).isGreaterThanOrEqualTo(9); // the shortest complete path: a self purchase
    assertThat(shape.describe()).startsWith("projects=" + history.projects() + " events=" + history.events().size());
  }

  @Test
  void contiguousPartsTakeConsecutiveProjectsInRegistrationOrder() {
    List<SimLoad.Project> all = projects();
    Map<String, Long> targets = new LinkedHashMap<>();
    targets.put("single", 500L);
    targets.put("bulk", 800L);
    Map<String, List<SimLoad.Project>> parts = SimLoad.contiguous(all, targets);
    List<SimLoad.Project> single = parts.get("single");
    List<SimLoad.Project> bulk = parts.get("bulk");
    assertThat(single).isEqualTo(all.subList(0, single.size()));
    assertThat(bulk).isEqualTo(all.subList(single.size(), single.size() + bulk.size()));
    assertThat(linesOf(single)).hasSizeGreaterThanOrEqualTo(500);
    assertThat(linesOf(bulk)).hasSizeGreaterThanOrEqualTo(800);
    // every bulk project is registered no earlier than the last single one
    Instant lastSingle = SimLoad.occurredAt(single.get(single.size() - 1).lines().get(0));
    assertThat(bulk).allSatisfy(p -> assertThat(SimLoad.occurredAt(p.lines().get(0))).isAfterOrEqualTo(lastSingle));
    targets.put("more", 1_000_000L);
    assertThatThrownBy(() -> SimLoad.contiguous(all, targets)).hasMessageContaining("too few events");
  }

  @Test
  void aTimeOrderedPartIsSortedByBusinessTimeAndKeepsEachProjectsOrder() {
    List<SimLoad.Project> all = projects().subList(0, 120);
    List<String> ordered = SimLoad.timeOrdered(all);
    assertThat(ordered).containsExactlyInAnyOrderElementsOf(linesOf(all));
    for (int i = 1; i < ordered.size(); i++) {
      assertThat(SimLoad.occurredAt(ordered.get(i))).isAfterOrEqualTo(SimLoad.occurredAt(ordered.get(i - 1)));
    }
    for (SimLoad.Project p : all) {
      assertThat(ordered.stream().filter(l -> p.id().equals(SimLoad.projectId(l))).toList()).isEqualTo(p.lines());
    }
    // projects interleave: the file is not simply the projects one after the other
    assertThat(ordered).isNotEqualTo(linesOf(all));
  }
}
