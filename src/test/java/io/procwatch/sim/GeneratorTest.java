package io.procwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procwatch.calendar.WorkCalendar;
import io.procwatch.infra.Json;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  static final WorkCalendar CALENDAR = WorkCalendar.fromClasspath();
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  static String ndjson(History h) throws Exception {
    StringWriter w = new StringWriter();
    History.writeNdjson(h.events(), w);
    return w.toString();
  }

  @Test
  void theSameSeedGivesTheSameHistoryByteForByte() throws Exception {
    Generator.Options options = Generator.Options.bureau(42, LocalDate.of(2025, 1, 1)).withProjects(600);
    String first = ndjson(Generator.generate(options, CALENDAR));
    String again = ndjson(Generator.generate(options, WorkCalendar.fromClasspath()));
    assertThat(again).isEqualTo(first);
    Generator.Options otherSeed = Generator.Options.bureau(43, LocalDate.of(2025, 1, 1)).withProjects(600);
    assertThat(ndjson(Generator.generate(otherSeed, CALENDAR))).isNotEqualTo(first);
  }

  @Test
  void theDefaultsHaveTheShapeOfTheBureausYear() throws Exception {
    History h = Generator.generate(Generator.Options.bureau(1, LocalDate.of(2025, 1, 1)), CALENDAR);
    assertThat(h.projects()).isEqualTo(2890);
    assertThat(h.governmentProjects()).isEqualTo(49);
    assertThat(h.selfPurchases()).isEqualTo(2841);
    assertThat(h.budget()).isBetween(new BigDecimal("100000000"), new BigDecimal("120000000"));
    assertThat(h.plantedByCode().keySet()).containsAll(Generator.SINGLE_PROJECT_CODES).containsAll(Generator.CROSS_PROJECT_CODES);

    Set<String> buyers = new HashSet<>();
    Map<String, Integer> contractsBySupplier = new HashMap<>();
    Map<String, Instant> lastOfProject = new HashMap<>();
    Set<String> approvals = Set.of("RequirementApproved", "MethodApproved", "SupplierConfirmed", "Accepted");
    for (History.Event e : h.events()) {
      JsonNode n = Json.mapper().readTree(e.json());
      var local = e.occurredAt().atZone(SHANGHAI);
      assertThat(CALENDAR.isWorkingDay(local.toLocalDate())).as("working day: %s", e.json()).isTrue();
      assertThat(local.toLocalTime()).as("working hours: %s", e.json()).isBetween(LocalTime.of(8, 30), LocalTime.of(18, 0));
      if (approvals.contains(e.type())) assertThat(CALENDAR.isWithinWorkingHours(e.occurredAt())).isTrue();
      Instant previous = lastOfProject.put(e.projectId(), e.occurredAt());
      if (previous != null) assertThat(e.occurredAt()).as("order within %s", e.projectId()).isAfterOrEqualTo(previous);
      if (e.type().equals("ProjectRegistered")) buyers.add(n.path("data").path("buyer").asText());
      if (e.type().equals("ContractSigned")) contractsBySupplier.merge(n.path("data").path("supplier").asText(), 1, Integer::sum);
    }
    assertThat(buyers).hasSize(12);
    // a long tail: the busiest supplier has many contracts, most suppliers a few
    int most = contractsBySupplier.values().stream().mapToInt(i -> i).max().orElse(0);
    long few = contractsBySupplier.values().stream().filter(c -> c <= 5).count();
    assertThat(most).isGreaterThan(100);
    assertThat(few).isGreaterThan(contractsBySupplier.size() / 3);
  }
}
