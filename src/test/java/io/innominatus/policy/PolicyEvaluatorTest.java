package io.innominatus.policy;

import static io.innominatus.TestWorkflows.permissive;
import static io.innominatus.TestWorkflows.platform;
import static io.innominatus.TestWorkflows.product;
import static io.innominatus.TestWorkflows.score;
import static io.innominatus.TestWorkflows.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.TestWorkflows;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.model.PlanAssembly;
import io.innominatus.model.PolicyDecision;
import io.innominatus.model.Provisioner;
import io.innominatus.model.ResolvedDeployment;
import io.innominatus.model.RuleIds;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepTypes;
import io.innominatus.model.Violation;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.resolve.Resolver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {

    private static final Set<String> KNOWN = StepTypes.BUILT_IN.keySet();

    private static ResolvedDeployment deployment(ScoreWorkload app, String environment, List<WorkflowDefinition> platform,
            List<WorkflowDefinition> products) {
        return Resolver.resolveDeployment(new Resolver.DeploymentRequest(app, environment, platform, products, Map.of(), List.of(), false));
    }

    private static List<String> rules(PolicyDecision decision) {
        return decision.violations().stream().map(Violation::ruleId).toList();
    }

    @Test
    void missingRequiredPlatformWorkflowBlocks() {
        var policies = with(permissive(), b -> b.required("security-scan", "cost-monitoring"));
        var resolved = deployment(score("app", null), "development",
                List.of(platform("security-scan", "pre-deployment", "all_deployments", "scan")), List.of());
        PolicyDecision decision = PolicyEvaluator.evaluate(resolved, policies, KNOWN);
        assertEquals(List.of(RuleIds.REQUIRED_PLATFORM_WORKFLOW_MISSING), rules(decision));
        assertEquals("platform/cost-monitoring", decision.violations().get(0).workflowId());
        assertTrue(decision.violations().get(0).blocking());
        assertFalse(decision.allowed());
    }

    @Test
    void requiredPlatformWorkflowThatIsNotTriggeredAlsoBlocks() {
        var policies = with(permissive(), b -> b.required("onboarding"));
        var resolved = deployment(score("app", null), "development",
                List.of(platform("onboarding", "pre-deployment", "manual", "a")), List.of());
        assertEquals(List.of(RuleIds.REQUIRED_PLATFORM_WORKFLOW_MISSING), rules(PolicyEvaluator.evaluate(resolved, policies, KNOWN)));
    }

    @Test
    void productWorkflowNotAllowedIsExcludedAndNeverPlanned() {
        var policies = with(permissive(), b -> b.allowedProducts("shop/db"));
        var allowed = product("shop", "db", "pre-deployment", "product_deployment", "a");
        var notAllowed = product("shop", "fraud", "deployment", "product_deployment", "a");
        var resolved = deployment(score("web", "shop"), "development", List.of(), List.of(allowed, notAllowed));
        PolicyDecision decision = PolicyEvaluator.evaluate(resolved, policies, KNOWN);
        assertTrue(decision.allowed());
        assertEquals(1, decision.excluded().size());
        assertEquals(RuleIds.PRODUCT_WORKFLOW_NOT_ALLOWED, decision.excluded().get(0).ruleId());
        DeploymentPlan plan = PlanAssembly.assemble(resolved, decision, "catalog", null);
        assertTrue(plan.workflow("products/shop/db").isPresent());
        assertTrue(plan.workflow("products/shop/fraud").isEmpty());
    }

    @Test
    void wildcardAllowsAWholeProduct() {
        var policies = with(permissive(), b -> b.allowedProducts("shop/*"));
        var resolved = deployment(score("web", "shop"), "development", List.of(),
                List.of(product("shop", "anything", "deployment", "product_deployment", "a")));
        assertTrue(PolicyEvaluator.evaluate(resolved, policies, KNOWN).excluded().isEmpty());
    }

    @Test
    void disallowedAndUnknownStepTypesBlock() {
        var policies = with(permissive(), b -> b.stepTypes("exec", "kubernetes", "resource-provisioning"));
        var workflow = platform("mixed", "deployment", "all_deployments", "a:exec", "b:terraform", "c:teleport");
        PolicyDecision decision = PolicyEvaluator.evaluate(deployment(score("app", null), "development", List.of(workflow),
                List.of()), policies, KNOWN);
        assertEquals(List.of(RuleIds.STEP_TYPE_NOT_ALLOWED, RuleIds.STEP_TYPE_UNKNOWN), rules(decision));
        assertEquals("b", decision.violations().get(0).step());
        assertTrue(decision.violations().get(0).location().startsWith("platform/mixed.yaml:"));
        assertFalse(decision.allowed());
    }

    @Test
    void stepTypesOfAWorkflowProvisionerAreCheckedToo() {
        var policies = with(permissive(), b -> b.stepTypes("exec", "kubernetes", "resource-provisioning"));
        var create = TestWorkflows.platform("queue", "deployment", "manual", "make-queue:terraform").steps();
        var remove = TestWorkflows.platform("queue", "deployment", "manual", "drop-queue:teleport").steps();
        var provisioner = new Provisioner("queue", null, null, "shop", false, "", null, null, Map.of(), List.of(), create,
                remove, null, SourceLocation.ofFile("products/shop/provisioners.yaml"));
        var resolved = Resolver.resolveDeployment(new Resolver.DeploymentRequest(score("web", "shop", "jobs:queue"),
                "development", List.of(), List.of(), Map.of(), List.of(provisioner), false));
        PolicyDecision decision = PolicyEvaluator.evaluate(resolved, policies, KNOWN);
        assertEquals(List.of(RuleIds.STEP_TYPE_NOT_ALLOWED, RuleIds.STEP_TYPE_UNKNOWN), rules(decision));
        Violation first = decision.violations().get(0);
        assertEquals("make-queue", first.step());
        assertEquals(io.innominatus.resolve.ApplicationWorkflow.id("web"), first.workflowId());
        assertTrue(first.message().contains("provisioner of resource 'jobs'"), first.message());
        assertFalse(decision.allowed());
    }

    @Test
    void registeredStepTypesAreKnown() {
        var workflow = platform("custom", "deployment", "all_deployments", "a:teleport");
        var known = new java.util.HashSet<>(KNOWN);
        known.add("teleport");
        assertTrue(PolicyEvaluator.evaluate(deployment(score("app", null), "development", List.of(workflow), List.of()),
                permissive(), known).allowed());
    }

    @Test
    void tooManyStepsBlocks() {
        var policies = with(permissive(), b -> b.maxSteps(2));
        var workflow = platform("long", "deployment", "all_deployments", "a", "b", "c");
        assertEquals(List.of(RuleIds.TOO_MANY_STEPS), rules(PolicyEvaluator.evaluate(
                deployment(score("app", null), "development", List.of(workflow), List.of()), policies, KNOWN)));
    }

    @Test
    void environmentNotAllowedBlocks() {
        var policies = with(permissive(), b -> b.environments("development", "production"));
        PolicyDecision decision = PolicyEvaluator.evaluate(deployment(score("app", null), "sandbox", List.of(), List.of()),
                policies, KNOWN);
        assertEquals(List.of(RuleIds.ENVIRONMENT_NOT_ALLOWED), rules(decision));
        assertFalse(decision.allowed());
    }

    @Test
    void higherTierOverridesWhenAllowed() {
        var platformDb = platform("db", "pre-deployment", "all_deployments", "a");
        var productDb = product("shop", "db", "pre-deployment", "product_deployment", "b");
        var resolved = deployment(score("web", "shop"), "development", List.of(platformDb), List.of(productDb));
        PolicyDecision decision = PolicyEvaluator.evaluate(resolved, permissive(), KNOWN);
        assertTrue(decision.allowed());
        assertEquals(RuleIds.WORKFLOW_OVERRIDDEN, decision.excluded().get(0).ruleId());
        assertEquals("products/shop/db", decision.excluded().get(0).workflowId());
        assertTrue(PlanAssembly.assemble(resolved, decision, "c", null).workflow("products/shop/db").isEmpty());
    }

    @Test
    void overrideConflictBlocksWhenNotAllowed() {
        var policies = with(permissive(), b -> b.overrides(false, true));
        var platformDb = platform("db", "pre-deployment", "all_deployments", "a");
        var productDb = product("shop", "db", "pre-deployment", "product_deployment", "b");
        PolicyDecision decision = PolicyEvaluator.evaluate(
                deployment(score("web", "shop"), "development", List.of(platformDb), List.of(productDb)), policies, KNOWN);
        assertEquals(List.of(RuleIds.WORKFLOW_OVERRIDE_CONFLICT), rules(decision));
        assertFalse(decision.allowed());
    }

    @Test
    void sameNameInDifferentPhasesIsNoOverride() {
        var a = platform("db", "pre-deployment", "all_deployments", "a");
        var b = product("shop", "db", "post-deployment", "product_deployment", "b");
        PolicyDecision decision = PolicyEvaluator.evaluate(
                deployment(score("web", "shop"), "development", List.of(a), List.of(b)), permissive(), KNOWN);
        assertTrue(decision.excluded().isEmpty());
        assertTrue(decision.violations().isEmpty());
    }

    @Test
    void invalidTriggeredWorkflowBlocks() {
        WorkflowDefinition broken = TestWorkflows.workflow("""
                apiVersion: workflow.dev/v1
                kind: PlatformWorkflow
                metadata: {name: broken, phase: deployment, owner: t}
                spec:
                  triggers: [all_deployments]
                  steps:
                    - {name: a, type: exec, dependsOn: [ghost]}
                """, "platform/broken.yaml", null);
        PolicyDecision decision = PolicyEvaluator.evaluate(
                deployment(score("app", null), "development", List.of(broken), List.of()), permissive(), KNOWN);
        assertEquals(List.of(RuleIds.INVALID_WORKFLOW), rules(decision));
        assertEquals("platform/broken.yaml:7:41", decision.violations().get(0).location());
    }

    @Test
    void approvalFollowsTheEnvironment() {
        var policies = with(permissive(), b -> b.approval("production"));
        assertTrue(PolicyEvaluator.evaluate(deployment(score("ab", null), "production", List.of(), List.of()), policies, KNOWN)
                .requiresApproval());
        assertFalse(PolicyEvaluator.evaluate(deployment(score("ab", null), "staging", List.of(), List.of()), policies, KNOWN)
                .requiresApproval());
    }

    @Test
    void singleWorkflowRunsSkipDeploymentLevelRules() {
        var policies = with(permissive(), b -> b.required("security-scan").approval("production").stepTypes("exec"));
        var manual = platform("rotate", "deployment", "manual", "a:exec", "b:terraform");
        PolicyDecision decision = PolicyEvaluator.evaluate(
                Resolver.resolveSingle(manual, score("app", null), "production", Map.of()), policies, KNOWN);
        assertEquals(List.of(RuleIds.STEP_TYPE_NOT_ALLOWED), rules(decision));
        assertTrue(decision.requiresApproval());
    }

    @Test
    void planDigestIsDeterministicAndBindsToContent() {
        var scan = platform("scan", "pre-deployment", "all_deployments", "a");
        var resolved = deployment(score("app", null), "development", List.of(scan), List.of());
        String first = PlanAssembly.assemble(resolved, PolicyEvaluator.evaluate(resolved, permissive(), KNOWN), "x", null).planDigest();
        var again = deployment(score("app", null), "development", List.of(scan), List.of());
        assertEquals(first, PlanAssembly.assemble(again, PolicyEvaluator.evaluate(again, permissive(), KNOWN), "y", null).planDigest());
        assertEquals(64, first.length());
        var otherEnvironment = deployment(score("app", null), "staging", List.of(scan), List.of());
        assertNotEquals(first, PlanAssembly.assemble(otherEnvironment,
                PolicyEvaluator.evaluate(otherEnvironment, permissive(), KNOWN), "x", null).planDigest());
        var otherSteps = deployment(score("app", null), "development",
                List.of(platform("scan", "pre-deployment", "all_deployments", "a", "b")), List.of());
        assertNotEquals(first, PlanAssembly.assemble(otherSteps, PolicyEvaluator.evaluate(otherSteps, permissive(), KNOWN),
                "x", null).planDigest());
    }
}
