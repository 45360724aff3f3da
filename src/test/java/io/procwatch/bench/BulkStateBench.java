package io.procwatch.bench;

import io.procwatch.project.Fact;
import io.procwatch.project.IngestParser;
import io.procwatch.project.Judge;
import io.procwatch.project.ProjectState;
import io.procwatch.project.ProjectStates;
import io.procwatch.project.RecordedFact;
import io.procwatch.project.Watch;
import io.procwatch.rules.Condition;
import io.procwatch.rules.RuleContext;
import io.procwatch.rules.RuleEngine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project actor's work for the bulk load's shape, without the actor, HTTP or database: every project of a
 * simulator history ({@code procwatch simulate --out FILE --order project}) is new and arrives whole in one
 * command; its facts are parsed, judged in order from "not registered", the alerts reconciled once
 * ({@link Watch}), and the accepted facts applied to the state (what the event handler does). Measured in CPU time
 * of this thread, so other load on the machine hardly moves the figures.
 *
 * <pre>
 * java -cp target/procwatch.jar:target/test-classes io.procwatch.bench.BulkStateBench FILE [rounds] [lateDays]
 * </pre>
 * Prints CPU µs per fact for parsing, judging and the alert reconciliation, for each round after the first.
 */
public final class BulkStateBench {
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    // "project": each command judged at its own last fact's time; "late": at a clock this many days after it (a data
    // clock moved on by other projects of the load)
    long lateDays = args.length > 2 ? Long.parseLong(args[2]) : 0;
    Judge judge = new Judge(RuleEngine.standard(RuleContext.defaults()));
    IngestParser parser = new IngestParser(Duration.ofDays(36500));
    Instant parseNow = Instant.parse("2100-01-01T00:00:00Z");
    Map<String, List<String>> byProject = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) continue;
      String id = line.substring(line.indexOf("\"projectId\":\"") + 13);
      id = id.substring(0, id.indexOf('"'));
      byProject.computeIfAbsent(id, k -> new ArrayList<>()).add(line);
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < rounds; round++) {
      long parse = 0, judging = 0, watching = 0, applying = 0, facts = 0, flagged = 0;
      for (List<String> lines : byProject.values()) {
        long t0 = cpu.getCurrentThreadCpuTime();
        List<Fact> command = new ArrayList<>(lines.size());
        for (String l : lines) {
          IngestParser.Parsed p = parser.parse(l, parseNow);
          if (p.fact() == null) throw new IllegalStateException(l + ": " + p.error());
          command.add(p.fact());
        }
        long t1 = cpu.getCurrentThreadCpuTime();
        Instant now = command.get(0).occurredAt();
        for (Fact f : command) if (f.occurredAt().isAfter(now)) now = f.occurredAt();
        now = now.plus(Duration.ofDays(lateDays));
        ProjectState current = null;
        RuleEngine.Evaluation evaluation = null;
        List<RecordedFact> accepted = new ArrayList<>();
        List<Condition> raised = new ArrayList<>();
        for (Fact f : command) {
          Judge.Verdict v = judge.judge(current, f, now, evaluation);
          if (!(v instanceof Judge.Accepted a)) throw new IllegalStateException(f.eventId() + ": " + v);
          accepted.add(a.recorded());
          raised.addAll(a.raised());
          if (a.recorded().flagged()) flagged++;
          current = a.after();
          evaluation = a.evaluation();
        }
        long t2 = cpu.getCurrentThreadCpuTime();
        Watch watch = Watch.of(current, now, judge.rules(), raised, evaluation);
        if (watch.changes() == null) throw new IllegalStateException();
        long t3 = cpu.getCurrentThreadCpuTime();
        ProjectState s = null;
        for (RecordedFact r : accepted) s = s == null ? ProjectStates.registered(r) : ProjectStates.apply(s, r);
        long t4 = cpu.getCurrentThreadCpuTime();
        parse += t1 - t0;
        judging += t2 - t1;
        watching += t3 - t2;
        applying += t4 - t3;
        facts += command.size();
      }
      if (round > 0) {
        System.out.printf("RESULT round=%d projects=%d facts=%d flagged=%d cpu_us_per_fact parse=%.2f judge=%.2f watch=%.2f apply=%.2f total=%.2f%n",
            round, byProject.size(), facts, flagged, parse / 1e3 / facts, judging / 1e3 / facts, watching / 1e3 / facts,
            applying / 1e3 / facts, (parse + judging + watching + applying) / 1e3 / facts);
      }
    }
  }
}
