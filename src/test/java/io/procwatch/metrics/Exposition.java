package io.procwatch.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text exposition (0.0.4), enough to assert on values in tests. */
record Exposition(List<Sample> samples) {
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static Exposition parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) throw new AssertionError("not an exposition line: " + line);
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
      }
      out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4).replace("+Inf", "Infinity"))));
    }
    return new Exposition(out);
  }

  Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  /** The samples of {@code name} whose labels include {@code labels} (given as k1, v1, k2, v2 ...). */
  List<Sample> find(String name, String... labels) {
    List<Sample> out = new ArrayList<>();
    outer:
    for (Sample s : samples) {
      if (!s.name().equals(name)) continue;
      for (int i = 0; i < labels.length; i += 2) {
        if (!labels[i + 1].equals(s.labels().get(labels[i]))) continue outer;
      }
      out.add(s);
    }
    return out;
  }

  /** The sum of the matching samples; fails when none matches. */
  double value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    if (found.isEmpty()) throw new AssertionError("no sample " + name + " " + List.of(labels));
    return found.stream().mapToDouble(Sample::value).sum();
  }
}
