package io.procwatch.alert;

import io.procwatch.rules.Condition;
import io.procwatch.rules.Deadline;
import io.procwatch.rules.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The alert lifecycle of one project as a pure function (domain.md §5): given the project's alerts and
 * what the rules find true now, the changes to make. At most one open alert per identity; deadline and
 * sequence alerts resolve themselves when their condition clears; permanent facts stay until a supervisor
 * resolves them; a re-fire after a resolve is a new alert.
 */
public final class AlertBook {

  /** What the lifecycle needs to know of a rule. */
  public record RuleInfo(String zh, String en, String basis, boolean autoResolve) {}

  /** The project's alerts, in the order they were raised, and the identities a supervisor silenced. */
  public record Book(List<Alert> alerts, Set<String> suppressed) {
    public static final Book EMPTY = new Book(List.of(), Set.of());

    public Alert byId(String id) {
      for (Alert a : alerts) if (a.id().equals(id)) return a;
      return null;
    }
  }

  private AlertBook() {}

  /**
   * @param conditions what the non-deadline rules find true now
   * @param deadlines every deadline of the project, open or closed
   */
  public static List<AlertChange> reconcile(Book book, String projectId, String buyer, List<Condition> conditions,
      List<Deadline> deadlines, Instant now, Function<String, RuleInfo> rules) {
    Ids ids = new Ids(projectId, book.alerts().size());
    Map<String, Alert> open = new LinkedHashMap<>();
    // every alert's identity and due time, once: each deadline asks whether its own was already handled
    Set<Due> dues = new HashSet<>();
    for (Alert a : book.alerts()) {
      String key = a.key();
      if (a.open()) open.put(key, a);
      if (a.dueAt() != null) dues.add(new Due(key, a.dueAt()));
    }
    List<AlertChange> changes = new ArrayList<>();

    // Deadlines: breach, pre-warning, and how each ends (business time decides: domain.md §3 note).
    Set<String> deadlineKeys = new HashSet<>();
    for (Deadline d : deadlines) {
      String key = d.rule() + "|" + d.subject();
      String preKey = key + "|prewarning";
      deadlineKeys.add(key);
      deadlineKeys.add(preKey);
      Alert breach = open.get(key);
      Alert pre = open.get(preKey);
      boolean breachHandled = dues.contains(new Due(key, d.dueAt())) || breach != null;
      if (d.breached(now)) {
        if (pre != null) changes.add(resolve(pre, Resolution.CLEARED, "superseded by the breach", null, now));
        if (!breachHandled) {
          Alert raised = raise(ids, rules, projectId, buyer, new Condition(d.rule(), d.severity(), d.subject(), false,
              d.dueAt(), d.dueAt(), d.supplier(), d.message(), d.details()), now);
          changes.add(new AlertChange.Raised(raised));
          breach = raised;
        }
        if (!d.open() && breach != null && breach.open()) {
          Duration late = d.lateness();
          changes.add(new AlertChange.Resolved(breach.id(), Resolution.CLEARED, null,
              "closed by the step at " + d.closedAt(), late.toSeconds(), lateWords(late), now));
        }
      } else if (d.prewarning(now)) {
        if (pre == null && !dues.contains(new Due(preKey, d.dueAt()))) {
          changes.add(new AlertChange.Raised(raise(ids, rules, projectId, buyer, new Condition(d.rule(), Severity.INFO,
              d.subject(), true, d.startedAt(), d.dueAt(), d.supplier(), "due soon: " + d.message(), d.details()), now)));
        }
      } else {
        // not breached and not due soon: still running, or closed in time
        if (pre != null) {
          // closed in time; or still open with a due date that a later-reported fact moved further out
          changes.add(resolve(pre, Resolution.CLEARED,
              d.open() ? "no longer due soon: due at " + d.dueAt() : "closed in time at " + d.closedAt(), null, now));
        }
        if (breach != null) {
          // Raised on the wall clock, but business time shows it never happened: the closing step was reported later
          // with a business time in time, or a fact reported later moved the due date out (a contract's own
          // acceptance period). Whatever the open alert's dueAt: the identity's deadline is not breached now.
          changes.add(resolve(breach, Resolution.RETRACTED, d.open() ? "not due until " + d.dueAt()
              : "the step happened in time, at " + d.closedAt(), null, now));
        }
      }
    }

    // Other conditions.
    Map<String, Condition> holding = new LinkedHashMap<>();
    for (Condition c : conditions) holding.putIfAbsent(c.key(), c);
    for (Condition c : holding.values()) {
      if (open.containsKey(c.key()) || book.suppressed().contains(c.key())) continue;
      changes.add(new AlertChange.Raised(raise(ids, rules, projectId, buyer, c, now)));
    }
    for (Alert a : open.values()) {
      if (deadlineKeys.contains(a.key()) || holding.containsKey(a.key())) continue;
      if (a.dueAt() != null && isDeadlineRule(a.rule())) {
        // the deadline itself disappeared (e.g. a re-tender cleared the award): nothing is due any more
        changes.add(resolve(a, Resolution.CLEARED, "no longer due", null, now));
      } else if (rules.apply(a.rule()).autoResolve()) {
        changes.add(resolve(a, Resolution.CLEARED, "condition cleared", null, now));
      }
    }
    return changes;
  }

