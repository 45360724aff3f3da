package io.procwatch.project;

import static org.assertj.core.api.Assertions.assertThat;

import io.procwatch.rules.CategoryKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint that versions before 2026-11-30 stored with every fact must be computed exactly as then, or a retry
 * of a fact stored by them would be refused as "eventId reused": these values were computed by that code (main at 2deea70).
 */
class FingerprintTest {
  static final Fact REGISTERED = new Fact("e-1", "CQJZ-2026-0042", Instant.parse("2026-03-02T01:00:00Z"), "zhang.wei",
      new Fact.ProjectRegistered("CQ-001", "重庆市某局", "办公电脑采购", "BP-1", "A02010104", CategoryKind.GOODS,
          new BigDecimal("5000"), 2026, false, List.of(new Fact.Item("台式计算机", new BigDecimal("10"), new BigDecimal("480")))));
  static final Fact APPROVED = new Fact("e-2", "CQJZ-2026-0042", Instant.parse("2026-03-02T02:00:00Z"), "zhang.wei",
      new Fact.RequirementApproved());

  @Test
  void fingerprintsAreComputedAsBefore() {
    assertThat(Fingerprint.of(REGISTERED)).isEqualTo("c795e5d5d8a957f4961a40dddd9446b3");
    assertThat(Fingerprint.of(APPROVED)).isEqualTo("015a0d177776984b76fbff1de4b031fc");
  }

  @Test
  void theSameContentWrittenOtherwiseIsTheSameFact() {
    Fact again = new Fact("e-1", "CQJZ-2026-0042", Instant.parse("2026-03-02T01:00:00Z"), "zhang.wei",
        new Fact.ProjectRegistered("CQ-001", "重庆市某局", "办公电脑采购", "BP-1", "A02010104", CategoryKind.GOODS,
            new BigDecimal("5000.00"), 2026, false, List.of(new Fact.Item("台式计算机", new BigDecimal("10.0"), new BigDecimal("480.000")))));
    RecordedFact storedNow = new RecordedFact(REGISTERED, Instant.EPOCH, null, Stage.REGISTERED, List.of());
    RecordedFact storedBefore = new RecordedFact(REGISTERED, Instant.EPOCH, Fingerprint.of(REGISTERED), Stage.REGISTERED, List.of());
    assertThat(Fingerprint.sameFact(storedNow, again)).isTrue();
    assertThat(Fingerprint.sameFact(storedBefore, again)).isTrue();
    Fact other = new Fact("e-1", "CQJZ-2026-0042", Instant.parse("2026-03-02T01:00:00Z"), "zhang.wei",
        new Fact.ProjectRegistered("CQ-001", "重庆市某局", "办公电脑采购", "BP-1", "A02010104", CategoryKind.GOODS,
            new BigDecimal("5000"), 2026, false, List.of(new Fact.Item("台式计算机", new BigDecimal("11"), new BigDecimal("480")))));
    assertThat(Fingerprint.sameFact(storedNow, other)).isFalse();
    assertThat(Fingerprint.sameFact(storedBefore, other)).isFalse();
  }
}
