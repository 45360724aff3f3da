package io.procwatch.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Helpers of {@code bench/ingest/run}, run on the test classpath:
 *
 * <pre>
 *   setup   --url http://127.0.0.1:PORT --projects 1000 --prefix bench
 *   bulk    --url ... --projects 1000 --prefix bench --projects-per-batch 100 --events-per-project 20
 *           --concurrency 4 --warmup 5 --duration 20                     (LOAD=bids: bids on the setup's projects)
 *   bulk    --url ... --ndjson bulk.ndjson --projects-per-batch 100 --concurrency 4 --warmup 10 --duration 20
 *                                                                        (LOAD=simulate: whole projects of the file)
 *   split   --ndjson year.ndjson --parts single-warmup=180000,single=120000,bulk=450000 --out-dir DIR
 *   ceiling --jdbc jdbc:postgresql://127.0.0.1:5432/DB --user postgres --threads 8 --batch 400
 *           --warmup 3 --duration 10 --payload-bytes 36 [--tags true]
 * </pre>
 *
 * Progress goes to stderr; the figures go to stdout as one {@code RESULT key=value ...} line, which the
 * script parses.
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: IngestBench setup|bulk|split|ceiling --key value ...");
      System.exit(2);
    }
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("bad option " + args[i]);
      opts.put(args[i].substring(2), args[++i]);
    }
    Opts o = new Opts(opts);
    int rc = switch (args[0]) {
      case "setup" -> BulkDriver.setup(o);
      case "bulk" -> BulkDriver.bulk(o);
      case "ceiling" -> RawJdbcCeiling.run(o);
      case "split" -> SimLoad.splitCommand(o);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    };
    System.exit(rc);
  }

  /** Options with defaults. */
  record Opts(Map<String, String> m) {
    String str(String k, String dflt) {
      return m.getOrDefault(k, dflt);
    }

    String str(String k) {
      String v = m.get(k);
      if (v == null) throw new IllegalArgumentException("--" + k + " is required");
      return v;
    }

    int integer(String k, int dflt) {
      return m.containsKey(k) ? Integer.parseInt(m.get(k)) : dflt;
    }

    boolean bool(String k, boolean dflt) {
      return m.containsKey(k) ? Boolean.parseBoolean(m.get(k)) : dflt;
    }
  }
}
