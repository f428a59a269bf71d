package io.innominatus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.innominatus.api.GrpcTestSupport;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.StepExecution;
import io.innominatus.api.workflow.v1.StepState;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Starts the packaged service as a separate process, submits executions continuously, kills the
 * process with SIGKILL at random moments, restarts it, and checks that every acknowledged execution
 * finishes with a complete, gap-free event history and exactly one completion per step.
 */
class KillAndResumeIT {

    private static final int KILLS = 4;
    private static final String SCORE = "apiVersion: score.dev/v1b1\nmetadata:\n  name: %s\ncontainers:\n  main:\n    image: busybox:1.36\n";

    @Test
    void h2LosesNothingAcknowledged() throws Exception {
        Path data = Files.createTempDirectory("innominatus-kill-h2");
        run(Map.of("innominatus.data-dir", data.toString()), "h2");
    }

    @Test
    void postgresqlLosesNothingAcknowledged() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            run(Map.of("quarkus.datasource.postgresql.jdbc.url", postgres.getJdbcUrl("postgres", "postgres"),
                    "quarkus.datasource.postgresql.username", "postgres",
                    "quarkus.datasource.postgresql.password", "postgres",
                    "innominatus.data-dir", Files.createTempDirectory("innominatus-kill-pg").toString()), "postgresql");
        }
    }

    private void run(Map<String, String> storeProperties, String name) throws Exception {
        Map<String, String> properties = new HashMap<>(storeProperties);
        properties.put("innominatus.admin-config", Path.of("src/test/resources/catalogs/kill/admin-config.yaml")
                .toAbsolutePath().toString());
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Random random = new Random(42);
        try (ServiceProcess service = new ServiceProcess(properties, Path.of("target/kill-and-resume-" + name + ".log"))) {
            for (int cycle = 0; cycle < KILLS; cycle++) {
                service.start();
                AtomicBoolean submitting = new AtomicBoolean(true);
                WorkflowServiceGrpc.WorkflowServiceBlockingStub stub = WorkflowServiceGrpc.newBlockingStub(service.channel());
                Thread submitter = new Thread(() -> {
                    while (submitting.get()) {
                        String app = "app-" + UUID.randomUUID().toString().substring(0, 8);
                        try {
                            Execution e = stub.withDeadlineAfter(10, TimeUnit.SECONDS).runWorkflow(RunWorkflowRequest
                                    .newBuilder().setWorkflowId("platform/steady").setScoreYaml(SCORE.formatted(app))
                                    .setEnvironment("development").build()).getExecution();
                            acknowledged.add(e.getExecutionId());
                            Thread.sleep(150);
                        } catch (StatusRuntimeException e) {
                            return;
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "submitter");
                submitter.start();
                Thread.sleep(1500 + random.nextInt(2500));
                service.kill();
                submitting.set(false);
                submitter.join(15_000);
            }
            service.start();
            WorkflowServiceGrpc.WorkflowServiceBlockingStub stub = WorkflowServiceGrpc.newBlockingStub(service.channel());
            assertTrue(acknowledged.size() >= KILLS * 3, "too few executions were acknowledged: " + acknowledged.size());
            Instant deadline = Instant.now().plusSeconds(180);
            List<String> pending = new ArrayList<>(acknowledged);
            while (!pending.isEmpty() && Instant.now().isBefore(deadline)) {
                pending.removeIf(id -> terminal(stub, id));
                Thread.sleep(250);
            }
            assertTrue(pending.isEmpty(), pending.size() + " acknowledged executions did not finish: " + pending);
            int rerunSteps = 0;
            for (String id : acknowledged) {
                rerunSteps += verify(stub, id);
            }
            assertTrue(rerunSteps > 0, "no kill interrupted a running step; the test proved nothing about resuming");
            System.out.printf("kill-and-resume (%s): %d acknowledged executions, %d kills, %d interrupted steps run again, "
                    + "all complete%n", name, acknowledged.size(), KILLS, rerunSteps);
        }
    }

    private static boolean terminal(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, String id) {
        ExecutionState state = stub.getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution()
                .getState();
        return state == ExecutionState.EXECUTION_STATE_SUCCEEDED || state == ExecutionState.EXECUTION_STATE_FAILED
                || state == ExecutionState.EXECUTION_STATE_CANCELLED;
    }

    /** Checks one execution and returns how many of its steps needed more than one attempt. */
    private static int verify(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, String id) {
        Execution execution = stub.getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution();
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, execution.getState(), id + ": " + execution.getError());
        List<ExecutionEvent> events = GrpcTestSupport.history(stub, id);
        assertEquals(LongStream.rangeClosed(1, execution.getLastSequence()).boxed().toList(),
                events.stream().map(ExecutionEvent::getSequence).toList(), id + ": event history has gaps");
        for (StepExecution step : execution.getStepsList()) {
            assertEquals(StepState.STEP_STATE_SUCCEEDED, step.getState(), id + "/" + step.getStep());
            long completions = events.stream().filter(e -> e.hasStepFinished()
                    && e.getStepFinished().getStep().equals(step.getStep())).count();
            assertEquals(1, completions, id + "/" + step.getStep() + " completed " + completions + " times");
        }
        long ends = events.stream().filter(e -> e.hasStateChanged()
                && e.getStateChanged().getTo() == ExecutionState.EXECUTION_STATE_SUCCEEDED).count();
        assertEquals(1, ends, id + ": more than one end");
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, events.get(events.size() - 1).getStateChanged().getTo());
        return (int) execution.getStepsList().stream().filter(s -> s.getAttempt() > 1).count();
    }
}
