package io.procwatch.bench;

import io.procwatch.project.Fact;
import io.procwatch.project.IngestParser;
import io.procwatch.project.Judge;
import io.procwatch.project.ProjectState;
import io.procwatch.project.ProjectStates;
import io.procwatch.project.RecordedFact;
import io.procwatch.rules.RuleContext;
import io.procwatch.rules.RuleEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The project actor's per-fact work without the actor, HTTP or database: judge each fact of a command against
 * the evolving state, then apply the command's facts to the state before it (what the event handler does).
 * Measured in CPU time of this thread, so other load on the machine hardly moves the figures.
 *
 * <pre>
 * java -cp target/procwatch.jar:target/test-classes io.procwatch.bench.StateBench [projects] [bids] [perCommand]
 * </pre>
 * Prints CPU µs per fact for each block of 100 bids (histories grow from 4 to 4 + bids facts).
 *
 * <p>Like the actor, it keeps the last command's evaluation and starts the next command from it (until 2026-11-30 it
 * evaluated every command's starting state again, which the actor does only after a recovery).
 */
public final class StateBench {
  public static void main(String[] args) {
    int projects = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int bids = args.length > 1 ? Integer.parseInt(args[1]) : 600;
    int perCommand = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Judge judge = new Judge(RuleEngine.standard(RuleContext.defaults()));
    IngestParser parser = new IngestParser(Duration.ofDays(36500));
    Instant now = Instant.parse("2026-04-01T00:00:00Z");
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 2; round++) { // the first round warms the JIT up
      long[] nanos = new long[(bids + 99) / 100];
      for (int p = 0; p < projects; p++) {
        String id = EventLines.projectId("state-" + round, p);
        StringBuilder walk = new StringBuilder();
        EventLines.appendWalkToNotice(walk, id);
        Step step = command(judge, new Step(null, null), facts(parser, walk.toString(), now), now);
        for (int from = 0; from < bids; from += perCommand) {
          StringBuilder lines = new StringBuilder();
          for (int b = from; b < Math.min(bids, from + perCommand); b++) {
            EventLines.appendBid(lines, id, id + "." + b, b * 13);
          }
          long t0 = cpu.getCurrentThreadCpuTime();
          step = command(judge, step, facts(parser, lines.toString(), now), now);
          nanos[from / 100] += cpu.getCurrentThreadCpuTime() - t0;
        }
        if (step.state().history().size() != 4 + bids) throw new IllegalStateException("not every bid was applied");
      }
      if (round == 1) {
        StringBuilder out = new StringBuilder("RESULT cpu_us_per_fact by history length:");
        for (int i = 0; i < nanos.length; i++) {
          int n = Math.min(100, bids - i * 100);
          out.append(String.format(" %d-%d:%.1f", 4 + i * 100, 4 + i * 100 + n, nanos[i] / 1000.0 / n / projects));
        }
        System.out.println(out);
      }
    }
  }

  private static List<Fact> facts(IngestParser parser, String ndjson, Instant now) {
    List<Fact> facts = new ArrayList<>();
    for (String line : ndjson.split("\n")) {
      IngestParser.Parsed parsed = parser.parse(line, now);
      if (parsed.fact() == null) throw new IllegalStateException(line + ": " + parsed.error());
      facts.add(parsed.fact());
    }
    return facts;
  }

  /** A project between commands: its state and the evaluation the actor remembers of it. */
  private record Step(ProjectState state, RuleEngine.Evaluation evaluation) {}

  /** As ProcurementProject.onRecord and its event handler: judge in order, then apply what was accepted. */
  private static Step command(Judge judge, Step previous, List<Fact> facts, Instant now) {
    ProjectState before = previous.state();
    ProjectState current = before;
    RuleEngine.Evaluation evaluation = previous.evaluation() == null ? null : previous.evaluation().at(now);
    List<RecordedFact> accepted = new ArrayList<>();
    for (Fact f : facts) {
      Judge.Verdict v = judge.judge(current, f, now, evaluation);
      if (!(v instanceof Judge.Accepted a)) throw new IllegalStateException(f.eventId() + ": " + v);
      accepted.add(a.recorded());
      current = a.after();
      evaluation = a.evaluation();
    }
    ProjectState s = before;
    for (RecordedFact r : accepted) s = s == null ? ProjectStates.registered(r) : ProjectStates.apply(s, r);
    return new Step(s, evaluation);
  }
}
