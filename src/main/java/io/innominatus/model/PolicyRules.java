package io.innominatus.model;

import java.time.Duration;
import java.util.List;

/**
 * The policy rules one source sets (admin-config or a {@code WorkflowPolicies} document). A null
 * field means the source does not set that rule; an empty list is an explicit, empty list.
 *
 * @param source file the rules came from
 * @param allowedProductWorkflows entries {@code <product>/<name>} or {@code <product>/*}
 * @param vaultAccess {@code read-only} or {@code read-write}
 * @param kubernetesAccess {@code namespace-scoped} or {@code cluster}
 * @param allowedStepTypesByTier the per-tier form of {@code allowedStepTypes} (a tier not named is not restricted by
 *     it); empty when the source uses the flat list or sets nothing
 */
public record PolicyRules(
        String source,
        List<String> requiredPlatformWorkflows,
        List<String> allowedProductWorkflows,
        Boolean platformOverrides,
        Boolean productOverrides,
        Duration maxWorkflowDuration,
        Integer maxConcurrentWorkflows,
        Integer maxStepsPerWorkflow,
        List<String> allowedStepTypes,
        List<String> allowedEnvironments,
        List<String> requireApproval,
        List<String> allowedExecutors,
        String vaultAccess,
        String kubernetesAccess,
        java.util.Map<Tier, List<String>> allowedStepTypesByTier) {

    public PolicyRules {
        allowedStepTypesByTier = allowedStepTypesByTier == null ? java.util.Map.of() : java.util.Map.copyOf(allowedStepTypesByTier);
    }

    /** Rules without a per-tier step-type list. */
    public PolicyRules(String source, List<String> requiredPlatformWorkflows, List<String> allowedProductWorkflows,
            Boolean platformOverrides, Boolean productOverrides, Duration maxWorkflowDuration, Integer maxConcurrentWorkflows,
            Integer maxStepsPerWorkflow, List<String> allowedStepTypes, List<String> allowedEnvironments,
            List<String> requireApproval, List<String> allowedExecutors, String vaultAccess, String kubernetesAccess) {
        this(source, requiredPlatformWorkflows, allowedProductWorkflows, platformOverrides, productOverrides,
                maxWorkflowDuration, maxConcurrentWorkflows, maxStepsPerWorkflow, allowedStepTypes, allowedEnvironments,
                requireApproval, allowedExecutors, vaultAccess, kubernetesAccess, java.util.Map.of());
    }

    public static PolicyRules none(String source) {
        return new PolicyRules(source, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
