package io.innominatus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.ListExecutionsRequest;
import io.innominatus.api.workflow.v1.PlanDeploymentRequest;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.StartDeploymentRequest;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one PostgreSQL, a steady stream of workflow runs, and the database stopped for 30
 * seconds in the middle of it, then started again on the same data. Runs submitted while it is away are
 * refused (not acknowledged); every acknowledged run still ends successfully with a complete history,
 * none fails because the store was away, the subscriber sees every history whole, and the limits held
 * throughout.
 */
class StoreOutageIT {

    private static final int OUTAGE_SECONDS = 30;

    @Test
    void aThirtySecondDatabaseOutageFailsNothing() throws Exception {
        Path data = Files.createTempDirectory("innominatus-outage");
        Path database = data.resolve("pgdata");
        int port = ServiceProcess.freePort();
        EmbeddedPostgres postgres = start(database, port);
        List<ServiceProcess> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                replicas.add(new ServiceProcess(MultiReplicaIT.properties(postgres, "r" + i, data),
                        Path.of("target/store-outage-r" + i + ".log")));
            }
            MultiReplicaIT.startAll(replicas);
            WorkflowServiceGrpc.WorkflowServiceBlockingStub stub = WorkflowServiceGrpc.newBlockingStub(replicas.get(0).channel());
            ClusterChecks.Subscriber subscriber = new ClusterChecks.Subscriber(replicas.get(0).channel());
            MultiReplicaIT.Submitter submitter = new MultiReplicaIT.Submitter(replicas, subscriber, 300);
            submitter.start();

            Thread.sleep(8000);
            int before = submitter.acknowledged.size();
            Instant down = Instant.now();
            postgres.close();
            Thread.sleep(3000);
            List<String> answers = useCasesDuringTheOutage(replicas.get(1).channel());
            Thread.sleep(OUTAGE_SECONDS * 1000L - 3000);
            int during = submitter.acknowledged.size() - before;
            postgres = start(database, port);
            Instant up = Instant.now();
            Thread.sleep(8000);
            submitter.running.set(false);
            submitter.join(15_000);

            List<Execution> all = ClusterChecks.awaitAllEnded(stub, 120);
            subscriber.awaitAll(60);
            int interrupted = 0;
            int rerun = 0;
            for (String id : submitter.acknowledged) {
                List<ExecutionEvent> history = ClusterChecks.verify(stub, id);
                ClusterChecks.verifySeen(subscriber, id, history);
                rerun += (int) history.stream().filter(e -> e.hasStepStarted() && e.getStepStarted().getAttempt() > 1).count();
                Instant started = time(history.stream().filter(e -> e.hasStateChanged()
                        && e.getStateChanged().getTo() == io.innominatus.api.workflow.v1.ExecutionState.EXECUTION_STATE_RUNNING)
                        .findFirst().orElseThrow());
                Instant ended = time(history.get(history.size() - 1));
                if (started.isBefore(down) && ended.isAfter(up)) {
                    interrupted++;
                }
            }
            ClusterChecks.verifyLimits(stub, all, MultiReplicaIT.MAX_CONCURRENT);
            assertTrue(interrupted > 0, "no execution was running across the outage; the test proved nothing");
            assertTrue(submitter.acknowledged.size() > before + during, "nothing was acknowledged after the outage");
            for (String answer : answers) {
                assertEquals("UNAVAILABLE STORE_UNAVAILABLE", answer.substring(answer.indexOf(' ') + 1),
                        "while the store was away: " + answer);
            }
            assertEquals(java.util.Set.of(io.grpc.Status.Code.UNAVAILABLE), submitter.refusals.keySet(),
                    "submissions refused while the store was away must all be UNAVAILABLE: " + submitter.refusals);
            System.out.printf("store outage: %d executions (%d acknowledged: %d before, %d during, the rest after a %d s "
                    + "outage), %d running across it, %d interrupted steps run again, subscriber resumed %d time(s); all "
                    + "complete%n", all.size(), submitter.acknowledged.size(), before, during, OUTAGE_SECONDS, interrupted,
                    rerun, subscriber.resumed.get());
        } finally {
            for (ServiceProcess replica : replicas) {
                replica.close();
            }
            postgres.close();
        }
    }

    /**
     * Every use case that needs the store, called while it is away: each answer is the call's name, its
     * status code and its ErrorInfo reason. None may be INTERNAL.
     */
    private static List<String> useCasesDuringTheOutage(io.grpc.Channel channel) {
        WorkflowServiceGrpc.WorkflowServiceBlockingStub stub = WorkflowServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS);
        String score = ClusterChecks.SCORE.formatted("outage-app");
        Map<String, Runnable> calls = new java.util.LinkedHashMap<>();
        calls.put("PlanDeployment", () -> stub.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(score)
                .setEnvironment("development").build()));
        calls.put("StartDeployment", () -> stub.startDeployment(StartDeploymentRequest.newBuilder().setScoreYaml(score)
                .setEnvironment("development").build()));
        calls.put("RunWorkflow", () -> stub.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/steady")
                .setScoreYaml(score).setEnvironment("development").build()));
        calls.put("ListExecutions", () -> stub.listExecutions(ListExecutionsRequest.getDefaultInstance()));
        calls.put("GetExecution", () -> stub.getExecution(GetExecutionRequest.newBuilder()
                .setExecutionId(java.util.UUID.randomUUID().toString()).build()));
        List<String> answers = new ArrayList<>();
        calls.forEach((name, call) -> {
            try {
                call.run();
                answers.add(name + " answered OK");
            } catch (StatusRuntimeException e) {
                String reason = java.util.Optional.ofNullable(StatusProto.fromThrowable(e)).stream()
                        .flatMap(status -> status.getDetailsList().stream())
                        .filter(detail -> detail.is(ErrorInfo.class))
                        .map(detail -> {
                            try {
                                return detail.unpack(ErrorInfo.class).getReason();
                            } catch (com.google.protobuf.InvalidProtocolBufferException invalid) {
                                return "undecodable";
                            }
                        })
                        .findFirst().orElse("no ErrorInfo");
                answers.add(name + " " + e.getStatus().getCode() + " " + reason);
            }
        });
        System.out.println("store outage: answers while the store was away: " + answers);
        return answers;
    }

    /** The same database (data directory and port) every time: a restart, not a new server. */
    private static EmbeddedPostgres start(Path directory, int port) throws java.io.IOException {
        return EmbeddedPostgres.builder().setDataDirectory(directory).setCleanDataDirectory(false).setPort(port).start();
    }

    private static Instant time(ExecutionEvent event) {
        return Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos());
    }
}
