package io.innominatus.bench;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.innominatus.api.workflow.v1.*;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The hostile inputs of the security review, against the packaged service: per input class the worst latency of
 * the hostile call, the worst latency of a health check sent every 50 ms meanwhile (the event loop must keep
 * answering), the peak growth of the used heap while the class runs (garbage included) and what stays live (used
 * heap after a full collection, taken while the input still holds what it holds, minus the level before it). The targets
 * (2 s, 256 MB, no stalled health check) are printed next to the figures; like every benchmark it never fails on
 * timing, only when a hostile call gets an answer it should not.
 */
class HostileInputBenchmark {

    private static final String SCORE = """
            apiVersion: score.dev/v1b1
            metadata:
              name: hostile-bench
            containers:
              web:
                image: ghcr.io/example/web:1.0.0
            """;
    private static final int RUNS = 3;

    private final Path work = Path.of("target/bench/hostile").toAbsolutePath();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Row(String input, double worstMs, double worstHealthMs, double heapGrowthMb, double retainedMb, String answer) {}

    /** The used heap after a full collection, in MB. */
    private double liveHeapMb(BenchProcess service) {
        try {
            Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(service.pid()), "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            gc.waitFor(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            return heapUsedMb(service.port());
        }
        return heapUsedMb(service.port());
    }

    @Test
    void hostileInputs() throws Exception {
        Path catalog = catalog();
        Path appDir = Path.of(System.getProperty("bench.innominatus.dir", "target/quarkus-app")).toAbsolutePath();
        try (BenchProcess service = BenchProcess.start(Path.of(System.getProperty("java.home")), appDir, List.of("-Xmx768m"),
                Map.of("innominatus.admin-config", catalog.resolve("admin-config.yaml").toString(),
                        "innominatus.data-dir", work.resolve("data-" + System.nanoTime()).toString()),
                work.resolve("service.log"))) {
            service.awaitFirstResponse(BenchProcess.HEALTH_CHECK, 120);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
            WorkflowServiceGrpc.WorkflowServiceBlockingStub stub = WorkflowServiceGrpc.newBlockingStub(channel);
            String history = longHistory(stub);
            Map<String, Runnable> inputs = new LinkedHashMap<>();
            inputs.put("regex: nested counted repetitions in a Score condition", () -> stub.startDeployment(
                    StartDeploymentRequest.newBuilder().setEnvironment("development").setDryRun(true).setScoreYaml(SCORE + """
                            workflows:
                              regex:
                                phase: deployment
                                steps:
                                  - name: s
                                    type: validation
                                    if: "'a'.matches('(((a{100}){100}){100}){100}')"
                                    config: {checks: []}
                            """).build()));
            String big = "x".repeat(100_000);
            inputs.put("yaml: 100 KB scalar aliased as a key at 30 levels", () -> stub.validateWorkflow(
                    ValidateWorkflowRequest.newBuilder().setFileName("platform/aliases.yaml").setYaml("k: &k " + big
                            + "\nnested: " + "{*k : ".repeat(30) + "1" + "}".repeat(30) + "\n").build()));
            inputs.put("yaml: one 100 KB scalar aliased 10,000 times", () -> stub.planDeployment(PlanDeploymentRequest
                    .newBuilder().setEnvironment("development").setScoreYaml(SCORE + "extra:\n  s: &s " + big + "\n  l: ["
                            + "*s, ".repeat(9_999) + "*s]\n").build()));
            inputs.put("plan: 10,000 candidate workflows", () -> {
                PlanDeploymentRequest.Builder request = PlanDeploymentRequest.newBuilder().setScoreYaml(SCORE)
                        .setEnvironment("development");
                for (int i = 0; i < 10_000; i++) {
                    request.addExtraWorkflows(WorkflowFile.newBuilder().setFileName("platform/c" + i + ".yaml").setYaml("""
                            apiVersion: workflow.dev/v1
                            kind: PlatformWorkflow
                            metadata: {name: c%d, phase: deployment, owner: platform-team}
                            spec:
                              triggers: [all_deployments]
                              steps: [{name: s, type: exec, config: {command: [echo]}}]
                            """.formatted(i)));
                }
                stub.planDeployment(request.build());
            });
            StringBuilder problems = new StringBuilder(SCORE);
            for (int i = 0; i < 60; i++) {
                problems.append("    unknown").append(i).append("x".repeat(150)).append(": 1\n");
            }
            inputs.put("errors: a Score with 60 problems", () -> stub.planDeployment(PlanDeploymentRequest.newBuilder()
                    .setEnvironment("development").setScoreYaml(problems.toString()).build()));
            inputs.put("errors: a 3,000-character environment", () -> stub.planDeployment(PlanDeploymentRequest.newBuilder()
                    .setEnvironment("e".repeat(3000)).setScoreYaml(SCORE).build()));
            List<Row> rows = new ArrayList<>();
            for (Map.Entry<String, Runnable> input : inputs.entrySet()) {
                rows.add(measure(service, channel, input.getKey(), probe -> input.getValue().run()));
            }
            rows.add(measure(service, channel, "watch: 20 watchers that stop reading a 9,000-event history",
                    probe -> stalledWatchers(service.port(), history, 20, probe)));
            print(rows);
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            service.stop(30);
        }
    }

