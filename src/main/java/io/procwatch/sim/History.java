package io.procwatch.sim;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.Map;

/**
 * A generated procurement history: every event as the ingest line the service accepts, and the irregularities
 * planted in it with the rule code each must raise.
 *
 * @param events every event, grouped by project (projects in order of registration, each project's events in
 *     business-time order)
 * @param planted the irregularities, in the order they were planted
 */
public record History(List<Event> events, List<Planted> planted, int governmentProjects, int selfPurchases,
    BigDecimal budget) {

  /** One ingest line. {@code index} is its position in the project-grouped order (a stable tie-breaker). */
  public record Event(Instant occurredAt, String projectId, String type, int index, String json) {}

  /**
   * One planted irregularity.
   *
   * @param code the rule code that must fire (e.g. {@code DL01}, {@code XP01})
   * @param kind what was done, in words
   * @param projectIds the projects it concerns (one for a single-project rule, several for XP)
   * @param buyer the buyer
   * @param supplier the supplier concerned, or null
   */
  public record Planted(String code, String kind, List<String> projectIds, String buyer, String supplier) {}

  public int projects() {
    return governmentProjects + selfPurchases;
  }

  /** The events in business-time order across projects (a live feed's order). */
  public List<Event> chronological() {
    List<Event> out = new ArrayList<>(events);
    out.sort(Comparator.comparing(Event::occurredAt).thenComparingInt(Event::index));
    return out;
  }

  /** Projects concerned by a planted irregularity. */
  public Set<String> irregularProjects() {
    Set<String> out = new LinkedHashSet<>();
    for (Planted p : planted) out.addAll(p.projectIds());
    return out;
  }

  /** Every project id, in order of registration. */
  public Set<String> projectIds() {
    Set<String> out = new LinkedHashSet<>();
    for (Event e : events) out.add(e.projectId());
    return out;
  }

  /** The buyers of the registered projects (the owners of the cross-project alerts), in order of appearance. */
  public Set<String> buyers() {
    Set<String> out = new LinkedHashSet<>();
    for (Event e : events) {
      if (!e.type().equals("ProjectRegistered")) continue;
      try {
        out.add(io.procwatch.infra.Json.mapper().readTree(e.json()).path("data").path("buyer").asText());
      } catch (java.io.IOException ex) {
        throw new java.io.UncheckedIOException(ex);
      }
    }
    return out;
  }

  /** Planted irregularities counted by rule code. */
  public Map<String, Integer> plantedByCode() {
    Map<String, Integer> out = new TreeMap<>();
    for (Planted p : planted) out.merge(p.code(), 1, Integer::sum);
    return out;
  }

  /** Writes the events as NDJSON, one line each, in the given order. */
  public static void writeNdjson(List<Event> events, Writer out) throws IOException {
    for (Event e : events) {
      out.write(e.json());
      out.write('\n');
    }
  }
}
