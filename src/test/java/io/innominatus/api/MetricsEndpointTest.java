package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.innominatus.api.workflow.v1.CancelExecutionRequest;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.RetryExecutionRequest;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.StartDeploymentRequest;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.innominatus.api.workflow.v1.WatchExecutionResponse;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The engine's metrics as Prometheus scrapes them from {@code /q/metrics}, after real runs: each test uses
 * a product of its own, so the series it reads belong to it alone.
 */
@QuarkusTest
@TestProfile(EngineTestProfile.class)
class MetricsEndpointTest extends GrpcTestSupport {

    @Test
    void executionsStepsAndWorkflowsAreCountedByTierProductTypeAndState() throws Exception {
        String product = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        String app = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        Execution failed = runToEnd("platform/failure-drill", app, product, "development");
        assertEquals(ExecutionState.EXECUTION_STATE_FAILED, failed.getState());

        Map<String, String> labels = Map.of("kind", "workflow", "product", product);
        Scrape scrape = awaitScrape(s -> s.value("innominatus_executions_total", with(labels, "state", "FAILED")) == 1);
        assertEquals(1, scrape.value("innominatus_executions_total", with(labels, "state", "QUEUED")));
        assertEquals(1, scrape.value("innominatus_executions_total", with(labels, "state", "RUNNING")));
        assertEquals(0, scrape.value("innominatus_executions_total", with(labels, "state", "SUCCEEDED")));
        assertEquals(1, scrape.value("innominatus_execution_duration_seconds_count", with(labels, "state", "FAILED")));
        assertTrue(scrape.has("innominatus_execution_duration_seconds_bucket", with(with(labels, "state", "FAILED"), "le", "+Inf")),
                "durations are histograms");

        Map<String, String> steps = Map.of("tier", "platform", "product", product, "type", "exec");
        // flaky-dependency fails, publish is skipped, cleanup (when: always) still runs.
        assertEquals(1, scrape.value("innominatus_steps_total", with(steps, "state", "FAILED")));
        assertEquals(1, scrape.value("innominatus_steps_total", with(steps, "state", "SKIPPED")));
        assertEquals(1, scrape.value("innominatus_steps_total", with(steps, "state", "SUCCEEDED")));
        assertEquals(1, scrape.value("innominatus_step_duration_seconds_count", with(steps, "state", "FAILED")));
        assertEquals(0, scrape.value("innominatus_step_duration_seconds_count", with(steps, "state", "SKIPPED")),
                "skipped steps never ran");
        assertEquals(1, scrape.value("innominatus_workflows_total",
                Map.of("tier", "platform", "product", product, "result", "failed")));

        // The retry succeeds: the execution is queued and ends a second time.
        workflows.retryExecution(RetryExecutionRequest.newBuilder().setExecutionId(failed.getExecutionId()).build());
        watch(failed.getExecutionId());
        Scrape retried = awaitScrape(s -> s.value("innominatus_executions_total", with(labels, "state", "SUCCEEDED")) == 1);
        assertEquals(2, retried.value("innominatus_executions_total", with(labels, "state", "QUEUED")));
        assertEquals(1, retried.value("innominatus_workflows_total",
                Map.of("tier", "platform", "product", product, "result", "succeeded")));
    }

