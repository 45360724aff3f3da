package io.procwatch.sim;

import io.procwatch.calendar.WorkCalendar;
import io.procwatch.infra.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code procwatch simulate}: generates a procurement history and streams it into a running procwatch, or exports it. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Generate a realistic procurement history and stream it into a running procwatch over its HTTP API, "
        + "or export it as NDJSON (--out).",
        "Exit status: 0 all accepted; 1 the service rejected events (or did not answer); 2 bad options."})
public final class SimulateCommand implements Callable<Integer> {
  public enum Mode { backfill, realtime }

  public enum Order { project, time }

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The service (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = "--token", defaultValue = "${env:PROCWATCH_TOKEN}",
      description = "Bearer token sent as 'Authorization: Bearer …' (default: env PROCWATCH_TOKEN).")
  String token;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same options give the same history (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--projects", defaultValue = "2890", description = "Projects per year (default: ${DEFAULT-VALUE}, the bureau's year).")
  int projects;

  @Option(names = "--government-share", defaultValue = "0.016955",
      description = "Share of government-procurement projects (default: ${DEFAULT-VALUE} = 49 of 2,890).")
  double governmentShare;

  @Option(names = "--buyers", defaultValue = "12", description = "Head office plus subordinate units (default: ${DEFAULT-VALUE}).")
  int buyers;

  @Option(names = "--suppliers", defaultValue = "400", description = "Suppliers in the market (default: ${DEFAULT-VALUE}).")
  int suppliers;

  @Option(names = "--years", defaultValue = "1", description = "Simulated years (default: ${DEFAULT-VALUE}).")
  int years;

  @Option(names = "--start", description = "First simulated day, YYYY-MM-DD (default: 1 January of last year).")
  LocalDate start;

  @Option(names = "--budget", defaultValue = "110000000", description = "Budget per year in yuan, scaled with --projects (default: ${DEFAULT-VALUE} for 2,890 projects).")
  BigDecimal budget;

  @Option(names = "--irregular-share", defaultValue = "0.02",
      description = "Share of projects with a planted irregularity; 0 = a clean history (default: ${DEFAULT-VALUE}).")
  double irregularShare;

  @Option(names = "--mode", defaultValue = "backfill",
      description = "backfill: as fast as possible; realtime: paced by a simulated clock running --speed times faster (default: ${DEFAULT-VALUE}).")
  Mode mode;

  @Option(names = "--order", description = "project: each project's events together; time: business-time order across projects "
      + "(default: project for backfill, time for realtime).")
  Order order;

  @Option(names = "--speed", defaultValue = "86400",
      description = "realtime: simulated seconds per wall-clock second (default: ${DEFAULT-VALUE} = one simulated day per second; 1 = real time).")
  double speed;

  @Option(names = "--rate", defaultValue = "0", description = "At most this many events per second; 0 = no cap (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--batch", defaultValue = "500", description = "Events per NDJSON request; 1 = one JSON event per request (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the history as NDJSON to FILE instead of sending it (no service needed).")
  Path out;

  @Option(names = "--planted", paramLabel = "FILE", description = "Also write the planted irregularities (rule code, projects) as JSON to FILE.")
  Path planted;

  @Option(names = "--settle", defaultValue = "15s", description = "How long to wait for the alert read side before counting alerts (default: ${DEFAULT-VALUE}; 0s = do not count).")
  String settle;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    Generator.Options options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      err.println("simulate: " + e.getMessage());
      return 2;
    }
    History history = Generator.generate(options, WorkCalendar.fromClasspath());
    err.printf("simulate: %,d projects (%,d government procurement, %,d self purchases), %,d events, budget %,.0f CNY, "
            + "%d planted irregularities %s, seed %d, from %s%n", history.projects(), history.governmentProjects(),
        history.selfPurchases(), history.events().size(), history.budget(), history.planted().size(), history.plantedByCode(),
        seed, options.start());
    if (planted != null) Files.writeString(planted, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(history.planted()));
    Order o = order != null ? order : mode == Mode.backfill ? Order.project : Order.time;
    List<History.Event> events = o == Order.project ? history.events() : history.chronological();
    if (out != null) {
      export(events, out);
      return 0;
    }
    Clock pace = mode == Mode.realtime ? new SimClock(events.isEmpty() ? Clock.systemUTC().instant()
        : events.get(0).occurredAt().minusSeconds(1), speed) : null;
    Sender sender = new Sender(new Sender.Options(url, token, batch, rate, pace, Clock.systemUTC(), quiet ? null : err));
    Sender.Summary summary = sender.send(events);
    Duration wait = Duration.parse("PT" + settle.toUpperCase());
    if (!wait.isZero()) sender.alertsByRule(history.projectIds(), history.buyers(), wait);
    System.out.print(summary.format());
    System.out.println("planted by rule  " + history.plantedByCode());
    return summary.failed() ? 1 : 0;
  }

  Generator.Options options() {
    if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1");
    if (rate < 0) throw new IllegalArgumentException("--rate must not be negative");
    if (!(speed > 0)) throw new IllegalArgumentException("--speed must be positive");
    LocalDate from = start != null ? start : LocalDate.of(LocalDate.now(ZoneId.of("Asia/Shanghai")).getYear() - 1, 1, 1);
    BigDecimal scaled = budget.multiply(BigDecimal.valueOf(projects)).divide(BigDecimal.valueOf(Generator.Options.PROJECTS), 2,
        java.math.RoundingMode.HALF_UP);
    return new Generator.Options(seed, from, years, projects, governmentShare, buyers, suppliers, irregularShare, scaled);
  }

  static void export(List<History.Event> events, Path out) throws IOException {
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      History.writeNdjson(events, w);
    }
  }
}
