package io.procwatch.rules;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The rule catalogue: every rule of domain.md §3 as configured in {@code rules.conf}, validated once at start.
 *
 * <p>{@link #from(Config)} reads {@code procwatch.rules} (one entry per {@link RuleId}) and {@code procwatch.sources}
 * (citation titles). It refuses, with an {@link IllegalArgumentException} naming the rule and key: an unknown or
 * missing rule id; a missing, unknown or mistyped field or parameter; an unknown severity, or an escalated severity
 * that is not higher; a basis citing no known source; a negative number; a name outside the domain's vocabulary
 * (event types, methods, payment and deposit kinds); a ratio outside (0, 1]; and a {@code check} text naming a
 * parameter that does not exist.
 *
 * <p>Which parameters a rule has, and of which type, is defined by example: the {@code rules.conf} packaged with the
 * service. An operator's file may change every value but not invent or drop keys (except DL11 stages, which may be
 * left out). To layer a partial override file over the defaults, use
 * {@code RuleCatalogue.from(overrides.withFallback(ConfigFactory.parseResources("rules.conf")))}.
 */
public final class RuleCatalogue {
  public static final String RULES_PATH = "procwatch.rules";
  public static final String SOURCES_PATH = "procwatch.sources";
  /** The classpath resource holding the packaged catalogue ({@code conf/rules.conf} in the source tree). */
  public static final String RESOURCE = "rules.conf";

  private static final Set<String> RULE_KEYS = Set.of(
      "zh", "en", "severity", "escalated-severity", "basis", "enabled", "check", "params");
  /** Parameter objects whose entries may be left out (a DL11 stage without an SLA). */
  private static final Set<String> PARTIAL_OBJECTS = Set.of("stage-sla");

  private final Map<RuleId, RuleDefinition> rules;
  private final Map<String, String> sources;

  private RuleCatalogue(Map<RuleId, RuleDefinition> rules, Map<String, String> sources) {
    this.rules = Collections.unmodifiableMap(new EnumMap<>(rules));
    this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
  }

  /** Reads and validates the catalogue under {@code procwatch.rules} of {@code config}. */
  public static RuleCatalogue from(Config config) {
    Config resolved = config.resolve();
    if (!resolved.hasPath(RULES_PATH)) {
      throw new IllegalArgumentException("no " + RULES_PATH + " in the configuration (is " + RESOURCE + " included?)");
    }
    Map<String, String> sources = readSources(resolved);
    ConfigObject root = resolved.getObject(RULES_PATH);
    for (String key : new TreeSet<>(root.keySet())) {
      if (Arrays.stream(RuleId.values()).noneMatch(id -> id.name().equals(key))) {
        throw new IllegalArgumentException("unknown rule id '" + key + "' in " + RULES_PATH
            + " (the rules are those of domain.md §3: " + idRanges() + ")");
      }
    }
    Map<RuleId, RuleDefinition> rules = new EnumMap<>(RuleId.class);
    for (RuleId id : RuleId.values()) {
      ConfigValue entry = root.get(id.name());
      if (entry == null) {
        throw new IllegalArgumentException("rule " + id + ": missing from " + RULES_PATH);
      }
      if (entry.valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException("rule " + id + ": must be an object { zh = …, en = …, … }");
      }
      rules.put(id, readRule(id, ((ConfigObject) entry).toConfig(), sources));
    }
    return new RuleCatalogue(rules, sources);
  }

  /** The catalogue packaged with the service ({@code rules.conf} on the classpath). */
  public static RuleCatalogue defaults() {
    return from(Reference.CONFIG);
  }

  public RuleDefinition get(RuleId id) {
    return rules.get(id);
  }

  /** The rule with this code, e.g. {@code "DL01"}; an unknown code is an {@link IllegalArgumentException}. */
  public RuleDefinition get(String id) {
    try {
      return rules.get(RuleId.valueOf(id));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown rule id '" + id + "'");
    }
  }

  /** Every rule in code order (DL01 … XP07). */
  public List<RuleDefinition> all() {
    return List.copyOf(rules.values());
  }

