package io.innominatus.policy;

import io.innominatus.model.AllowList;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.model.PolicyDocument;
import io.innominatus.model.PolicyRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Merges policy sources. Where several set the same rule the most restrictive wins: required lists
 * and approval environments are unioned, allow-lists intersected, limits take the minimum, override
 * permissions need every source's consent, and secret access takes the narrower scope.
 */
public final class PolicyMerger {

    private PolicyMerger() {}

    public static EffectivePolicies merge(String adminFile, PolicyRules admin, List<PolicyDocument> documents) {
        return merge(adminFile, admin, documents, java.util.Map.of());
    }

    /**
     * As {@link #merge(String, PolicyRules, List)}, with admin-config's {@code environments:}: when present,
     * its names are an allow-list of environments like {@code allowedEnvironments} (the two intersect), and
     * its {@code requireApproval: true} environments join {@code security.requireApproval}.
     */
    public static EffectivePolicies merge(String adminFile, PolicyRules admin, List<PolicyDocument> documents,
            java.util.Map<String, io.innominatus.model.EnvironmentDefinition> definedEnvironments) {
        List<PolicyRules> all = new ArrayList<>();
        List<EffectivePolicies.PolicySource> sources = new ArrayList<>();
        all.add(admin);
        if (!definedEnvironments.isEmpty()) {
            all.add(new PolicyRules(adminFile, null, null, null, null, null, null, null, null,
                    List.copyOf(definedEnvironments.keySet()), definedEnvironments.values().stream()
                    .filter(io.innominatus.model.EnvironmentDefinition::requireApproval)
                    .map(io.innominatus.model.EnvironmentDefinition::name).toList(), null, null, null));
        }
        sources.add(new EffectivePolicies.PolicySource(adminFile, "AdminConfig", "", admin));
        for (PolicyDocument document : documents) {
            all.add(document.rules());
            sources.add(new EffectivePolicies.PolicySource(document.sourceFile(), "WorkflowPolicies", document.name(),
                    document.rules()));
        }
        SortedSet<String> required = new TreeSet<>();
        SortedSet<String> approval = new TreeSet<>();
        AllowList products = AllowList.UNRESTRICTED;
        AllowList stepTypes = AllowList.UNRESTRICTED;
        AllowList environments = AllowList.UNRESTRICTED;
        AllowList executors = AllowList.UNRESTRICTED;
        boolean platformOverrides = true;
        boolean productOverrides = true;
        Duration maxDuration = null;
        int maxConcurrent = 0;
        int maxSteps = 0;
        String vault = null;
        String kubernetes = null;
        java.util.Map<io.innominatus.model.Tier, AllowList> byTier = new java.util.EnumMap<>(io.innominatus.model.Tier.class);
        for (PolicyRules rules : all) {
            rules.allowedStepTypesByTier().forEach((tier, entries) -> byTier.merge(tier, AllowList.of(entries),
                    AllowList::intersect));
            if (rules.requiredPlatformWorkflows() != null) {
                required.addAll(rules.requiredPlatformWorkflows());
            }
            if (rules.requireApproval() != null) {
                approval.addAll(rules.requireApproval());
            }
            products = intersect(products, rules.allowedProductWorkflows());
            stepTypes = intersect(stepTypes, rules.allowedStepTypes());
            environments = intersect(environments, rules.allowedEnvironments());
            executors = intersect(executors, rules.allowedExecutors());
            platformOverrides &= rules.platformOverrides() == null || rules.platformOverrides();
            productOverrides &= rules.productOverrides() == null || rules.productOverrides();
            if (rules.maxWorkflowDuration() != null
                    && (maxDuration == null || rules.maxWorkflowDuration().compareTo(maxDuration) < 0)) {
                maxDuration = rules.maxWorkflowDuration();
            }
            maxConcurrent = minLimit(maxConcurrent, rules.maxConcurrentWorkflows());
            maxSteps = minLimit(maxSteps, rules.maxStepsPerWorkflow());
            vault = narrower(vault, rules.vaultAccess(), EffectivePolicies.VAULT_READ_ONLY);
            kubernetes = narrower(kubernetes, rules.kubernetesAccess(), EffectivePolicies.KUBERNETES_NAMESPACE_SCOPED);
        }
        // A per-tier list narrows the tier-independent one; it never widens it.
        AllowList everyTier = stepTypes;
        byTier.replaceAll((tier, list) -> list.intersect(everyTier));
        return new EffectivePolicies(required, products, platformOverrides, productOverrides, maxDuration, maxConcurrent,
                maxSteps, stepTypes, environments, approval, executors,
                vault == null ? EffectivePolicies.VAULT_READ_ONLY : vault,
                kubernetes == null ? EffectivePolicies.KUBERNETES_NAMESPACE_SCOPED : kubernetes, sources, byTier);
    }

    private static AllowList intersect(AllowList current, List<String> entries) {
        return entries == null ? current : current.intersect(AllowList.of(entries));
    }

    private static int minLimit(int current, Integer candidate) {
        if (candidate == null) {
            return current;
        }
        return current == 0 ? candidate : Math.min(current, candidate);
    }

    private static String narrower(String current, String candidate, String narrowest) {
        if (candidate == null) {
            return current;
        }
        if (current == null) {
            return candidate;
        }
        return current.equals(narrowest) || candidate.equals(narrowest) ? narrowest : current;
    }
}
