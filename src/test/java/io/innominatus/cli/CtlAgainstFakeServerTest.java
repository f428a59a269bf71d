package io.innominatus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.innominatus.api.workflow.v1.DeploymentPlan;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionKind;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.GetExecutionResponse;
import io.innominatus.api.workflow.v1.ListProductsRequest;
import io.innominatus.api.workflow.v1.ListProductsResponse;
import io.innominatus.api.workflow.v1.Phase;
import io.innominatus.api.workflow.v1.PhaseStarted;
import io.innominatus.api.workflow.v1.PlannedPhase;
import io.innominatus.api.workflow.v1.PlannedStep;
import io.innominatus.api.workflow.v1.PlannedWorkflow;
import io.innominatus.api.workflow.v1.Product;
import io.innominatus.api.workflow.v1.StateChanged;
import io.innominatus.api.workflow.v1.StepFinished;
import io.innominatus.api.workflow.v1.StepStarted;
import io.innominatus.api.workflow.v1.StepState;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.innominatus.api.workflow.v1.WatchExecutionResponse;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;

/** Authentication, broken streams, TLS and unusual statuses, against a scripted server. */
class CtlAgainstFakeServerTest {

    private static final String ID = "0b4d3c2a-1111-4222-8333-944455556666";

    /** Lists one product, but only for callers presenting {@code Bearer good-token}. */
    private static FakeServer guardedServer(io.netty.handler.ssl.SslContext tls) {
        FakeServer[] server = new FakeServer[1];
        server[0] = new FakeServer(FakeServer.unary(FakeServer.service(), WorkflowServiceGrpc.getListProductsMethod(),
                (ListProductsRequest request, StreamObserver<ListProductsResponse> response) -> {
                    String authorization = server[0].lastAuthorization();
                    if (authorization.isEmpty()) {
                        response.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                                .setCode(Code.UNAUTHENTICATED_VALUE).setMessage("authentication required: send a valid bearer token")
                                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("UNAUTHENTICATED").setDomain("innominatus.io")
                                        .build()))
                                .build()));
                    } else if (!authorization.equals("Bearer good-token")) {
                        response.onError(Status.PERMISSION_DENIED.withDescription("the caller's roles do not allow this call")
                                .asRuntimeException());
                    } else {
                        response.onNext(ListProductsResponse.newBuilder().addProducts(Product.newBuilder().setName("payments")
                                .setWorkflowCount(1).setAllowedWorkflowCount(1).addOwners("payments-team")).build());
                        response.onCompleted();
                    }
                }).build(), tls);
        return server[0];
    }

    @Test
    void tokensComeFromTheEnvironmentOrTheLoginAndRefusalsExitWith6() throws Exception {
        try (FakeServer server = guardedServer(null)) {
            Path home = Ctl.tempHome();
            Ctl ctl = Ctl.forServer(home, server.port());

            Ctl.Result anonymous = ctl.run("list-products");
            assertEquals(6, anonymous.exitCode(), anonymous::toString);
            assertTrue(anonymous.err().contains("error: authentication required: send a valid bearer token\n"
                    + "  status: UNAUTHENTICATED, reason: UNAUTHENTICATED\n"), anonymous::toString);
            assertTrue(anonymous.err().contains("hint: log in with 'innominatus-ctl login' or set INNOMINATUS_TOKEN"), anonymous::toString);

            Ctl.Result wrong = ctl.withVariable("INNOMINATUS_TOKEN", "other-token").run("list-products");
            assertEquals(6, wrong.exitCode(), wrong::toString);
            assertTrue(wrong.err().contains("status: PERMISSION_DENIED"), wrong::toString);
            assertEquals("Bearer other-token", server.lastAuthorization());

            Ctl.Result good = ctl.withVariable("INNOMINATUS_TOKEN", "good-token").run("list-products");
            assertEquals(0, good.exitCode(), good::toString);
            assertTrue(good.out().contains("payments  1          1        payments-team"), good::toString);

            // A token stored by login is sent when the environment has none.
            ctl.tokenStore().write("good-token");
            Ctl.Result stored = ctl.withoutVariable("INNOMINATUS_TOKEN").run("list-products");
            assertEquals(0, stored.exitCode(), stored::toString);
            assertEquals("Bearer good-token", server.lastAuthorization());
            assertEquals(0, ctl.run("logout").exitCode());
            assertEquals(6, ctl.run("list-products").exitCode());
        }
    }

    /** Streams an execution's events; the first stream breaks with UNAVAILABLE after two events. */
    static class FlakyStream {
        final List<Long> afterSequences = new CopyOnWriteArrayList<>();
        final AtomicInteger watches = new AtomicInteger();
        private final List<ExecutionEvent> events = List.of(
                event(1, e -> e.setStateChanged(StateChanged.newBuilder().setTo(ExecutionState.EXECUTION_STATE_QUEUED))),
                event(2, e -> e.setStateChanged(StateChanged.newBuilder().setFrom(ExecutionState.EXECUTION_STATE_QUEUED)
                        .setTo(ExecutionState.EXECUTION_STATE_RUNNING))),
                event(3, e -> e.setPhaseStarted(PhaseStarted.newBuilder().setPhase(Phase.PHASE_DEPLOYMENT))),
                event(4, e -> e.setStepStarted(StepStarted.newBuilder().setWorkflowId("platform/drill").setStep("probe")
                        .setAttempt(1).setType("exec"))),
                event(5, e -> e.setStepFinished(StepFinished.newBuilder().setWorkflowId("platform/drill").setStep("probe")
                        .setState(StepState.STEP_STATE_SUCCEEDED).setAttempt(1).setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(200_000_000)))),
                event(6, e -> e.setStateChanged(StateChanged.newBuilder().setFrom(ExecutionState.EXECUTION_STATE_RUNNING)
                        .setTo(ExecutionState.EXECUTION_STATE_SUCCEEDED))));

        private static ExecutionEvent event(long sequence, java.util.function.Consumer<ExecutionEvent.Builder> payload) {
            ExecutionEvent.Builder builder = ExecutionEvent.newBuilder().setExecutionId(ID).setSequence(sequence);
            payload.accept(builder);
            return builder.build();
        }

        FakeServer start() {
            return new FakeServer(FakeServer.streaming(FakeServer.unary(FakeServer.service(),
                    WorkflowServiceGrpc.getGetExecutionMethod(), this::getExecution),
                    WorkflowServiceGrpc.getWatchExecutionMethod(), this::watchExecution).build(), null);
        }

        void getExecution(GetExecutionRequest request, StreamObserver<GetExecutionResponse> response) {
            boolean done = watches.get() >= 3;
            response.onNext(GetExecutionResponse.newBuilder().setExecution(Execution.newBuilder().setExecutionId(ID)
                    .setApplication("drill-app").setEnvironment("staging").setKind(ExecutionKind.EXECUTION_KIND_WORKFLOW)
                    .setState(done ? ExecutionState.EXECUTION_STATE_SUCCEEDED : ExecutionState.EXECUTION_STATE_RUNNING)
                    .setLastSequence(done ? 6 : 2)
                    .setPlan(DeploymentPlan.newBuilder().addPhases(PlannedPhase.newBuilder().setPhase(Phase.PHASE_DEPLOYMENT)
                            .addWorkflows(PlannedWorkflow.newBuilder().setWorkflowId("platform/drill")
                                    .addSteps(PlannedStep.newBuilder().setName("probe").setType("exec"))))))
                    .build());
            response.onCompleted();
        }

        void watchExecution(WatchExecutionRequest request, StreamObserver<WatchExecutionResponse> response) {
            afterSequences.add(request.getAfterSequence());
            int call = watches.incrementAndGet();
            long after = request.getAfterSequence();
            if (call == 1) {
                // Two events, then the connection drops.
                events.stream().filter(e -> e.getSequence() > after).limit(2)
                        .forEach(e -> response.onNext(WatchExecutionResponse.newBuilder().setEvent(e).build()));
                response.onError(Status.UNAVAILABLE.withDescription("server restarting").asRuntimeException());
            } else if (call == 2) {
                // Replays one already-seen event (the client must not show it twice), then ends early.
                events.stream().filter(e -> e.getSequence() >= after && e.getSequence() <= after + 2)
                        .forEach(e -> response.onNext(WatchExecutionResponse.newBuilder().setEvent(e).build()));
                response.onCompleted();
            } else {
                events.stream().filter(e -> e.getSequence() > after)
                        .forEach(e -> response.onNext(WatchExecutionResponse.newBuilder().setEvent(e).build()));
                response.onCompleted();
            }
        }
    }

    @Test
    void aBrokenStreamResumesFromTheLastSequenceWithBackoff() throws Exception {
        FlakyStream service = new FlakyStream();
        try (FakeServer server = service.start()) {
            Ctl ctl = Ctl.forServer(Ctl.tempHome(), server.port()).withRecordedSleeps();
            Ctl.Result watched = ctl.run("watch", ID);
            assertEquals(0, watched.exitCode(), watched::toString);
            assertEquals(List.of(0L, 2L, 4L), service.afterSequences);
            List<String> events = watched.outLines().stream().filter(l -> l.startsWith("#")).toList();
            assertEquals(List.of("#1 execution QUEUED", "#2 execution RUNNING", "#3 phase deployment started",
                    "#4 step platform/drill/probe RUNNING (exec, attempt 1)", "#5 step platform/drill/probe SUCCEEDED in 1.2s",
                    "#6 execution SUCCEEDED"), events);
            assertTrue(watched.err().contains("warning: event stream interrupted (UNAVAILABLE: server restarting); resuming "
                    + "after #2 in 0.5s"), watched::toString);
            // Events arrived in between, so the backoff starts again from its first step.
            assertTrue(watched.err().contains("warning: event stream interrupted (the stream ended early); resuming after #4 in "
                    + "0.5s"), watched::toString);
            assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(500)), ctl.sleeps());
        }
    }

    @Test
    void aStreamThatNeverComesBackGivesUpWithAConnectionError() throws Exception {
        FlakyStream down = new FlakyStream() {
            @Override
            void watchExecution(WatchExecutionRequest request, StreamObserver<WatchExecutionResponse> response) {
                response.onError(Status.UNAVAILABLE.withDescription("no route").asRuntimeException());
            }
        };
        try (FakeServer server = down.start()) {
            Ctl ctl = Ctl.forServer(Ctl.tempHome(), server.port()).withRecordedSleeps();
            Ctl.Result watched = ctl.run("watch", ID);
            assertEquals(5, watched.exitCode(), watched::toString);
            assertEquals(ExecutionWatcher.MAX_CONSECUTIVE_RETRIES, ctl.sleeps().size());
            assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                    Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10)), ctl.sleeps(),
                    "the backoff doubles up to 10 seconds");
            assertTrue(watched.err().contains("error: cannot reach innominatus at 127.0.0.1:" + server.port() + ": no route"),
                    watched::toString);
        }
    }

    @Test
    void otherServerErrorsExitWith8AndNeverShowClassNames() throws Exception {
        try (FakeServer server = new FakeServer(FakeServer.unary(FakeServer.service(), WorkflowServiceGrpc.getListProductsMethod(),
                (ListProductsRequest request, StreamObserver<ListProductsResponse> response) -> response.onError(
                        Status.INTERNAL.withDescription("internal error (reference 42)").asRuntimeException())).build(), null)) {
            Ctl.Result result = Ctl.forServer(Ctl.tempHome(), server.port()).run("list-products");
            assertEquals(8, result.exitCode(), result::toString);
            assertEquals("error: internal error (reference 42)\n  status: INTERNAL\n", result.err());
            Ctl.Result unimplemented = Ctl.forServer(Ctl.tempHome(), server.port()).run("step-types");
            assertEquals(8, unimplemented.exitCode(), unimplemented::toString);
            assertTrue(unimplemented.err().contains("status: UNIMPLEMENTED"), unimplemented::toString);
        }
    }

    @Test
    void tlsWithAPrivateCertificateAuthority(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path certificate = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", certificate.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        try (FakeServer server = guardedServer(GrpcSslContexts.configure(SslContextBuilder.forServer(keys)).build())) {
            Ctl ctl = Ctl.forServer(Ctl.tempHome(), server.port()).withVariable("INNOMINATUS_TOKEN", "good-token");
            Ctl.Result trusted = ctl.run("--ca-cert", certificate.toString(), "list-products");
            assertEquals(0, trusted.exitCode(), trusted::toString);
            assertTrue(trusted.out().contains("payments"), trusted::toString);

            Ctl.Result untrusted = ctl.run("--tls", "list-products");
            assertEquals(5, untrusted.exitCode(), untrusted::toString);
            assertTrue(untrusted.err().startsWith("error: cannot reach innominatus at 127.0.0.1:" + server.port()),
                    untrusted::toString);
            assertTrue(untrusted.err().contains("unable to find valid certification path to requested target"), untrusted::toString);
            assertFalse(untrusted.err().contains("Exception"), untrusted::toString);
            assertFalse(untrusted.err().contains("Pipeline"), untrusted::toString);

            Ctl.Result conflicting = ctl.run("--tls", "--plaintext", "list-products");
            assertEquals(2, conflicting.exitCode(), conflicting::toString);
            Ctl.Result missing = ctl.run("--ca-cert", dir.resolve("none.pem").toString(), "list-products");
            assertEquals(2, missing.exitCode(), missing::toString);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, process.exitValue(), output);
    }
}