  /** Citation short ids (e.g. {@code L}, {@code SME25}) to their full Chinese titles, sorted by id. */
  public Map<String, String> sources() {
    return sources;
  }

  // ---- reading one rule ---------------------------------------------------------------------------------------

  private static RuleDefinition readRule(RuleId id, Config rule, Map<String, String> sources) {
    for (String key : new TreeSet<>(rule.root().keySet())) {
      if (!RULE_KEYS.contains(key)) {
        throw fail(id, key, "unknown field (known: " + String.join(", ", new TreeSet<>(RULE_KEYS)) + ")");
      }
    }
    String zh = text(id, rule, "zh");
    String en = text(id, rule, "en");
    Severity severity = severity(id, rule, "severity");
    Severity escalated = rule.hasPath("escalated-severity") ? severity(id, rule, "escalated-severity") : null;
    if (escalated != null && escalated.compareTo(severity) <= 0) {
      throw fail(id, "escalated-severity", escalated + " must be more severe than severity " + severity);
    }
    String basis = text(id, rule, "basis");
    String basisTitle = basisTitle(id, basis, sources);
    boolean enabled;
    try {
      enabled = rule.getBoolean("enabled");
    } catch (ConfigException.Missing e) {
      throw fail(id, "enabled", "missing");
    } catch (ConfigException e) {
      throw fail(id, "enabled", "must be true or false");
    }
    String check = text(id, rule, "check");
    if (!rule.root().containsKey("params")) {
      throw fail(id, "params", "missing (write params {} for a rule without parameters)");
    }
    if (rule.root().get("params").valueType() != ConfigValueType.OBJECT) {
      throw fail(id, "params", "must be an object");
    }
    ConfigObject params = (ConfigObject) rule.root().get("params");

    ConfigValue expected = Reference.params(id);
    if (expected != null) {
      checkShape(id, "", expected, params);
    }
    for (Map.Entry<String, ConfigValue> leaf : leaves(params).entrySet()) {
      checkLeaf(id, leaf.getKey(), leaf.getValue());
    }

    RuleDefinition def = new RuleDefinition(
        id, zh, en, severity, escalated, basis, basisTitle, enabled, check, params.toConfig());
    for (String key : def.placeholders()) {
      if (!def.params().hasPathOrNull(key)) {
        throw fail(id, "check", "refers to {" + key + "}, which is not a parameter of the rule");
      }
    }
    if (id.family() == RuleId.Family.DL) {
      if (id == RuleId.DL11) {
        def.stageSla();
      } else {
        def.deadline();
      }
    }
    if (def.params().hasPath("working-hours")) {
      LocalTime start = def.timeParam("working-hours.start");
      LocalTime end = def.timeParam("working-hours.end");
      if (!start.isBefore(end)) {
        throw fail(id, "params.working-hours", "start " + start + " must be before end " + end);
      }
    }
    return def;
  }

  private static String text(RuleId id, Config rule, String key) {
    if (!rule.hasPath(key)) {
      throw fail(id, key, "missing");
    }
    if (rule.getValue(key).valueType() != ConfigValueType.STRING || rule.getString(key).isBlank()) {
      throw fail(id, key, "must be a non-empty text");
    }
    return rule.getString(key).strip();
  }

  private static Severity severity(RuleId id, Config rule, String key) {
    String name = text(id, rule, key);
    try {
      return Severity.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw fail(id, key, "unknown severity '" + name + "' (known: " + Arrays.toString(Severity.values()) + ")");
    }
  }

  /**
   * Resolves a basis such as {@code "L6, L46"} or {@code "M74 §29,45"} to titles. Citations are separated by a comma
   * and a space; each starts with a source id, optionally followed by an article number ("L46" is article 46 of L).
   */
  private static String basisTitle(RuleId id, String basis, Map<String, String> sources) {
    Set<String> titles = new LinkedHashSet<>();
    for (String citation : basis.split(",\\s+")) {
      String source = sources.keySet().stream()
          .filter(key -> citation.startsWith(key) && (citation.length() == key.length()
              || !Character.isLetter(citation.charAt(key.length()))))
          .max((a, b) -> Integer.compare(a.length(), b.length()))
          .orElseThrow(() -> fail(id, "basis", "'" + citation + "' cites no source of " + SOURCES_PATH
              + " (known: " + String.join(", ", sources.keySet()) + ")"));
      titles.add(sources.get(source));
    }
    return String.join("；", titles);
  }

