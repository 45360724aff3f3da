package io.procwatch.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's history as the load of {@code bench/ingest/run} ({@code LOAD=simulate}): a file written by
 * {@code procwatch simulate --out} (each project's events together, in business-time order) read as projects,
 * split into disjoint parts (the single mode's warm-up and measured window, the bulk mode), and cut into NDJSON
 * batches of whole projects.
 *
 * <p>Why whole projects: a project's events must reach its actor in order, and two concurrent requests holding
 * events of one project could be applied in either order (a later step before its predecessor is rejected). A
 * batch that holds a whole project also lets the service judge it as a whole, so a deadline that a later step of
 * the same history closes does not fire on the wall clock in between (docs/simulator.md, "What the service sees").
 */
final class SimLoad {
  private static final Pattern PROJECT_ID = Pattern.compile("\"projectId\":\"([^\"]+)\"");
  private static final Pattern OCCURRED_AT = Pattern.compile("\"occurredAt\":\"([^\"]+)\"");
  private static final Pattern TYPE = Pattern.compile("\"type\":\"([A-Za-z]+)\"");

  private SimLoad() {}

  /** One project: its id and its NDJSON lines, in the file's (business-time) order. */
  record Project(String id, List<String> lines) {
    int events() {
      return lines.size();
    }
  }

  /**
   * Reads an NDJSON history, grouping consecutive lines of a project. A project whose lines are not consecutive
   * (a file written with {@code --order time}) is refused: its events could not go to one batch, nor be spread
   * over parts, without reordering them.
   */
  static Read read(Path file, Instant notAfter) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r.lines().iterator(), notAfter);
    }
  }

  /**
   * The projects of a history and how many events were held back.
   *
   * @param heldBack events dated after {@code notAfter}: the service refuses facts from the future, so they are
   *     left out, as {@code procwatch simulate} holds them back in a backfill (their projects end in progress)
   */
  record Read(List<Project> projects, long heldBack) {}

  static Read read(java.util.Iterator<String> lines, Instant notAfter) {
    List<Project> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Project current = null;
    int n = 0;
    long heldBack = 0;
    while (lines.hasNext()) {
      String line = lines.next();
      n++;
      if (line.isBlank()) continue;
      String id = projectId(line);
      if (id == null) throw new IllegalArgumentException("line " + n + " has no projectId: " + abbreviate(line));
      Matcher at = OCCURRED_AT.matcher(line);
      if (!at.find()) throw new IllegalArgumentException("line " + n + " has no occurredAt: " + abbreviate(line));
      if (OffsetDateTime.parse(at.group(1)).toInstant().isAfter(notAfter)) {
        heldBack++; // a project's events are in business-time order: the rest of this project follows it
        continue;
      }
      if (current == null || !current.id().equals(id)) {
        if (!seen.add(id)) {
          throw new IllegalArgumentException("line " + n + ": the events of project " + id
              + " are not consecutive (write the history with --order project)");
        }
        current = new Project(id, new ArrayList<>());
        out.add(current);
      }
      current.lines().add(line);
    }
    return new Read(out, heldBack);
  }

  static String projectId(String line) {
    Matcher m = PROJECT_ID.matcher(line);
    return m.find() ? m.group(1) : null;
  }

  /**
   * Splits the projects into disjoint parts, each getting at least its target number of events, by dealing the
   * projects out in the file's order to the part furthest below its share (so every part gets the same mix of
   * months, tenders and self purchases). Projects left over once every part has its events are not used.
   *
   * @param targets events wanted per part, in the order the parts are named
   * @throws IllegalArgumentException if the projects do not hold enough events for every part
   */
  static Map<String, List<Project>> split(List<Project> projects, Map<String, Long> targets) {
    Map<String, List<Project>> parts = new LinkedHashMap<>();
    Map<String, Long> have = new LinkedHashMap<>();
    long total = 0;
    for (Map.Entry<String, Long> t : targets.entrySet()) {
      if (t.getValue() <= 0) throw new IllegalArgumentException("part " + t.getKey() + " wants no events");
      parts.put(t.getKey(), new ArrayList<>());
      have.put(t.getKey(), 0L);
      total += t.getValue();
    }
    for (Project p : projects) {
      String pick = null;
      double worst = Double.MAX_VALUE;
      for (Map.Entry<String, Long> t : targets.entrySet()) {
        long got = have.get(t.getKey());
        if (got >= t.getValue()) continue;
        double filled = got / (double) t.getValue();
        if (filled < worst) {
          worst = filled;
          pick = t.getKey();
        }
      }
      if (pick == null) break;
      parts.get(pick).add(p);
      have.merge(pick, (long) p.events(), Long::sum);
    }
    for (Map.Entry<String, Long> t : targets.entrySet()) {
      if (have.get(t.getKey()) < t.getValue()) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "the history holds too few events: part %s got %d of %d (%d projects in all, %d events wanted); generate more projects",
            t.getKey(), have.get(t.getKey()), t.getValue(), projects.size(), total));
      }
    }
    return parts;
  }

  /**
   * For the data clock ({@code CLOCK=data}): consecutive runs of projects in the file's (registration) order, the
   * first part taking projects until it has its target, then the next. A later part's projects are registered after
   * an earlier part's, so sending the parts one after the other in business-time order never sends data time back
   * far: a part dealt across the whole year would begin in January where the part before left data time in March.
   */
  static Map<String, List<Project>> contiguous(List<Project> projects, Map<String, Long> targets) {
    Map<String, List<Project>> parts = new LinkedHashMap<>();
    java.util.Iterator<Project> it = projects.iterator();
    for (Map.Entry<String, Long> t : targets.entrySet()) {
      if (t.getValue() <= 0) throw new IllegalArgumentException("part " + t.getKey() + " wants no events");
      List<Project> part = new ArrayList<>();
      long got = 0;
      while (got < t.getValue() && it.hasNext()) {
        Project p = it.next();
        part.add(p);
        got += p.events();
      }
      if (got < t.getValue()) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "the history holds too few events: part %s got %d of %d (%d projects in all); generate more projects",
            t.getKey(), got, t.getValue(), projects.size()));
      }
      parts.put(t.getKey(), part);
    }
    return parts;
  }

  /**
   * The projects' lines in business-time order across projects (stable: lines at the same instant keep the projects'
   * order, and a project's own lines keep theirs), as {@code procwatch simulate --order time} writes a history.
   */
  static List<String> timeOrdered(List<Project> projects) {
    record Line(Instant at, int project, int index, String text) {}
    List<Line> all = new ArrayList<>();
    for (int p = 0; p < projects.size(); p++) {
      List<String> lines = projects.get(p).lines();
      for (int i = 0; i < lines.size(); i++) all.add(new Line(occurredAt(lines.get(i)), p, i, lines.get(i)));
    }
    all.sort(java.util.Comparator.comparing(Line::at).thenComparingInt(Line::project).thenComparingInt(Line::index));
    List<String> out = new ArrayList<>(all.size());
    for (Line l : all) out.add(l.text());
    return out;
  }

  static Instant occurredAt(String line) {
    Matcher at = OCCURRED_AT.matcher(line);
    if (!at.find()) throw new IllegalArgumentException("no occurredAt: " + abbreviate(line));
    return OffsetDateTime.parse(at.group(1)).toInstant();
  }

  /** NDJSON bodies of {@code perBatch} whole projects each, in order; each ends with a newline. */
  static List<Batch> batches(List<Project> projects, int perBatch) {
    if (perBatch < 1) throw new IllegalArgumentException("perBatch must be at least 1");
    List<Batch> out = new ArrayList<>();
    for (int from = 0; from < projects.size(); from += perBatch) {
      StringBuilder body = new StringBuilder();
      int lines = 0;
      for (Project p : projects.subList(from, Math.min(projects.size(), from + perBatch))) {
        for (String l : p.lines()) body.append(l).append('\n');
        lines += p.events();
      }
      out.add(new Batch(body.toString(), lines));
    }
    return out;
  }

  /** One request body and the number of events (lines) it holds. */
  record Batch(String body, int events) {}

  static void write(List<Project> projects, Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Project p : projects) {
        for (String l : p.lines()) {
          w.write(l);
          w.write('\n');
        }
      }
    }
  }

  /** Projects, events, events per project and the share of each event type: what the results header prints. */
  record Shape(int projects, long events, int minPerProject, int maxPerProject, Map<String, Long> byType) {
    static Shape of(List<Project> projects) {
      long events = 0;
      int min = Integer.MAX_VALUE;
      int max = 0;
      Map<String, Long> byType = new TreeMap<>();
      for (Project p : projects) {
        events += p.events();
        min = Math.min(min, p.events());
        max = Math.max(max, p.events());
        for (String l : p.lines()) {
          Matcher m = TYPE.matcher(l);
          byType.merge(m.find() ? m.group(1) : "?", 1L, Long::sum);
        }
      }
      return new Shape(projects.size(), events, projects.isEmpty() ? 0 : min, max, byType);
    }

    double perProject() {
      return projects == 0 ? 0 : events / (double) projects;
    }

    /** e.g. {@code projects=100 events=930 per_project=9.3 (9-25) types=ContractSigned:10.8%,...} (most frequent first). */
    String describe() {
      List<Map.Entry<String, Long>> types = new ArrayList<>(byType.entrySet());
      types.sort((a, b) -> b.getValue().compareTo(a.getValue()) != 0 ? b.getValue().compareTo(a.getValue())
          : a.getKey().compareTo(b.getKey()));
      StringBuilder t = new StringBuilder();
      for (Map.Entry<String, Long> e : types) {
        if (t.length() > 0) t.append(',');
        t.append(e.getKey()).append(':').append(String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue() / Math.max(1, events)));
      }
      return String.format(Locale.ROOT, "projects=%d events=%d per_project=%.2f (%d-%d) types=%s", projects, events,
          perProject(), minPerProject, maxPerProject, t);
    }
  }

  /**
   * {@code split --ndjson FILE --parts NAME=EVENTS,... --out-dir DIR [--now ISO-INSTANT] [--order time [--whole NAME,...]]}:
   * writes DIR/NAME.ndjson for
   * each part and prints one {@code SHAPE part=NAME ...} line per part, one for the parts together
   * ({@code part=all}), then {@code RESULT mode=split held_back=N projects=N unused_projects=N}.
   */
  static int splitCommand(IngestBench.Opts o) throws IOException {
    Instant now = o.m().containsKey("now") ? Instant.parse(o.str("now")) : Instant.now();
    // a minute of margin: the service refuses facts from the future by its own clock
    Read read = read(Path.of(o.str("ndjson")), now.minusSeconds(60));
    Map<String, Long> targets = new LinkedHashMap<>();
    for (String part : o.str("parts").split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) throw new IllegalArgumentException("--parts wants NAME=EVENTS,..., got " + part);
      targets.put(kv[0], Long.parseLong(kv[1]));
    }
    // --order time (the data clock): consecutive runs of projects, each part written in business-time order, except
    // the parts named in --whole (bulk batches of whole projects), written project by project
    boolean time = "time".equals(o.m().getOrDefault("order", "project"));
    Set<String> whole = new HashSet<>(java.util.Arrays.asList(o.m().getOrDefault("whole", "").split(",")));
    Map<String, List<Project>> parts = time ? contiguous(read.projects(), targets) : split(read.projects(), targets);
    Path dir = Path.of(o.str("out-dir"));
    Files.createDirectories(dir);
    List<Project> used = new ArrayList<>();
    for (Map.Entry<String, List<Project>> e : parts.entrySet()) {
      if (time && !whole.contains(e.getKey())) {
        Files.write(dir.resolve(e.getKey() + ".ndjson"), timeOrdered(e.getValue()), StandardCharsets.UTF_8);
      } else {
        write(e.getValue(), dir.resolve(e.getKey() + ".ndjson"));
      }
      used.addAll(e.getValue());
      System.out.println("SHAPE part=" + e.getKey() + " " + Shape.of(e.getValue()).describe());
    }
    System.out.println("SHAPE part=all " + Shape.of(used).describe());
    System.out.printf(Locale.ROOT, "RESULT mode=split held_back=%d projects=%d unused_projects=%d%n", read.heldBack(),
        read.projects().size(), read.projects().size() - used.size());
    return 0;
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
