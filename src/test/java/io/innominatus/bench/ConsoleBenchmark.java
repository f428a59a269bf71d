package io.innominatus.bench;

import io.innominatus.api.GrpcTestSupport;
import io.innominatus.api.console.Browser;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.StartDeploymentRequest;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The web console on a 200-step deployment in headless Chromium: how long the plan page takes to plan and draw
 * it, how long the execution page takes to draw, how long an event takes from its commit to the page (its
 * event time to the frame that shows it), and whether a browser following the run slows the engine (the same
 * deployment with and without the page open).
 */
@QuarkusTest
@TestProfile(ConsoleBenchmark.WideCatalog.class)
class ConsoleBenchmark extends GrpcTestSupport {

    static final int STEPS = 200;
    static final int LANES = 10;
    private static final int ROUNDS = 3;
    private static final String SCORE = """
            apiVersion: score.dev/v1b1
            metadata:
              name: wide
            containers:
              web:
                image: ghcr.io/example/wide:1.0.0
            """;

    /** A catalog whose every deployment runs one platform workflow of 200 policy steps in ten dependency lanes. */
    public static class WideCatalog implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path root = Path.of("target/console-bench-catalog").toAbsolutePath();
            StringBuilder workflow = new StringBuilder("""
                    apiVersion: workflow.dev/v1
                    kind: PlatformWorkflow
                    metadata:
                      name: wide
                      description: Two hundred checks in ten lanes
                      owner: platform-team
                      phase: deployment
                    spec:
                      triggers: [all_deployments]
                      steps:
                    """);
            for (int i = 0; i < STEPS; i++) {
                workflow.append("    - name: check-").append(i).append("\n      type: policy\n");
                if (i >= LANES) {
                    workflow.append("      dependsOn: [check-").append(i - LANES).append("]\n");
                }
                workflow.append("      config:\n        rules:\n          - name: named\n")
                        .append("            expression: \"score.metadata.name != ''\"\n");
            }
            try {
                Files.createDirectories(root.resolve("workflows/platform"));
                Files.writeString(root.resolve("workflows/platform/wide.yaml"), workflow);
                Files.writeString(root.resolve("admin-config.yaml"), """
                        admin: {owner: platform-team}
                        environments:
                          staging:
                            target:
                              gitops: {repository: gitops-bench, branch: main, path: "${application.name}"}
                        policies:
                          allowedEnvironments: [staging]
                        workflowPolicies:
                          workflowsRoot: workflows
                          maxStepsPerWorkflow: 500
                          allowedStepTypes: [policy, kubernetes]
                        """);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("innominatus.admin-config", root.resolve("admin-config.yaml").toString());
        }
    }

    private String deploy() {
        return workflows.startDeployment(StartDeploymentRequest.newBuilder().setScoreYaml(SCORE).setEnvironment("staging")
                .build()).getExecution().getExecutionId();
    }

    private double runMillis(String id) {
        workflows.withDeadlineAfter(5, TimeUnit.MINUTES).watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(id).build())
                .forEachRemaining(event -> { });
        var execution = workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution();
        if (execution.getState() != ExecutionState.EXECUTION_STATE_SUCCEEDED) {
            throw new IllegalStateException("the benchmark deployment ended " + execution.getState() + ": " + execution.getError());
        }
        return (execution.getEndTime().getSeconds() - execution.getStartTime().getSeconds()) * 1000.0
                + (execution.getEndTime().getNanos() - execution.getStartTime().getNanos()) / 1e6;
    }

    @Test
    void aTwoHundredStepDeploymentRendersAndFollowsLive() throws IOException {
        double[] planMs = new double[ROUNDS], renderMs = new double[ROUNDS], lagP50 = new double[ROUNDS], lagP95 = new double[ROUNDS],
                lagMax = new double[ROUNDS], alone = new double[ROUNDS], watched = new double[ROUNDS], events = new double[ROUNDS];
        runMillis(deploy()); // warm-up
        try (Browser browser = Browser.start(baseUrl)) {
            for (int round = 0; round < ROUNDS; round++) {
                browser.open("/plan");
                browser.script("arguments[0].value = arguments[1]", browser.driver.findElement(By.id("score")), SCORE);
                browser.driver.findElement(By.cssSelector("#plan-form button[type=submit]")).click();
                browser.await(Duration.ofSeconds(60), () -> browser.script("return window.__consoleMetrics.planRenderMs") != null);
                planMs[round] = ((Number) browser.script("return window.__consoleMetrics.planRenderMs")).doubleValue();
                if (browser.all("#plan-graph .node").size() < STEPS) {
                    throw new IllegalStateException("the plan graph has " + browser.all("#plan-graph .node").size() + " steps");
                }

                alone[round] = runMillis(deploy());

                // Started from the plan page, which then follows the run on its execution page (no reload).
                browser.driver.findElement(By.xpath("//button[text()='Start deployment']")).click();
                browser.await(Duration.ofSeconds(30), () -> browser.driver.getCurrentUrl().contains("/executions/"));
                browser.awaitPage();
                String id = browser.driver.getCurrentUrl().replaceAll(".*/executions/", "");
                renderMs[round] = ((Number) browser.script("return window.__consoleMetrics.executionRenderMs")).doubleValue();
                watched[round] = runMillis(id);
                browser.await(Duration.ofMinutes(2), () -> Boolean.TRUE.equals(browser.script("return window.__consoleMetrics.streamEnded === true")));
                @SuppressWarnings("unchecked")
                List<Number> lags = (List<Number>) browser.script("return window.__consoleMetrics.eventLagsMs");
                double[] sorted = lags.stream().mapToDouble(Number::doubleValue).sorted().toArray();
                events[round] = sorted.length;
                lagP50[round] = sorted[sorted.length / 2];
                lagP95[round] = sorted[(int) Math.floor(sorted.length * 0.95)];
                lagMax[round] = sorted[sorted.length - 1];
                if (round == 0) {
                    browser.screenshot("bench-200-steps");
                }
            }
        }
        BenchResults results = new BenchResults();
        results.add("console.plan.render_ms", "Plan page: PlanDeployment + drawing " + STEPS + " steps", "ms", planMs);
        results.add("console.execution.render_ms", "Execution page: GetExecution + drawing " + STEPS + " steps", "ms", renderMs);
        results.add("console.events", "Events committed while the page followed", "events", events);
        results.add("console.event_lag.p50_ms", "Commit of an event to its frame on the page, p50 (events committed while following)", "ms", lagP50);
        results.add("console.event_lag.p95_ms", "Commit of an event to its frame on the page, p95", "ms", lagP95);
        results.add("console.event_lag.max_ms", "Commit of an event to its frame on the page, max", "ms", lagMax);
        results.add("console.deployment.alone_ms", "The deployment with no page open", "ms", alone);
        results.add("console.deployment.watched_ms", "The deployment with its page following it", "ms", watched);
        results.note("console.machine", Runtime.getRuntime().availableProcessors() + " cores, headless Chromium, embedded H2");
        results.write("Web console, " + STEPS + "-step deployment (" + ROUNDS + " rounds; medians, min–max)");
        System.out.println("console rounds: plan " + Arrays.toString(planMs) + " render " + Arrays.toString(renderMs));
    }
}
