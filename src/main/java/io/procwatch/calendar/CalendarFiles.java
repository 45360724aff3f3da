package io.procwatch.calendar;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code NNNN.conf} files (HOCON, format in docs/calendar.md) into {@link CalendarYear}s. Every problem becomes
 * an {@link InvalidCalendarException} naming the file, so a bad edit stops the service at start-up with a message
 * the operator can act on, instead of shifting deadlines quietly.
 */
final class CalendarFiles {

  private static final Logger log = LoggerFactory.getLogger(CalendarFiles.class);

  /** The file name is the year: one notice per year, and the loader can tell which years are missing. */
  static final Pattern FILE_NAME = Pattern.compile("(\\d{4})\\.conf");

  /** Classpath folder; conf/ is a resource root in the build, so conf/calendar/2026.conf is calendar/2026.conf. */
  static final String CLASSPATH_FOLDER = "calendar/";

  /**
   * Years probed on the classpath. A class loader cannot list a folder portably (a plain directory, a jar and the
   * shaded jar all differ), and an index file would be a second place to edit that an operator forgets; probing a
   * century of names is ~100 cheap lookups once at start-up and cannot miss a file within it.
   */
  static final int FIRST_PROBED_YEAR = 2000;

  static final int LAST_PROBED_YEAR = 2100;

  private static final Set<String> TOP_LEVEL_KEYS = Set.of("year", "source", "holidays", "workdays");
  private static final Set<String> HOLIDAY_KEYS = Set.of("name", "en", "from", "to");

  // No fallback to system properties or includes: a calendar file says everything it means by itself.
  private static final ConfigParseOptions PARSE_OPTIONS =
      ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false);

  private CalendarFiles() {}

  /** Every {@code NNNN.conf} in the folder, in year order. */
  static List<CalendarYear> readFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidCalendarException(dir.toString(), "folder does not exist or is not a directory");
    }
    List<Path> files;
    try (Stream<Path> entries = Files.list(dir)) {
      files = entries.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new InvalidCalendarException(dir.toString(), "cannot list the folder: " + e.getMessage(), e);
    }
    List<CalendarYear> years = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      Matcher m = FILE_NAME.matcher(name);
      if (m.matches()) {
        Config config = parse(file.toString(), () -> ConfigFactory.parseFile(file.toFile(), PARSE_OPTIONS));
        years.add(toYear(config, file.toString(), Integer.parseInt(m.group(1))));
      } else if (name.endsWith(".conf")) {
        // Likely meant as a calendar ("2027-holidays.conf"); say so rather than ignore it silently.
        log.warn("Ignoring {}: calendar files must be named NNNN.conf after the year they cover", file);
      }
    }
    return years;
  }

  /** Every {@code calendar/NNNN.conf} on the class path for the probed years, in year order. */
  static List<CalendarYear> readClasspath(ClassLoader loader) {
    List<CalendarYear> years = new ArrayList<>();
    for (int year = FIRST_PROBED_YEAR; year <= LAST_PROBED_YEAR; year++) {
      String resource = CLASSPATH_FOLDER + year + ".conf";
      URL url = loader.getResource(resource);
      if (url != null) {
        // parseURL reads this one resource; parseResources would merge same-named files from several jars.
        String origin = "classpath:" + resource;
        Config config = parse(origin, () -> ConfigFactory.parseURL(url, PARSE_OPTIONS));
        years.add(toYear(config, origin, year));
      }
    }
    return years;
  }

  /** Parses already-loaded HOCON; the seam the tests use to feed malformed files. */
  static CalendarYear read(String origin, String hocon, int expectedYear) {
    return toYear(parse(origin, () -> ConfigFactory.parseString(hocon, PARSE_OPTIONS)), origin, expectedYear);
  }

  private interface Parser {
    Config parse();
  }

  private static Config parse(String origin, Parser parser) {
    try {
      return parser.parse().resolve();
    } catch (ConfigException e) {
      throw new InvalidCalendarException(origin, "not valid HOCON: " + e.getMessage(), e);
    }
  }

  private static CalendarYear toYear(Config config, String origin, int expectedYear) {
    try {
      requireOnlyKeys(config, TOP_LEVEL_KEYS, "");
      int year = config.getInt("year");
      if (year != expectedYear) {
        throw new IllegalArgumentException("year = " + year + " but the file is named for " + expectedYear);
      }
      List<CalendarYear.Holiday> holidays = new ArrayList<>();
      List<? extends Config> entries = config.getConfigList("holidays");
      for (int i = 0; i < entries.size(); i++) {
        Config h = entries.get(i);
        String where = "holidays[" + i + "]";
        requireOnlyKeys(h, HOLIDAY_KEYS, where + ".");
        holidays.add(new CalendarYear.Holiday(
            h.hasPath("name") ? h.getString("name") : null,
            h.hasPath("en") ? h.getString("en") : null,
            date(h, "from", where + ".from"),
            date(h, "to", where + ".to")));
      }
      // A year whose notice has no 调休 at all is possible, so the list may be left out.
      List<LocalDate> workdays = new ArrayList<>();
      if (config.hasPath("workdays")) {
        List<String> raw = config.getStringList("workdays");
        for (int i = 0; i < raw.size(); i++) {
          workdays.add(parseDate(raw.get(i), "workdays[" + i + "]"));
        }
      }
      return new CalendarYear(year, config.getString("source"), holidays, workdays);
    } catch (ConfigException e) {
      throw new InvalidCalendarException(origin, e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new InvalidCalendarException(origin, e.getMessage(), e);
    }
  }

  /**
   * Unknown keys are refused: {@code workday = [...]} for {@code workdays} would otherwise drop every make-up day
   * without a word.
   */
  private static void requireOnlyKeys(Config config, Set<String> allowed, String prefix) {
    Set<String> unknown = new TreeSet<>(config.root().keySet());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown key(s) " + prefixAll(prefix, unknown) + "; allowed: "
          + prefixAll(prefix, new TreeSet<>(allowed)));
    }
  }

  private static List<String> prefixAll(String prefix, Set<String> keys) {
    return keys.stream().map(k -> prefix + k).toList();
  }

  private static LocalDate date(Config config, String key, String where) {
    if (!config.hasPath(key)) {
      throw new IllegalArgumentException(where + " is missing");
    }
    return parseDate(config.getString(key), where);
  }

  private static LocalDate parseDate(String text, String where) {
    try {
      // ISO_LOCAL_DATE is strict: 2026-02-30 is refused rather than moved to 02-28.
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + " = \"" + text + "\" is not a date (yyyy-MM-dd): "
          + e.getMessage(), e);
    }
  }
}