  // ---- parameter checks ---------------------------------------------------------------------------------------

  /** The file's value must have the shape of the packaged default: same keys, same kinds of value. */
  private static void checkShape(RuleId id, String path, ConfigValue expected, ConfigValue actual) {
    String key = "params" + (path.isEmpty() ? "" : "." + path);
    switch (expected.valueType()) {
      case OBJECT -> {
        if (actual.valueType() != ConfigValueType.OBJECT) {
          throw fail(id, key, "must be an object");
        }
        ConfigObject want = (ConfigObject) expected;
        ConfigObject have = (ConfigObject) actual;
        for (String k : new TreeSet<>(have.keySet())) {
          if (!want.containsKey(k)) {
            throw fail(id, join(key, k), "unknown parameter"
                + (want.isEmpty() ? " (the rule has none)" : " (known: " + String.join(", ", new TreeSet<>(want.keySet())) + ")"));
          }
        }
        for (String k : new TreeSet<>(want.keySet())) {
          if (have.containsKey(k)) {
            checkShape(id, path.isEmpty() ? k : path + "." + k, want.get(k), have.get(k));
          } else if (!PARTIAL_OBJECTS.contains(path)) {
            throw fail(id, join(key, k), "missing parameter");
          }
        }
      }
      case NULL -> {
        if (actual.valueType() != ConfigValueType.NULL && actual.valueType() != ConfigValueType.NUMBER) {
          throw fail(id, key, "must be a number or null");
        }
      }
      case NUMBER -> {
        if (actual.valueType() != ConfigValueType.NUMBER) {
          throw fail(id, key, "must be a number, was " + actual.render());
        }
        if (isWhole(expected) && !isWhole(actual)) {
          throw fail(id, key, "must be a whole number, was " + actual.render());
        }
      }
      case LIST -> {
        if (actual.valueType() != ConfigValueType.LIST) {
          throw fail(id, key, "must be a list [ … ]");
        }
        for (ConfigValue element : (ConfigList) actual) {
          if (element.valueType() != ConfigValueType.STRING) {
            throw fail(id, key, "must list names, found " + element.render());
          }
        }
      }
      case STRING -> {
        if (actual.valueType() != ConfigValueType.STRING) {
          throw fail(id, key, "must be a text, was " + actual.render());
        }
      }
      case BOOLEAN -> {
        if (actual.valueType() != ConfigValueType.BOOLEAN) {
          throw fail(id, key, "must be true or false");
        }
      }
    }
  }

