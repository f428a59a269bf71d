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
 * @param allowedStepTypesByTier per tier, the step types allowed there (already intersected with
 *     {@code allowedStepTypes}); a tier missing here is governed by {@code allowedStepTypes} alone
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
        List<PolicySource> sources,
        java.util.Map<Tier, AllowList> allowedStepTypesByTier) {

    public static final String VAULT_READ_ONLY = "read-only";
    public static final String VAULT_READ_WRITE = "read-write";
    public static final String KUBERNETES_NAMESPACE_SCOPED = "namespace-scoped";
    public static final String KUBERNETES_CLUSTER = "cluster";

    public EffectivePolicies {
        sources = List.copyOf(sources);
        allowedStepTypesByTier = allowedStepTypesByTier == null ? java.util.Map.of() : java.util.Map.copyOf(allowedStepTypesByTier);
    }

    /** Policies without per-tier step-type lists. */
    public EffectivePolicies(SortedSet<String> requiredPlatformWorkflows, AllowList allowedProductWorkflows,
            boolean platformOverrides, boolean productOverrides, Duration maxWorkflowDuration, int maxConcurrentWorkflows,
            int maxStepsPerWorkflow, AllowList allowedStepTypes, AllowList allowedEnvironments,
            SortedSet<String> requireApproval, AllowList allowedExecutors, String vaultAccess, String kubernetesAccess,
            List<PolicySource> sources) {
        this(requiredPlatformWorkflows, allowedProductWorkflows, platformOverrides, productOverrides, maxWorkflowDuration,
                maxConcurrentWorkflows, maxStepsPerWorkflow, allowedStepTypes, allowedEnvironments, requireApproval,
                allowedExecutors, vaultAccess, kubernetesAccess, sources, java.util.Map.of());
    }

    /** The step types a workflow of {@code tier} may use (null: the tier-independent list). */
    public AllowList stepTypes(Tier tier) {
        return tier == null ? allowedStepTypes : allowedStepTypesByTier.getOrDefault(tier, allowedStepTypes);
    }

    /**
     * Whether the application tier (workflows embedded in a Score file, written by application developers) may use
     * a step type that starts a program on the orchestrator host: only when the platform team names it in the
     * application tier's own list ({@code allowedStepTypes.application}).
     */
    public boolean applicationMayStartPrograms(String type) {
        AllowList application = allowedStepTypesByTier.get(Tier.APPLICATION);
        return application != null && application.restricted() && application.permits(type);
    }

    /** A file that contributed policies. */
    public record PolicySource(String file, String kind, String name, PolicyRules rules) {

        public PolicySource(String file, String kind, String name) {
            this(file, kind, name, null);
        }

        /** The source as the platform team knows it: the admin config's file name, or the policy document. */
        String describe() {
            if ("AdminConfig".equals(kind)) {
                int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
                return file.substring(slash + 1);
            }
            return "WorkflowPolicies " + name + " (" + file + ")";
        }
    }

    public boolean productWorkflowAllowed(String product, String name) {
        return allowedProductWorkflows.permits(product + "/" + name);
    }

    /**
     * The lists that leave the workflow out, each named by its file and field: every one of them must
     * allow it before it may run.
     */
    public List<String> sourcesExcludingProductWorkflow(String product, String name) {
        return sources.stream().filter(s -> s.rules() != null && s.rules().allowedProductWorkflows() != null
                        && !AllowList.of(s.rules().allowedProductWorkflows()).permits(product + "/" + name))
                .map(PolicySource::describe).toList();
    }

    /** Why a product workflow may not run, naming every list that leaves it out. */
    public String productWorkflowNotAllowed(String product, String name) {
        List<String> excluding = sourcesExcludingProductWorkflow(product, name);
        return "product workflow '" + product + "/" + name + "' is not in allowedProductWorkflows"
                + (excluding.isEmpty() ? "" : " of " + String.join(" and of ", excluding))
                + (excluding.size() > 1 ? "; each must list it" : "");
    }

    public boolean requiresApproval(String environment) {
        return requireApproval.contains(environment);
    }
}
