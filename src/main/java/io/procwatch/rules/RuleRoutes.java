package io.procwatch.rules;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.procwatch.auth.Access;
import io.procwatch.auth.Principal;
import io.procwatch.http.ApiError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /api/v1/rules}: the catalogue as configured (ids, names, severity, parameters, basis). */
public final class RuleRoutes {
  private final RuleEngine engine;

  public RuleRoutes(RuleEngine engine) {
    this.engine = engine;
  }

  /** Mounted under {@code /api/v1}, inside {@link Access#authenticated}: supervisors and admins. */
  public Route route(Principal p) {
    return path("rules", () -> get(() -> Access.requireRole(p, Access.READERS, () ->
        complete(ApiError.json(StatusCodes.OK, Map.of("rules", catalogue()))))));
  }

  List<Map<String, Object>> catalogue() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RuleDefinition d : engine.context().catalogue().all()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", d.id().name());
      m.put("family", d.id().family().name());
      m.put("zh", d.zh());
      m.put("en", d.en());
      m.put("severity", d.severity());
      if (d.escalatedSeverity() != null) m.put("escalatedSeverity", d.escalatedSeverity());
      m.put("basis", d.basis());
      m.put("basisTitle", d.basisTitle());
      m.put("enabled", d.enabled());
      m.put("check", d.describe());
      m.put("resolves", RuleEngine.PERMANENT.contains(d.id()) ? "MANUAL" : "AUTOMATIC");
      m.put("params", d.params().root().unwrapped());
      out.add(m);
    }
    return out;
  }
}
