package io.procwatch.project;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.procwatch.auth.Access;
import io.procwatch.auth.Principal;
import io.procwatch.http.ApiError;
import io.procwatch.infra.Settings;
import io.procwatch.rules.RuleEngine;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/projects/{id}} (one project, strongly consistent: asked of its actor) and
 * {@code GET /api/v1/projects?buyer=&stage=&limit=&after=} (the listing, from the read side).
 */
public final class ProjectRoutes {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private final ClusterSharding sharding;
  private final Settings settings;
  private final ProjectSummaries summaries;

  private final RuleEngine rules;
  private final Clock clock;

  public ProjectRoutes(ActorSystem<?> system, Settings settings, ProjectSummaries summaries, RuleEngine rules, Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.summaries = summaries;
    this.rules = rules;
    this.clock = clock;
  }

  /**
   * Mounted under {@code /api/v1}, inside {@link Access#authenticated}: supervisors and admins, each seeing only
   * the projects of its buyers (another buyer's project answers 404, like a missing one).
   */
  public Route route(Principal p) {
    return pathPrefix("projects", () -> concat(
        pathEndOrSingleSlash(() -> get(() -> Access.requireRole(p, Access.READERS, () -> list(p)))),
        path(PathMatchers.segment(), id -> get(() -> Access.requireRole(p, Access.READERS,
            () -> completeWithFuture(one(p, id)))))));
  }

  private CompletionStage<HttpResponse> one(Principal p, String projectId) {
    return sharding.entityRefFor(ProcurementProject.ENTITY_TYPE_KEY, projectId)
        .<ProcurementProject.Snapshot>ask(ProcurementProject.Get::new, settings.http().askTimeout())
        .thenApply(s -> s.project() == null || !p.mayRead(s.project().buyer())
            ? new ApiError(404, "NOT_FOUND", "no project " + projectId, "projectId").response()
            : ApiError.json(StatusCodes.OK, ProjectView.of(s.project(), rules.evaluate(s.project(), clock.instant()))));
  }

  private Route list(Principal p) {
    return parameterOptional("buyer", buyer -> parameterOptional("stage", stage ->
        parameterOptional("limit", limit -> parameterOptional("after", after -> Access.requireBuyerFilter(p, buyer, () -> {
          Stage st = null;
          // Like buyer and after, an empty stage (a form's "any stage") is no filter.
          if (stage.isPresent() && !stage.get().isBlank()) {
            try {
              st = Stage.valueOf(stage.get());
            } catch (IllegalArgumentException e) {
              return complete(new ApiError(400, "INVALID_PARAMETER",
                  "stage: unknown stage '" + stage.get() + "'", "stage").response());
            }
          }
          int n = DEFAULT_LIMIT;
          if (limit.isPresent()) {
            try {
              n = Integer.parseInt(limit.get());
            } catch (NumberFormatException e) {
              n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
              return complete(new ApiError(400, "INVALID_PARAMETER",
                  "limit: must be an integer from 1 to " + MAX_LIMIT, "limit").response());
            }
          }
          return completeWithFuture(summaries.list(blankToNull(buyer), st, blankToNull(after), n, p)
              .thenApply(page -> ApiError.json(StatusCodes.OK, page)));
        })))));
  }

  private static String blankToNull(Optional<String> s) {
    return s.filter(v -> !v.isBlank()).orElse(null);
  }
}
