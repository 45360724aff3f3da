package io.procwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdProfilesTest {

  /** The packaged file, unresolved, so each test decides what the environment holds. */
  private static final Config FILE = ConfigFactory.parseResources("thresholds.conf");

  private static ThresholdProfiles withoutEnvironment(Config config) {
    return ThresholdProfiles.from(config.resolve(ConfigResolveOptions.noSystem()));
  }

  private final ThresholdProfiles profiles = withoutEnvironment(FILE);

  @Test
  void chongqing_2024_is_active_by_default() {
    assertThat(profiles.active().id()).isEqualTo("chongqing-2024");
    assertThat(profiles.all()).extracting(ThresholdProfile::id).containsExactly("central-2020", "chongqing-2024");
  }

  @ParameterizedTest(name = "central-2020 {0}")
  @CsvSource({"GOODS, 1000000, 2000000", "SERVICES, 1000000, 2000000", "WORKS, 1200000, 4000000"})
  void central_2020_has_the_g55_numbers(CategoryKind kind, BigDecimal limit, BigDecimal publicTender) {
    ThresholdProfile central = profiles.byId("central-2020").orElseThrow();

    assertThat(central.procurementLimit(kind)).isEqualByComparingTo(limit);
    assertThat(central.publicTenderThreshold(kind)).isEqualByComparingTo(publicTender);
    assertThat(central.centralCatalogueThreshold()).isEmpty();
    assertThat(central.jurisdiction()).isEqualTo("CN");
    assertThat(central.effectiveFrom()).isEqualTo(LocalDate.of(2020, 1, 1));
    assertThat(central.basis()).isEqualTo("G55");
  }

  @ParameterizedTest(name = "chongqing-2024 {0}")
  @CsvSource({"GOODS", "SERVICES", "WORKS"})
  void chongqing_2024_has_the_cq_numbers(CategoryKind kind) {
    ThresholdProfile chongqing = profiles.byId("chongqing-2024").orElseThrow();

    assertThat(chongqing.procurementLimit(kind)).isEqualByComparingTo("1000000");
    assertThat(chongqing.publicTenderThreshold(kind)).isEqualByComparingTo("4000000");
    assertThat(chongqing.centralCatalogueThreshold()).hasValueSatisfying(
        amount -> assertThat(amount).isEqualByComparingTo("500000"));
    assertThat(chongqing.jurisdiction()).isEqualTo("CN-CQ");
    assertThat(chongqing.effectiveFrom()).isEqualTo(LocalDate.of(2024, 1, 1));
  }

  @Test
  void the_environment_variable_selects_the_active_profile() {
    // ${?PROCWATCH_THRESHOLD_PROFILE} looks in the configuration first, then in the environment: a root key here
    // stands in for the environment variable without touching the real one.
    Config environment = ConfigFactory.parseMap(Map.of("PROCWATCH_THRESHOLD_PROFILE", "central-2020"));

    ThresholdProfiles selected = withoutEnvironment(FILE.withFallback(environment));

    assertThat(selected.active().id()).isEqualTo("central-2020");
  }

  @Test
  void defaults_reads_the_packaged_file() {
    assertThat(ThresholdProfiles.defaults().all()).hasSize(2);
  }

  @Test
  void the_profile_in_force_is_the_latest_of_the_jurisdiction() {
    assertThat(profiles.inForce("CN-CQ", LocalDate.of(2024, 6, 1))).map(ThresholdProfile::id).contains("chongqing-2024");
    assertThat(profiles.inForce("CN-CQ", LocalDate.of(2023, 12, 31))).isEmpty();
    assertThat(profiles.inForce("CN", LocalDate.of(2026, 1, 1))).map(ThresholdProfile::id).contains("central-2020");
    assertThat(profiles.byId("nowhere-1999")).isEmpty();
  }

  @Test
  void amounts_are_exact_decimals() {
    ThresholdProfiles overridden = withoutEnvironment(ConfigFactory.parseString(
        "procwatch.thresholds.profiles.chongqing-2024.public-tender.GOODS = \"3999999.99\"").withFallback(FILE));

    assertThat(overridden.active().publicTenderThreshold(CategoryKind.GOODS)).isEqualTo(new BigDecimal("3999999.99"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      procwatch.thresholds.active-profile = chongqing-2025                  | active-profile: no profile 'chongqing-2025'
      procwatch.thresholds.profiles.chongqing-2024.public-tender.GOODS = -1 | threshold profile chongqing-2024: public-tender.GOODS: amount -1 must not be negative
      procwatch.thresholds.profiles.chongqing-2024.central-catalogue = 0.001 | threshold profile chongqing-2024: central-catalogue: amount 0.001 has more than 2 decimal places
      procwatch.thresholds.profiles.central-2020.procurement-limit.TOOLS = 1 | threshold profile central-2020: procurement-limit.TOOLS: unknown category kind
      procwatch.thresholds.profiles.central-2020.effective-from = 2020-13-01 | threshold profile central-2020: effective-from
      procwatch.thresholds.profiles.central-2020.jurisdictoin = CN          | threshold profile central-2020: jurisdictoin: unknown key
      procwatch.thresholds.profiles.central-2020.public-tender.WORKS = lots | threshold profile central-2020: public-tender.WORKS: 'lots' is not a decimal amount
      """)
  void invalid_profiles_are_refused_naming_profile_and_key(String override, String message) {
    Config config = ConfigFactory.parseString(override).withFallback(FILE);

    assertThatThrownBy(() -> withoutEnvironment(config))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void a_missing_category_kind_is_refused() {
    Config config = FILE.withoutPath("procwatch.thresholds.profiles.chongqing-2024.procurement-limit.WORKS");

    assertThatThrownBy(() -> withoutEnvironment(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold profile chongqing-2024: procurement-limit.WORKS: missing");
  }
}
