package io.innominatus.resolve;

import static io.innominatus.TestWorkflows.platform;
import static io.innominatus.TestWorkflows.product;
import static io.innominatus.TestWorkflows.score;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.TestWorkflows;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.Phase;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.ResolvedDeployment;
import io.innominatus.model.ResolvedWorkflow;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.Trigger;
import io.innominatus.model.WorkflowDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolverTest {

    private static ResolvedDeployment resolve(ScoreWorkload app, boolean deployedBefore, List<WorkflowDefinition> platform,
            List<WorkflowDefinition> products) {
        return Resolver.resolveDeployment(new Resolver.DeploymentRequest(app, "development", platform, products,
                Map.of("defaultCostCenter", "engineering"), List.of(), deployedBefore));
    }

    private static List<String> ids(ResolvedDeployment resolved) {
        return resolved.workflows().stream().map(ResolvedWorkflow::id).toList();
    }

    @Test
    void allDeploymentsTriggersForEveryApplication() {
        var resolved = resolve(score("plain", null), false, List.of(platform("scan", "pre-deployment", "all_deployments", "a")),
                List.of());
        assertEquals(List.of("platform/scan", "applications/plain/app-deployment"), ids(resolved));
        assertEquals(List.of(Trigger.ALL_DEPLOYMENTS), resolved.workflows().get(0).planned().triggeredBy());
    }

    @Test
    void productWorkflowsOnlyForTheApplicationsProduct() {
        var shop = product("ecommerce", "db", "pre-deployment", "product_deployment", "a");
        var lake = product("analytics", "lake", "pre-deployment", "product_deployment", "a");
        assertEquals(List.of("products/ecommerce/db", "applications/web/app-deployment"),
                ids(resolve(score("web", "ecommerce"), false, List.of(), List.of(shop, lake))));
    }

    @Test
    void productIsNeverGuessedFromTheApplicationName() {
        var shop = product("ecommerce", "db", "pre-deployment", "product_deployment", "a");
        assertEquals(List.of("applications/ecommerce-web/app-deployment"),
                ids(resolve(score("ecommerce-web", null), false, List.of(), List.of(shop))));
    }

    @Test
    void productDeploymentOnAPlatformWorkflowNeedsAProduct() {
        var audit = platform("audit", "post-deployment", "product_deployment", "a");
        assertFalse(ids(resolve(score("plain", null), false, List.of(audit), List.of())).contains("platform/audit"));
        assertTrue(ids(resolve(score("shop", "ecommerce"), false, List.of(audit), List.of())).contains("platform/audit"));
    }

    @Test
    void firstDeploymentFollowsTheHistory() {
        var onboarding = platform("onboarding", "pre-deployment", "first_deployment", "a");
        assertTrue(ids(resolve(score("app", null), false, List.of(onboarding), List.of())).contains("platform/onboarding"));
        assertFalse(ids(resolve(score("app", null), true, List.of(onboarding), List.of())).contains("platform/onboarding"));
    }

    @Test
    void triggersAreOred() {
        var both = platform("both", "pre-deployment", "manual, first_deployment", "a");
        var resolved = resolve(score("app", null), false, List.of(both), List.of());
        assertEquals(List.of(Trigger.FIRST_DEPLOYMENT), resolved.workflows().get(0).planned().triggeredBy());
    }

    @Test
    void manualNeverTriggersAutomatically() {
        var manual = platform("rotate", "deployment", "manual", "a");
        assertFalse(ids(resolve(score("app", null), false, List.of(manual), List.of())).contains("platform/rotate"));
        var single = Resolver.resolveSingle(manual, score("app", null), "development", Map.of());
        assertEquals(List.of("platform/rotate"), ids(single));
    }

    @Test
    void phasesThenTiersThenNamesOrderThePlan() {
        var post = platform("zz-post", "post-deployment", "all_deployments", "a");
        var deployB = platform("b-deploy", "deployment", "all_deployments", "a");
        var deployA = platform("a-deploy", "deployment", "all_deployments", "a");
        var pre = platform("pre", "pre-deployment", "all_deployments", "a");
        var productDeploy = product("shop", "aa-product", "deployment", "product_deployment", "a");
        var resolved = resolve(score("web", "shop"), false, List.of(post, deployB, deployA, pre), List.of(productDeploy));
        assertEquals(List.of("platform/pre", "platform/a-deploy", "platform/b-deploy", "products/shop/aa-product",
                "applications/web/app-deployment", "platform/zz-post"), ids(resolved));
    }

    @Test
    void generatedApplicationWorkflowProvisionsThenDeploys() {
        var app = score("web", null, "db:postgres", "cache:redis");
        ResolvedWorkflow generated = resolve(app, false, List.of(), List.of()).workflows().get(0);
        PlannedWorkflow planned = generated.planned();
        assertEquals(Phase.DEPLOYMENT, planned.phase());
        assertEquals(List.of("provision-db", "provision-cache", "deploy-application"),
                planned.steps().stream().map(PlannedStep::name).toList());
        assertEquals(List.of("resource-provisioning", "resource-provisioning", "kubernetes"),
                planned.steps().stream().map(PlannedStep::type).toList());
        // The plan says whose outputs become ${resources.<name>.*}: the engine reads that, not the step names.
        assertEquals(List.of(new io.innominatus.model.StepExports("db", false), new io.innominatus.model.StepExports("cache", false),
                io.innominatus.model.StepExports.NONE), planned.steps().stream().map(PlannedStep::exports).toList());
        // No namespace of its own: it deploys into the environment's namespace of the application.
        assertNull(planned.steps().get(2).definition().namespace());
        assertEquals("web-development", resolve(app, false, List.of(), List.of()).context().namespace());
        assertEquals("postgres", planned.steps().get(0).definition().config().get("type"));
        assertEquals(8, planned.steps().get(0).definition().location().line());
    }

    @Test
    void dagStepsAreOrderedTopologicallyWithFileOrderTies() {
        WorkflowDefinition dag = TestWorkflows.workflow("""
                apiVersion: workflow.dev/v1
                kind: PlatformWorkflow
                metadata: {name: dag, phase: deployment, owner: t}
                spec:
                  triggers: [all_deployments]
                  steps:
                    - {name: verify, type: exec, dependsOn: [migrate, cache]}
                    - {name: migrate, type: exec, dependsOn: [infra]}
                    - {name: infra, type: exec}
                    - {name: cache, type: exec}
                """, "platform/dag.yaml", null);
        PlannedWorkflow planned = resolve(score("app", null), false, List.of(dag), List.of()).workflows().get(0).planned();
        assertTrue(planned.parallel());
        assertEquals(List.of("infra", "migrate", "cache", "verify"), planned.steps().stream().map(PlannedStep::name).toList());
        assertEquals(List.of("migrate", "cache"), planned.step("verify").dependsOn());
        assertEquals(7, planned.step("verify").definition().location().line());
    }

    @Test
    void referencesTheApplicationCannotSatisfyAreProblems() {
        WorkflowDefinition tagging = TestWorkflows.workflow("""
                apiVersion: workflow.dev/v1
                kind: PlatformWorkflow
                metadata: {name: tags, phase: post-deployment, owner: t}
                spec:
                  triggers: [all_deployments]
                  steps:
                    - name: tag
                      type: exec
                      config:
                        command: [echo, "${metadata.team}", "${resources.db.host}", "${application.product}"]
                """, "platform/tags.yaml", null);
        List<Diagnostic> problems = workflow(resolve(score("app", null), false, List.of(tagging), List.of()), "platform/tags")
                .problems();
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).message().contains("metadata.team"));
        assertEquals(10, problems.get(0).location().line());
        assertTrue(problems.get(1).message().contains("no resource 'db'"));
        assertTrue(workflow(resolve(score("app", null, "db:postgres"), false, List.of(tagging), List.of()), "platform/tags")
                .problems().stream().noneMatch(p -> p.message().contains("resource")));
    }

    private static ResolvedWorkflow workflow(ResolvedDeployment resolved, String id) {
        return resolved.workflows().stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow();
    }
}