    /** Runs {@code input} {@link #RUNS} times while health is checked every 50 ms and the heap is sampled. */
    private Row measure(BenchProcess service, ManagedChannel channel, String name,
            java.util.function.Consumer<Runnable> input) throws Exception {
        double live = liveHeapMb(service);
        AtomicLong retained = new AtomicLong();
        Runnable probe = () -> retained.accumulateAndGet((long) (liveHeapMb(service) - live), Math::max);
        double baseline = heapUsedMb(service.port());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong worstHealth = new AtomicLong();
        AtomicLong peakHeap = new AtomicLong((long) baseline);
        Thread health = new Thread(() -> {
            HealthGrpc.HealthBlockingStub check = HealthGrpc.newBlockingStub(channel);
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    check.withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
                } catch (StatusRuntimeException e) {
                    // A failed check counts with the time it took.
                }
                worstHealth.accumulateAndGet(System.nanoTime() - start, Math::max);
                sleep(50);
            }
        });
        Thread heap = new Thread(() -> {
            while (running.get()) {
                peakHeap.accumulateAndGet((long) heapUsedMb(service.port()), Math::max);
                sleep(100);
            }
        });
        health.start();
        heap.start();
        long worst = 0;
        String answer = "";
        for (int run = 0; run < RUNS; run++) {
            long start = System.nanoTime();
            try {
                input.accept(probe);
                answer = "OK";
            } catch (StatusRuntimeException e) {
                answer = e.getStatus().getCode().name();
            }
            worst = Math.max(worst, System.nanoTime() - start);
            probe.run();
        }
        running.set(false);
        health.join();
        heap.join();
        return new Row(name, worst / 1e6, worstHealth.get() / 1e6, Math.max(0, peakHeap.get() - baseline),
                Math.max(0, retained.get()), answer);
    }

    /**
     * Opens {@code count} watchers that read one event each and then stop reading; returns once every one has its
     * first event (the latency measured), after {@code probe} has taken the live heap while they are stalled.
     */
    private static void stalledWatchers(int port, String executionId, int count, Runnable probe) {
        List<ManagedChannel> channels = new ArrayList<>();
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(count);
        try {
            for (int i = 0; i < count; i++) {
                ManagedChannel narrow = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                        .flowControlWindow(64 * 1024).build();
                channels.add(narrow);
                ClientCall<WatchExecutionRequest, WatchExecutionResponse> call = narrow.newCall(
                        WorkflowServiceGrpc.getWatchExecutionMethod(), CallOptions.DEFAULT);
                call.start(new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(WatchExecutionResponse message) {
                        first.countDown();
                    }
                }, new Metadata());
                call.request(1);
                call.sendMessage(WatchExecutionRequest.newBuilder().setExecutionId(executionId).build());
                call.halfClose();
            }
            first.await(60, TimeUnit.SECONDS);
            // The streams have pulled what they will pull while stalled; what they hold is live now.
            sleep(1000);
            probe.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    /** Runs the many-lines workflow to its end: an execution with a long event history. */
    private static String longHistory(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub) {
        Execution started = stub.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/many-lines")
                .setScoreYaml(SCORE).setEnvironment("development").build()).getExecution();
        stub.withDeadlineAfter(120, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(started.getExecutionId()).build()).forEachRemaining(r -> { });
        return started.getExecutionId();
    }

    private double heapUsedMb(int port) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(l -> l.startsWith("jvm_memory_used_bytes") && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum() / (1024 * 1024);
        } catch (Exception e) {
            return 0;
        }
    }

    private static void print(List<Row> rows) {
        System.out.println();
        System.out.println("Hostile inputs (" + RUNS + " runs each; targets: at most 2000 ms, heap growth at most 256 MB, "
                + "health checks answered throughout)");
        System.out.printf("%-62s %10s %10s %14s %12s  %s%n", "input", "worst ms", "health ms", "heap peak +MB",
                "live +MB", "answer");
        for (Row row : rows) {
            System.out.printf("%-62s %10.1f %10.1f %14.1f %12.1f  %s%n", row.input(), row.worstMs(), row.worstHealthMs(),
                    row.heapGrowthMb(), row.retainedMb(), row.answer());
        }
        System.out.println();
    }

    private Path catalog() throws Exception {
        Path root = Files.createDirectories(work.resolve("catalog"));
        Path platform = Files.createDirectories(root.resolve("workflows/platform"));
        Files.createDirectories(root.resolve("workflows/products"));
        Files.writeString(root.resolve("admin-config.yaml"), """
                admin:
                  dnsDomain: apps.test
                policies:
                  allowedEnvironments: [development]
                workflowPolicies:
                  workflowsRoot: workflows
                """);
        Files.writeString(platform.resolve("many-lines.yaml"), """
                apiVersion: workflow.dev/v1
                kind: PlatformWorkflow
                metadata:
                  name: many-lines
                  phase: deployment
                  owner: platform-team
                spec:
                  triggers: [manual]
                  steps:
                    - name: talk
                      type: exec
                      config:
                        command: ["seq", "-f", "line %g of a long history, padded to make each event about a hundred bytes", "1", "9000"]
                """);
        return root;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
