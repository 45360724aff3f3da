package io.procwatch.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * PT08's two operator-edited lists: the negative list ({@value #NEGATIVE_LIST}) of items public money must not buy,
 * and the unit-price standards ({@value #UNIT_PRICE_STANDARDS}) per 品目 category prefix.
 *
 * <p>Both are small CSV files in UTF-8 (an Excel byte-order mark is tolerated) with a header line; {@code #} lines
 * and blank lines are ignored; a field containing a comma is written in double quotes. A bad line stops loading with
 * an {@link IllegalArgumentException} naming {@code file:line} and what is wrong.
 */
public final class Pt08Lists {
  public static final String NEGATIVE_LIST = "negative-list.csv";
  public static final String UNIT_PRICE_STANDARDS = "unit-price-standards.csv";
  /** Classpath folder of the packaged copies ({@code conf/pt08} in the source tree). */
  public static final String RESOURCE_DIR = "pt08";

  private static final List<String> NEGATIVE_HEADER = List.of("match", "pattern", "reason");
  private static final List<String> PRICE_HEADER = List.of("category_prefix", "name", "max_unit_price", "basis");
  private static final Pattern CATEGORY_CODE = Pattern.compile("[A-Z][0-9]*");
  private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

  /** How a negative-list entry is matched against an item. */
  public enum Match {
    /** The item name contains the pattern, ignoring case, width (全角/半角) and white space. */
    KEYWORD,
    /** The project's 品目 category code starts with the pattern. */
    CATEGORY
  }

  /** One negative-list line; {@code reason} is shown on the alert. */
  public record NegativeEntry(Match match, String pattern, String reason) {
    public NegativeEntry {
      Objects.requireNonNull(match, "match");
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** One unit-price line: items whose category starts with {@code categoryPrefix} may cost at most {@code maxUnitPrice}. */
  public record UnitPriceStandard(String categoryPrefix, String name, BigDecimal maxUnitPrice, String basis) {
    public UnitPriceStandard {
      Objects.requireNonNull(categoryPrefix, "categoryPrefix");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(maxUnitPrice, "maxUnitPrice");
      Objects.requireNonNull(basis, "basis");
    }
  }

  private final List<NegativeEntry> negativeList;
  /**
   * Each entry's pattern as {@link #negativeMatch} compares it ({@link #normalize}d for a keyword), by index: every
   * registration is checked against the whole list, and normalizing each pattern again was most of that check.
   */
  private final String[] comparedPatterns;
  private final List<UnitPriceStandard> unitPriceStandards;

  private Pt08Lists(List<NegativeEntry> negativeList, List<UnitPriceStandard> unitPriceStandards) {
    this.negativeList = List.copyOf(negativeList);
    this.comparedPatterns = this.negativeList.stream()
        .map(e -> e.match() == Match.KEYWORD ? normalize(e.pattern()) : e.pattern())
        .toArray(String[]::new);
    this.unitPriceStandards = List.copyOf(unitPriceStandards);
  }

  /**
   * Reads both files from {@code dir}; a file that is not there is read from the packaged copy on the classpath, so
   * an operator can override one list without copying the other. To empty a list, keep its header line only.
   */
  public static Pt08Lists fromDirectory(Path dir) {
    return new Pt08Lists(
        parseNegativeList(read(dir, NEGATIVE_LIST)),
        parseUnitPriceStandards(read(dir, UNIT_PRICE_STANDARDS)));
  }

  /** The lists packaged with the service. */
  public static Pt08Lists defaults() {
    return new Pt08Lists(
        parseNegativeList(readResource(NEGATIVE_LIST)),
        parseUnitPriceStandards(readResource(UNIT_PRICE_STANDARDS)));
  }

  /**
   * The first negative-list entry (in file order) that the item matches: by its name for {@link Match#KEYWORD}
   * entries, by the project's category code for {@link Match#CATEGORY} entries. Either argument may be null.
   */
  public Optional<NegativeEntry> negativeMatch(String itemName, String categoryCode) {
    String name = normalize(itemName);
    String code = normalizeCode(categoryCode);
    for (int i = 0; i < comparedPatterns.length; i++) {
      NegativeEntry entry = negativeList.get(i);
      boolean hit = switch (entry.match()) {
        case KEYWORD -> !name.isEmpty() && name.contains(comparedPatterns[i]);
        case CATEGORY -> !code.isEmpty() && code.startsWith(comparedPatterns[i]);
      };
      if (hit) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  /** The highest unit price allowed for {@code categoryCode}: the standard with the longest matching prefix wins. */
  public Optional<BigDecimal> unitPriceLimit(String categoryCode) {
    return unitPriceStandard(categoryCode).map(UnitPriceStandard::maxUnitPrice);
  }

  /** The standard that applies to {@code categoryCode} (longest matching prefix), for alert details. */
  public Optional<UnitPriceStandard> unitPriceStandard(String categoryCode) {
    String code = normalizeCode(categoryCode);
    if (code.isEmpty()) {
      return Optional.empty();
    }
    return unitPriceStandards.stream()
        .filter(s -> code.startsWith(s.categoryPrefix()))
        .max(Comparator.comparingInt(s -> s.categoryPrefix().length()));
  }

  public List<NegativeEntry> negativeList() {
    return negativeList;
  }

  public List<UnitPriceStandard> unitPriceStandards() {
    return unitPriceStandards;
  }

  // ---- parsing ------------------------------------------------------------------------------------------------

  /** A file's lines and the name its errors are reported under. */
  private record Source(String name, List<String> lines) {}

  private static List<NegativeEntry> parseNegativeList(Source source) {
    List<NegativeEntry> entries = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    forEachRow(source, NEGATIVE_HEADER, (line, f) -> {
      Match match;
      try {
        match = Match.valueOf(f.get(0));
      } catch (IllegalArgumentException e) {
        throw fail(source, line, "match '" + f.get(0) + "' is not KEYWORD or CATEGORY");
      }
      String pattern = required(source, line, "pattern", f.get(1));
      if (match == Match.CATEGORY) {
        pattern = normalizeCode(pattern);
        if (!CATEGORY_CODE.matcher(pattern).matches()) {
          throw fail(source, line, "category pattern '" + f.get(1) + "' is not a 品目 code prefix (a letter, then digits)");
        }
      }
      String reason = required(source, line, "reason", f.get(2));
      String key = match + ":" + (match == Match.KEYWORD ? normalize(pattern) : pattern);
      Integer first = seen.putIfAbsent(key, line);
      if (first != null) {
        throw fail(source, line, "duplicate of line " + first + " (" + match + " " + pattern + ")");
      }
      entries.add(new NegativeEntry(match, pattern, reason));
    });
    return entries;
  }

  private static List<UnitPriceStandard> parseUnitPriceStandards(Source source) {
    List<UnitPriceStandard> standards = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    forEachRow(source, PRICE_HEADER, (line, f) -> {
      String prefix = normalizeCode(f.get(0));
      if (!CATEGORY_CODE.matcher(prefix).matches()) {
        throw fail(source, line, "category_prefix '" + f.get(0) + "' is not a 品目 code prefix (a letter, then digits)");
      }
      String name = required(source, line, "name", f.get(1));
      BigDecimal price;
      try {
        price = Money.parse(required(source, line, "max_unit_price", f.get(2)));
      } catch (IllegalArgumentException e) {
        throw e.getMessage().startsWith(source.name()) ? e : fail(source, line, "max_unit_price: " + e.getMessage());
      }
      if (price.signum() == 0) {
        throw fail(source, line, "max_unit_price must be above 0");
      }
      String basis = required(source, line, "basis", f.get(3));
      Integer first = seen.putIfAbsent(prefix, line);
      if (first != null) {
        throw fail(source, line, "duplicate category_prefix " + prefix + " (first on line " + first + ")");
      }
      standards.add(new UnitPriceStandard(prefix, name, price, basis));
    });
    return standards;
  }

  private interface RowHandler {
    void row(int line, List<String> fields);
  }

  private static void forEachRow(Source source, List<String> header, RowHandler handler) {
    boolean headerSeen = false;
    for (int i = 0; i < source.lines().size(); i++) {
      int line = i + 1;
      String text = source.lines().get(i);
      if (i == 0 && text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      if (text.isBlank() || text.stripLeading().startsWith("#")) {
        continue;
      }
      List<String> fields = split(source, line, text);
      if (!headerSeen) {
        if (!fields.equals(header)) {
          throw fail(source, line, "expected the header line " + String.join(",", header));
        }
        headerSeen = true;
        continue;
      }
      if (fields.size() != header.size()) {
        throw fail(source, line, "expected " + header.size() + " fields (" + String.join(",", header)
            + "), found " + fields.size());
      }
      handler.row(line, fields);
    }
    if (!headerSeen) {
      throw fail(source, source.lines().size(), "no header line " + String.join(",", header));
    }
  }

  /** Splits one CSV line: fields separated by commas, optionally in double quotes with "" for a quote; trimmed. */
  private static List<String> split(Source source, int line, String text) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
        field.setLength(0);
      } else if (c == ',') {
        fields.add(field.toString().strip());
        field.setLength(0);
        wasQuoted = false;
      } else if (wasQuoted && !Character.isWhitespace(c)) {
        throw fail(source, line, "text after a closing quote");
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw fail(source, line, "unterminated quote");
    }
    fields.add(field.toString().strip());
    return fields;
  }

  private static String required(Source source, int line, String column, String value) {
    if (value.isBlank()) {
      throw fail(source, line, column + " is empty");
    }
    return value;
  }

  private static Source read(Path dir, String file) {
    Path path = dir.resolve(file);
    if (!Files.exists(path)) {
      return readResource(file);
    }
    try {
      return new Source(path.toString(), Files.readAllLines(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private static Source readResource(String file) {
    String resource = RESOURCE_DIR + "/" + file;
    try (InputStream in = Pt08Lists.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + resource + " is missing from the build");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Source("classpath:" + resource, text.lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read classpath:" + resource, e);
    }
  }

  /** Full-width to half-width (NFKC), lower case, no white space: how item names and keywords are compared. */
  private static String normalize(String text) {
    if (text == null) {
      return "";
    }
    return WHITE_SPACE.matcher(Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)).replaceAll("");
  }

  private static String normalizeCode(String code) {
    if (code == null) {
      return "";
    }
    return Normalizer.normalize(code, Normalizer.Form.NFKC).strip().toUpperCase(Locale.ROOT);
  }

  private static IllegalArgumentException fail(Source source, int line, String reason) {
    return new IllegalArgumentException(source.name() + ":" + line + ": " + reason);
  }
}
