package io.procwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.calendar.WorkCalendar;
import io.procwatch.project.Fact;
import io.procwatch.project.IngestParser;
import io.procwatch.project.Judge;
import io.procwatch.project.ProjectState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DeadlineRules} hands back a deadline it built lately on the same thread when its inputs are equal: every
 * input must count (a limit, the calendar of another configuration), and what comes back must equal a fresh build.
 */
class DeadlineReuseTest {
  static final IngestParser PARSER = new IngestParser(Duration.ofDays(36500));
  static final Instant NOW = Instant.parse("2026-03-20T00:00:00Z");

  static String line(String id, String type, String at, String data) {
    return "{\"eventId\":\"" + id + "\",\"projectId\":\"P-1\",\"type\":\"" + type + "\",\"occurredAt\":\"" + at
        + "\"" + (data == null ? "" : ",\"data\":" + data) + "}";
  }

  /** A contract signed on Friday 2026-02-13, delivered the same day: DL02 (2 WD) runs into 春节 2026. */
  static ProjectState project(Judge judge, int acceptanceDays) {
    return project(judge, acceptanceDays, "C-1");
  }

  static ProjectState project(Judge judge, int acceptanceDays, String contractId) {
    List<String> lines = List.of(
        line("e1", "ProjectRegistered", "2026-01-05T10:00:00+08:00", "{\"buyer\":\"B\",\"title\":\"t\",\"category\":"
            + "\"A05040101\",\"categoryKind\":\"GOODS\",\"budget\":2000,\"fiscalYear\":2026}"),
        line("e2", "RequirementApproved", "2026-01-06T10:00:00+08:00", null),
        line("e3", "MethodApproved", "2026-01-07T10:00:00+08:00", "{\"method\":\"E_MALL\"}"),
        line("e4", "ContractSigned", "2026-02-13T10:00:00+08:00", "{\"contractId\":\"" + contractId + "\",\"supplier\":\"S\","
            + "\"amount\":1000,\"acceptanceDays\":" + acceptanceDays + "}"),
        line("e5", "Delivered", "2026-02-13T15:00:00+08:00", null));
    ProjectState state = null;
    for (String l : lines) {
      IngestParser.Parsed p = PARSER.parse(l, NOW);
      assertThat(p.error()).as(l).isNull();
      Fact f = p.fact();
      Judge.Verdict v = judge.judge(state, f, NOW);
      assertThat(v).as(l).isInstanceOf(Judge.Accepted.class);
      state = ((Judge.Accepted) v).after();
    }
    return state;
  }

  static Deadline of(List<Deadline> all, String rule) {
    return all.stream().filter(d -> d.rule().equals(rule)).findFirst().orElseThrow();
  }

  @Test
  void equalInputsGiveTheSameDeadlineBack() {
    RuleContext ctx = RuleContext.defaults();
    ProjectState p = project(new Judge(RuleEngine.standard(ctx)), 10);
    List<Deadline> first = new DeadlineRules().deadlines(p, ctx);
    List<Deadline> again = new DeadlineRules().deadlines(p, ctx);
    assertThat(again).isEqualTo(first);
    assertThat(of(again, "DL02")).isSameAs(of(first, "DL02"));
  }

  @Test
  void aDifferentLimitGivesADifferentDeadline() {
    RuleContext ctx = RuleContext.defaults();
    Judge judge = new Judge(RuleEngine.standard(ctx));
    Deadline ten = of(new DeadlineRules().deadlines(project(judge, 10), ctx), "DL08");
    Deadline twenty = of(new DeadlineRules().deadlines(project(judge, 20), ctx), "DL08");
    assertThat(twenty.dueAt()).isAfter(ten.dueAt());
    assertThat(twenty.details()).containsEntry("acceptanceDays", "20");
    assertThat(ten.details()).containsEntry("acceptanceDays", "10");
  }

  @Test
  void anotherConfigurationsCalendarCounts() {
    RuleContext shipped = RuleContext.defaults();
    RuleContext noHolidays = new RuleContext(shipped.catalogue(), shipped.thresholds(),
        WorkCalendar.of(List.of()), shipped.pt08());
    ProjectState p = project(new Judge(RuleEngine.standard(shipped)), 10);
    Deadline withHolidays = of(new DeadlineRules().deadlines(p, shipped), "DL02");
    Deadline mondayToFriday = of(new DeadlineRules().deadlines(p, noHolidays), "DL02");
    // Friday 02-13 + 2 WD: Monday–Friday counts to Tuesday 02-17; the shipped calendar waits for the end of 春节
    assertThat(mondayToFriday.dueAt()).isEqualTo(Instant.parse("2026-02-17T16:00:00Z"));
    assertThat(withHolidays.dueAt()).isAfter(mondayToFriday.dueAt());
    assertThat(of(new DeadlineRules().deadlines(p, shipped), "DL02")).isEqualTo(withHolidays);
  }

  @Test
  void inputsSharingASlotDoNotGetEachOthersDeadline() throws Exception {
    RuleContext ctx = RuleContext.defaults();
    Judge judge = new Judge(RuleEngine.standard(ctx));
    // more variants than the thread's table has slots: some of them must share one, and each must still get its own
    int variants = DeadlineRules.Built.SLOTS + 100;
    List<ProjectState> projects = new java.util.ArrayList<>();
    for (int i = 0; i < variants; i++) projects.add(project(judge, days(i), "C-" + i));
    List<List<Deadline>> first = new java.util.ArrayList<>();
    for (ProjectState p : projects) first.add(new DeadlineRules().deadlines(p, ctx));
    // built again on this thread in the other order, and on a fresh thread (nothing kept): the same deadlines
    List<List<Deadline>> fresh = new java.util.ArrayList<>();
    Thread t = new Thread(() -> {
      for (ProjectState p : projects) fresh.add(new DeadlineRules().deadlines(p, ctx));
    });
    t.start();
    t.join();
    for (int i = variants - 1; i >= 0; i--) {
      List<Deadline> again = new DeadlineRules().deadlines(projects.get(i), ctx);
      assertThat(again).as("variant %d", i + 1).isEqualTo(first.get(i)).isEqualTo(fresh.get(i));
      assertThat(of(again, "DL08").details()).containsEntry("acceptanceDays", String.valueOf(days(i)));
    }
    assertThat(of(first.get(29), "DL08").dueAt()).isAfter(of(first.get(9), "DL08").dueAt());
  }

  private static int days(int variant) {
    return 1 + variant % 300;
  }
}
