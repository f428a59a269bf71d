package io.innominatus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.RejectExecutionRequest;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the packaged service says when it stops: an execution that has already ended (here one rejected by an
 * approver) has nothing to resume, and the log must not promise that it resumes after a restart.
 */
class ShutdownLogIT {

    private static final String SCORE = "apiVersion: score.dev/v1b1\nmetadata:\n  name: shutdown-app\ncontainers:\n"
            + "  main:\n    image: busybox:1.36\n";

    @Test
    void anEndedExecutionIsNotSaidToResumeAfterRestart() throws Exception {
        Path catalog = Files.createTempDirectory("innominatus-shutdown-");
        Path workflows = Files.createDirectories(catalog.resolve("workflows/platform"));
        Files.copy(Path.of("src/test/resources/catalogs/kill/workflows/platform/steady.yaml"), workflows.resolve("steady.yaml"));
        Files.writeString(catalog.resolve("admin-config.yaml"), """
                workflowPolicies:
                  workflowsRoot: ./workflows
                  allowedStepTypes: [exec]
                  security:
                    requireApproval: [production]
                """);
        Path log = Path.of("target/shutdown-log.log");
        Files.deleteIfExists(log);
        String id;
        try (ServiceProcess service = new ServiceProcess(Map.of("innominatus.admin-config",
                catalog.resolve("admin-config.yaml").toString(), "innominatus.data-dir", catalog.resolve("data").toString()), log)) {
            service.start();
            var stub = WorkflowServiceGrpc.newBlockingStub(service.channel());
            Execution waiting = stub.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/steady")
                    .setScoreYaml(SCORE).setEnvironment("production").build()).getExecution();
            assertEquals(ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL, waiting.getState());
            id = waiting.getExecutionId();
            // Without authentication the local caller is the requester; rejecting needs no approver role then.
            Execution rejected = stub.rejectExecution(RejectExecutionRequest.newBuilder().setExecutionId(id)
                    .setComment("not today").build()).getExecution();
            assertEquals(ExecutionState.EXECUTION_STATE_REJECTED, rejected.getState());
        }
        String output = Files.readString(log);
        assertFalse(output.contains(id + " resumes after restart"), output);
    }
}
