package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.Status.Code;
import io.innominatus.api.policy.v1.EvaluateDeploymentRequest;
import io.innominatus.api.policy.v1.ListEnvironmentsRequest;
import io.innominatus.api.policy.v1.ListStepTypesRequest;
import io.innominatus.api.workflow.v1.*;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The errors the RPC comments document ("Fails with X if …") that need no execution in a particular state, one row
 * each, produced through gRPC. The state-dependent ones (approval, rejection, retry, cancellation, policy blocks,
 * idempotency keys) are produced in {@code ExecutionGrpcTest}, {@code WorkflowServiceGrpcTest},
 * {@code ApplicationTierGrpcTest} and {@code SecurityGrpcTest}.
 */
@QuarkusTest
class DocumentedErrorsGrpcTest extends GrpcTestSupport {

    private static final String UNKNOWN_EXECUTION = UUID.randomUUID().toString();
    private static final String MALFORMED_SCORE = "apiVersion: score.dev/v1b1\nmetadata: [not, a, map]\n";

    private record Row(String rpc, Code code, String reason, Consumer<GrpcTestSupport> call) {
    }

    private List<Row> rows() {
        return List.of(
                new Row("ListWorkflows", Code.INVALID_ARGUMENT, null, t -> workflows.listWorkflows(
                        ListWorkflowsRequest.newBuilder().setPageToken("not a token").build())),
                new Row("GetWorkflow", Code.NOT_FOUND, null, t -> workflows.getWorkflow(
                        GetWorkflowRequest.newBuilder().setWorkflowId("platform/no-such-workflow").build())),
                new Row("ValidateWorkflow", Code.INVALID_ARGUMENT, null, t -> workflows.validateWorkflow(
                        ValidateWorkflowRequest.newBuilder().setYaml("").build())),
                new Row("PlanDeployment", Code.INVALID_ARGUMENT, null, t -> workflows.planDeployment(
                        PlanDeploymentRequest.newBuilder().setScoreYaml(MALFORMED_SCORE).setEnvironment("development").build())),
                new Row("StartDeployment", Code.INVALID_ARGUMENT, null, t -> workflows.startDeployment(
                        StartDeploymentRequest.newBuilder().setScoreYaml(MALFORMED_SCORE).setEnvironment("development").build())),
                new Row("StartDeployment extra_workflows without dry_run", Code.INVALID_ARGUMENT, null, t -> workflows.startDeployment(
                        StartDeploymentRequest.newBuilder().setScoreYaml(example("ecommerce-web.yaml")).setEnvironment("development")
                                .addExtraWorkflows(WorkflowFile.newBuilder().setFileName("platform/extra.yaml")
                                        .setYaml("apiVersion: workflow.dev/v1\n")).build())),
                new Row("RunWorkflow", Code.NOT_FOUND, null, t -> workflows.runWorkflow(RunWorkflowRequest.newBuilder()
                        .setWorkflowId("platform/no-such-workflow").setScoreYaml(example("ecommerce-web.yaml"))
                        .setEnvironment("development").build())),
                new Row("Undeploy", Code.NOT_FOUND, null, t -> workflows.undeploy(UndeployRequest.newBuilder()
                        .setApplication("never-deployed-" + UUID.randomUUID().toString().substring(0, 8))
                        .setEnvironment("development").build())),
                new Row("GetExecution", Code.NOT_FOUND, null, t -> workflows.getExecution(
                        GetExecutionRequest.newBuilder().setExecutionId(UNKNOWN_EXECUTION).build())),
                new Row("ListExecutions negative page size", Code.INVALID_ARGUMENT, null, t -> workflows.listExecutions(
                        ListExecutionsRequest.newBuilder().setPageSize(-1).build())),
                new Row("ListExecutions malformed token", Code.INVALID_ARGUMENT, null, t -> workflows.listExecutions(
                        ListExecutionsRequest.newBuilder().setPageToken("not a token").build())),
                new Row("ListExecutionEvents", Code.NOT_FOUND, null, t -> workflows.listExecutionEvents(
                        ListExecutionEventsRequest.newBuilder().setExecutionId(UNKNOWN_EXECUTION).build())),
                new Row("WatchExecution", Code.NOT_FOUND, null, t -> workflows.watchExecution(
                        WatchExecutionRequest.newBuilder().setExecutionId(UNKNOWN_EXECUTION).build()).hasNext()),
                new Row("CancelExecution", Code.NOT_FOUND, null, t -> workflows.cancelExecution(
                        CancelExecutionRequest.newBuilder().setExecutionId(UNKNOWN_EXECUTION).build())),
                new Row("ApproveExecution", Code.NOT_FOUND, null, t -> workflows.approveExecution(ApproveExecutionRequest
                        .newBuilder().setExecutionId(UNKNOWN_EXECUTION).setPlanDigest("0".repeat(64)).build())),
                new Row("RejectExecution", Code.NOT_FOUND, null, t -> workflows.rejectExecution(
                        RejectExecutionRequest.newBuilder().setExecutionId(UNKNOWN_EXECUTION).build())),
                new Row("RetryExecution", Code.NOT_FOUND, null, t -> workflows.retryExecution(
                        RetryExecutionRequest.newBuilder().setExecutionId(UNKNOWN_EXECUTION).build())),
                new Row("EvaluateDeployment", Code.INVALID_ARGUMENT, null, t -> policies.evaluateDeployment(
                        EvaluateDeploymentRequest.newBuilder().setScoreYaml(MALFORMED_SCORE).setEnvironment("development").build())),
                new Row("ListEnvironments", Code.INVALID_ARGUMENT, null, t -> policies.listEnvironments(
                        ListEnvironmentsRequest.newBuilder().setPageToken("not a token").build())),
                new Row("ListStepTypes", Code.INVALID_ARGUMENT, null, t -> policies.listStepTypes(
                        ListStepTypesRequest.newBuilder().setPageToken("not a token").build())));
    }

    @TestFactory
    List<DynamicTest> everyDocumentedErrorIsProduced() {
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.rpc() + " -> " + row.code(), () -> {
            Status status = expectStatus(row.code(), () -> row.call().accept(this));
            if (row.reason() != null) {
                assertEquals(row.reason(), detail(status, ErrorInfo.class).orElseThrow().getReason());
            }
        })).toList();
    }
}
