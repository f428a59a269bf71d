package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.Status;
import io.agroal.api.AgroalDataSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.innominatus.api.workflow.v1.*;
import io.innominatus.steps.kubernetes.MockKubelet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deployment that handles secrets of every origin — an admin-config credential taken from an environment
 * variable and used by vault-setup (against its HTTP fake), by a program, in a Kubernetes Secret and in a
 * failing step; a generated database password kept in a Kubernetes Secret; a provisioner's secret output —
 * and a scan of everything the service says or keeps about it (events, step logs, errors, outputs, the audit
 * trail, server logs, the whole database) that must find none of the values.
 */
@QuarkusTest
@TestProfile(SecretsTestProfile.class)
@WithKubernetesTestServer(crud = true)
class SecretsRedactionGrpcTest extends GrpcTestSupport {

    private static final String SCORE = """
            apiVersion: score.dev/v1b1
            metadata:
              name: secret-app
            containers:
              web:
                image: ghcr.io/example/web:1.0.0
                variables:
                  QUEUE_URL: ${resources.queue.url}
                  QUEUE_TOKEN: ${resources.queue.token}
                  DB_PASSWORD: ${resources.db.password}
            resources:
              db:
                type: postgres
              queue:
                type: queue
            """;

    @Inject
    KubernetesClient kube;

    @Inject
    AgroalDataSource dataSource;

