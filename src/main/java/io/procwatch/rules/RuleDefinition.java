package io.procwatch.rules;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule of the catalogue as configured: its names, severities, legal basis and parameters.
 *
 * <p>Instances come from {@link RuleCatalogue}, which has validated them; the typed getters below still fail with an
 * {@link IllegalArgumentException} naming the rule and key if asked for a parameter the rule does not have.
 *
 * @param escalatedSeverity the higher severity of a rule that has two (DL05, PT01, XP01), or {@code null}; when it
 *     applies is rule logic, described in the rule's {@code check}. Prefer {@link #severityFor(boolean)}.
 * @param basisTitle the full Chinese titles of the sources cited by {@code basis}, joined by "；"
 * @param check what fires, in plain words, with {@code {key}} placeholders for parameters; see {@link #describe()}
 * @param params the rule's parameters ({@code procwatch.rules.<id>.params})
 */
public record RuleDefinition(
    RuleId id,
    String zh,
    String en,
    Severity severity,
    Severity escalatedSeverity,
    String basis,
    String basisTitle,
    boolean enabled,
    String check,
    Config params,
    Memo memo) {

  /**
   * Parameters already read and checked, by getter and key. Rules ask for them on every fact, and a
   * {@link Config} lookup (path parsing, type checks) cost about a tenth of the rules' CPU. Not part of a
   * definition's identity: any two memos are equal.
   */
  static final class Memo {
    private final java.util.concurrent.ConcurrentHashMap<String, Object> values = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public boolean equals(Object o) {
      return o instanceof Memo;
    }

    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public String toString() {
      return "Memo";
    }
  }

  public RuleDefinition(RuleId id, String zh, String en, Severity severity, Severity escalatedSeverity, String basis,
      String basisTitle, boolean enabled, String check, Config params) {
    this(id, zh, en, severity, escalatedSeverity, basis, basisTitle, enabled, check, params, new Memo());
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9.-]+)}");

  public RuleDefinition {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(zh, "zh");
    Objects.requireNonNull(en, "en");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(basis, "basis");
    Objects.requireNonNull(basisTitle, "basisTitle");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(memo, "memo");
  }

  /** The severity to raise: {@link #escalatedSeverity()} if {@code escalated} and the rule has one, else the default. */
  public Severity severityFor(boolean escalated) {
    return escalated && escalatedSeverity != null ? escalatedSeverity : severity;
  }

  // ---- typed parameters ---------------------------------------------------------------------------------------

  public int intParam(String key) {
    return read("int", key, () -> params.getInt(key));
  }

  /** A decimal parameter, read from its text so that {@code 0.10} is exactly 0.10. */
  public BigDecimal decimalParam(String key) {
    return read("decimal", key, () -> {
      if (params.getValue(key).valueType() != ConfigValueType.NUMBER) {
        throw new IllegalArgumentException("must be a number");
      }
      return new BigDecimal(params.getString(key));
    });
  }

  /** A decimal parameter that may be {@code null} in the file (e.g. a Cardinal {@code threshold}: null = use the fence). */
  public Optional<BigDecimal> optionalDecimalParam(String key) {
    requirePresent(key);
    return params.getIsNull(key) ? Optional.empty() : Optional.of(decimalParam(key));
  }

  public boolean booleanParam(String key) {
    return read("boolean", key, () -> params.getBoolean(key));
  }

  public String stringParam(String key) {
    return read("string", key, () -> params.getString(key));
  }

  public List<String> stringListParam(String key) {
    return read("stringList", key, () -> List.copyOf(params.getStringList(key)));
  }

  /** A time of day written {@code "HH:mm"}, e.g. PT07's {@code working-hours.start}. */
  public LocalTime timeParam(String key) {
    return read("time", key, () -> LocalTime.parse(params.getString(key)));
  }

  /** A parameter naming a constant of {@code type}, e.g. {@code enumParam("unit", DayUnit.class)}. */
  public <E extends Enum<E>> E enumParam(String key, Class<E> type) {
    return read("enum:" + type.getName(), key, () -> enumValue(type, params.getString(key)));
  }

  /** A list parameter of constants of {@code type}, e.g. a list of procurement methods. */
  public <E extends Enum<E>> Set<E> enumSetParam(String key, Class<E> type) {
    return read("enumSet:" + type.getName(), key, () -> {
      EnumSet<E> set = EnumSet.noneOf(type);
      for (String name : params.getStringList(key)) {
        set.add(enumValue(type, name));
      }
      return java.util.Collections.unmodifiableSet(set);
    });
  }

  /** The deadline of a DL rule other than DL11 (which has per-stage SLAs: {@link #stageSla()}). */
  public DeadlineSpec deadline() {
    return memoized("deadline()", this::readDeadline);
  }

  private DeadlineSpec readDeadline() {
    if (id.family() != RuleId.Family.DL || id == RuleId.DL11) {
      throw new IllegalStateException(id + " has no single deadline"
          + (id == RuleId.DL11 ? "; use stageSla()" : ""));
    }
    boolean fromContract = params.hasPath("limit-from");
    int limit = intParam(fromContract ? "default-days" : "limit");
    OptionalInt maxDays = params.hasPath("max-days") ? OptionalInt.of(intParam("max-days")) : OptionalInt.empty();
    try {
      return new DeadlineSpec(
          limit,
          enumParam("unit", DayUnit.class),
          stringParam("starts-at"),
          stringParam("closed-by"),
          intParam("prewarn-working-days"),
          fromContract ? Optional.of(stringParam("limit-from")) : Optional.empty(),
          maxDays);
    } catch (IllegalArgumentException e) {
      throw isOurs(e) ? e : fail("params", e.getMessage());
    }
  }

  /** DL11's per-stage SLAs. */
  public StageSla stageSla() {
    return memoized("stageSla()", this::readStageSla);
  }

  private StageSla readStageSla() {
    if (id != RuleId.DL11) {
      throw new IllegalStateException(id + " has no stage SLAs");
    }
    Map<String, Integer> limits = new HashMap<>();
    ConfigObject table = read("object", "stage-sla", () -> params.getObject("stage-sla"));
    for (String stage : table.keySet()) {
      limits.put(stage, intParam(ConfigUtil.joinPath("stage-sla", stage)));
    }
    try {
      return new StageSla(enumParam("unit", DayUnit.class), limits, intParam("prewarn-working-days"));
    } catch (IllegalArgumentException e) {
      throw isOurs(e) ? e : fail("params.stage-sla", e.getMessage());
    }
  }

  // ---- text ---------------------------------------------------------------------------------------------------

  /** {@link #check()} with every {@code {key}} replaced by the parameter's value, e.g. "no ContractSigned within 30 CD …". */
  public String describe() {
    Matcher m = PLACEHOLDER.matcher(check);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(renderParam(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The parameter keys {@link #check()} refers to, in order of appearance. */
  List<String> placeholders() {
    List<String> keys = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(check);
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }

  private String renderParam(String key) {
    requirePresent(key);
    if (params.getIsNull(key)) {
      return "unset";
    }
    ConfigValue value = params.getValue(key);
    return switch (value.valueType()) {
      case LIST -> String.join(", ", stringListParam(key));
      case OBJECT -> value.render();
      default -> params.getString(key); // numbers keep the text they were written with
    };
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private void requirePresent(String key) {
    boolean present;
    try {
      present = params.hasPathOrNull(key);
    } catch (ConfigException e) {
      throw fail("params." + key, e.getMessage());
    }
    if (!present) {
      throw fail("params." + key, "no such parameter");
    }
  }

  /** What {@code compute} gives, computed once (a failure is not remembered: it fails again next time). */
  @SuppressWarnings("unchecked")
  private <T> T memoized(String key, Supplier<T> compute) {
    Object known = memo.values.get(key);
    if (known == null) {
      known = compute.get();
      memo.values.putIfAbsent(key, known);
    }
    return (T) known;
  }

  private <T> T read(String kind, String key, Supplier<T> reader) {
    return memoized(kind + ":" + key, () -> readNow(key, reader));
  }

  private <T> T readNow(String key, Supplier<T> reader) {
    requirePresent(key);
    try {
      return reader.get();
    } catch (ConfigException | DateTimeParseException | IllegalArgumentException e) {
      if (isOurs(e)) {
        throw (IllegalArgumentException) e;
      }
      String reason = e instanceof ConfigException.WrongType ? "has the wrong type: " + e.getMessage() : e.getMessage();
      throw fail("params." + key, reason);
    }
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String name) {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not one of " + EnumSet.allOf(type));
    }
  }

  /** True for an exception this class already prefixed with the rule id. */
  private boolean isOurs(RuntimeException e) {
    return e instanceof IllegalArgumentException && e.getMessage() != null
        && e.getMessage().startsWith("rule " + id + ": ");
  }

  private IllegalArgumentException fail(String key, String reason) {
    return new IllegalArgumentException("rule " + id + ": " + key + ": " + reason);
  }
}
