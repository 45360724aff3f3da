package io.procwatch.rules;

import static io.procwatch.rules.RuleSupport.details;

import io.procwatch.calendar.WorkCalendar;
import io.procwatch.project.Fact;
import io.procwatch.project.Fact.Method;
import io.procwatch.project.ProjectState;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * MP01–MP04 of domain.md §3: periods the law says must be at least so long.
 *
 * <p><b>Counting.</b> The regulations count these periods in days from one date to another ("自招标文件开始发出之日起
 * 至投标人提交投标文件截止之日止，不得少于二十日", L35; M74 §29, §45; C214 §10), and domain.md §1 does not count the start
 * day. So a period is the number of days {@code d} with {@code start date < d <= end date} (Asia/Shanghai): calendar
 * days for CD, working days of the State Council calendar for WD. Documents issued on 03-01 with a bid deadline on
 * 03-21 at 09:30 give 20 CD, which is enough, even though fewer than 20 × 24 hours pass (Cardinal R003 counts whole
 * 24-hour days instead; Chinese law counts dates). A deadline at exactly 00:00 belongs to the day before, because
 * nobody can submit on the day it names.
 *
 * <p>A minimum period is not lengthened when its last day is a rest day: 民法典 §203 moves the end of a period in which
 * someone must act; here the law only sets how many days must pass, and the bid deadline itself is the buyer's
 * choice.
 *
 * <p>MP01–MP03 hold while the current round's notice gives too short a period for the current method (a re-tender
 * is judged on its own notice). They are permanent (see {@link RuleEngine#PERMANENT}): a corrected notice does not
 * undo the period bidders actually had.
 */
public final class MinimumPeriodRules implements ProjectRule {

  private static final List<RuleId> PERIOD_RULES = List.of(RuleId.MP01, RuleId.MP02, RuleId.MP03);

  @Override
  public List<Condition> conditions(ProjectState s, RuleContext ctx) {
    List<Condition> found = new ArrayList<>();
    if (s.method() != null && s.notice() != null) {
      for (RuleId id : PERIOD_RULES) period(id, s, ctx, found);
    }
    mp04(s, ctx, found);
    return found;
  }

  /** The method, the notice, the registration and the intents: nothing else is read (a re-tender clears the first two). */
  @Override
  public Set<String> dependsOn(RuleContext ctx) {
    return Set.of("MethodApproved", "NoticePublished", "IntentPublished", "ProcurementFailed", "ProjectRegistered");
  }

  /** MP01 等标期不足, MP02 磋商期不足, MP03 谈判/询价期不足: the same check, each for its methods and limit. */
  private static void period(RuleId id, ProjectState s, RuleContext ctx, List<Condition> found) {
    RuleDefinition def = ctx.rule(id);
    Method method = s.method().method();
    if (!def.enumSetParam("methods", Method.class).contains(method)) return;
    int min = def.intParam("min-days");
    DayUnit unit = def.enumParam("unit", DayUnit.class);
    Fact.NoticePublished n = s.notice();
    LocalDate issued = day(n.docIssueAt());
    // the last day on which a bid can still be submitted
    LocalDate lastDay = day(n.bidDeadline().minusNanos(1));
    long days = count(issued, lastDay, unit, ctx.calendar());
    if (days >= min) return;
    found.add(new Condition(id.name(), def.severity(), "", false, s.stepAt("NoticePublished"), null, null,
        method + ": documents issued " + issued + ", bids due " + n.bidDeadline() + ": " + days + " " + unit
            + ", at least " + min + " " + unit + " required (" + def.zh() + ")",
        details("method", method, "docIssueAt", n.docIssueAt(), "bidDeadline", n.bidDeadline(),
            "days", days, "unit", unit, "minDays", min)));
  }

  /**
   * MP04 意向公开不足: a government procurement project whose notice came with no IntentPublished, or less than
   * {@code min-days} after it.
   *
   * <p><b>Government procurement</b> is read as L2 and N10 define it: the project is in the central catalogue
   * ({@code centralCatalogue}) or its budget is at or above the procurement limit (分散采购限额) of the active threshold
   * profile for its category kind; and its method is not one N10 does not bind ({@code excluded-methods}: 协议供货/定点采购
   * small purchases, FRAMEWORK_AGREEMENT and E_MALL, which N10 exempts, and SELF_PURCHASE, outside the law). The method
   * alone does not make a project government procurement: a unit may run an open tender below the limit, and
   * N10 does not ask it to publish an intent.
   *
   * <p><b>When.</b> N10 asks for the intent 30 days before the procurement activity starts; the activity starts
   * with the notice, so MP04 is judged once the current round has a NoticePublished (a project without a notice,
   * such as a direct purchase, is never judged). The intent is the earliest IntentPublished of the project, in
   * business time, counted like the periods above up to the notice's business time. A backfilled intent that
   * happened early enough clears the alert.
   */
  private static void mp04(ProjectState s, RuleContext ctx, List<Condition> found) {
    if (s.notice() == null || !governmentProcurement(s, ctx)) return;
    RuleDefinition def = ctx.rule(RuleId.MP04);
    int min = def.intParam("min-days");
    DayUnit unit = def.enumParam("unit", DayUnit.class);
    Instant noticeAt = s.stepAt("NoticePublished");
    Instant intentAt = RuleSupport.earliest(s, Fact.IntentPublished.class);
    long days = intentAt == null ? -1 : count(day(intentAt), day(noticeAt), unit, ctx.calendar());
    if (intentAt != null && days >= min) return;
    String why = intentAt == null
        ? "notice published without a procurement intent"
        : intentAt.isAfter(noticeAt)
            ? "procurement intent published after the notice"
            : "procurement intent published only " + days + " " + unit + " before the notice";
    found.add(new Condition("MP04", def.severity(), "", false, noticeAt, null, null,
        why + ", at least " + min + " " + unit + " required (" + def.zh() + ")",
        details("intentPublishedAt", intentAt, "noticePublishedAt", noticeAt, "days", intentAt == null ? null : days,
            "minDays", min, "unit", unit)));
  }

  /** Whether N10 binds the project: see {@link #mp04}. */
  static boolean governmentProcurement(ProjectState s, RuleContext ctx) {
    Set<Method> excluded = ctx.rule(RuleId.MP04).enumSetParam("excluded-methods", Method.class);
    if (s.method() != null && excluded.contains(s.method().method())) return false;
    Fact.ProjectRegistered r = s.registration();
    if (Boolean.TRUE.equals(r.centralCatalogue())) return true;
    return r.budget().compareTo(ctx.thresholds().active().procurementLimit(r.categoryKind())) >= 0;
  }

  /** Days {@code d} with {@code from < d <= to}; negative (in calendar days) when {@code to} is before {@code from}. */
  static long count(LocalDate from, LocalDate to, DayUnit unit, WorkCalendar calendar) {
    return switch (unit) {
      case CD -> ChronoUnit.DAYS.between(from, to);
      case WD -> to.isBefore(from) ? -1 : calendar.workingDaysBetween(from, to);
    };
  }

  private static LocalDate day(Instant t) {
    return t.atZone(WorkCalendar.ZONE).toLocalDate();
  }
}
