package io.procwatch.project;

/** Applying recorded facts to a project outside the actor (replay tools, timeline tests). */
public final class ProjectStates {
  private ProjectStates() {}

  public static ProjectState registered(RecordedFact first) {
    return ProjectState.registered(first);
  }

  public static ProjectState apply(ProjectState state, RecordedFact fact) {
    return state.apply(fact);
  }
}
