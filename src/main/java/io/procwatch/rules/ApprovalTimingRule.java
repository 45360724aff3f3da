package io.procwatch.rules;

import static io.procwatch.rules.RuleSupport.details;

import io.procwatch.calendar.WorkCalendar;
import io.procwatch.calendar.WorkingHours;
import io.procwatch.project.Fact;
import io.procwatch.project.ProjectState;
import io.procwatch.project.RecordedFact;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * PT07 异常审批: an approval step ({@code approval-events}: RequirementApproved, MethodApproved, SupplierConfirmed,
 * Accepted) dated outside office hours on a working day, or less than {@code min-minutes} after the previous step.
 *
 * <p>Office hours are PT07's own {@code working-hours} parameters (half-open, Asia/Shanghai) on the working days of
 * the State Council calendar, so a make-up Saturday is a working day and a public holiday is not.
 *
 * <p>The <b>previous step</b> is the latest other fact of the project (any type, any round) whose business time is at
 * or before the approval's; a fact at the very same instant is 0 minutes before it. The registration counts: a
 * requirement "reviewed" three minutes after the project was registered is what this signal looks for. A project's
 * first fact has no previous step.
 *
 * <p>Subject: the step type. One alert per type, about the earliest unusual occurrence in business time (a re-tender's
 * second MethodApproved does not raise a second alert while the first is open). Permanent: it is a fact about
 * how the step was taken.
 */
public final class ApprovalTimingRule implements ProjectRule {

  @Override
  public List<Condition> conditions(ProjectState s, RuleContext ctx) {
    RuleDefinition def = ctx.rule(RuleId.PT07);
    Set<String> approvals = Set.copyOf(def.stringListParam("approval-events"));
    WorkingHours hours = new WorkingHours(def.timeParam("working-hours.start"), def.timeParam("working-hours.end"));
    Duration minGap = Duration.ofMinutes(def.intParam("min-minutes"));
    WorkCalendar calendar = ctx.calendar();

    // how many facts happened at each business instant, to find "the previous step" in O(log n)
    TreeMap<Instant, Integer> times = new TreeMap<>();
    List<RecordedFact> candidates = new ArrayList<>();
    for (RecordedFact r : s.history()) {
      times.merge(r.fact().occurredAt(), 1, Integer::sum);
      if (approvals.contains(r.fact().type())) candidates.add(r);
    }
    candidates.sort(Comparator.comparing(r -> r.fact().occurredAt()));

    Map<String, Condition> byType = new LinkedHashMap<>();
    for (RecordedFact r : candidates) {
      Fact f = r.fact();
      if (byType.containsKey(f.type())) continue;
      Instant at = f.occurredAt();
      ZonedDateTime local = at.atZone(WorkCalendar.ZONE);
      boolean workingDay = calendar.isWorkingDay(local.toLocalDate());
      boolean offHours = !workingDay || !hours.contains(local.toLocalTime());
      Instant previous = times.get(at) > 1 ? at : times.lowerKey(at);
      boolean tooQuick = previous != null && Duration.between(previous, at).compareTo(minGap) < 0;
      if (!offHours && !tooQuick) continue;
      List<String> why = new ArrayList<>();
      if (offHours) {
        why.add("at " + local.toLocalDateTime() + (workingDay ? ", outside " + hours.start() + "–" + hours.end()
            : ", not a working day"));
      }
      if (tooQuick) {
        why.add(Duration.between(previous, at).toMinutes() + " min after the previous step, less than "
            + minGap.toMinutes() + " min");
      }
      byType.put(f.type(), new Condition("PT07", def.severity(), f.type(), false, at, null, null,
          f.type() + (f.actor() == null ? "" : " by " + f.actor()) + " " + String.join("; ", why)
              + " (" + def.zh() + ")",
          details("step", f.type(), "eventId", f.eventId(), "actor", f.actor(), "offHours", offHours,
              "previousStepAt", tooQuick ? previous : null)));
    }
    return List.copyOf(byType.values());
  }

  /**
   * A fact that is not an approval, later (in business time) than every approval of the project, is nobody's
   * previous step and shares no approval's instant: nothing changes.
   */
  @Override
  public boolean unchangedBy(Fact fact, ProjectState before, ProjectState after, List<Condition> previous,
      FactIndex index, RuleContext ctx) {
    if (index.isApproval(fact.type())) return false;
    Instant latest = index.latestApproval();
    return latest == null || fact.occurredAt().isAfter(latest);
  }
}
