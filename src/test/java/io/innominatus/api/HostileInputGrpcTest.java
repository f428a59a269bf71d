package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.innominatus.api.workflow.v1.*;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input corpus through the real gRPC interface: every case gets a precise status with an
 * {@code ErrorInfo} (and, for documents, a {@code BadRequest} naming file:line:column and the rule), and the
 * server answers normally afterwards.
 */
@QuarkusTest
@TestProfile(HostileInputTestProfile.class)
class HostileInputGrpcTest extends GrpcTestSupport {

    private static final String SCORE = """
            apiVersion: score.dev/v1b1
            metadata:
              name: hostile-app
            containers:
              web:
                image: ghcr.io/example/web:1.0.0
            """;
    private static final Pattern POSITIONED = Pattern.compile("^[\\w./-]+\\.yaml:\\d+:\\d+: [A-Z_]+: .+");

    /** Every case ends by checking that the server still answers an ordinary request. */
    @AfterEach
    void serverStillAnswers() {
        PlanDeploymentResponse plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(SCORE)
                .setEnvironment("development").build());
        assertEquals("hostile-app", plan.getPlan().getApplication());
    }

    private Status planScore(String scoreYaml) {
        return expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.planDeployment(PlanDeploymentRequest
                .newBuilder().setScoreYaml(scoreYaml).setEnvironment("development").build()));
    }

    private Status planCandidate(String fileName, String yaml) {
        return expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.planDeployment(PlanDeploymentRequest
                .newBuilder().setScoreYaml(SCORE).setEnvironment("development")
                .addExtraWorkflows(WorkflowFile.newBuilder().setFileName(fileName).setYaml(yaml)).build()));
    }

    /** The document problems of an INVALID_ARGUMENT: ErrorInfo INVALID_DOCUMENT, each problem positioned. */
    private static List<String> documentProblems(Status status) {
        assertEquals("INVALID_DOCUMENT", detail(status, ErrorInfo.class).orElseThrow().getReason());
        List<String> problems = detail(status, BadRequest.class).orElseThrow().getFieldViolationsList().stream()
                .map(BadRequest.FieldViolation::getDescription).toList();
        assertFalse(problems.isEmpty());
        return problems;
    }

    private static void assertProblem(Status status, String code, String file) {
        List<String> problems = documentProblems(status);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(file) && p.contains(": " + code + ": ")
                && (POSITIONED.matcher(p).matches() || code.equals("DOCUMENT_TOO_LARGE"))), () -> code + " in " + problems);
        assertTrue(status.getMessage().length() < 2000, "the message stays short");
    }

    private static String candidate(String stepLines) {
        return """
                apiVersion: workflow.dev/v1
                kind: PlatformWorkflow
                metadata:
                  name: candidate
                  phase: deployment
                  owner: platform-team
                spec:
                  triggers: [all_deployments]
                  steps:
                """ + stepLines;
    }

    private static final Pattern LOCATED = Pattern.compile(".*\\(platform/candidate\\.yaml:\\d+:\\d+\\)$");

    /**
     * A dry-run deployment with a candidate workflow whose definition breaks a rule: FAILED_PRECONDITION,
     * ErrorInfo POLICY_VIOLATION, and an INVALID_WORKFLOW violation naming the rule and its position.
     */
    private void assertCandidateRefused(String stepLines, String code) {
        Status status = expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.startDeployment(
                StartDeploymentRequest.newBuilder().setScoreYaml(SCORE).setEnvironment("development").setDryRun(true)
                        .addExtraWorkflows(WorkflowFile.newBuilder().setFileName("platform/candidate.yaml")
                                .setYaml(candidate(stepLines))).build()));
        assertEquals("POLICY_VIOLATION", detail(status, ErrorInfo.class).orElseThrow().getReason());
        List<String> violations = detail(status, com.google.rpc.PreconditionFailure.class).orElseThrow().getViolationsList()
                .stream().map(v -> v.getType() + " " + v.getDescription()).toList();
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("INVALID_WORKFLOW ") && v.contains("first: " + code + ": ")
                && LOCATED.matcher(v).matches()), () -> code + " in " + violations);
    }

    @Test
    void messagesAboveTheConfiguredLimitAreResourceExhausted() {
        int limit = ConfigProvider.getConfig().getValue("quarkus.grpc.server.max-inbound-message-size", Integer.class);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> workflows.planDeployment(
                PlanDeploymentRequest.newBuilder().setScoreYaml("a: " + "x".repeat(limit + 1024))
                        .setEnvironment("development").build()));
        assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e::toString);
    }

    @Test
    void aFiveMegabyteDocumentIsRefusedBeforeParsing() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> workflows.validateWorkflow(
                ValidateWorkflowRequest.newBuilder().setYaml("a: " + "x".repeat(5 * 1024 * 1024)).build()));
        assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e::toString);
        // Below the message limit, the document limit applies: a positioned INVALID_ARGUMENT.
        assertProblem(planScore("a: " + "x".repeat(2 * 1024 * 1024)), "DOCUMENT_TOO_LARGE", "score.yaml");
    }

    /**
     * Answers whose trailers would exceed what HTTP/2 clients accept (8 KiB of headers by default) reach this
     * default client as the real status, not as a protocol error: many problems, long keys, a long environment.
     */
    @Test
    void manyProblemsAndLongInputStillGiveAProperInvalidArgument() {
        StringBuilder score = new StringBuilder(SCORE);
        for (int i = 0; i < 60; i++) {
            score.append("    unknown").append(i).append("x".repeat(150)).append(": 1\n");
        }
        Status many = planScore(score.toString());
        List<String> problems = documentProblems(many);
        assertTrue(problems.size() < 60, () -> problems.size() + " problems listed");
        assertTrue(problems.get(problems.size() - 1).contains("not listed"), () -> problems.get(problems.size() - 1));
        assertTrue(many.getSerializedSize() < 4096, () -> many.getSerializedSize() + " bytes");

        Status environment = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.planDeployment(
                PlanDeploymentRequest.newBuilder().setScoreYaml(SCORE).setEnvironment("E".repeat(3000)).build()));
        assertEquals("INVALID_REQUEST", detail(environment, ErrorInfo.class).orElseThrow().getReason());
        assertTrue(environment.getMessage().length() < 400 && environment.getMessage().contains("3000 characters"),
                environment::getMessage);
        Status id = expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> workflows.getWorkflow(GetWorkflowRequest.newBuilder()
                .setWorkflowId("platform/" + "w".repeat(20_000)).build()));
        assertTrue(id.getSerializedSize() < 4096, () -> id.getSerializedSize() + " bytes");
    }

    @Test
    void billionLaughs() {
        StringBuilder laughs = new StringBuilder("apiVersion: score.dev/v1b1\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            laughs.append('l').append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, "*l" + (i - 1)))).append("]\n");
        }
        assertProblem(planScore(laughs.toString()), "ALIAS_LIMIT", "score.yaml");
    }

    @Test
    void deepNesting() {
        assertProblem(planScore("metadata: " + "[".repeat(1000) + "]".repeat(1000) + "\n"), "NESTING_TOO_DEEP", "score.yaml");
        assertProblem(planScore("metadata: " + "{a: ".repeat(1000) + "b" + "}".repeat(1000) + "\n"), "NESTING_TOO_DEEP",
                "score.yaml");
    }

    @Test
    void javaAndOtherUnsafeTags() {
        for (String tag : List.of("!!java.lang.ProcessBuilder [[touch, /tmp/pwned]]",
                "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]",
                "!<tag:yaml.org,2002:java.io.File> /etc/passwd", "!custom x")) {
            assertProblem(planScore(SCORE + "extra: " + tag + "\n"), "UNSAFE_TAG", "score.yaml");
        }
    }

    @Test
    void duplicateKeys() {
        assertProblem(planScore(SCORE + "metadata:\n  name: other\n"), "DUPLICATE_KEY", "score.yaml");
    }

    /** (An unpaired surrogate cannot travel in a protobuf string; the parser fuzz test covers it.) */
    @Test
    void controlCharactersAndNonCharacters() {
        for (String character : List.of("\u0000", "\u0001", "\u001B", "\uFFFE")) {
            assertProblem(planScore(SCORE.replace("web:", "w" + character + "eb:")), "INVALID_CHARACTER", "score.yaml");
        }
    }

    /** Protobuf strings must be UTF-8: a request carrying other bytes never reaches the parsers. */
    @Test
    void invalidUtf8BytesInAStringField() {
        byte[] yaml = SCORE.replace("web:", "w\u00FFeb:").getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = concat(field(1, yaml), field(2, "development".getBytes(StandardCharsets.UTF_8)));
        MethodDescriptor<byte[], byte[]> raw = WorkflowServiceGrpc.getPlanDeploymentMethod().toBuilder(BYTES, BYTES).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(channel,
                raw, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request));
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e::toString);
        Status status = io.grpc.protobuf.StatusProto.fromThrowable(e);
        assertEquals("MALFORMED_REQUEST", detail(status, ErrorInfo.class).orElseThrow().getReason());
        assertEquals("innominatus.io", detail(status, ErrorInfo.class).orElseThrow().getDomain());
        assertFalse(status.getMessage().contains("Exception") || status.getMessage().contains("com.google"),
                status.getMessage());
    }

    @Test
    void pathTraversalInCandidateFileNames() {
        for (String name : List.of("../../etc/passwd.yaml", "/etc/x.yaml", "platform/../../../x.yaml",
                "platform/%2e%2e/%2e%2e/x.yaml", "platform/%252e%252e/%252e%252e/x.yaml", "..%2f..%2fx.yaml",
                "platform\\..\\..\\x.yaml", "~/x.yaml", "platform/x\u0000.yaml")) {
            Status status = planCandidate(name, candidate("    - {name: s, type: exec, config: {command: [echo]}}\n"));
            assertEquals("INVALID_REQUEST", detail(status, ErrorInfo.class).orElseThrow().getReason());
            assertEquals("extra_workflows[0].file_name", detail(status, BadRequest.class).orElseThrow()
                    .getFieldViolations(0).getField(), name);
        }
    }

    /** Workflow ids are looked up in the catalog's index, never used as paths. */
    @Test
    void pathTraversalInWorkflowIds() {
        for (String id : List.of("platform/../../../etc/passwd", "../platform/echo-note", "platform/%2e%2e/echo-note",
                "/etc/passwd")) {
            Status status = expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> workflows.getWorkflow(
                    GetWorkflowRequest.newBuilder().setWorkflowId(id).build()));
            assertEquals("WORKFLOW_NOT_FOUND", detail(status, ErrorInfo.class).orElseThrow().getReason(), id);
            expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> workflows.runWorkflow(RunWorkflowRequest.newBuilder()
                    .setWorkflowId(id).setScoreYaml(SCORE).setEnvironment("development").build()));
        }
    }

    @Test
    void pathTraversalInEveryFileReferenceOfAStep() {
        for (String reference : List.of("../../etc", "/etc/passwd", "%2e%2e/%2e%2e/etc", "..%2F..%2Fetc",
                "%252e%252e/%252e%252e/etc", "sub/../../../etc", "..\\..\\etc", "~/secrets", "C:\\Windows")) {
            for (String key : List.of("manifests", "workingDir", "outputFile", "playbook", "migrationsPath", "valuesFile")) {
                assertCandidateRefused("    - name: s\n      type: exec\n      config:\n        command: [echo]\n        "
                        + key + ": \"" + reference.replace("\\", "\\\\") + "\"\n", "PATH_ESCAPE");
            }
        }
        // List items of a path field, and values the run-time check used to be the only one to catch.
        assertCandidateRefused("    - {name: s, type: kubernetes, config: {manifests: [\"./fine\", \"../../etc\"]}}\n",
                "PATH_ESCAPE");
        assertCandidateRefused("    - {name: s, type: exec, config: {command: [echo], workingDir: \"../../x://y\"}}\n",
                "PATH_ESCAPE");
        assertCandidateRefused("    - {name: s, type: exec, config: {command: [echo], workingDir: \"../../etc\\nx\"}}\n",
                "PATH_ESCAPE");
        // The terraform/ansible shortcut `path` too, and a program climbing out of the directory.
        assertCandidateRefused("    - {name: s, type: terraform, path: ../../../etc}\n", "PATH_ESCAPE");
        assertCandidateRefused("    - {name: s, type: exec, config: {command: [\"sub/../../../bin/sh\"]}}\n", "PATH_ESCAPE");
    }

    @Test
    void symbolicLinksOutOfTheDirectory() {
        assertCandidateRefused("    - {name: s, type: kubernetes, config: {manifests: ./escape}}\n", "PATH_ESCAPE");
        assertCandidateRefused("    - {name: s, type: kubernetes, config: {manifests: ./escape/not-there}}\n", "PATH_ESCAPE");
        // A link to a place that does not exist yet: a file written through it would land outside.
        assertCandidateRefused("    - {name: s, type: exec, config: {command: [echo], workingDir: ./dangling}}\n",
                "PATH_ESCAPE");
    }

    @Test
    void celExpressionsThatAreTooLargeOrTooDeepAreRefusedAtPlanTime() {
        assertCandidateRefused("    - name: s\n      type: exec\n      if: \"" + "(".repeat(200) + "true" + ")".repeat(200)
                + "\"\n      config: {command: [echo]}\n", "INVALID_CONDITION");
        assertCandidateRefused("    - name: s\n      type: exec\n      if: \"" + "true && ".repeat(1000)
                + "true\"\n      config: {command: [echo]}\n", "INVALID_CONDITION");
    }

    /** Nested counted repetitions would compile to an enormous RE2 program: refused when the document is read. */
    @Test
    void regularExpressionsThatExpandTooFarAreRefusedAtPlanTime() {
        assertCandidateRefused("    - name: s\n      type: exec\n      if: \"'a'.matches('(((a{100}){100}){100}){100}')\"\n"
                + "      config: {command: [echo]}\n", "INVALID_CONDITION");
        assertCandidateRefused("    - name: s\n      type: exec\n      if: \"matches('a', '((a{1000}){1000})')\"\n"
                + "      config: {command: [echo]}\n", "INVALID_CONDITION");
        // A pattern computed at run time cannot be checked beforehand.
        assertCandidateRefused("    - name: s\n      type: exec\n      if: \"'a'.matches(application.name)\"\n"
                + "      config: {command: [echo]}\n", "INVALID_CONDITION");
        // The same condition in a Score file's own workflow.
        String score = SCORE + """
                workflows:
                  regex:
                    phase: deployment
                    steps:
                      - name: s
                        type: validation
                        if: "'a'.matches('(((a{100}){100}){100}){100}')"
                        config: {checks: []}
                """;
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> workflows.startDeployment(
                StartDeploymentRequest.newBuilder().setScoreYaml(score).setEnvironment("development").setDryRun(true).build()));
        assertTrue(refused.getStatus().getCode() == io.grpc.Status.Code.INVALID_ARGUMENT
                || refused.getStatus().getCode() == io.grpc.Status.Code.FAILED_PRECONDITION, refused::toString);
        assertTrue(String.valueOf(io.grpc.protobuf.StatusProto.fromThrowable(refused)).contains("too complex"),
                refused::toString);
        // Patterns of ordinary size still work.
        assertTrue(workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder().setFileName("platform/candidate.yaml")
                .setYaml(candidate("    - name: s\n      type: exec\n      if: \"'abc'.matches('^[a-c]{1,10}$')\"\n"
                        + "      config: {command: [echo]}\n")).build()).getValid());
    }

    /** Aliases repeat text without copying it in the request; what they expand to is counted, keys and paths too. */
    @Test
    void aliasesAreCountedByTheTextTheyExpandTo() {
        String big = "x".repeat(100_000);
        StringBuilder keys = new StringBuilder("k: &k " + big + "\nnested: ");
        for (int i = 0; i < 30; i++) {
            keys.append("{*k : ");
        }
        keys.append("1").append("}".repeat(30)).append("\n");
        ValidateWorkflowResponse nested = workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder()
                .setFileName("platform/aliases.yaml").setYaml(keys.toString()).build());
        assertFalse(nested.getValid());
        assertTrue(nested.getDiagnosticsList().stream().anyMatch(d -> d.getCode().equals("ALIAS_LIMIT")),
                nested::toString);
        assertTrue(nested.getSerializedSize() < 256 * 1024, () -> nested.getSerializedSize() + " bytes");

        String repeated = SCORE + "extra:\n  s: &s " + big + "\n  l: [" + "*s, ".repeat(9_999) + "*s]\n";
        assertProblem(planScore(repeated), "ALIAS_LIMIT", "score.yaml");
    }

    @Test
    void aRequestCarriesABoundedNumberOfCandidateWorkflows() {
        PlanDeploymentRequest.Builder request = PlanDeploymentRequest.newBuilder().setScoreYaml(SCORE)
                .setEnvironment("development");
        for (int i = 0; i < 10_000; i++) {
            request.addExtraWorkflows(WorkflowFile.newBuilder().setFileName("platform/c" + i + ".yaml")
                    .setYaml(candidate("    - {name: s, type: exec, config: {command: [echo]}}\n").replace("candidate", "c" + i)));
        }
        Status status = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.planDeployment(request.build()));
        assertEquals("extra_workflows", detail(status, BadRequest.class).orElseThrow().getFieldViolations(0).getField());
        // One file with many documents counts each workflow.
        String many = String.join("---\n", java.util.Collections.nCopies(100,
                candidate("    - {name: s, type: exec, config: {command: [echo]}}\n")));
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        String distinct = java.util.regex.Pattern.compile("name: candidate").matcher(many)
                .replaceAll(m -> "name: d" + n.incrementAndGet());
        PlanDeploymentRequest.Builder two = PlanDeploymentRequest.newBuilder().setScoreYaml(SCORE).setEnvironment("development")
                .addExtraWorkflows(WorkflowFile.newBuilder().setFileName("platform/a.yaml").setYaml(distinct))
                .addExtraWorkflows(WorkflowFile.newBuilder().setFileName("platform/b.yaml").setYaml(distinct.replace("name: d",
                        "name: e")));
        Status total = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.planDeployment(two.build()));
        assertTrue(total.getMessage().contains("more than"), total::getMessage);
    }

    @Test
    void aCelConditionThatWouldRunTooLongIsStoppedAndFailsItsStep() {
        Execution done = runToEnd("platform/endless-condition", SCORE);
        assertEquals(ExecutionState.EXECUTION_STATE_FAILED, done.getState());
        StepExecution step = done.getSteps(0);
        assertEquals(StepState.STEP_STATE_FAILED, step.getState());
        assertTrue(step.getError().contains("was stopped") && step.getError().contains("iterations"), step::getError);
    }

    /** 400 lines of 20,000 characters: lines are cut, the attempt's log stops at its byte limit and says so. */
    @Test
    void theLogOfOneAttemptIsBounded() {
        Execution done = runToEnd("platform/chatty", SCORE);
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, done.getState(), done::toString);
        List<String> lines = history(workflows, done.getExecutionId()).stream().filter(ExecutionEvent::hasStepLog)
                .map(e -> e.getStepLog().getLine()).toList();
        long characters = lines.stream().mapToLong(String::length).sum();
        assertTrue(characters <= 1024 * 1024 + 8192, characters + " characters recorded");
        assertTrue(lines.stream().allMatch(l -> l.length() <= 4096 + 64), "every line is cut");
        assertTrue(lines.get(lines.size() - 1).startsWith("log truncated"), lines.get(lines.size() - 1));
    }

    /**
     * A watcher that stops reading holds only what the transport's flow-control window and one page of the store
     * hold: the server reads further events only as the client drains them, and the stream completes, gap-free, once
     * the client reads again.
     */
    @Test
    void aWatcherThatStopsReadingPullsOnlyWhatItHasRoomFor() throws Exception {
        Execution done = runToEnd("platform/many-lines", SCORE);
        long total = done.getLastSequence();
        assertTrue(total > 9000, () -> total + " events");
        io.grpc.ManagedChannel narrow = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", baseUrl.getPort())
                .usePlaintext().flowControlWindow(64 * 1024).build();
        try {
            double before = watchEventsSent();
            io.grpc.ClientCall<WatchExecutionRequest, WatchExecutionResponse> call = narrow.newCall(
                    WorkflowServiceGrpc.getWatchExecutionMethod(), CallOptions.DEFAULT.withDeadlineAfter(120, TimeUnit.SECONDS));
            java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong lastSequence = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.CompletableFuture<io.grpc.Status> closed = new java.util.concurrent.CompletableFuture<>();
            call.start(new io.grpc.ClientCall.Listener<>() {
                @Override
                public void onMessage(WatchExecutionResponse message) {
                    received.incrementAndGet();
                    lastSequence.set(message.getEvent().getSequence());
                }

                @Override
                public void onClose(io.grpc.Status status, io.grpc.Metadata trailers) {
                    closed.complete(status);
                }
            }, new io.grpc.Metadata());
            call.request(1);
            call.sendMessage(WatchExecutionRequest.newBuilder().setExecutionId(done.getExecutionId()).build());
            call.halfClose();
            // Until the count stops moving: what the stalled stream pulled.
            double pulled = watchEventsSent() - before;
            for (int i = 0; i < 40; i++) {
                Thread.sleep(250);
                double now = watchEventsSent() - before;
                if (now == pulled && now > 0) {
                    break;
                }
                pulled = now;
            }
            double stalled = pulled;
            assertTrue(stalled > 0 && stalled < total / 3.0, () -> "a stalled watcher pulled " + stalled + " of " + total);
            assertEquals(1, received.get());
            call.request(Integer.MAX_VALUE);
            assertEquals(io.grpc.Status.Code.OK, closed.get(60, TimeUnit.SECONDS).getCode());
            assertEquals(total, received.get(), "every event arrived once the client read again");
            assertEquals(total, lastSequence.get());
        } finally {
            narrow.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private double watchEventsSent() throws Exception {
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(baseUrl.toURI().resolve("/q/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines().filter(l -> l.startsWith("innominatus_watch_events_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * A workflow embedded in a Score file is written by application developers: by default it may use no step type
     * that starts a program on the orchestrator host, and the plan violation names the tier.
     */
    @Test
    void applicationWorkflowsStartNoProgramOnTheOrchestratorByDefault() {
        for (String type : List.of("exec", "terraform", "ansible", "security")) {
            String score = SCORE + """
                    workflows:
                      shell:
                        phase: deployment
                        steps:
                          - name: run
                            type: %s
                            config: {command: ["sh", "-c", "id"]}
                    """.formatted(type);
            Status status = expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.startDeployment(
                    StartDeploymentRequest.newBuilder().setScoreYaml(score).setEnvironment("development").build()));
            List<com.google.rpc.PreconditionFailure.Violation> violations = detail(status,
                    com.google.rpc.PreconditionFailure.class).orElseThrow().getViolationsList();
            assertTrue(violations.stream().anyMatch(v -> v.getType().equals("STEP_TYPE_NOT_ALLOWED")
                    && v.getDescription().contains("application tier") && v.getDescription().contains("'" + type + "'")
                    && v.getSubject().equals("applications/hostile-app/shell/run")), violations::toString);
        }
        // The platform tier keeps them.
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, runToEnd("platform/echo-note",
                SCORE.replace("  name: hostile-app", "  name: hostile-app\n  note: hi")).getState());
    }

    @Test
    void interpolatedValuesNeverReachAShell() throws IOException {
        Path marker = Path.of(System.getProperty("java.io.tmpdir"), "innominatus-injected-" + UUID.randomUUID());
        for (String note : List.of("; touch " + marker, "$(touch " + marker + ")", "`touch " + marker + "`",
                "| touch " + marker, "&& touch " + marker, "\ntouch " + marker)) {
            String score = SCORE.replace("  name: hostile-app", "  name: hostile-app\n  note: \""
                    + note.replace("\n", "\\n") + "\"");
            Execution done = runToEnd("platform/echo-note", score);
            assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, done.getState(), done::toString);
            List<String> lines = logLines(done.getExecutionId());
            assertTrue(String.join("\n", lines).contains("note: " + note), () -> "echo printed the value literally: " + lines);
            assertFalse(Files.exists(marker), "no shell ran the injected command: " + note);
        }
    }

    private Execution runToEnd(String workflowId, String score) {
        Execution started = workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId(workflowId)
                .setScoreYaml(score).setEnvironment("development").build()).getExecution();
        workflows.withDeadlineAfter(120, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(started.getExecutionId()).build()).forEachRemaining(r -> { });
        return workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(started.getExecutionId()).build())
                .getExecution();
    }

    private List<String> logLines(String executionId) {
        return workflows.listExecutionEvents(ListExecutionEventsRequest.newBuilder().setExecutionId(executionId)
                .setPageSize(1000).build()).getEventsList().stream().filter(ExecutionEvent::hasStepLog)
                .map(e -> e.getStepLog().getLine()).toList();
    }

    /** A length-delimited protobuf field. */
    private static byte[] field(int number, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, (number << 3) | 2);
        varint(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7F) != 0) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