    private ScheduledExecutorService kubelet;
    private final List<String> serverLog = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            serverLog.add(formatter.format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void watchTheServer() {
        Logger.getLogger("").addHandler(capture);
        kubelet = Executors.newSingleThreadScheduledExecutor();
        kubelet.scheduleWithFixedDelay(() -> MockKubelet.markWorkloadsReady(kube), 100, 100, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stopWatching() {
        Logger.getLogger("").removeHandler(capture);
        kubelet.shutdownNow();
    }

    private static String decoded(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData().get(key);
    }

    private static StepExecution step(Execution execution, String name) {
        return execution.getStepsList().stream().filter(s -> s.getStep().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + execution.getStepsList()));
    }

    /** Everything the execution store holds, as text (H2's SCRIPT writes every row). */
    private String storeContents() throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SCRIPT")) {
            while (rows.next()) {
                out.append(rows.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void noSecretValueAppearsInEventsLogsErrorsAuditOrTheStore() throws Exception {
        String vaultToken = System.getenv(SecretsTestProfile.TOKEN_VARIABLE);
        assertNotNull(vaultToken, SecretsTestProfile.TOKEN_VARIABLE + " must be set for this test (the build sets it)");

        Execution started = workflows.startDeployment(StartDeploymentRequest.newBuilder().setScoreYaml(SCORE)
                .setEnvironment("development").build()).getExecution();
        List<ExecutionEvent> watched = new ArrayList<>();
        workflows.withDeadlineAfter(120, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(started.getExecutionId()).build()).forEachRemaining(r -> watched.add(r.getEvent()));
        Execution done = workflows.getExecution(GetExecutionRequest.newBuilder()
                .setExecutionId(started.getExecutionId()).build()).getExecution();

        // The secrets were really used: the token reached Vault, the program, the Secret; the failing step failed.
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, done.getState(), done::toString);
        assertTrue(SecretsTestProfile.VAULT.requests.stream().anyMatch(r -> vaultToken.equals(r.token())),
                "vault-setup sent the token taken from the environment");
        assertEquals(StepState.STEP_STATE_SUCCEEDED, step(done, "echo-token").getState());
        assertEquals("********", step(done, "echo-token").getOutputsMap().get("seen"), "an output holding the token is masked");
        assertEquals(vaultToken, decoded(kube.secrets().inNamespace("secret-app").withName("vault-token").get(), "token"));
        assertEquals(StepState.STEP_STATE_FAILED, step(done, "fails-with-token").getState());
        String password = decoded(kube.secrets().inNamespace("secret-app-development").withName("secret-app-db-credentials").get(),
                "password");
        assertEquals(32, password.length());
        assertEquals(SecretsTestProfile.QUEUE_TOKEN, decoded(kube.secrets().inNamespace("secret-app-development")
                .withName("secret-app-queue-outputs").get(), "token"), "the provisioner's secret output reached its Secret");

        List<ExecutionEvent> events = history(workflows, done.getExecutionId());
        List<String> logLines = events.stream().filter(ExecutionEvent::hasStepLog).map(e -> e.getStepLog().getLine()).toList();
        assertTrue(logLines.contains("token is ********"), logLines::toString);
        assertTrue(logLines.contains("on stderr: ********"), logLines::toString);

        ListExecutionsResponse listed = workflows.listExecutions(ListExecutionsRequest.newBuilder()
                .setApplication("secret-app").setView(ExecutionView.EXECUTION_VIEW_FULL).build());
        Map<String, String> places = new java.util.LinkedHashMap<>();
        places.put("watched events", watched.toString());
        places.put("listed events", events.toString());
        places.put("execution", done.toString());
        places.put("execution list", listed.toString());
        places.put("server log", String.join("", serverLog));
        List<io.innominatus.api.audit.v1.AuditEvent> audit = new ArrayList<>();
        String page = "";
        do {
            io.innominatus.api.audit.v1.ListAuditEventsResponse response = io.innominatus.api.audit.v1.AuditServiceGrpc
                    .newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).listAuditEvents(
                            io.innominatus.api.audit.v1.ListAuditEventsRequest.newBuilder().setPageToken(page).build());
            audit.addAll(response.getEventsList());
            page = response.getNextPageToken();
        } while (!page.isEmpty());
        assertTrue(audit.toString().contains(done.getExecutionId()), () -> "the deployment is in the audit trail: " + audit);
        places.put("audit trail", audit.toString());
        String store = storeContents();
        assertTrue(store.contains(done.getExecutionId()), "the scanned database is the execution store");
        places.put("execution store", store);
        for (String secret : List.of(vaultToken, password, SecretsTestProfile.QUEUE_TOKEN)) {
            places.forEach((where, text) -> assertFalse(text.contains(secret),
                    () -> "a secret value appears in the " + where));
        }
        assertFalse(serverLog.isEmpty(), "the server log was captured");
    }

    /**
     * A secret typed into a comment is masked in the events, the audit trail and the store, even when no step of the
     * execution has read it (so the engine has not seen its value yet).
     */
    @Test
    void secretsTypedIntoACommentAreRedacted() throws Exception {
        String vaultToken = System.getenv(SecretsTestProfile.TOKEN_VARIABLE);
        assertNotNull(vaultToken, SecretsTestProfile.TOKEN_VARIABLE + " must be set for this test (the build sets it)");
        Execution started = workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/fails-at-once")
                .setScoreYaml(SCORE).setEnvironment("development").build()).getExecution();
        workflows.withDeadlineAfter(60, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(started.getExecutionId()).build()).forEachRemaining(r -> { });
        Execution retried = workflows.retryExecution(RetryExecutionRequest.newBuilder().setExecutionId(started.getExecutionId())
                .setComment("retrying with token " + vaultToken + " as discussed").build()).getExecution();
        workflows.withDeadlineAfter(60, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(retried.getExecutionId()).build()).forEachRemaining(r -> { });
        String events = history(workflows, started.getExecutionId()).toString();
        assertTrue(events.contains("retried by"), events);
        assertFalse(events.contains(vaultToken), "the events carry no secret");
        String audit = io.innominatus.api.audit.v1.AuditServiceGrpc.newBlockingStub(channel).listAuditEvents(
                io.innominatus.api.audit.v1.ListAuditEventsRequest.newBuilder().setTarget("execution/"
                        + started.getExecutionId()).build()).getEventsList().toString();
        assertTrue(audit.contains("RetryExecution"), audit);
        assertFalse(audit.contains(vaultToken), "the audit trail carries no secret");
        assertFalse(storeContents().contains(vaultToken), "the store holds no secret");
    }

    /**
     * Where the platform lets the application tier run programs (allowedStepTypes.application), those programs
     * still never receive a value that comes from the server's environment.
     */
    @Test
    void applicationWorkflowsMayRunAllowedProgramsButNeverReceivePlatformSecrets() {
        String allowed = SCORE.replace("secret-app", "tiered-app") + """
                workflows:
                  greet:
                    phase: post-deployment
                    steps:
                      - name: hello
                        type: exec
                        config: {command: ["echo", "hello"]}
                """;
        DeploymentPlan plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(allowed)
                .setEnvironment("development").build()).getPlan();
        assertFalse(plan.getViolationsList().stream().anyMatch(v -> v.getWorkflowId().startsWith("applications/")),
                plan::toString);
        String leaking = allowed.replace("command: [\"echo\", \"hello\"]", "command: [\"echo\", \"${admin.vaultToken}\"]");
        DeploymentPlan blocked = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(leaking)
                .setEnvironment("development").build()).getPlan();
        assertTrue(blocked.getViolationsList().stream().anyMatch(v -> v.getWorkflowId().equals("applications/tiered-app/greet")
                && v.getRuleId().equals("INVALID_WORKFLOW") && v.getMessage().contains("SECRET_NOT_ALLOWED")
                && v.getBlocking()), blocked::toString);
    }

    @Test
    void aCredentialWhoseVariableIsNotSetBlocksThePlanAndNamesTheVariable() {
        Status status = expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.runWorkflow(
                RunWorkflowRequest.newBuilder().setWorkflowId("platform/needs-missing-variable").setScoreYaml(SCORE)
                        .setEnvironment("development").build()));
        assertEquals("POLICY_VIOLATION", detail(status, ErrorInfo.class).orElseThrow().getReason());
        PreconditionFailure failure = detail(status, PreconditionFailure.class).orElseThrow();
        assertTrue(failure.getViolationsList().stream().anyMatch(v -> v.getType().equals("INVALID_WORKFLOW")
                && v.getDescription().contains(SecretsTestProfile.UNSET_VARIABLE)
                && v.getDescription().contains("${admin.missingToken}")), failure::toString);
    }
}
