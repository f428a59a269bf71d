package io.innominatus.steps.checks;

import io.innominatus.model.PolicyRule;
import io.innominatus.steps.StepTests;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policy step: CEL rules over a Score spec and manifests read from YAML files or inline text. */
class PolicyStepExecutorTest {

    private static final Map<String, PolicyRule> CENTRAL = Map.of(
            "pinned-images", new PolicyRule("pinned-images",
                    "score.containers.all(c, !score.containers[c].image.endsWith(':latest'))",
                    "container images must be pinned to a version, not :latest"),
            "has-team", new PolicyRule("has-team", "has(metadata.team) && metadata.team != ''",
                    "metadata.team names the owning team"));

    @TempDir
    Path workflowDirectory;

    private final PolicyStepExecutor executor = new PolicyStepExecutor(name -> Optional.ofNullable(CENTRAL.get(name)));

    @BeforeEach
    void copyManifests() throws IOException {
        StepTests.copy("/steps/policy/manifests/app.yaml", workflowDirectory, "k8s/app.yaml");
        StepTests.copy("/steps/policy/manifests/extra/config.yml", workflowDirectory, "k8s/extra/config.yml");
        StepTests.copy("/steps/policy/manifests/extra/NOTES.txt", workflowDirectory, "k8s/extra/NOTES.txt");
    }

    private static Map<String, Object> score(String workerImage) {
        Map<String, Object> containers = new LinkedHashMap<>();
        containers.put("api", Map.of("image", "registry.example.com/shop/api:2.3",
                "resources", Map.of("limits", Map.of("memory", "256Mi", "cpu", 1))));
        containers.put("worker", Map.of("image", workerImage));
        return Map.of("apiVersion", "score.dev/v1b1", "metadata", Map.of("name", "shop", "team", "payments"),
                "containers", containers);
    }

    private TestStepContext context(String workerImage, Object... rules) {
        return new TestStepContext("policy").workflowDirectory(workflowDirectory)
                .plan(TestStepContext.plan("shop", "retail", "staging", score(workerImage)))
                .config("manifests", "./k8s").config("rules", List.of(rules));
    }

    private static Map<String, Object> rule(String name, String expression, String message) {
        return Map.of("name", name, "expression", expression, "message", message);
    }

    @Test
    void rulesOverTheScoreSpecAndTheManifestsPass() {
        TestStepContext context = context("registry.example.com/shop/worker:1.0",
                rule("replicas", "manifests.filter(m, m.kind == 'Deployment').all(m, m.spec.replicas >= 2)", "two replicas"),
                rule("labelled", "manifests.all(m, has(m.metadata.labels) && m.metadata.labels.app == application.name)",
                        "every manifest carries the app label"),
                rule("count", "size(manifests) == 3 && manifests.exists(m, m.kind == 'ConfigMap')", "three manifests"),
                rule("null-is-absent", "manifests.filter(m, m.kind == 'ConfigMap').all(m, !has(m.metadata.annotations))",
                        "a null field reads as absent"),
                rule("context", "environment.name == 'staging' && application.product == 'retail'", "context values"),
                rule("numbers", "score.containers.api.resources.limits.cpu == 1", "integers compare as integers"),
                "pinned-images", "has-team");

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertEquals(Map.of("rulesPassed", "8", "rulesFailed", "0"), result.outputs());
        assertTrue(context.logged("evaluating 8 policy rule(s) over the Score spec and 3 manifest(s)"), context.log());
        assertTrue(context.logged("policy rule pinned-images passed"));
    }

    @Test
    void everyFailedRuleIsLoggedAndListedInTheFailure() {
        TestStepContext context = context("busybox:latest",
                "pinned-images",
                rule("replicas", "manifests.filter(m, m.kind == 'Deployment').all(m, m.spec.replicas >= 5)",
                        "deployments run at least five replicas"),
                rule("labelled", "manifests.all(m, has(m.metadata.labels))", "labels"));

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        assertEquals("2 of 3 policy rule(s) failed: pinned-images: container images must be pinned to a version, not :latest; "
                + "replicas: deployments run at least five replicas", failure.getMessage());
        assertTrue(context.logged("policy rule pinned-images failed: container images must be pinned to a version, not :latest"));
        assertTrue(context.logged("policy rule replicas failed: deployments run at least five replicas"));
        assertTrue(context.logged("policy rule labelled passed"));
        assertTrue(context.logged("1 policy rule(s) passed, 2 failed"));
    }

    @Test
    void aDryRunEvaluatesTheSameWayAndStillFailsOnViolations() {
        StepFailure failure = StepTests.failure(() -> executor.run(context("busybox:latest", "pinned-images"), StepMode.DRY_RUN));
        StepResult passing = StepTests.run(() -> executor.run(context("busybox:1.36", "pinned-images"), StepMode.DRY_RUN));

        assertEquals("1 of 1 policy rule(s) failed: pinned-images: container images must be pinned to a version, not :latest",
                failure.getMessage());
        assertEquals(Map.of("dryRun", "true", "rulesPassed", "1", "rulesFailed", "0"), passing.outputs());
    }

