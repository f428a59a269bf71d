package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.Status;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.innominatus.api.workflow.v1.*;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Deployments and workflow runs through gRPC alone: run, watch, reconnect, fail, retry, approve, cancel. */
@QuarkusTest
@TestProfile(EngineTestProfile.class)
class ExecutionGrpcTest extends GrpcTestSupport {

    private static String score(String application) {
        return example("hello-world.yaml").replace("name: hello-world", "name: " + application);
    }

    private static String uniqueApp() {
        return "app-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Execution run(String workflowId, String application, String environment) {
        return workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId(workflowId)
                .setScoreYaml(score(application)).setEnvironment(environment).build()).getExecution();
    }

    private List<ExecutionEvent> watchToEnd(String executionId, long after) {
        List<ExecutionEvent> events = new ArrayList<>();
        Iterator<WatchExecutionResponse> stream = workflows.withDeadlineAfter(120, TimeUnit.SECONDS).watchExecution(
                WatchExecutionRequest.newBuilder().setExecutionId(executionId).setAfterSequence(after).build());
        stream.forEachRemaining(r -> events.add(r.getEvent()));
        return events;
    }

    private Execution get(String id) {
        return workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution();
    }

    private static StepExecution step(Execution e, String name) {
        return e.getStepsList().stream().filter(s -> s.getStep().equals(name)).findFirst().orElseThrow();
    }

    private static void assertConsecutive(List<ExecutionEvent> events, long first) {
        assertEquals(LongStream.range(first, first + events.size()).boxed().toList(),
                events.stream().map(ExecutionEvent::getSequence).toList());
    }

    @Test
    void failingStepSkipsTheRestCleanupRunsAndRetryResumesFromTheFailedStep() {
        Execution started = run("platform/failure-drill", uniqueApp(), "development");
        assertEquals(ExecutionKind.EXECUTION_KIND_WORKFLOW, started.getKind());
        List<ExecutionEvent> events = watchToEnd(started.getExecutionId(), 0);
        assertConsecutive(events, 1);
        List<String> kinds = events.stream().map(e -> e.getPayloadCase().name()).toList();
        assertEquals("STATE_CHANGED", kinds.get(0));
        assertEquals(List.of("PHASE_STARTED", "WORKFLOW_STARTED", "STEP_STARTED"), kinds.subList(2, 5));
        ExecutionEvent last = events.get(events.size() - 1);
        assertEquals(ExecutionState.EXECUTION_STATE_FAILED, last.getStateChanged().getTo());

        Execution failed = get(started.getExecutionId());
        assertEquals(ExecutionState.EXECUTION_STATE_FAILED, failed.getState());
        assertEquals(StepState.STEP_STATE_FAILED, step(failed, "flaky-dependency").getState());
        assertTrue(step(failed, "flaky-dependency").getError().contains("exited with code 3"));
        assertEquals(StepState.STEP_STATE_SKIPPED, step(failed, "publish").getState());
        assertEquals(StepState.STEP_STATE_SUCCEEDED, step(failed, "cleanup").getState());
        assertEquals(failed.getLastSequence(), last.getSequence());

        ListExecutionEventsResponse logs = workflows.listExecutionEvents(ListExecutionEventsRequest.newBuilder()
                .setExecutionId(failed.getExecutionId()).setStep("flaky-dependency").build());
        assertTrue(logs.getEventsList().stream().anyMatch(e -> e.hasStepLog()
                && e.getStepLog().getLine().equals("dependency unavailable") && e.getStepLog().getStream() == StepLogStream.STEP_LOG_STREAM_STDERR));

        Execution retried = workflows.retryExecution(RetryExecutionRequest.newBuilder()
                .setExecutionId(failed.getExecutionId()).setComment("dependency is back").build()).getExecution();
        assertEquals(ExecutionState.EXECUTION_STATE_QUEUED, retried.getState());
        List<ExecutionEvent> rerun = watchToEnd(failed.getExecutionId(), failed.getLastSequence());
        assertConsecutive(rerun, failed.getLastSequence() + 1);
        Execution done = get(failed.getExecutionId());
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, done.getState());
        assertEquals(2, step(done, "flaky-dependency").getAttempt());
        assertEquals(1, step(done, "cleanup").getAttempt(), "the step that succeeded is kept, not run again");
        assertTrue(rerun.stream().noneMatch(e -> e.hasStepStarted() && e.getStepStarted().getStep().equals("cleanup")));
    }

    @Test
    void getExecutionIsNeverBehindAnEventAlreadyReceived() {
        // GetExecution answers from memory between writes; every write must end that, before its events go out.
        Execution started = run("platform/failure-drill", uniqueApp(), "development");
        Iterator<WatchExecutionResponse> stream = workflows.withDeadlineAfter(120, TimeUnit.SECONDS).watchExecution(
                WatchExecutionRequest.newBuilder().setExecutionId(started.getExecutionId()).build());
        long last = 0;
        int reads = 0;
        while (stream.hasNext()) {
            last = stream.next().getEvent().getSequence();
            for (int i = 0; i < 2; i++) { // the second read is the one memory may answer
                Execution now = get(started.getExecutionId());
                reads++;
                assertTrue(now.getLastSequence() >= last, "GetExecution returned last_sequence " + now.getLastSequence()
                        + " after event " + last + " had been received");
            }
        }
        Execution end = get(started.getExecutionId());
        assertEquals(ExecutionState.EXECUTION_STATE_FAILED, end.getState());
        assertEquals(last, end.getLastSequence());
        assertEquals(end, get(started.getExecutionId()));
        assertTrue(reads > 10, "the run has events to read between");
    }

    @Test
    void watchersReconnectWithoutGapsOrDuplicatesAndCancelStopsTheWork() throws Exception {
        String app = uniqueApp();
        Execution started = run("platform/maintenance-window", app, "staging");
        // Read a few events, then drop the stream.
        Context.CancellableContext first = Context.current().withCancellation();
        List<ExecutionEvent> seen = new ArrayList<>();
        first.run(() -> {
            Iterator<WatchExecutionResponse> stream = workflows.watchExecution(WatchExecutionRequest.newBuilder()
                    .setExecutionId(started.getExecutionId()).build());
            while (seen.size() < 8 && stream.hasNext()) {
                seen.add(stream.next().getEvent());
            }
        });
        first.cancel(null);
        assertConsecutive(seen, 1);
        assertTrue(seen.stream().anyMatch(e -> e.hasStepLog() && e.getStepLog().getLine().startsWith("draining " + app)));

        // Reconnect from the last sequence seen, in the background, while the step keeps logging.
        CompletableFuture<List<ExecutionEvent>> rest = new CompletableFuture<>();
        List<ExecutionEvent> resumed = new ArrayList<>();
        io.innominatus.api.workflow.v1.WorkflowServiceGrpc.newStub(channel).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(started.getExecutionId()).setAfterSequence(seen.get(seen.size() - 1).getSequence()).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(WatchExecutionResponse value) {
                        resumed.add(value.getEvent());
                    }

                    @Override
                    public void onError(Throwable t) {
                        rest.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        rest.complete(resumed);
                    }
                });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> get(started.getExecutionId()).getLastSequence() >= seen.size() + 3);

        Execution cancelled = workflows.cancelExecution(CancelExecutionRequest.newBuilder()
                .setExecutionId(started.getExecutionId()).setComment("window closed").build()).getExecution();
        assertEquals(ExecutionState.EXECUTION_STATE_CANCELLED, cancelled.getState());
        List<ExecutionEvent> after = rest.get(30, TimeUnit.SECONDS);
        assertConsecutive(after, seen.get(seen.size() - 1).getSequence() + 1);
        assertEquals(ExecutionState.EXECUTION_STATE_CANCELLED, after.get(after.size() - 1).getStateChanged().getTo());

        Execution stored = get(started.getExecutionId());
        assertEquals(StepState.STEP_STATE_CANCELLED, step(stored, "drain-traffic").getState());
        assertEquals(StepState.STEP_STATE_CANCELLED, step(stored, "restore-traffic").getState());
        assertEquals("cancelled by anonymous: window closed", stored.getError());
        // The shell loop is gone, and nothing is logged after the cancellation.
        org.awaitility.Awaitility.await("the step's processes were stopped").atMost(java.time.Duration.ofSeconds(10))
                .until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains("draining " + app)));
        assertEquals(stored.getLastSequence(), get(started.getExecutionId()).getLastSequence());
        Status ended = expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.cancelExecution(
                CancelExecutionRequest.newBuilder().setExecutionId(started.getExecutionId()).build()));
        assertEquals("EXECUTION_ENDED", detail(ended, ErrorInfo.class).orElseThrow().getReason());
    }

    @Test
    void productionRunsWaitForApprovalBoundToThePlanDigest() {
        Execution waiting = run("platform/diagnostics", uniqueApp(), "production");
        assertEquals(ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL, waiting.getState());
        assertTrue(waiting.getPlan().getRequiresApproval());

        Status mismatch = expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.approveExecution(
                ApproveExecutionRequest.newBuilder().setExecutionId(waiting.getExecutionId()).setPlanDigest("0".repeat(64))
                        .build()));
        assertEquals("PLAN_DIGEST_MISMATCH", detail(mismatch, ErrorInfo.class).orElseThrow().getReason());
        expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.approveExecution(
                ApproveExecutionRequest.newBuilder().setExecutionId(waiting.getExecutionId()).build()));

        Execution approved = workflows.approveExecution(ApproveExecutionRequest.newBuilder()
                .setExecutionId(waiting.getExecutionId()).setPlanDigest(waiting.getPlan().getPlanDigest())
                .setComment("change ticket 42").build()).getExecution();
        assertEquals("anonymous", approved.getApprovedBy());
        List<ExecutionEvent> events = watchToEnd(waiting.getExecutionId(), 0);
        assertConsecutive(events, 1);
        assertTrue(events.get(1).hasApprovalRequested());
        assertEquals(waiting.getPlan().getPlanDigest(), events.get(1).getApprovalRequested().getPlanDigest());
        assertTrue(events.get(2).hasApprovalDecided());
        assertTrue(events.get(2).getApprovalDecided().getApproved());
        Execution done = get(waiting.getExecutionId());
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, done.getState(), done::getError);
        assertEquals("ok", step(done, "check-orchestrator").getOutputsMap().get("ready"));
        assertFalse(step(done, "collect-host-facts").getOutputsMap().get("kernel").isEmpty());
        assertEquals("change ticket 42", done.getDecisionComment());
    }

    @Test
    void decisionsAndRetriesOutsideTheirStatesFailAsDocumented() {
        Execution waiting = run("platform/diagnostics", uniqueApp(), "production");
        assertEquals(ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL, waiting.getState());
        String id = waiting.getExecutionId();
        // RetryExecution: only FAILED or CANCELLED executions.
        expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.retryExecution(
                RetryExecutionRequest.newBuilder().setExecutionId(id).build()));
        // RejectExecution: a given plan_digest must match.
        Status mismatch = expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.rejectExecution(
                RejectExecutionRequest.newBuilder().setExecutionId(id).setPlanDigest("0".repeat(64)).build()));
        assertEquals("PLAN_DIGEST_MISMATCH", detail(mismatch, ErrorInfo.class).orElseThrow().getReason());
        assertEquals(ExecutionState.EXECUTION_STATE_REJECTED, workflows.rejectExecution(
                RejectExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution().getState());
        // Neither decision applies to an execution that no longer waits.
        expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.approveExecution(ApproveExecutionRequest.newBuilder()
                .setExecutionId(id).setPlanDigest(waiting.getPlan().getPlanDigest()).build()));
        expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.rejectExecution(
                RejectExecutionRequest.newBuilder().setExecutionId(id).build()));
        expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.retryExecution(
                RetryExecutionRequest.newBuilder().setExecutionId(id).build()));
    }

    @Test
    void rejectedRunsNeverStart() {
        Execution waiting = run("platform/failure-drill", uniqueApp(), "production");
        Execution rejected = workflows.rejectExecution(RejectExecutionRequest.newBuilder()
                .setExecutionId(waiting.getExecutionId()).setComment("freeze").build()).getExecution();
        assertEquals(ExecutionState.EXECUTION_STATE_REJECTED, rejected.getState());
        assertTrue(rejected.getStepsList().stream().allMatch(s -> s.getState() == StepState.STEP_STATE_SKIPPED));
        List<ExecutionEvent> events = watchToEnd(waiting.getExecutionId(), 0);
        assertFalse(events.get(events.size() - 2).getApprovalDecided().getApproved());
        assertEquals(ExecutionState.EXECUTION_STATE_REJECTED, events.get(events.size() - 1).getStateChanged().getTo());
    }

    @Test
    void dryRunsDescribeWithoutDoing() {
        Execution started = workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/failure-drill")
                .setScoreYaml(score(uniqueApp())).setEnvironment("development").setDryRun(true).build()).getExecution();
        assertTrue(started.getDryRun());
        watchToEnd(started.getExecutionId(), 0);
        Execution done = get(started.getExecutionId());
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, done.getState(), "the failing command never ran");
        ListExecutionEventsResponse events = workflows.listExecutionEvents(ListExecutionEventsRequest.newBuilder()
                .setExecutionId(done.getExecutionId()).setStep("flaky-dependency").build());
        assertTrue(events.getEventsList().stream().anyMatch(e -> e.hasStepLog()
                && e.getStepLog().getLine().startsWith("dry run: would run [sh, -c,")));
    }

    @Test
    void requestIdsMakeStartsIdempotent() {
        String app = uniqueApp();
        String requestId = "drill-" + app;
        RunWorkflowRequest request = RunWorkflowRequest.newBuilder().setWorkflowId("platform/failure-drill")
                .setScoreYaml(score(app)).setEnvironment("development").setRequestId(requestId).setDryRun(true).build();
        Execution first = workflows.runWorkflow(request).getExecution();
        Execution again = workflows.runWorkflow(request).getExecution();
        assertEquals(first.getExecutionId(), again.getExecutionId());
        assertEquals(requestId, again.getRequestId());
        Status conflict = expectStatus(io.grpc.Status.Code.ALREADY_EXISTS, () -> workflows.runWorkflow(
                request.toBuilder().setEnvironment("staging").build()));
        assertEquals(first.getExecutionId(), detail(conflict, ErrorInfo.class).orElseThrow().getMetadataMap()
                .get("execution_id"));
        expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.runWorkflow(
                request.toBuilder().setRequestId("spaces are not allowed").build()));
    }

    @Test
    void blockedOrUnrunnableDeploymentsAreRefusedBeforeAnythingStarts() {
        Status blocked = expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.startDeployment(
                StartDeploymentRequest.newBuilder().setScoreYaml(score(uniqueApp())).setEnvironment("sandbox").build()));
        PreconditionFailure failure = detail(blocked, PreconditionFailure.class).orElseThrow();
        assertEquals("ENVIRONMENT_NOT_ALLOWED", failure.getViolations(0).getType());
        assertEquals("POLICY_VIOLATION", detail(blocked, ErrorInfo.class).orElseThrow().getReason());

        Status unknownWorkflow = expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> run("platform/nope", uniqueApp(),
                "development"));
        assertEquals("WORKFLOW_NOT_FOUND", detail(unknownWorkflow, ErrorInfo.class).orElseThrow().getReason());
    }

    @Test
    void aStepTypeRegisteredInAdminConfigRunsEndToEnd() {
        Execution started = run("platform/announce-release", uniqueApp(), "staging");
        List<ExecutionEvent> events = watchToEnd(started.getExecutionId(), 0);
        Execution done = get(started.getExecutionId());
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, done.getState(), done::getError);
        StepExecution step = step(done, "write-release-note");
        assertEquals("release-notes", step.getType());
        assertEquals(done.getExecutionId(), step.getOutputsMap().get("execution"));
        assertTrue(events.stream().anyMatch(e -> e.hasStepLog() && e.getStepLog().getStream() == StepLogStream.STEP_LOG_STREAM_STDERR
                && e.getStepLog().getLine().startsWith("appended to ")), events::toString);
        assertTrue(policies().listStepTypes(io.innominatus.api.policy.v1.ListStepTypesRequest.getDefaultInstance())
                .getStepTypesList().stream().anyMatch(t -> t.getType().equals("release-notes") && t.getRegistered()
                        && t.getSource() == io.innominatus.api.policy.v1.StepTypeSource.STEP_TYPE_SOURCE_ADMIN_CONFIG));
    }

    private io.innominatus.api.policy.v1.PolicyServiceGrpc.PolicyServiceBlockingStub policies() {
        return policies;
    }

    @Test
    void unknownAndMalformedExecutionIds() {
        String unknown = UUID.randomUUID().toString();
        expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> get(unknown));
        Status malformed = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> get("../../etc"));
        assertEquals("execution_id", detail(malformed, BadRequest.class).orElseThrow().getFieldViolations(0).getField());
        expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> watchToEnd(unknown, 0));
        expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> workflows.approveExecution(ApproveExecutionRequest.newBuilder()
                .setExecutionId(unknown).setPlanDigest("x").build()));
        expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> watchToEnd(unknown, -1));
    }

    @Test
    void listsShowTheBasicViewAndGetTheFullOneUnlessAskedOtherwise() {
        String app = uniqueApp();
        String id = workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/failure-drill")
                .setScoreYaml(score(app)).setEnvironment("development").setDryRun(true).build()).getExecution().getExecutionId();
        Execution listed = workflows.listExecutions(ListExecutionsRequest.newBuilder().setApplication(app).build()).getExecutions(0);
        assertFalse(listed.hasPlan());
        assertEquals(3, listed.getStepsCount(), "the basic view keeps the steps");
        assertTrue(workflows.listExecutions(ListExecutionsRequest.newBuilder().setApplication(app)
                .setView(ExecutionView.EXECUTION_VIEW_FULL).build()).getExecutions(0).hasPlan());
        assertTrue(workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution().hasPlan());
        assertFalse(workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(id)
                .setView(ExecutionView.EXECUTION_VIEW_BASIC).build()).getExecution().hasPlan());
    }

    @Test
    void listExecutionEventsTokensBelongToTheirStep() {
        String app = uniqueApp();
        String id = workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/failure-drill")
                .setScoreYaml(score(app)).setEnvironment("development").setDryRun(true).build()).getExecution().getExecutionId();
        watchToEnd(id, 0);
        ListExecutionEventsResponse first = workflows.listExecutionEvents(ListExecutionEventsRequest.newBuilder()
                .setExecutionId(id).setPageSize(2).build());
        ListExecutionEventsResponse second = workflows.listExecutionEvents(ListExecutionEventsRequest.newBuilder()
                .setExecutionId(id).setPageSize(2).setPageToken(first.getNextPageToken()).build());
        assertEquals(3, second.getEvents(0).getSequence());
        Status otherStep = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.listExecutionEvents(
                ListExecutionEventsRequest.newBuilder().setExecutionId(id).setStep("cleanup").setPageSize(2)
                        .setPageToken(first.getNextPageToken()).build()));
        assertEquals("PAGE_TOKEN_FILTER_MISMATCH", detail(otherStep, ErrorInfo.class).orElseThrow().getReason());
    }

    @Test
    void listExecutionsFiltersAndPages() {
        String app = uniqueApp();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/failure-drill")
                    .setScoreYaml(score(app)).setEnvironment("development").setDryRun(true).build()).getExecution()
                    .getExecutionId());
        }
        ListExecutionsResponse page = workflows.listExecutions(ListExecutionsRequest.newBuilder()
                .setApplication(app).setPageSize(2).build());
        assertEquals(List.of(ids.get(2), ids.get(1)), page.getExecutionsList().stream().map(Execution::getExecutionId).toList());
        ListExecutionsResponse next = workflows.listExecutions(ListExecutionsRequest.newBuilder()
                .setApplication(app).setPageSize(2).setPageToken(page.getNextPageToken()).build());
        assertEquals(List.of(ids.get(0)), next.getExecutionsList().stream().map(Execution::getExecutionId).toList());
        assertEquals("", next.getNextPageToken());
        assertNotEquals(0, workflows.listExecutions(ListExecutionsRequest.newBuilder().setApplication(app)
                .setState(ExecutionState.EXECUTION_STATE_QUEUED).build()).getExecutionsCount()
                + workflows.listExecutions(ListExecutionsRequest.newBuilder().setApplication(app).build()).getExecutionsCount());
        expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.listExecutions(ListExecutionsRequest.newBuilder()
                .setPageToken("garbage!").build()));
        Status otherFilters = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.listExecutions(
                ListExecutionsRequest.newBuilder().setApplication(app + "-other").setPageSize(2)
                        .setPageToken(page.getNextPageToken()).build()));
        assertEquals("PAGE_TOKEN_FILTER_MISMATCH", detail(otherFilters, ErrorInfo.class).orElseThrow().getReason());
        assertEquals("page_token", detail(otherFilters, BadRequest.class).orElseThrow().getFieldViolations(0).getField());
        assertTrue(Duration.ofSeconds(1).toMillis() > 0);
    }
}
