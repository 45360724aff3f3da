package io.procwatch.bench;

import io.procwatch.calendar.WorkCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;

/**
 * Business times of the alert-latency probes on the data clock ({@code serve --clock data}), where the service's
 * "now" is the latest business time it accepted. A probe dated today would move data time to today and fire every
 * open deadline of the replayed history at once; so a probe's project is set up, and its {@code Delivered} sent,
 * dated inside the replayed time.
 *
 * <p><b>Set-up</b> (ProjectRegistered, RequirementApproved, MethodApproved SELF_PURCHASE) at 09:00, 10:00 and
 * 11:00 (Asia/Shanghai) of the latest working day whose 11:00 is at least a minute before the data time given: all
 * before data time (data time does not move), the two approvals inside PT07's office hours (08:30–18:00 on a working
 * day of the State Council calendar) and an hour after the previous step (PT07's minimum is 10 minutes), the
 * registration and requirement stages left within the day (DL11: 10 WD each). The project then sits in stage
 * METHOD_APPROVED, whose DL11 SLA is 15 WD (pre-warning 1 WD before): the driver sets a probe's project up just
 * before its probe (a run replays months of business time, so a project set up before the load would breach DL11
 * long before its probe came).
 *
 * <p><b>Probe</b>: {@code Delivered} at the data time (the latest occurredAt the driver has sent) raises SQ01
 * (Delivered before ContractSigned), the measured alert; then {@code ProjectCancelled} at the same instant, sent
 * once the Delivered is answered, ends the project: DL08 (acceptance within 30 CD after Delivered) and DL11
 * (DELIVERED, 25 WD) are dropped for an ended project that had not breached them, and SQ01 stays open (it is a fact
 * about the order of steps). Self purchase: no MP04 (excluded method), no contract (no DL01–DL05, DL10), budget
 * 3,000 far from every threshold (no SQ04, PT09).
 */
final class ProbeDates {
  static final LocalTime REGISTERED = LocalTime.of(9, 0);
  static final LocalTime REQUIREMENT_APPROVED = LocalTime.of(10, 0);
  static final LocalTime METHOD_APPROVED = LocalTime.of(11, 0);

  private ProbeDates() {}

  /** The three set-up instants and the fiscal year (the year of the set-up day). */
  record Setup(Instant registered, Instant requirementApproved, Instant methodApproved, int fiscalYear) {}

  /** Set-up instants for a probe project at data time {@code dataNow} (see the class comment). */
  static Setup before(Instant dataNow, WorkCalendar calendar) {
    Instant limit = dataNow.minus(Duration.ofMinutes(1));
    LocalDate day = limit.atZone(WorkCalendar.ZONE).toLocalDate();
    while (!calendar.isWorkingDay(day) || at(day, METHOD_APPROVED).isAfter(limit)) day = day.minusDays(1);
    return new Setup(at(day, REGISTERED), at(day, REQUIREMENT_APPROVED), at(day, METHOD_APPROVED), day.getYear());
  }

  private static Instant at(LocalDate day, LocalTime time) {
    return day.atTime(time).atZone(WorkCalendar.ZONE).toInstant();
  }

  /** NDJSON (three lines, each ending in a newline) setting project {@code p} of buyer {@code buyer} up. */
  static String setupLines(String p, String buyer, Setup s) {
    return "{\"eventId\":\"" + p + "-1\",\"projectId\":\"" + p + "\",\"type\":\"ProjectRegistered\",\"occurredAt\":\""
        + s.registered() + "\",\"data\":{\"buyer\":\"" + buyer + "\",\"title\":\"纸张\",\"category\":\"A05040101\","
        + "\"categoryKind\":\"GOODS\",\"budget\":3000,\"fiscalYear\":" + s.fiscalYear() + "}}\n"
        + "{\"eventId\":\"" + p + "-2\",\"projectId\":\"" + p + "\",\"type\":\"RequirementApproved\",\"occurredAt\":\""
        + s.requirementApproved() + "\"}\n"
        + "{\"eventId\":\"" + p + "-3\",\"projectId\":\"" + p + "\",\"type\":\"MethodApproved\",\"occurredAt\":\""
        + s.methodApproved() + "\",\"data\":{\"method\":\"SELF_PURCHASE\"}}\n";
  }

  /** The probe's second step: the project cancelled at the Delivered's instant. */
  static String cancelled(String p, Instant at) {
    return "{\"eventId\":\"" + p + "-5\",\"projectId\":\"" + p + "\",\"type\":\"ProjectCancelled\",\"occurredAt\":\""
        + at + "\",\"data\":{\"reason\":\"alert-latency probe done\"}}";
  }
}