    @Test
    void aRuleThatDoesNotCompileOrCannotBeEvaluatedFailsClearly() {
        TestStepContext context = context("busybox:1.36",
                rule("broken", "manifests.all(m, m.kind ==)", "never"),
                rule("unknown-variable", "cluster.name == 'prod'", "never"),
                rule("missing-field", "manifests[0].spec.nothingHere == 1", "never"),
                rule("fine", "true", "never"));

        StepFailure failure = StepTests.failure(() -> executor.run(context, StepMode.APPLY));

        String message = failure.getMessage();
        assertTrue(message.contains("policy rule broken does not compile (column "), message);
        assertTrue(message.contains("policy rule unknown-variable does not compile"), message);
        assertTrue(message.contains("undeclared reference to 'cluster'"), message);
        assertTrue(message.contains("policy rule missing-field cannot be evaluated: "), message);
        assertFalse(message.contains("Exception") || message.contains("dev.cel"), "no class names for people: " + message);
        assertTrue(context.logged("policy rule fine passed"));
        assertTrue(context.logged("1 policy rule(s) passed, 3 failed"));
    }

    @Test
    void inlineMultiDocumentManifestsAndKubernetesListsAreRead() {
        String yaml = """
                apiVersion: v1
                kind: List
                items:
                  - {apiVersion: v1, kind: Service, metadata: {name: a}}
                  - {apiVersion: v1, kind: Service, metadata: {name: b}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop}
                """;
        TestStepContext context = context("busybox:1.36",
                rule("three", "size(manifests) == 3 && manifests[2].kind == 'Ingress'", "three manifests"))
                .config("manifests", yaml);

        StepResult result = StepTests.run(() -> executor.run(context, StepMode.APPLY));

        assertEquals("1", result.outputs().get("rulesPassed"));
    }

    @Test
    void manifestsFromASingleFileOrNoneAtAll() {
        StepResult file = StepTests.run(() -> executor.run(context("busybox:1.36",
                rule("two", "size(manifests) == 2", "two")).config("manifests", "k8s/app.yaml"), StepMode.APPLY));
        StepResult none = StepTests.run(() -> executor.run(context("busybox:1.36",
                rule("none", "size(manifests) == 0", "none")).config("manifests", null), StepMode.APPLY));

        assertEquals("1", file.outputs().get("rulesPassed"));
        assertEquals("1", none.outputs().get("rulesPassed"));
    }

    @Test
    void badManifestsAreClearErrors() throws IOException {
        Files.writeString(workflowDirectory.resolve("k8s/broken.yaml"), "kind: Service\nmetadata:\n  name: [unclosed\n");
        StepFailure syntax = StepTests.failure(() -> executor.run(context("busybox:1.36", rule("x", "true", "x")), StepMode.APPLY));
        assertTrue(syntax.getMessage().startsWith("manifest k8s/broken.yaml:"), syntax.getMessage());
        Files.delete(workflowDirectory.resolve("k8s/broken.yaml"));

        StepFailure unsafe = StepTests.failure(() -> executor.run(context("busybox:1.36", rule("x", "true", "x"))
                .config("manifests", "kind: x\nspec: !!javax.script.ScriptEngineManager [x]\n"), StepMode.APPLY));
        assertTrue(unsafe.getMessage().contains("is not allowed"), unsafe.getMessage());

        assertTrue(StepTests.failure(() -> executor.run(context("busybox:1.36", rule("x", "true", "x"))
                .config("manifests", "../outside"), StepMode.APPLY)).getMessage().contains("leaves the workflow's directory"));
        assertEquals("config.manifests 'k8s/none' does not exist", StepTests.failure(() -> executor.run(
                context("busybox:1.36", rule("x", "true", "x")).config("manifests", "k8s/none"), StepMode.APPLY)).getMessage());
    }

    @Test
    void rulesMustBeGivenAndKnown() {
        assertEquals("a policy step needs config.rules: inline {name, expression, message} rules or rule names",
                StepTests.failure(() -> executor.run(context("busybox:1.36"), StepMode.APPLY)).getMessage());
        assertEquals("policy rule 'no-such-rule' is not defined; write it inline as {name, expression, message} or ask "
                + "the platform team to define it",
                StepTests.failure(() -> executor.run(context("busybox:1.36", "no-such-rule"), StepMode.APPLY)).getMessage());
        assertEquals("config.rules[0].expression is required",
                StepTests.failure(() -> executor.run(context("busybox:1.36", Map.of("name", "empty")), StepMode.APPLY)).getMessage());
    }

    @Test
    void cancellationStopsBetweenRules() {
        TestStepContext context = context("busybox:1.36", rule("x", "true", "x"));
        context.cancellation().cancel("execution cancelled");

        assertEquals("cancelled: execution cancelled", StepTests.failure(() -> executor.run(context, StepMode.APPLY)).getMessage());
    }
}