    @Test
    void deploymentsBlockedByPolicyAreCountedByRule() throws Exception {
        String product = "blocked-" + UUID.randomUUID().toString().substring(0, 8);
        expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.startDeployment(StartDeploymentRequest.newBuilder()
                .setScoreYaml(score("moon-app", product)).setEnvironment("moon").build()));
        Scrape scrape = scrape();
        assertEquals(1, scrape.value("innominatus_policy_blocked_total",
                Map.of("rule", "ENVIRONMENT_NOT_ALLOWED", "kind", "deployment", "product", product)));
        assertEquals(0, scrape.value("innominatus_executions_total", Map.of("product", product)), "nothing was started");
    }

    @Test
    void queueDepthAndOpenWatchStreamsAreGauges() throws Exception {
        String app = "queue-" + UUID.randomUUID().toString().substring(0, 8);
        double watchersBefore = scrape().value("innominatus_watch_streams", Map.of());
        Execution running = run("platform/maintenance-window", app, "", "staging");
        awaitState(running.getExecutionId(), ExecutionState.EXECUTION_STATE_RUNNING);
        // One active execution per application and environment: this one waits behind the first.
        Execution queued = run("platform/failure-drill", app, "", "staging");
        assertEquals(ExecutionState.EXECUTION_STATE_QUEUED, queued.getState());

        CompletableFuture<Void> closed = new CompletableFuture<>();
        WorkflowServiceGrpc.newStub(channel).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(queued.getExecutionId()).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(WatchExecutionResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                        closed.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        closed.complete(null);
                    }
                });
        Scrape busy = awaitScrape(s -> s.value("innominatus_watch_streams", Map.of()) >= watchersBefore + 1);
        assertTrue(busy.value("innominatus_executions_queued", Map.of()) >= 1, "the second execution is queued");
        assertTrue(busy.value("innominatus_executions_running", Map.of()) >= 1, "the first one runs");

        workflows.cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(queued.getExecutionId()).build());
        workflows.cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(running.getExecutionId()).build());
        closed.get(30, TimeUnit.SECONDS);
        awaitScrape(s -> s.value("innominatus_watch_streams", Map.of()) == watchersBefore);
    }

    @Test
    void aWatcherThatLeavesEndsItsStreamAtOnce() throws Exception {
        String app = "leave-" + UUID.randomUUID().toString().substring(0, 8);
        Execution running = run("platform/maintenance-window", app, "", "staging");
        awaitState(running.getExecutionId(), ExecutionState.EXECUTION_STATE_RUNNING);
        // Queued behind the first, this one stays unfinished while its watchers come and go.
        Execution queued = run("platform/failure-drill", app, "", "staging");
        double watchersBefore = scrape().value("innominatus_watch_streams", Map.of());

        // One watcher cancels its call, another loses its connection.
        Context.CancellableContext call = Context.current().withCancellation();
        ManagedChannel ownConnection = NettyChannelBuilder.forAddress("127.0.0.1", baseUrl.getPort()).usePlaintext().build();
        WatchExecutionRequest request = WatchExecutionRequest.newBuilder().setExecutionId(queued.getExecutionId()).build();
        call.run(() -> WorkflowServiceGrpc.newStub(channel).watchExecution(request, ignoring()));
        WorkflowServiceGrpc.newStub(ownConnection).watchExecution(request, ignoring());
        awaitScrape(s -> s.value("innominatus_watch_streams", Map.of()) == watchersBefore + 2);

        call.cancel(null);
        awaitScrape(s -> s.value("innominatus_watch_streams", Map.of()) == watchersBefore + 1);
        ownConnection.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        awaitScrape(s -> s.value("innominatus_watch_streams", Map.of()) == watchersBefore);
        assertEquals(ExecutionState.EXECUTION_STATE_QUEUED, get(queued.getExecutionId()).getState(),
                "the streams ended because their clients left, not because the execution did");

        workflows.cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(queued.getExecutionId()).build());
        workflows.cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(running.getExecutionId()).build());
    }

    private static StreamObserver<WatchExecutionResponse> ignoring() {
        return new StreamObserver<>() {
            @Override
            public void onNext(WatchExecutionResponse value) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String score(String app, String product) {
        return "apiVersion: score.dev/v1b1\nmetadata:\n  name: " + app + "\n"
                + (product.isEmpty() ? "" : "  product: " + product + "\n")
                + "containers:\n  main:\n    image: busybox:1.36\n";
    }

    private Execution run(String workflowId, String app, String product, String environment) {
        return workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId(workflowId)
                .setScoreYaml(score(app, product)).setEnvironment(environment).build()).getExecution();
    }

    private Execution runToEnd(String workflowId, String app, String product, String environment) {
        Execution started = run(workflowId, app, product, environment);
        watch(started.getExecutionId());
        return get(started.getExecutionId());
    }

    private List<ExecutionEvent> watch(String executionId) {
        List<ExecutionEvent> events = new ArrayList<>();
        workflows.withDeadlineAfter(60, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(executionId).build()).forEachRemaining(r -> events.add(r.getEvent()));
        return events;
    }

    private Execution get(String executionId) {
        return workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(executionId).build()).getExecution();
    }

    private void awaitState(String executionId, ExecutionState state) {
        org.awaitility.Awaitility.await("execution reaching " + state).atMost(java.time.Duration.ofSeconds(30))
                .until(() -> get(executionId).getState() == state);
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(key, value);
        return all;
    }

    /** Metrics are counted off the engine's threads: scrape until {@code ready} holds. */
    private Scrape awaitScrape(Predicate<Scrape> ready) {
        return org.awaitility.Awaitility.await("metrics reaching the expected values").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(100)).until(this::scrape, ready::test);
    }

    private Scrape scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + baseUrl.getPort() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return Scrape.parse(response.body());
    }

    /** One scrape in the Prometheus text format. */
    record Scrape(List<Sample> samples) {
        record Sample(String name, Map<String, String> labels, double value) {}

        static Scrape parse(String text) {
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                String name = brace < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, brace);
                Map<String, String> labels = new HashMap<>();
                if (brace >= 0) {
                    String body = line.substring(brace + 1, line.lastIndexOf('}'));
                    for (String pair : body.split("\",")) {
                        int eq = pair.indexOf('=');
                        if (eq > 0) {
                            labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
                        }
                    }
                }
                samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
            }
            return new Scrape(samples);
        }

        /** The sum of the samples of {@code name} carrying all of {@code labels}; 0 when there are none. */
        double value(String name, Map<String, String> labels) {
            return matching(name, labels).stream().mapToDouble(Sample::value).sum();
        }

        boolean has(String name, Map<String, String> labels) {
            return !matching(name, labels).isEmpty();
        }

        private List<Sample> matching(String name, Map<String, String> labels) {
            return samples.stream().filter(s -> s.name().equals(name))
                    .filter(s -> labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
                    .toList();
        }

        String innominatus() {
            return String.join("\n", samples.stream().filter(s -> s.name().startsWith("innominatus_"))
                    .map(Sample::toString).toList());
        }
    }
}
