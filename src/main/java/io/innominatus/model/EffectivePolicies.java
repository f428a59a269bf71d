package io.innominatus.model;

import java.time.Duration;
import java.util.List;
import java.util.SortedSet;

/**
 * The policies in force after merging every source; where sources disagree the most restrictive
 * value wins.
 *
 * @param allowedProductWorkflows entries {@code <product>/<name>}; {@code <product>/*} allows a whole product
 * @param maxWorkflowDuration null when unlimited
 * @param maxConcurrentWorkflows 0 when unlimited
 * @param maxStepsPerWorkflow 0 when unlimited
 * @param sources files that contributed, admin config first
 */
public record EffectivePolicies(
        SortedSet<String> requiredPlatformWorkflows,
        AllowList allowedProductWorkflows,
        boolean platformOverrides,
        boolean productOverrides,
        Duration maxWorkflowDuration,
        int maxConcurrentWorkflows,
        int maxStepsPerWorkflow,
        AllowList allowedStepTypes,
        AllowList allowedEnvironments,
        SortedSet<String> requireApproval,
        AllowList allowedExecutors,
        String vaultAccess,
        String kubernetesAccess,
        List<PolicySource> sources) {

    public static final String VAULT_READ_ONLY = "read-only";
    public static final String VAULT_READ_WRITE = "read-write";
    public static final String KUBERNETES_NAMESPACE_SCOPED = "namespace-scoped";
    public static final String KUBERNETES_CLUSTER = "cluster";

    public EffectivePolicies {
        sources = List.copyOf(sources);
    }

    /** A file that contributed policies. */
    public record PolicySource(String file, String kind, String name) {}

    public boolean productWorkflowAllowed(String product, String name) {
        return !allowedProductWorkflows.restricted()
                || allowedProductWorkflows.entries().contains(product + "/" + name)
                || allowedProductWorkflows.entries().contains(product + "/*");
    }

    public boolean requiresApproval(String environment) {
        return requireApproval.contains(environment);
    }
}
