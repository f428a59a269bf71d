package io.innominatus.model;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The resolved, policy-checked plan of a deployment (or of a single workflow run). Deterministic for
 * the same inputs; {@code planDigest} identifies it and approvals bind to it.
 *
 * @param allowed false when a blocking violation prevents execution
 * @param catalogDigest digest of the catalog the plan was resolved against
 * @param limits the policy limits its execution applies
 */
public record DeploymentPlan(
        Kind kind,
        PlanContext context,
        List<PlannedPhase> phases,
        List<Exclusion> excluded,
        List<Violation> violations,
        boolean requiresApproval,
        String planDigest,
        boolean allowed,
        String catalogDigest,
        ExecutionLimits limits) {

    /**
     * The policy limits execution applies, fixed at plan time so that a reload does not change a
     * running execution.
     *
     * @param maxWorkflowDuration wall-clock limit of each workflow; null when unlimited
     * @param vaultAccess {@code read-only} or {@code read-write}
     * @param kubernetesAccess {@code namespace-scoped} or {@code cluster}
     */
    public record ExecutionLimits(java.time.Duration maxWorkflowDuration, String vaultAccess, String kubernetesAccess) {
        public static final ExecutionLimits NONE = new ExecutionLimits(null, EffectivePolicies.VAULT_READ_ONLY,
                EffectivePolicies.KUBERNETES_NAMESPACE_SCOPED);
    }

    /** What the plan runs. */
    public enum Kind {
        /** Every triggered workflow of a deployment (StartDeployment). */
        DEPLOYMENT,
        /** One workflow (RunWorkflow). */
        WORKFLOW,
        /** Removal of an application from an environment (Undeploy). */
        UNDEPLOYMENT
    }

    public DeploymentPlan {
        phases = List.copyOf(phases);
        excluded = List.copyOf(excluded);
        violations = List.copyOf(violations);
        limits = limits == null ? ExecutionLimits.NONE : limits;
    }

    public String application() {
        return context.application();
    }

    public String product() {
        return context.product();
    }

    public String environment() {
        return context.environment();
    }

    public Stream<PlannedWorkflow> workflows() {
        return phases.stream().flatMap(p -> p.workflows().stream());
    }

    public Optional<PlannedWorkflow> workflow(String workflowId) {
        return workflows().filter(w -> w.workflowId().equals(workflowId)).findFirst();
    }

    public List<Violation> blockingViolations() {
        return violations.stream().filter(Violation::blocking).toList();
    }

    public int stepCount() {
        return workflows().mapToInt(w -> w.steps().size()).sum();
    }
}
