package io.procwatch.rules;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The threshold profiles of {@code thresholds.conf} ({@code procwatch.thresholds}) and the one the rules use.
 *
 * <p>Validated at load: the active profile must exist; every profile needs a jurisdiction, an ISO effective date, a
 * basis, and an amount for every {@link CategoryKind} in both {@code procurement-limit} and {@code public-tender};
 * amounts are exact decimals, never negative, with at most 2 decimals. Errors name the profile and key.
 */
public final class ThresholdProfiles {
  public static final String PATH = "procwatch.thresholds";
  /** The classpath resource holding the packaged profiles ({@code conf/thresholds.conf} in the source tree). */
  public static final String RESOURCE = "thresholds.conf";

  private static final Set<String> PROFILE_KEYS = Set.of(
      "jurisdiction", "effective-from", "basis", "procurement-limit", "public-tender", "central-catalogue");

  private final Map<String, ThresholdProfile> profiles;
  private final ThresholdProfile active;

  private ThresholdProfiles(Map<String, ThresholdProfile> profiles, ThresholdProfile active) {
    this.profiles = profiles;
    this.active = active;
  }

  public static ThresholdProfiles from(Config config) {
    Config resolved = config.resolve();
    if (!resolved.hasPath(PATH)) {
      throw new IllegalArgumentException("no " + PATH + " in the configuration (is " + RESOURCE + " included?)");
    }
    Config root = resolved.getConfig(PATH);
    if (!root.hasPath("profiles")) {
      throw new IllegalArgumentException(PATH + ".profiles: missing");
    }
    Map<String, ThresholdProfile> profiles = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : root.getObject("profiles").entrySet()) {
      if (e.getValue().valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException("threshold profile " + e.getKey() + ": must be an object");
      }
      profiles.put(e.getKey(), readProfile(e.getKey(), ((ConfigObject) e.getValue()).toConfig()));
    }
    if (!root.hasPath("active-profile")) {
      throw new IllegalArgumentException(PATH + ".active-profile: missing");
    }
    String activeId = root.getString("active-profile");
    ThresholdProfile active = profiles.get(activeId);
    if (active == null) {
      throw new IllegalArgumentException(PATH + ".active-profile: no profile '" + activeId + "' (known: "
          + String.join(", ", new TreeSet<>(profiles.keySet())) + ")");
    }
    return new ThresholdProfiles(profiles, active);
  }

  /** The profiles packaged with the service ({@code thresholds.conf} on the classpath, env overrides applied). */
  public static ThresholdProfiles defaults() {
    return from(ConfigFactory.parseResources(
        ThresholdProfiles.class.getClassLoader(), RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false)));
  }

  /** The profile the rules use ({@code active-profile}). */
  public ThresholdProfile active() {
    return active;
  }

  public Optional<ThresholdProfile> byId(String id) {
    return Optional.ofNullable(profiles.get(id));
  }

  /** Every profile, oldest first (HOCON keeps no file order): by effective date, then id. */
  public List<ThresholdProfile> all() {
    return profiles.values().stream()
        .sorted(Comparator.comparing(ThresholdProfile::effectiveFrom).thenComparing(ThresholdProfile::id))
        .toList();
  }

  /** The profile of {@code jurisdiction} in force on {@code date}: the latest one effective on or before it. */
  public Optional<ThresholdProfile> inForce(String jurisdiction, LocalDate date) {
    return profiles.values().stream()
        .filter(p -> p.jurisdiction().equals(jurisdiction) && !p.effectiveFrom().isAfter(date))
        .max(Comparator.comparing(ThresholdProfile::effectiveFrom));
  }

  private static ThresholdProfile readProfile(String id, Config c) {
    for (String key : new TreeSet<>(c.root().keySet())) {
      if (!PROFILE_KEYS.contains(key)) {
        throw fail(id, key, "unknown key (known: " + String.join(", ", new TreeSet<>(PROFILE_KEYS)) + ")");
      }
    }
    String jurisdiction = string(id, c, "jurisdiction");
    LocalDate effectiveFrom;
    try {
      effectiveFrom = LocalDate.parse(string(id, c, "effective-from"));
    } catch (DateTimeParseException e) {
      throw fail(id, "effective-from", "'" + c.getString("effective-from") + "' is not a date yyyy-MM-dd");
    }
    String basis = string(id, c, "basis");
    Map<CategoryKind, BigDecimal> limits = perKind(id, c, "procurement-limit");
    Map<CategoryKind, BigDecimal> tender = perKind(id, c, "public-tender");
    if (!c.root().containsKey("central-catalogue")) {
      throw fail(id, "central-catalogue", "missing (write null when the profile sets none)");
    }
    Optional<BigDecimal> central = c.getIsNull("central-catalogue")
        ? Optional.empty()
        : Optional.of(amount(id, c, "central-catalogue"));
    return new ThresholdProfile(id, jurisdiction, effectiveFrom, basis, limits, tender, central);
  }

  private static Map<CategoryKind, BigDecimal> perKind(String id, Config c, String key) {
    if (!c.hasPath(key) || c.getValue(key).valueType() != ConfigValueType.OBJECT) {
      throw fail(id, key, "missing: needs an amount for each of " + Arrays.toString(CategoryKind.values()));
    }
    Map<CategoryKind, BigDecimal> amounts = new EnumMap<>(CategoryKind.class);
    Config table = c.getConfig(key);
    for (String kind : new TreeSet<>(table.root().keySet())) {
      try {
        CategoryKind.valueOf(kind);
      } catch (IllegalArgumentException e) {
        throw fail(id, key + "." + kind, "unknown category kind (known: " + Arrays.toString(CategoryKind.values()) + ")");
      }
    }
    for (CategoryKind kind : CategoryKind.values()) {
      if (!table.hasPath(kind.name())) {
        throw fail(id, key + "." + kind, "missing");
      }
      amounts.put(kind, amount(id, table, kind.name(), key + "."));
    }
    return amounts;
  }

  private static BigDecimal amount(String id, Config c, String key) {
    return amount(id, c, key, "");
  }

  private static BigDecimal amount(String id, Config c, String key, String prefix) {
    ConfigValueType type = c.getValue(key).valueType();
    if (type != ConfigValueType.NUMBER && type != ConfigValueType.STRING) {
      throw fail(id, prefix + key, "must be an amount in CNY");
    }
    try {
      // getString keeps the text as written, so the amount never passes through a double.
      return Money.parse(c.getString(key));
    } catch (IllegalArgumentException e) {
      throw fail(id, prefix + key, e.getMessage());
    }
  }

  private static String string(String id, Config c, String key) {
    try {
      String value = c.getString(key);
      if (value.isBlank()) {
        throw fail(id, key, "must not be empty");
      }
      return value.strip();
    } catch (ConfigException.Missing e) {
      throw fail(id, key, "missing");
    } catch (ConfigException e) {
      throw fail(id, key, "must be a text");
    }
  }

  private static IllegalArgumentException fail(String id, String key, String reason) {
    return new IllegalArgumentException("threshold profile " + id + ": " + key + ": " + reason);
  }
}
