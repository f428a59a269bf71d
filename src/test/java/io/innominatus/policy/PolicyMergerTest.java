package io.innominatus.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.EffectivePolicies;
import io.innominatus.model.PolicyDocument;
import io.innominatus.model.PolicyRules;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyMergerTest {

    private static PolicyRules rules(List<String> required, List<String> products, Boolean platformOverride,
            Duration maxDuration, Integer maxConcurrent, List<String> stepTypes, List<String> approval, String vault) {
        return new PolicyRules("f", required, products, platformOverride, null, maxDuration, maxConcurrent, null, stepTypes,
                null, approval, null, vault, null);
    }

    @Test
    void mostRestrictiveWins() {
        PolicyRules admin = rules(List.of("scan"), List.of("shop/db", "shop/pay"), true, Duration.ofMinutes(30), 10,
                List.of("exec", "terraform"), List.of("production"), "read-write");
        PolicyRules document = rules(List.of("cost"), List.of("shop/db"), false, Duration.ofMinutes(10), null,
                List.of("exec", "kubernetes"), List.of("staging"), "read-only");
        EffectivePolicies merged = PolicyMerger.merge("admin-config.yaml", admin,
                List.of(new PolicyDocument("org", "", "", "policies/org.yaml", document)));
        assertEquals(Set.of("scan", "cost"), merged.requiredPlatformWorkflows());
        assertEquals(Set.of("shop/db"), merged.allowedProductWorkflows().entries());
        assertFalse(merged.platformOverrides());
        assertTrue(merged.productOverrides());
        assertEquals(Duration.ofMinutes(10), merged.maxWorkflowDuration());
        assertEquals(10, merged.maxConcurrentWorkflows());
        assertEquals(Set.of("exec"), merged.allowedStepTypes().entries());
        assertEquals(Set.of("production", "staging"), merged.requireApproval());
        assertEquals("read-only", merged.vaultAccess());
        assertEquals(2, merged.sources().size());
        assertEquals("policies/org.yaml", merged.sources().get(1).file());
    }

    @Test
    void unsetListsDoNotRestrict() {
        EffectivePolicies merged = PolicyMerger.merge("a.yaml", PolicyRules.none("a.yaml"), List.of());
        assertTrue(merged.allowedProductWorkflows().permits("anything/at-all"));
        assertTrue(merged.allowedStepTypes().permits("exec"));
        assertEquals(0, merged.maxConcurrentWorkflows());
        assertEquals("namespace-scoped", merged.kubernetesAccess());
    }

    @Test
    void anExplicitEmptyListAllowsNothing() {
        PolicyRules admin = rules(null, List.of(), null, null, null, null, null, null);
        EffectivePolicies merged = PolicyMerger.merge("a.yaml", admin, List.of());
        assertFalse(merged.productWorkflowAllowed("shop", "db"));
    }
}
