package io.innominatus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.innominatus.api.audit.v1.AuditDecision;
import io.innominatus.api.audit.v1.AuditEvent;
import io.innominatus.api.audit.v1.AuditServiceGrpc;
import io.innominatus.api.audit.v1.ListAuditEventsRequest;
import io.innominatus.api.workflow.v1.*;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end with a real identity provider: Keycloak with the test realm (users in the viewer, deployer,
 * approver and admin groups, a CI client with a service account), the packaged service verifying its
 * tokens, the CLI logging in with the client credentials grant, and the web console signing a person in with
 * the authorization code flow in a real browser.
 */
class KeycloakIT {

    private static KeycloakProcess keycloak;
    private static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> java = KeycloakProcess.javaHome();
        if (java.isEmpty()) {
            if (Boolean.getBoolean("innominatus.it.require-keycloak")) {
                throw new IllegalStateException("Keycloak 26 needs a JDK 21 or later; none found (set KEYCLOAK_JAVA_HOME)");
            }
            Assumptions.abort("no JDK 21+ on this machine for Keycloak 26; set KEYCLOAK_JAVA_HOME to run this test");
        }
        Path logs = Path.of("target/it-logs");
        keycloak = new KeycloakProcess(logs.resolve("keycloak.log"));
        keycloak.start(java.get());
        service = new ServiceProcess(Map.of(
                "quarkus.oidc.auth-server-url", keycloak.issuer(),
                "innominatus.console.oidc.client-id", "innominatus-console",
                "innominatus.console.oidc.client-secret", "console-secret",
                "innominatus.data-dir", Files.createTempDirectory("innominatus-keycloak-it").toString()),
                logs.resolve("service-keycloak.log"));
        service.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    private static WorkflowServiceGrpc.WorkflowServiceBlockingStub as(String token) {
        WorkflowServiceGrpc.WorkflowServiceBlockingStub stub = WorkflowServiceGrpc.newBlockingStub(service.channel())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        return token == null ? stub : stub.withCallCredentials(bearer(token));
    }

