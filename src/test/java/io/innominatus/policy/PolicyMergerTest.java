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
    void allowListsIntersectByWhatTheirPatternsAllow() {
        PolicyRules admin = rules(null, List.of("billing/*", "shipping/label-printer"), null, null, null,
                List.of("exec", "change-*"), null, null);
        PolicyRules document = rules(null, List.of("billing/api-smoke", "billing/export", "shipping/*"), null, null, null,
                List.of("*"), null, null);
        EffectivePolicies merged = PolicyMerger.merge("config/admin-config.yaml", admin,
                List.of(new PolicyDocument("team", "", "", "policies/team.yaml", document)));
        assertEquals(Set.of("billing/api-smoke", "billing/export", "shipping/label-printer"),
                merged.allowedProductWorkflows().entries());
        assertTrue(merged.productWorkflowAllowed("billing", "api-smoke"));
        assertFalse(merged.productWorkflowAllowed("billing", "rogue-export"));
        assertEquals(Set.of("change-*", "exec"), merged.allowedStepTypes().entries());
        assertTrue(merged.allowedStepTypes().permits("change-ticket"));
        assertFalse(merged.allowedStepTypes().permits("terraform"));
        // Unrestricted lists are shown as the pattern allowing everything; disjoint ones as allowing nothing.
        assertEquals(Set.of("*"), merged.allowedEnvironments().inForce());
        EffectivePolicies disjoint = PolicyMerger.merge("admin-config.yaml", rules(null, List.of("billing/a"), null, null,
                null, null, null, null), List.of(new PolicyDocument("team", "", "", "policies/team.yaml", rules(null,
                List.of("shipping/*"), null, null, null, null, null, null))));
        assertTrue(disjoint.allowedProductWorkflows().restricted());
        assertEquals(Set.of(), disjoint.allowedProductWorkflows().inForce());
        assertEquals("product workflow 'billing/a' is not in allowedProductWorkflows of WorkflowPolicies team "
                + "(policies/team.yaml)", disjoint.productWorkflowNotAllowed("billing", "a"));
        assertEquals("product workflow 'billing/rogue-export' is not in allowedProductWorkflows of WorkflowPolicies team "
                + "(policies/team.yaml)", merged.productWorkflowNotAllowed("billing", "rogue-export"));
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
