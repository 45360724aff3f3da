package io.procwatch.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A family of gauges whose rows come and go with the data (one per stage and buyer, say). A row that
 * disappears is removed, so it does not linger at its last value; a row that stays keeps its meter and
 * only its value changes. Re-registering every row on each refresh ({@code MultiGauge.register(rows,
 * true)}) removes and re-adds the same meter, and a scrape that runs in between can see the row twice
 * (Prometheus' {@code DuplicateLabelsException}, a 500 from {@code /metrics}).
 */
final class GaugeFamily {
  /** The value a registered row reads; replaced only when its row goes away. */
  private static final class Value {
    volatile double v;
  }

  private final MultiGauge gauge;
  private final Map<Tags, Value> current = new HashMap<>();

  GaugeFamily(MeterRegistry registry, String name, String description) {
    gauge = MultiGauge.builder(name).description(description).register(registry);
  }

  /** Makes the family exactly {@code values}: new rows appear, missing rows go, the rest change value. */
  synchronized void set(Map<Tags, ? extends Number> values) {
    current.keySet().retainAll(values.keySet());
    List<MultiGauge.Row<?>> rows = new ArrayList<>(values.size());
    values.forEach((tags, n) -> {
      Value value = current.computeIfAbsent(tags, t -> new Value());
      value.v = n.doubleValue();
      rows.add(MultiGauge.Row.of(tags, value, x -> x.v));
    });
    gauge.register(rows, false);
  }
}
