package io.innominatus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.innominatus.api.workflow.v1.DeploymentPlan;
import io.innominatus.api.workflow.v1.Diagnostic;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.GetWorkflowRequest;
import io.innominatus.api.workflow.v1.ListWorkflowsRequest;
import io.innominatus.api.workflow.v1.PlanDeploymentRequest;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.StepExecution;
import io.innominatus.api.workflow.v1.StepState;
import io.innominatus.api.workflow.v1.ValidateWorkflowRequest;
import io.innominatus.api.workflow.v1.ValidateWorkflowResponse;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.innominatus.api.workflow.v1.Workflow;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged service as it ships: the fast-jar under {@code ./mvnw verify}, the native executable under
 * {@code ./mvnw verify -Pnative}. A few calls cover what a native build can get wrong while the JVM
 * build is fine (protobuf and error details, SnakeYAML and CEL, the JSON documents of the store,
 * processes, Flyway behind a JDBC proxy, health and metrics), on PostgreSQL as in production.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedArtifactResources.class)
@Tag("packaged")
class PackagedArtifactIT {

    static final String SCORE = """
            apiVersion: score.dev/v1b1
            metadata:
              name: smoke-app
            containers:
              web:
                image: nginx:1.27
            """;

    @TestHTTPResource("/")
    URL baseUrl;

    private ManagedChannel channel;
    private WorkflowServiceGrpc.WorkflowServiceBlockingStub workflows;

    @BeforeEach
    void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", baseUrl.getPort()).usePlaintext().build();
        workflows = WorkflowServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void healthEndpointsReportUp() throws IOException, InterruptedException {
        for (String probe : List.of("/q/health/live", "/q/health/ready")) {
            HttpResponse<String> response = get(probe);
            assertEquals(200, response.statusCode(), probe + ": " + response.body());
            assertTrue(response.body().contains("\"UP\""), response.body());
        }
    }

    @Test
    void metricsAreServedInThePrometheusFormat() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/q/metrics");
        assertEquals(200, response.statusCode());
        for (String gauge : List.of("innominatus_executions_queued", "innominatus_executions_running", "innominatus_watch_streams")) {
            assertTrue(response.body().lines().anyMatch(line -> line.startsWith(gauge + " ") || line.startsWith(gauge + "{")),
                    gauge + " missing from /q/metrics");
        }
    }

    @Test
    void theCatalogIsReadFromYamlAndServedOverGrpc() {
        List<String> ids = workflows.listWorkflows(ListWorkflowsRequest.getDefaultInstance()).getWorkflowsList().stream()
                .map(Workflow::getWorkflowId).toList();
        assertEquals(List.of("platform/smoke"), ids);
        Workflow smoke = workflows.getWorkflow(GetWorkflowRequest.newBuilder().setWorkflowId("platform/smoke").build())
                .getWorkflow();
        assertEquals(List.of("facts", "greet", "production-only", "pinned-images", "schema"),
                smoke.getStepsList().stream().map(s -> s.getName()).toList());
        assertTrue(smoke.getYaml().contains("database-migration"), smoke.getYaml());
    }

    @Test
    void plansAreResolvedAndCheckedAgainstPolicy() {
        DeploymentPlan allowed = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(SCORE)
                .setEnvironment("development").build()).getPlan();
        assertTrue(allowed.getAllowed(), allowed.toString());
        assertEquals(64, allowed.getPlanDigest().length(), allowed.getPlanDigest());

        DeploymentPlan blocked = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(SCORE)
                .setEnvironment("moon").build()).getPlan();
        assertFalse(blocked.getAllowed());
        assertTrue(blocked.getViolationsList().stream().anyMatch(v -> v.getRuleId().equals("ENVIRONMENT_NOT_ALLOWED")),
                blocked.getViolationsList().toString());
    }

    @Test
    void invalidCelConditionsAreReportedWithTheirPosition() {
        String yaml = """
                apiVersion: workflow.dev/v1
                kind: PlatformWorkflow
                metadata:
                  name: broken
                  phase: deployment
                spec:
                  triggers: [manual]
                  steps:
                    - name: only
                      type: exec
                      if: "environment.name =="
                      config:
                        command: ["true"]
                """;
        ValidateWorkflowResponse response = workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder().setYaml(yaml)
                .setFileName("platform/broken.yaml").build());
        assertFalse(response.getValid());
        Diagnostic diagnostic = response.getDiagnosticsList().stream().filter(d -> d.getCode().equals("INVALID_CONDITION"))
                .findFirst().orElseThrow(() -> new AssertionError(response.getDiagnosticsList().toString()));
        assertEquals("spec.steps[0].if", diagnostic.getFieldPath());
        assertEquals(11, diagnostic.getLine());
        assertTrue(diagnostic.getMessage().contains("CEL"), diagnostic.getMessage());
    }

    @Test
    void unknownWorkflowsAreReportedWithErrorDetails() throws InvalidProtocolBufferException {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> workflows.runWorkflow(
                RunWorkflowRequest.newBuilder().setWorkflowId("platform/missing").setScoreYaml(SCORE)
                        .setEnvironment("development").build()));
        assertEquals(io.grpc.Status.Code.NOT_FOUND, e.getStatus().getCode());
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        ErrorInfo info = null;
        for (Any detail : status.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                info = detail.unpack(ErrorInfo.class);
            }
        }
        assertTrue(info != null && info.getDomain().equals("innominatus.io"), status.toString());
    }

    @Test
    void aManualWorkflowRunsToTheEndAndIsReadBackFromTheStore() {
        Execution started = workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/smoke")
                .setScoreYaml(SCORE).setEnvironment("development").build()).getExecution();
        List<ExecutionEvent> events = new ArrayList<>();
        workflows.watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(started.getExecutionId()).build())
                .forEachRemaining(r -> events.add(r.getEvent()));
        ExecutionEvent last = events.get(events.size() - 1);
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, last.getStateChanged().getTo(), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.getStepLog().getLine().equals("hello smoke-app")),
                "the condition's step ran with interpolated outputs");

        Execution stored = workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(started.getExecutionId())
                .build()).getExecution();
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, stored.getState());
        assertEquals(started.getPlan(), stored.getPlan(), "the plan read back from the store");
        assertEquals(StepState.STEP_STATE_SUCCEEDED, step(stored, "facts").getState());
        assertEquals("hello", step(stored, "facts").getOutputsMap().get("greeting"));
        assertEquals(StepState.STEP_STATE_SUCCEEDED, step(stored, "greet").getState());
        assertEquals(StepState.STEP_STATE_SKIPPED, step(stored, "production-only").getState());
        assertEquals(StepState.STEP_STATE_SUCCEEDED, step(stored, "pinned-images").getState());
        StepExecution schema = step(stored, "schema");
        assertEquals(StepState.STEP_STATE_SUCCEEDED, schema.getState(), schema.getError());
        assertEquals("1", schema.getOutputsMap().get("schemaVersion"));
        assertEquals("1", schema.getOutputsMap().get("migrationsApplied"));
    }

    private static StepExecution step(Execution execution, String name) {
        return execution.getStepsList().stream().filter(s -> s.getStep().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + execution.getStepsList()));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + baseUrl.getPort() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
