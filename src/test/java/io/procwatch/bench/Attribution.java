package io.procwatch.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which POST raised an alert of the simulator's load, so that its latency can be timed from that POST's 202.
 *
 * <p>How: the project actor raises an alert while it handles the request of the event that made the condition hold,
 * and stamps it {@code raisedAt} = the service's wall clock at that moment ({@code annotations.raised_at} in the
 * feed). That instant lies after the driver sent the request and before the 202 came back. The driver runs on the
 * same machine (the same wall clock) and keeps one event in flight per project, so the open intervals
 * [sent, answered] of one project never overlap: the one that contains {@code raisedAt} is the event that raised it.
 * An alert whose {@code raisedAt} lies in none of them was raised with no request open — by the deadline watch or the
 * project's own timer, which no 202 triggers — and is reported apart, not timed.
 *
 * <p>{@code slackMicros} widens each interval at its start by the precision the service's {@code raisedAt} may have
 * lost (0 when the service writes microseconds, as Java 17's system clock does on Linux); an exact containment wins
 * over one found only with slack.
 */
final class Attribution {
  /** One POST: wall-clock send instant; answer instants once in. */
  static final class Sent {
    final String projectId;
    final String type;
    final long sentMicros;
    /** The event's occurredAt (epoch µs), or Long.MIN_VALUE when not given. */
    final long businessMicros;
    private volatile long answeredMicros = Long.MAX_VALUE;
    private volatile long answeredNanos;
    private volatile boolean ok;

    Sent(String projectId, String type, long sentMicros, long businessMicros) {
      this.projectId = projectId;
      this.type = type;
      this.sentMicros = sentMicros;
      this.businessMicros = businessMicros;
    }

    long answeredMicros() {
      return answeredMicros;
    }

    /** System.nanoTime of the 202 (only meaningful when {@link #ok()}). */
    long answeredNanos() {
      return answeredNanos;
    }

    boolean ok() {
      return ok;
    }

    boolean answered() {
      return answeredMicros != Long.MAX_VALUE;
    }
  }

  private final Map<String, List<Sent>> byProject = new ConcurrentHashMap<>();
  private final long slackMicros;

  Attribution(long slackMicros) {
    this.slackMicros = slackMicros;
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static long nowMicros() {
    return micros(Instant.now());
  }

  /** A POST of {@code projectId} is about to go out (call before sending, from the one thread that sends). */
  Sent sent(String projectId, String type, long sentMicros) {
    return sent(projectId, type, sentMicros, Long.MIN_VALUE);
  }

  /** As {@link #sent(String, String, long)}, with the event's business time (for the data clock). */
  Sent sent(String projectId, String type, long sentMicros, long businessMicros) {
    Sent s = new Sent(projectId, type, sentMicros, businessMicros);
    List<Sent> l = byProject.computeIfAbsent(projectId, k -> new ArrayList<>());
    synchronized (l) {
      l.add(s);
    }
    return s;
  }

  /** Its answer is in, at wall clock {@code micros} and System.nanoTime {@code nanos}; {@code ok} = 202 accepted. */
  void answered(Sent s, long micros, long nanos, boolean ok) {
    s.answeredNanos = nanos;
    s.ok = ok;
    s.answeredMicros = micros; // last: publishes the two above
  }

  /** The POST of {@code projectId} open when an alert was raised at {@code raisedMicros}, or null: none was. */
  Sent attribute(String projectId, long raisedMicros) {
    List<Sent> l = byProject.get(projectId);
    if (l == null) return null;
    Sent withSlack = null;
    synchronized (l) {
      for (Sent s : l) {
        if (raisedMicros > s.answeredMicros) continue;
        if (raisedMicros >= s.sentMicros) return s;
        if (withSlack == null && raisedMicros >= s.sentMicros - slackMicros) withSlack = s;
      }
    }
    return withSlack;
  }

  /**
   * Data clock ({@code serve --clock data}): {@code raised_at} is business time — the instant the project judged
   * at, max(data now, the event's occurredAt). The POST of {@code projectId} whose event's occurredAt equals
   * {@code raisedMicros} raised it (judged at its own business time); null when none does: the alert was judged at a
   * later data time (the event came after a later one of another project, inside the look-ahead) or raised by the
   * deadline watch as data time passed its due time. Those are counted, not timed. With one event in flight per
   * project and a project's events sent in order, the earliest matching POST is taken (a project with two events at
   * the very same business time is ambiguous; the first one is the one whose judgement could first raise it).
   */
  Sent attributeByBusinessTime(String projectId, long raisedMicros) {
    List<Sent> l = byProject.get(projectId);
    if (l == null) return null;
    synchronized (l) {
      for (Sent s : l) if (s.businessMicros == raisedMicros) return s;
    }
    return null;
  }
}
