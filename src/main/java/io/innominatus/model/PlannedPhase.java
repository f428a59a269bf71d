package io.innominatus.model;

import java.util.List;

/** The workflows of one phase in execution order: platform, product, application, each by name. */
public record PlannedPhase(Phase phase, List<PlannedWorkflow> workflows) {

    public PlannedPhase {
        workflows = List.copyOf(workflows);
    }
}