    private static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    private static String reason(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e).getDetailsList().stream().filter(a -> a.is(ErrorInfo.class)).findFirst()
                .map(a -> {
                    try {
                        return a.unpack(ErrorInfo.class).getReason();
                    } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                        throw new AssertionError(x);
                    }
                }).orElse("");
    }

    private static RunWorkflowRequest failureDrill(String application, String environment) throws IOException {
        return RunWorkflowRequest.newBuilder().setWorkflowId("platform/failure-drill").setEnvironment(environment)
                .setScoreYaml(Files.readString(Path.of("workflows/examples/hello-world.yaml"))
                        .replace("name: hello-world", "name: " + application)).build();
    }

    @Test
    void rolesFromKeycloakGroupsAndFourEyesApproval() throws Exception {
        String vera = keycloak.passwordToken("vera", "vera-password");
        String dora = keycloak.passwordToken("dora", "dora-password");
        String alex = keycloak.passwordToken("alex", "alex-password");
        String ada = keycloak.passwordToken("ada", "ada-password");
        String app = "kc-" + UUID.randomUUID().toString().substring(0, 8);

        StatusRuntimeException anonymous = assertThrows(StatusRuntimeException.class,
                () -> as(null).listProducts(ListProductsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode());
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> as(vera.substring(0, vera.length() - 4) + "AAAA").listProducts(ListProductsRequest.getDefaultInstance()))
                .getStatus().getCode());

        assertTrue(as(vera).listProducts(ListProductsRequest.getDefaultInstance()).getProductsCount() > 0);
        StatusRuntimeException viewerDeploys = assertThrows(StatusRuntimeException.class,
                () -> as(vera).runWorkflow(failureDrill(app, "development")));
        assertEquals(Status.Code.PERMISSION_DENIED, viewerDeploys.getStatus().getCode());
        assertEquals("ROLE_REQUIRED", reason(viewerDeploys));

        Execution waiting = as(dora).runWorkflow(failureDrill(app, "production")).getExecution();
        assertEquals("dora", waiting.getRequestedBy());
        assertEquals(ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL, waiting.getState());
        ApproveExecutionRequest approve = ApproveExecutionRequest.newBuilder().setExecutionId(waiting.getExecutionId())
                .setPlanDigest(waiting.getPlan().getPlanDigest()).setComment("checked the plan").build();
        StatusRuntimeException own = assertThrows(StatusRuntimeException.class, () -> as(dora).approveExecution(approve));
        assertEquals(Status.Code.PERMISSION_DENIED, own.getStatus().getCode());
        assertEquals("SELF_APPROVAL", reason(own));
        Execution approved = as(alex).approveExecution(approve).getExecution();
        assertEquals("alex", approved.getApprovedBy());

        List<AuditEvent> trail = AuditServiceGrpc.newBlockingStub(service.channel()).withCallCredentials(bearer(ada))
                .listAuditEvents(ListAuditEventsRequest.newBuilder().setTarget("execution/" + waiting.getExecutionId()).build())
                .getEventsList();
        assertEquals(List.of("alex ApproveExecution AUDIT_DECISION_ALLOWED", "dora ApproveExecution AUDIT_DECISION_DENIED",
                "dora RunWorkflow AUDIT_DECISION_ALLOWED"), trail.stream()
                .map(e -> e.getPrincipal() + " " + e.getAction() + " " + e.getDecision()).toList());
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> AuditServiceGrpc
                .newBlockingStub(service.channel()).withCallCredentials(bearer(dora))
                .listAuditEvents(ListAuditEventsRequest.getDefaultInstance())).getStatus().getCode());
        assertTrue(AuditServiceGrpc.newBlockingStub(service.channel()).withCallCredentials(bearer(ada))
                .listAuditEvents(ListAuditEventsRequest.newBuilder().setDecision(AuditDecision.AUDIT_DECISION_DENIED).build())
                .getEventsList().stream().anyMatch(e -> e.getPrincipal().equals("vera") && e.getAction().equals("RunWorkflow")));
    }

    @Test
    void theCliLogsInWithClientCredentialsAndDeploysAsTheServiceAccount() throws Exception {
        Path home = Files.createTempDirectory("innominatus-ctl-home");
        CliRun login = cli(home, "login", "--issuer", keycloak.issuer(), "--client-id", "ci-deployer");
        assertEquals(0, login.exitCode(), login::toString);
        assertTrue(Files.exists(home.resolve("innominatus/token")), login::toString);

        CliRun run = cli(home, "run", "platform/failure-drill", "workflows/examples/hello-world.yaml", "--env", "development");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.output().contains("Started run of platform/failure-drill"), run::toString);
        String executionId = run.output().replaceAll("(?s).*Started run of platform/failure-drill ([0-9a-f-]{36}).*", "$1");
        String vera = keycloak.passwordToken("vera", "vera-password");
        assertEquals("service-account-ci-deployer", as(vera).getExecution(GetExecutionRequest.newBuilder()
                .setExecutionId(executionId).build()).getExecution().getRequestedBy());

        CliRun reload = cli(home, "reload");
        assertEquals(6, reload.exitCode(), reload::toString);
    }

    @Test
    void theConsoleSignsInWithTheCodeFlowAndCallsTheApiWithTheUsersToken() throws Exception {
        try (io.innominatus.api.console.Browser browser = io.innominatus.api.console.Browser.start(
                new java.net.URL("http://127.0.0.1:" + service.port() + "/"))) {
            browser.driver.get("http://127.0.0.1:" + service.port() + "/executions");
            // Not signed in: the console sends the browser to Keycloak's login page.
            browser.await(java.time.Duration.ofSeconds(60), () -> !browser.all("#username").isEmpty());
            assertTrue(browser.driver.getCurrentUrl().startsWith(keycloak.issuer()), browser.driver.getCurrentUrl());
            browser.driver.findElement(org.openqa.selenium.By.id("username")).sendKeys("dora");
            browser.driver.findElement(org.openqa.selenium.By.id("password")).sendKeys("dora-password");
            browser.driver.findElement(org.openqa.selenium.By.id("kc-login")).click();
            browser.awaitPage();
            assertTrue(browser.driver.getCurrentUrl().endsWith("/executions"), browser.driver.getCurrentUrl());
            String session = browser.driver.findElement(org.openqa.selenium.By.id("session")).getText();
            assertTrue(session.contains("dora") && session.contains("deployer") && session.contains("Sign out"), session);
            browser.open("/");
            assertTrue(browser.text().contains("platform/failure-drill"), browser.text());
            browser.screenshot("keycloak-signed-in");

            // An action from the page reaches the API as dora, and the audit trail says so.
            @SuppressWarnings("unchecked")
            Map<String, Object> started = (Map<String, Object>) browser.asyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch('/console/rpc/innominatus.workflow.v1.WorkflowService/RunWorkflow', {method: 'POST',
                      headers: {'Content-Type': 'application/json', 'X-Innominatus-CSRF': document.querySelector('meta[name=csrf-token]').content},
                      body: JSON.stringify({workflowId: 'platform/failure-drill', environment: 'development', scoreYaml: arguments[0]})})
                      .then(r => r.json().then(b => done({status: r.status, requestedBy: b.execution ? b.execution.requestedBy : JSON.stringify(b)})));
                    """, Files.readString(Path.of("workflows/examples/hello-world.yaml")).replace("name: hello-world", "name: kc-console"));
            assertEquals(200L, started.get("status"), started.toString());
            assertEquals("dora", started.get("requestedBy"));
        }
    }

    record CliRun(int exitCode, String output) {}

    private static CliRun cli(Path configHome, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                "target/innominatus-ctl.jar", "--server", "127.0.0.1:" + service.port(), "--no-color"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("XDG_CONFIG_HOME", configHome.toString());
        builder.environment().put("INNOMINATUS_CLIENT_SECRET", "ci-deployer-secret");
        builder.environment().remove("INNOMINATUS_TOKEN");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new CliRun(process.exitValue(), output);
    }
}