  /** The identities that stay silenced: those a supervisor resolved while their condition still holds. */
  public static Set<String> stillSuppressed(Set<String> suppressed, List<Condition> conditions) {
    if (suppressed.isEmpty()) return suppressed;
    Set<String> holding = new HashSet<>();
    for (Condition c : conditions) holding.add(c.key());
    Set<String> kept = new HashSet<>(suppressed);
    kept.retainAll(holding);
    return Set.copyOf(kept);
  }

  /** A deadline instance is handled once any alert (open or resolved) was raised for it. */
  /** An alert identity with the due time it was raised for: a deadline's alert is handled once per due time. */
  private record Due(String key, Instant dueAt) {}

  private static boolean isDeadlineRule(String rule) {
    return rule.startsWith("DL");
  }

  private static AlertChange.Resolved resolve(Alert a, Resolution why, String note, Duration late, Instant now) {
    return new AlertChange.Resolved(a.id(), why, null, note, late == null ? null : late.toSeconds(),
        late == null ? null : lateWords(late), now);
  }

  private static Alert raise(Ids ids, Function<String, RuleInfo> rules, String projectId, String buyer, Condition c,
      Instant now) {
    RuleInfo info = rules.apply(c.rule());
    return new Alert(ids.next(), fingerprint(projectId, c.key()), c.rule(), info.zh(), info.en(), c.severity(),
        c.prewarning(), AlertStatus.FIRING, projectId, buyer, c.supplier(), c.subject(), c.message(), info.basis(),
        c.occurredAt(), c.dueAt(), now, null, null, null, null, null, null, c.details());
  }

  /** "late by 5 days", "late by 3 hours": what a supervisor reads on a resolved deadline. */
  public static String lateWords(Duration late) {
    if (late.isZero() || late.isNegative()) return "in time";
    long days = late.toDays();
    long hours = late.toHours() % 24;
    if (days == 0) return "late by " + Math.max(1, late.toHours()) + (late.toHours() <= 1 ? " hour" : " hours");
    return "late by " + days + (days == 1 ? " day" : " days") + (hours > 0 ? " " + hours + (hours == 1 ? " hour" : " hours") : "");
  }

  /** Stable across restarts and nodes: a hash of the identity, never of amounts or text. */
  public static String fingerprint(String projectId, String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((projectId + "|" + key).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class Ids {
    private final String projectId;
    private int n;

    Ids(String projectId, int existing) {
      this.projectId = projectId;
      this.n = existing;
    }

    String next() {
      return projectId + "~" + (++n);
    }
  }

  /** Applies changes to a book (used by the entity's event handler). */
  public static Book apply(Book book, List<AlertChange> changes, Set<String> suppressedAfter) {
    List<Alert> alerts = new ArrayList<>(book.alerts());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < alerts.size(); i++) index.put(alerts.get(i).id(), i);
    for (AlertChange c : changes) {
      Integer i = index.get(c.alertId());
      if (i == null) {
        alerts.add(c.apply(null));
        index.put(c.alertId(), alerts.size() - 1);
      } else {
        alerts.set(i, c.apply(alerts.get(i)));
      }
    }
    return new Book(List.copyOf(alerts), suppressedAfter);
  }
}
