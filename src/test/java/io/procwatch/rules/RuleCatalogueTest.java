package io.procwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.math.BigDecimal;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleCatalogueTest {

  /** The packaged file without environment overrides, so that the tests do not depend on the machine. */
  private static final Config REFERENCE =
      ConfigFactory.parseResources("rules.conf").resolve(ConfigResolveOptions.noSystem());

  private final RuleCatalogue catalogue = RuleCatalogue.from(REFERENCE);

  private static RuleCatalogue withOverride(String hocon) {
    return RuleCatalogue.from(ConfigFactory.parseString(hocon).withFallback(REFERENCE));
  }

  // ---- the catalogue as a whole -------------------------------------------------------------------------------

  @Test
  void has_exactly_the_41_rule_ids_of_the_domain_in_code_order() {
    List<String> expected = new ArrayList<>();
    for (Object[] family : new Object[][] {{"DL", 11}, {"MP", 4}, {"BG", 6}, {"SQ", 4}, {"PT", 9}, {"XP", 7}}) {
      for (int i = 1; i <= (int) family[1]; i++) {
        expected.add(String.format("%s%02d", family[0], i));
      }
    }

    assertThat(catalogue.all()).extracting(rule -> rule.id().name()).containsExactlyElementsOf(expected);
    assertThat(expected).hasSize(41);
  }

  @Test
  void defaults_loads_the_packaged_file() {
    assertThat(RuleCatalogue.defaults().all()).hasSize(41);
    assertThat(RuleCatalogue.defaults().get(RuleId.DL01).deadline().limit()).isEqualTo(30);
  }

  @Test
  void every_rule_is_enabled_and_named() {
    assertThat(catalogue.all()).allSatisfy(rule -> {
      assertThat(rule.enabled()).isTrue();
      assertThat(rule.zh()).isNotBlank();
      assertThat(rule.en()).isNotBlank();
      assertThat(rule.basisTitle()).isNotBlank();
    });
  }

  /** Severity and basis of every rule, transcribed from domain.md §3 (SQ01-SQ03 have no basis there: chosen). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      DL01; 合同签订超期;        CRITICAL; ;         L46
      DL02; 合同公告超期;        WARNING;  ;         R50
      DL03; 未中标人保证金退还超期; WARNING;  ;         R33
      DL04; 中标人保证金退还超期;  WARNING;  ;         R33
      DL05; 中小企业款项支付超期;  WARNING;  CRITICAL; SME25 §9
      DL06; 结果公告超期;        WARNING;  ;         R43
      DL07; 确定中标人超期;      WARNING;  ;         R43
      DL08; 验收超期;           WARNING;  ;         R45
      DL09; 质疑答复超期;        CRITICAL; ;         L53
      DL10; 履约保证金退还超期;   WARNING;  ;         SME25 §13
      DL11; 阶段停滞;           WARNING;  ;         IC
      MP01; 等标期不足;         CRITICAL; ;         L35
      MP02; 磋商期不足;         CRITICAL; ;         C214 §10
      MP03; 谈判/询价期不足;     CRITICAL; ;         M74 §29,45
      MP04; 意向公开不足;        WARNING;  ;         N10
      BG01; 中标超预算;         CRITICAL; ;         L36
      BG02; 合同超预算/超中标价;  CRITICAL; ;         L6, L46
      BG03; 追加超10%;         CRITICAL; ;         L49
      BG04; 超合同支付;         CRITICAL; ;         L49
      BG05; 验收前付款;         CRITICAL; ;         R45
      BG06; 中标价贴近预算;      INFO;     ;         OCP
      SQ01; 程序倒置;           CRITICAL; ;         L46, R45
      SQ02; 合同供应商不一致;     CRITICAL; ;         L46
      SQ03; 结项后活动;         WARNING;  ;         IC
      SQ04; 应公开招标未公开招标;  CRITICAL; ;         L27, R23
      PT01; 有效投标不足;        WARNING;  CRITICAL; L36
      PT02; 报价雷同;           WARNING;  ;         M87 §37
      PT03; 最低价被否决;        WARNING;  ;         OCP
      PT04; 仅中标人有效;        WARNING;  ;         OCP
      PT05; 逾期投标中标;        CRITICAL; ;         OCP
      PT06; 关联投标;           CRITICAL; ;         M87 §37
      PT07; 异常审批;           INFO;     ;         IC
      PT08; 负面清单/超标准;     CRITICAL; ;         L71, R59
      PT09; 临界值;             INFO;     ;         R28
      XP01; 化整为零;           WARNING;  CRITICAL; R28
      XP02; 供应商集中;         WARNING;  ;         AUDIT
      XP03; 频繁单一来源;        WARNING;  ;         L31
      XP04; 陪标;              WARNING;  ;         R74
      XP05; 报价差异异常;        INFO;     ;         OCP
      XP06; 跨行业供应商;        INFO;     ;         OCP
      XP07; 废标率异常;         INFO;     ;         OCP
      """)
  void names_severities_and_basis_follow_the_domain(
      String id, String zh, Severity severity, Severity escalated, String basis) {
    RuleDefinition rule = catalogue.get(id);

    assertThat(rule.zh()).isEqualTo(zh);
    assertThat(rule.severity()).isEqualTo(severity);
    assertThat(rule.escalatedSeverity()).isEqualTo(escalated);
    assertThat(rule.basis()).isEqualTo(basis);
  }

  // ---- defaults of the domain ---------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = """
      DL01, 30, CD, AwardPublished,      ContractSigned
      DL02,  2, WD, ContractSigned,      ContractPublished
      DL03,  5, WD, AwardPublished,      DepositReturned
      DL04,  5, WD, ContractSigned,      DepositReturned
      DL05, 30, CD, Accepted,            PaymentMade
      DL06,  2, WD, SupplierConfirmed,   AwardPublished
      DL07,  5, WD, EvaluationCompleted, SupplierConfirmed
      DL08, 30, CD, Delivered,           Accepted
      DL09,  7, WD, ChallengeFiled,      ChallengeAnswered
      DL10, 30, CD, Accepted,            DepositReturned
      """)
  void deadlines_have_the_domain_limits(String id, int limit, DayUnit unit, String startsAt, String closedBy) {
    DeadlineSpec deadline = catalogue.get(id).deadline();

    assertThat(deadline.limit()).isEqualTo(limit);
    assertThat(deadline.unit()).isEqualTo(unit);
    assertThat(deadline.startsAt()).isEqualTo(startsAt);
    assertThat(deadline.closedBy()).isEqualTo(closedBy);
    assertThat(deadline.prewarnWorkingDays()).isEqualTo(1);
  }

  @Test
  void deposit_deadlines_name_the_deposit_kind() {
    assertThat(catalogue.get(RuleId.DL03).stringParam("deposit-kind")).isEqualTo("BID");
    assertThat(catalogue.get(RuleId.DL04).stringParam("deposit-kind")).isEqualTo("BID");
    assertThat(catalogue.get(RuleId.DL10).stringParam("deposit-kind")).isEqualTo("PERFORMANCE");
  }

  @Test
  void dl05_takes_the_contract_payment_days_defaults_to_30_and_never_exceeds_60() {
    RuleDefinition dl05 = catalogue.get(RuleId.DL05);
    DeadlineSpec deadline = dl05.deadline();

    assertThat(deadline.limitFrom()).contains("paymentDays");
    assertThat(deadline.limit()).isEqualTo(30);
    assertThat(deadline.maxDays()).isEqualTo(OptionalInt.of(60));
    assertThat(deadline.limitFor(null)).isEqualTo(30);
    assertThat(deadline.limitFor(45)).isEqualTo(45);
    assertThat(deadline.limitFor(90)).isEqualTo(60);
    assertThat(dl05.stringParam("starts-at-if-no-acceptance")).isEqualTo("Delivered");
    assertThat(dl05.severityFor(false)).isEqualTo(Severity.WARNING);
    assertThat(dl05.severityFor(true)).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void dl08_takes_the_contract_acceptance_days_without_a_cap() {
    DeadlineSpec deadline = catalogue.get(RuleId.DL08).deadline();

    assertThat(deadline.limitFrom()).contains("acceptanceDays");
    assertThat(deadline.limitFor(null)).isEqualTo(30);
    assertThat(deadline.limitFor(90)).isEqualTo(90);
  }

  @Test
  void fixed_deadlines_ignore_contract_days() {
    assertThat(catalogue.get(RuleId.DL01).deadline().limitFor(99)).isEqualTo(30);
  }

  @Test
  void dl11_has_an_sla_for_every_stage_in_stage_order() {
    StageSla sla = catalogue.get(RuleId.DL11).stageSla();

    assertThat(sla.unit()).isEqualTo(DayUnit.WD);
    assertThat(sla.prewarnWorkingDays()).isEqualTo(1);
    assertThat(sla.limits().keySet()).containsExactlyElementsOf(StageSla.STAGES);
    assertThat(sla.limitFor("AWARDED")).isEqualTo(OptionalInt.of(25));
    assertThat(sla.limitFor("CLOSED")).isEmpty();
  }

  @Test
  void dl11_has_no_single_deadline_and_other_rules_no_stages() {
    assertThatThrownBy(() -> catalogue.get(RuleId.DL11).deadline())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("stageSla()");
    assertThatThrownBy(() -> catalogue.get(RuleId.MP01).deadline()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> catalogue.get(RuleId.DL01).stageSla()).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = """
      MP01, 20, CD, 'OPEN_TENDER,INVITED_TENDER'
      MP02, 10, CD, COMPETITIVE_CONSULTATION
      MP03,  3, WD, 'COMPETITIVE_NEGOTIATION,INQUIRY'
      """)
  void minimum_periods_have_the_domain_limits(String id, int days, DayUnit unit, String methods) {
    RuleDefinition rule = catalogue.get(id);

    assertThat(rule.intParam("min-days")).isEqualTo(days);
    assertThat(rule.enumParam("unit", DayUnit.class)).isEqualTo(unit);
    assertThat(rule.stringListParam("methods")).containsExactly(methods.split(","));
  }

  @Test
  void intent_must_come_30_calendar_days_before_the_notice() {
    RuleDefinition mp04 = catalogue.get(RuleId.MP04);

    assertThat(mp04.intParam("min-days")).isEqualTo(30);
    assertThat(mp04.enumParam("unit", DayUnit.class)).isEqualTo(DayUnit.CD);
  }

  @Test
  void money_ratios_are_exact_decimals() {
    assertThat(catalogue.get(RuleId.BG03).decimalParam("ratio")).isEqualByComparingTo("0.10");
    assertThat(catalogue.get(RuleId.BG06).decimalParam("ratio")).isEqualByComparingTo("0.98");
    assertThat(catalogue.get(RuleId.PT09).decimalParam("band")).isEqualByComparingTo("0.9");
    // read from the text as written, not through a double
    assertThat(catalogue.get(RuleId.BG03).decimalParam("ratio")).isEqualTo(new BigDecimal("0.10"));
    assertThat(catalogue.get(RuleId.BG05).stringListParam("exempt-payment-kinds")).containsExactly("PREPAY");
  }

  @Test
  void pattern_rules_have_the_domain_numbers() {
    RuleDefinition pt01 = catalogue.get(RuleId.PT01);
    assertThat(pt01.intParam("min-valid-bids")).isEqualTo(3);
    assertThat(pt01.severityFor(true)).isEqualTo(Severity.CRITICAL);

    RuleDefinition pt06 = catalogue.get(RuleId.PT06);
    assertThat(pt06.stringListParam("shared-fields")).containsExactly("payerAccount", "contact", "address");

    RuleDefinition pt07 = catalogue.get(RuleId.PT07);
    assertThat(pt07.timeParam("working-hours.start")).isEqualTo(LocalTime.of(8, 30));
    assertThat(pt07.timeParam("working-hours.end")).isEqualTo(LocalTime.of(18, 0));
    assertThat(pt07.intParam("min-minutes")).isEqualTo(10);
    assertThat(pt07.stringListParam("approval-events"))
        .containsExactly("RequirementApproved", "MethodApproved", "SupplierConfirmed", "Accepted");
  }

  @Test
  void cross_project_rules_have_the_domain_and_cardinal_defaults() {
    RuleDefinition xp01 = catalogue.get(RuleId.XP01);
    assertThat(xp01.intParam("category-prefix-length")).isEqualTo(5);
    assertThat(xp01.decimalParam("warning-ratio")).isEqualByComparingTo("0.8");
    assertThat(xp01.severityFor(false)).isEqualTo(Severity.WARNING);
    assertThat(xp01.severityFor(true)).isEqualTo(Severity.CRITICAL);

    RuleDefinition xp02 = catalogue.get(RuleId.XP02);
    assertThat(xp02.decimalParam("share")).isEqualByComparingTo("0.5");
    assertThat(xp02.intParam("min-contracts")).isEqualTo(5);

    RuleDefinition xp03 = catalogue.get(RuleId.XP03);
    assertThat(xp03.intParam("min-count")).isEqualTo(2);
    assertThat(xp03.intParam("window-months")).isEqualTo(12);

    RuleDefinition xp04 = catalogue.get(RuleId.XP04); // Cardinal R025
    assertThat(xp04.intParam("percentile")).isEqualTo(75);
    assertThat(xp04.optionalDecimalParam("threshold")).isEmpty();
    assertThat(xp04.decimalParam("iqr-multiplier")).isEqualByComparingTo("1.5");

    RuleDefinition xp05 = catalogue.get(RuleId.XP05); // Cardinal R024 / R058
    assertThat(xp05.optionalDecimalParam("low-threshold")).isEmpty();
    assertThat(xp05.optionalDecimalParam("high-threshold")).isEmpty();

    RuleDefinition xp06 = catalogue.get(RuleId.XP06); // Cardinal R048
    assertThat(xp06.intParam("category-prefix-length")).isEqualTo(3);
    assertThat(xp06.intParam("min-processes")).isEqualTo(20);

    RuleDefinition xp07 = catalogue.get(RuleId.XP07); // Cardinal R038
    assertThat(xp07.intParam("min-submitted-bids")).isEqualTo(2);
    assertThat(xp07.intParam("min-contracting-processes")).isEqualTo(2);
    assertThat(xp07.optionalDecimalParam("threshold")).isEmpty();
  }

  @Test
  void basis_titles_come_from_the_sources() {
    assertThat(catalogue.get(RuleId.DL01).basisTitle()).isEqualTo(catalogue.sources().get("L"));
    assertThat(catalogue.get(RuleId.PT08).basisTitle())
        .isEqualTo(catalogue.sources().get("L") + "；" + catalogue.sources().get("R"));
    assertThat(catalogue.get(RuleId.DL05).basisTitle()).contains("保障中小企业款项支付条例");
  }

  @Test
  void describe_fills_in_the_parameters() {
    assertThat(catalogue.get(RuleId.DL01).describe()).isEqualTo("no ContractSigned within 30 CD after AwardPublished");
    assertThat(catalogue.get(RuleId.BG06).describe()).isEqualTo("award amount / budget ≥ 0.98");
  }

  // ---- operator overrides -------------------------------------------------------------------------------------

  @Test
  void an_override_changes_a_limit_and_nothing_else() {
    RuleCatalogue overridden = withOverride("procwatch.rules.DL01.params.limit = 45");

    assertThat(overridden.get(RuleId.DL01).deadline().limit()).isEqualTo(45);
    assertThat(overridden.get(RuleId.DL01).describe()).contains("45 CD");
    assertThat(overridden.get(RuleId.DL02).deadline().limit()).isEqualTo(2);
  }

  @Test
  void overrides_can_change_severity_thresholds_and_switch_a_rule_off() {
    RuleCatalogue overridden = withOverride("""
        procwatch.rules.BG06 { severity = WARNING, enabled = false, params.ratio = 0.95 }
        procwatch.rules.XP04.params.threshold = 0.05
        """);

    assertThat(overridden.get(RuleId.BG06).severity()).isEqualTo(Severity.WARNING);
    assertThat(overridden.get(RuleId.BG06).enabled()).isFalse();
    assertThat(overridden.get(RuleId.BG06).decimalParam("ratio")).isEqualByComparingTo("0.95");
    assertThat(overridden.get(RuleId.XP04).optionalDecimalParam("threshold")).isEqualTo(Optional.of(new BigDecimal("0.05")));
  }

  @Test
  void a_dl11_stage_can_be_left_without_an_sla() {
    Config config = REFERENCE.withoutPath("procwatch.rules.DL11.params.stage-sla.PAYING");

    StageSla sla = RuleCatalogue.from(config).get(RuleId.DL11).stageSla();

    assertThat(sla.limitFor("PAYING")).isEmpty();
    assertThat(sla.limits()).hasSize(12);
  }

  // ---- validation ---------------------------------------------------------------------------------------------

  @Test
  void an_unknown_rule_id_is_refused() {
    Config config = REFERENCE.withValue("procwatch.rules.DL12", REFERENCE.getValue("procwatch.rules.DL11"));

    assertThatThrownBy(() -> RuleCatalogue.from(config))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown rule id 'DL12'");
  }

  @Test
  void a_missing_rule_is_refused() {
    Config config = REFERENCE.withoutPath("procwatch.rules.DL03");

    assertThatThrownBy(() -> RuleCatalogue.from(config))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rule DL03: missing");
  }

  @Test
  void a_configuration_without_rules_is_refused() {
    assertThatThrownBy(() -> RuleCatalogue.from(ConfigFactory.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("procwatch.rules");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      procwatch.rules.MP02.severity = SEVERE                        | rule MP02: severity: unknown severity 'SEVERE'
      procwatch.rules.PT01.escalated-severity = INFO                | rule PT01: escalated-severity
      procwatch.rules.DL02.params.limit = -1                        | rule DL02: params.limit: must not be negative
      procwatch.rules.XP03.params.min-count = -2                    | rule XP03: params.min-count: must not be negative
      procwatch.rules.DL01.params.limt = 45                         | rule DL01: params.limt: unknown parameter
      procwatch.rules.BG01.params.ratio = 0.5                       | rule BG01: params.ratio: unknown parameter (the rule has none)
      procwatch.rules.DL01.params.limit = thirty                    | rule DL01: params.limit: must be a number
      procwatch.rules.DL01.params.limit = 30.5                      | rule DL01: params.limit: must be a whole number
      procwatch.rules.DL01.params.unit = DAYS                       | rule DL01: params.unit: 'DAYS'
      procwatch.rules.DL01.params.closed-by = ContractSigend        | rule DL01: params.closed-by: 'ContractSigend'
      procwatch.rules.MP01.params.methods = [OPEN_TENDER, TENDER]   | rule MP01: params.methods: 'TENDER'
      procwatch.rules.BG06.params.ratio = 1.5                       | rule BG06: params.ratio: must be a ratio
      procwatch.rules.BG01.basis = X12                              | rule BG01: basis: 'X12' cites no source
      procwatch.rules.BG03.check = "more than {percent}"            | rule BG03: check: refers to {percent}
      procwatch.rules.DL05.params.max-days = 20                     | rule DL05: params: maxDays 20 is below the default limit 30
      procwatch.rules.DL11.params.stage-sla.SHIPPED = 3             | rule DL11: params.stage-sla.SHIPPED: unknown parameter
      procwatch.rules.PT07.params.working-hours.start = "19:00"     | rule PT07: params.working-hours: start 19:00 must be before end 18:00
      procwatch.rules.PT07.params.working-hours.end = "6pm"         | rule PT07: params.working-hours.end: '6pm' is not a time
      procwatch.rules.SQ02.severty = WARNING                        | rule SQ02: severty: unknown field
      procwatch.rules.SQ02.enabled = maybe                          | rule SQ02: enabled: must be true or false
      procwatch.rules.SQ02.zh = ""                                  | rule SQ02: zh: must be a non-empty text
      """)
  void invalid_configuration_is_refused_naming_rule_and_key(String override, String message) {
    assertThatThrownBy(() -> withOverride(override))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void a_missing_param_is_refused() {
    Config config = REFERENCE.withoutPath("procwatch.rules.BG03.params.ratio");

    assertThatThrownBy(() -> RuleCatalogue.from(config))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rule BG03: params.ratio: missing parameter");
  }

  @Test
  void asking_for_a_parameter_a_rule_does_not_have_names_rule_and_key() {
    assertThatThrownBy(() -> catalogue.get(RuleId.DL01).intParam("min-days"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rule DL01: params.min-days: no such parameter");
    assertThatThrownBy(() -> catalogue.get(RuleId.DL01).enumParam("starts-at", DayUnit.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rule DL01: params.starts-at: ");
  }

  @Test
  void an_unknown_rule_code_is_refused() {
    assertThatThrownBy(() -> catalogue.get("ZZ01"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZZ01");
  }

  @Test
  void sources_are_sorted_and_cover_every_basis() {
    assertThat(List.copyOf(catalogue.sources().keySet())).isSorted();
    assertThat(catalogue.sources()).containsKeys("L", "R", "SME25", "OCP", "G55", "CQ");
    assertThat(Map.copyOf(catalogue.sources()).values()).doesNotContain("");
  }
}
