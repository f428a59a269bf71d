package io.innominatus.model;

import java.util.List;

/**
 * Every workflow a deployment triggers, in execution order (phase, tier, name), before policy decides
 * which of them may run.
 */
public record ResolvedDeployment(DeploymentPlan.Kind kind, PlanContext context, List<ResolvedWorkflow> workflows) {

    public ResolvedDeployment {
        workflows = List.copyOf(workflows);
    }
}