  /** Checks that depend only on what a parameter is called, so that they hold for every rule that has it. */
  private static void checkLeaf(RuleId id, String path, ConfigValue value) {
    String key = "params." + path;
    String name = path.substring(path.lastIndexOf('.') + 1);
    if (value.valueType() == ConfigValueType.NUMBER) {
      BigDecimal number = new BigDecimal(value.unwrapped().toString());
      if (number.signum() < 0) {
        throw fail(id, key, "must not be negative (was " + value.render() + ")");
      }
      switch (name) {
        case "ratio", "band", "share", "warning-ratio" -> {
          if (number.signum() <= 0 || number.compareTo(BigDecimal.ONE) > 0) {
            throw fail(id, key, "must be a ratio in (0, 1], was " + value.render());
          }
        }
        case "percentile" -> {
          if (number.signum() <= 0 || number.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw fail(id, key, "must be a percentile in (0, 100], was " + value.render());
          }
        }
        case "category-prefix-length" -> {
          if (number.signum() <= 0) {
            throw fail(id, key, "must be at least 1");
          }
        }
        default -> { }
      }
      return;
    }
    List<String> names = switch (value.valueType()) {
      case STRING -> List.of((String) value.unwrapped());
      case LIST -> ((ConfigList) value).unwrapped().stream().map(String::valueOf).toList();
      default -> List.of();
    };
    Set<String> allowed = switch (name) {
      case "unit" -> Arrays.stream(DayUnit.values()).map(Enum::name).collect(Collectors.toSet());
      case "starts-at", "closed-by", "starts-at-if-no-acceptance", "approval-events", "allowed-after-close" ->
          Vocabulary.EVENT_TYPES;
      case "methods", "award-required-methods", "excluded-methods", "required-method" -> Vocabulary.METHODS;
      case "exempt-payment-kinds" -> Vocabulary.PAYMENT_KINDS;
      case "deposit-kind" -> Vocabulary.DEPOSIT_KINDS;
      case "limit-from" -> Vocabulary.CONTRACT_DAY_FIELDS;
      case "shared-fields" -> Vocabulary.BIDDER_FIELDS;
      default -> null;
    };
    if (allowed != null) {
      for (String n : names) {
        if (!allowed.contains(n)) {
          throw fail(id, key, "'" + n + "' is not one of " + new TreeSet<>(allowed));
        }
      }
    }
    if ((name.equals("start") || name.equals("end")) && path.startsWith("working-hours.")) {
      try {
        LocalTime.parse(names.get(0));
      } catch (DateTimeParseException e) {
        throw fail(id, key, "'" + names.get(0) + "' is not a time of day HH:mm");
      }
    }
  }

  private static boolean isWhole(ConfigValue number) {
    Object n = number.unwrapped();
    return n instanceof Integer || n instanceof Long;
  }

  /** Every non-object value under {@code object}, keyed by its path. */
  private static Map<String, ConfigValue> leaves(ConfigObject object) {
    Map<String, ConfigValue> out = new TreeMap<>();
    collect("", object, out);
    return out;
  }

  private static void collect(String prefix, ConfigObject object, Map<String, ConfigValue> out) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().valueType() == ConfigValueType.OBJECT) {
        collect(path, (ConfigObject) e.getValue(), out);
      } else {
        out.put(path, e.getValue());
      }
    }
  }

  private static Map<String, String> readSources(Config config) {
    if (!config.hasPath(SOURCES_PATH)) {
      throw new IllegalArgumentException("no " + SOURCES_PATH + " in the configuration: rule bases cite its keys");
    }
    Map<String, String> sources = new TreeMap<>(); // HOCON objects have no order; sorted keeps output stable
    for (Map.Entry<String, ConfigValue> e : config.getObject(SOURCES_PATH).entrySet()) {
      if (e.getValue().valueType() != ConfigValueType.STRING) {
        throw new IllegalArgumentException(SOURCES_PATH + "." + e.getKey() + ": must be a title text");
      }
      sources.put(e.getKey(), (String) e.getValue().unwrapped());
    }
    return sources;
  }

  private static String idRanges() {
    List<String> ranges = new ArrayList<>();
    for (RuleId.Family family : RuleId.Family.values()) {
      List<RuleId> ids = Arrays.stream(RuleId.values()).filter(id -> id.family() == family).toList();
      ranges.add(ids.get(0) + "–" + ids.get(ids.size() - 1));
    }
    return String.join(", ", ranges);
  }

  private static String join(String key, String child) {
    return key + "." + child;
  }

  private static IllegalArgumentException fail(RuleId id, String key, String reason) {
    return new IllegalArgumentException("rule " + id + ": " + key + ": " + reason);
  }

  /** The packaged rules.conf: the defaults, and the shape every operator file must have. Loaded on first use. */
  private static final class Reference {
    static final Config CONFIG = ConfigFactory
        .parseResources(RuleCatalogue.class.getClassLoader(), RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false))
        .resolve();

    static ConfigValue params(RuleId id) {
      String path = RULES_PATH + "." + id.name() + ".params";
      return CONFIG.hasPath(path) ? CONFIG.getValue(path) : null;
    }
  }
}
