package io.innominatus.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.PlanDeploymentRequest;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.innominatus.api.workflow.v1.WatchExecutionResponse;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The packaged service ({@code target/quarkus-app}, JDK 17, default flags, embedded H2) as a separate
 * process, driven through real gRPC from this JVM: plan throughput, WatchExecution fan-out (with and
 * without a stalled subscriber), and GetExecution against an empty RPC on the same server.
 */
class ServiceBenchmark {

    private static final int RUNS = 3;
    private static final int SUBSCRIBERS = 1000;
    /** Subscribers share connections as clients behind a few proxies would; 50 streams per connection. */
    private static final int SUBSCRIBER_CHANNELS = 20;
    private static final String SCORE = "apiVersion: score.dev/v1b1\nmetadata:\n  name: %s\ncontainers:\n  main:\n"
            + "    image: busybox:1.36\n";

    private static final String BENCH_CATALOG = "src/test/resources/catalogs/bench/admin-config.yaml";

    private final BenchResults results = new BenchResults();
    private final Path app = Path.of(System.getProperty("bench.innominatus.dir", "target/quarkus-app")).toAbsolutePath();
    private final Path javaHome = Path.of(System.getProperty("java.home"));

    /**
     * The service's JVM flags: a bounded heap, as in a container (without one the JVM may take a quarter of
     * the machine's memory, and the RSS under load says more about that than about the service).
     * {@code -Dbench.service.flags="..."} replaces them, e.g. to add a flight recording.
     */
    static List<String> serviceFlags() {
        return List.of(System.getProperty("bench.service.flags", "-Xmx256m").trim().split("\\s+"));
    }

    private BenchProcess start(String adminConfig, String name) throws Exception {
        Path data = Files.createTempDirectory("innominatus-bench-" + name);
        BenchProcess service = BenchProcess.start(javaHome, app, serviceFlags(), Map.of("innominatus.admin-config",
                Path.of(adminConfig).toAbsolutePath().toString(), "innominatus.data-dir", data.toString()),
                Path.of("target/bench/service-" + name + ".log").toAbsolutePath());
        service.awaitFirstResponse(BenchProcess.HEALTH_CHECK, 120);
        return service;
    }

    /** PlanDeployment of the example ecommerce application against the bundled catalog. */
    @Test
    void planThroughput() throws Exception {
        String score = Files.readString(Path.of("workflows/examples/ecommerce-web.yaml"));
        PlanDeploymentRequest request = PlanDeploymentRequest.newBuilder().setScoreYaml(score).setEnvironment("development")
                .build();
        double[] throughput = new double[RUNS];
        double[] p50 = new double[RUNS];
        double[] p99 = new double[RUNS];
        double rate;
        try (BenchProcess service = start("admin-config.yaml", "plan")) {
            ManagedChannel channel = service.channel();
            try {
                var stub = WorkflowServiceGrpc.newFutureStub(channel);
                var plan = WorkflowServiceGrpc.newBlockingStub(channel).planDeployment(request).getPlan();
                assertTrue(plan.getAllowed() && plan.getPhasesCount() > 0, "the example plan must be allowed: " + plan);
                Supplier<ListenableFuture<?>> call = () -> stub.withDeadlineAfter(30, TimeUnit.SECONDS).planDeployment(request);
                Load.saturated(call, 4, Duration.ofSeconds(6));
                for (int run = 0; run < RUNS; run++) {
                    throughput[run] = Load.saturated(call, 4, Duration.ofSeconds(4));
                }
                // Latency at a constant arrival rate of half the saturated throughput: a busy, not overloaded, service.
                rate = Math.floor(median(throughput) / 2);
                for (int run = 0; run < RUNS; run++) {
                    Histogram latency = Load.constantRate(call, rate, Duration.ofSeconds(4));
                    p50[run] = BenchResults.ms(latency, 50);
                    p99[run] = BenchResults.ms(latency, 99);
                }
            } finally {
                channel.shutdownNow();
            }
        }
        results.add("plan_throughput.per_s", "PlanDeployment of the ecommerce example through gRPC, saturated (4 in flight)",
                "/s", throughput);
        results.add("plan_throughput.p50_ms", "PlanDeployment latency at " + (int) rate + "/s constant arrival, p50", "ms", p50);
        results.add("plan_throughput.p99_ms", "PlanDeployment latency at " + (int) rate + "/s constant arrival, p99", "ms", p99);
        results.note("plan_latency_arrival_per_s", rate);
        results.write("Planning (gRPC, bundled catalog)");
    }

    /**
     * 1,000 WatchExecution subscribers of one execution that logs a line every 50 ms; the latency from an
     * event's commit (its event_time, stamped as the commit starts) to its receipt by each subscriber. Then
     * the same with one more subscriber that stops reading after its first event.
     */
    @Test
    void fanOut() throws Exception {
        double[] p99 = new double[RUNS];
        double[] p50 = new double[RUNS];
        double[] stalledP99 = new double[RUNS];
        double[] stalledP50 = new double[RUNS];
        try (BenchProcess service = start(BENCH_CATALOG, "fanout")) {
            List<ManagedChannel> channels = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBER_CHANNELS; i++) {
                channels.add(NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().directExecutor()
                        .build());
            }
            ManagedChannel stalledChannel = NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext()
                    .flowControlWindow(1024).build();
            try {
                var blocking = WorkflowServiceGrpc.newBlockingStub(channels.get(0));
                // A first, smaller round warms both sides up.
                fanOut(blocking, channels, null, 100, "warm");
                for (int run = 0; run < RUNS; run++) {
                    Result plain = fanOut(blocking, channels, null, SUBSCRIBERS, "plain-" + run);
                    p50[run] = plain.p50;
                    p99[run] = plain.p99;
                    Result stalled = fanOut(blocking, channels, stalledChannel, SUBSCRIBERS, "stalled-" + run);
                    stalledP50[run] = stalled.p50;
                    stalledP99[run] = stalled.p99;
                }
            } finally {
                channels.forEach(ManagedChannel::shutdownNow);
                stalledChannel.shutdownNow();
            }
        }
        results.add("fanout_p99_ms", SUBSCRIBERS + " WatchExecution subscribers, event commit → receipt, p99", "ms", p99);
        results.add("fanout_p50_ms", SUBSCRIBERS + " WatchExecution subscribers, event commit → receipt, p50", "ms", p50);
        results.add("fanout_stalled_p99_ms", "the same with one more subscriber stalled, p99 of the others", "ms",
                stalledP99);
        results.add("fanout_stalled_p50_ms", "the same with one more subscriber stalled, p50 of the others", "ms",
                stalledP50);
        results.write("Streaming (gRPC, packaged service, JDK 17)");
    }

    /**
     * GetExecution of a finished execution (one step, 150 log lines) against {@code grpc.health.v1.Health/Check}
     * on the same server, alternating saturated runs; the RSS is sampled during GetExecution.
     */
    @Test
    void getExecutionVersusEmptyRpc() throws Exception {
        double[] ratio = new double[RUNS];
        double[] getRate = new double[RUNS];
        double[] emptyRate = new double[RUNS];
        double[] rss = new double[RUNS];
        double[] getCpu = new double[RUNS];
        double[] emptyCpu = new double[RUNS];
        try (BenchProcess service = start(BENCH_CATALOG, "get-execution")) {
            ManagedChannel channel = service.channel();
            String id;
            try {
                var blocking = WorkflowServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
                id = blocking.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/ticker")
                        .setScoreYaml(SCORE.formatted("reads")).setEnvironment("development").build()).getExecution()
                        .getExecutionId();
                blocking.watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(id).build())
                        .forEachRemaining(event -> {});
            } finally {
                channel.shutdownNow();
            }
            getExecutionVersusEmpty(service, id, ratio, getRate, emptyRate, rss, getCpu, emptyCpu);
        }
        results.add("get_execution_vs_empty_rpc_ratio", "GetExecution rate ÷ grpc.health.v1 Health/Check rate, same server",
                "×", ratio);
        results.add("get_execution_per_s", "GetExecution, saturated (2 connections × 8 in flight)", "/s", getRate);
        results.add("empty_rpc_per_s", "Health/Check (empty unary RPC), saturated (2 connections × 8 in flight)", "/s",
                emptyRate);
        results.add("get_execution_server_cpu_us", "service CPU time per GetExecution", "µs", getCpu);
        results.add("empty_rpc_server_cpu_us", "service CPU time per Health/Check", "µs", emptyCpu);
        results.add("rss_under_load_mb", "service RSS under GetExecution load (max; -Xmx256m)", "MiB", rss);
        results.write("Reads (gRPC, packaged service, JDK 17)");
    }

    record Result(String executionId, double p50, double p99) {}

    private static Result fanOut(WorkflowServiceGrpc.WorkflowServiceBlockingStub blocking, List<ManagedChannel> channels,
            ManagedChannel stalledChannel, int subscribers, String name) throws Exception {
        String id = blocking.withDeadlineAfter(30, TimeUnit.SECONDS).runWorkflow(RunWorkflowRequest.newBuilder()
                .setWorkflowId("platform/ticker").setScoreYaml(SCORE.formatted("fanout-" + name))
                .setEnvironment("development").build()).getExecution().getExecutionId();
        WatchExecutionRequest request = WatchExecutionRequest.newBuilder().setExecutionId(id).build();
        Histogram latency = new ConcurrentHistogram(3);
        AtomicInteger subscribed = new AtomicInteger();
        AtomicLong allSubscribedMicros = new AtomicLong(Long.MAX_VALUE);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(subscribers);
        AtomicLong ticks = new AtomicLong();
        for (int i = 0; i < subscribers; i++) {
            ManagedChannel channel = channels.get(i % channels.size());
            ClientCalls.asyncServerStreamingCall(channel.newCall(WorkflowServiceGrpc.getWatchExecutionMethod(),
                    CallOptions.DEFAULT.withDeadlineAfter(3, TimeUnit.MINUTES)), request, new StreamObserver<>() {
                        private boolean first = true;

                        @Override
                        public void onNext(WatchExecutionResponse response) {
                            long now = micros(Instant.now());
                            if (first) {
                                first = false;
                                if (subscribed.incrementAndGet() == subscribers) {
                                    allSubscribedMicros.set(now);
                                }
                            }
                            ExecutionEvent event = response.getEvent();
                            if (event.hasStepLog() && event.getStepLog().getLine().startsWith("tick")) {
                                long committed = event.getEventTime().getSeconds() * 1_000_000L
                                        + event.getEventTime().getNanos() / 1000;
                                if (committed > allSubscribedMicros.get()) {
                                    latency.recordValue(Math.max(1, now - committed));
                                    ticks.incrementAndGet();
                                }
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            failure.compareAndSet(null, t);
                            ended.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            ended.countDown();
                        }
                    });
        }
        AtomicReference<ClientCallStreamObserver<WatchExecutionRequest>> stalledCall = new AtomicReference<>();
        AtomicInteger stalledReceived = new AtomicInteger();
        if (stalledChannel != null) {
            ClientCalls.asyncServerStreamingCall(stalledChannel.newCall(WorkflowServiceGrpc.getWatchExecutionMethod(),
                    CallOptions.DEFAULT), request, new ClientResponseObserver<WatchExecutionRequest, WatchExecutionResponse>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<WatchExecutionRequest> call) {
                            stalledCall.set(call);
                            // One message, then never another: the server's flow-control window to it fills up.
                            call.disableAutoRequestWithInitial(1);
                        }

                        @Override
                        public void onNext(WatchExecutionResponse value) {
                            stalledReceived.incrementAndGet();
                        }

                        @Override
                        public void onError(Throwable t) {}

                        @Override
                        public void onCompleted() {}
                    });
        }
        boolean done = ended.await(3, TimeUnit.MINUTES);
        if (stalledCall.get() != null) {
            stalledCall.get().cancel("benchmark over", null);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a subscriber failed", failure.get());
        }
        assertTrue(done, "subscribers did not all see the end of execution " + id);
        // Every subscriber must have seen (nearly) every tick after all had subscribed.
        assertTrue(ticks.get() >= subscribers * 100L, "too few events were received: " + ticks.get());
        System.out.printf("fan-out %s: %d subscribers, %d tick events received, p50 %.2f ms, p99 %.2f ms, max %.2f ms%s%n",
                name, subscribers, ticks.get(), BenchResults.ms(latency, 50), BenchResults.ms(latency, 99),
                latency.getMaxValue() / 1000.0, stalledChannel == null ? "" : ", stalled subscriber received "
                        + stalledReceived.get());
        return new Result(id, BenchResults.ms(latency, 50), BenchResults.ms(latency, 99));
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
    }

    /** Alternating saturated runs of GetExecution and Health/Check; the RSS is sampled during GetExecution. */
    private static void getExecutionVersusEmpty(BenchProcess service, String executionId, double[] ratio, double[] getRate,
            double[] emptyRate, double[] rss, double[] getCpu, double[] emptyCpu) throws Exception {
        List<ManagedChannel> channels = List.of(service.channel(), service.channel());
        try {
            // Both calls as raw bytes: the client neither builds nor parses messages, so that on this 2-core machine
            // as much CPU as possible is left to the server, and both calls cost the client the same.
            byte[] request = GetExecutionRequest.newBuilder().setExecutionId(executionId).build().toByteArray();
            var getMethod = BenchProcess.rawUnary(WorkflowServiceGrpc.getGetExecutionMethod().getFullMethodName());
            byte[] response = ClientCalls.blockingUnaryCall(channels.get(0), getMethod, CallOptions.DEFAULT, request);
            System.out.printf("GetExecution response: %d bytes%n", response.length);
            AtomicInteger turn = new AtomicInteger();
            Supplier<ListenableFuture<?>> get = () -> ClientCalls.futureUnaryCall(channels.get(turn.incrementAndGet() % 2)
                    .newCall(getMethod, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)), request);
            Supplier<ListenableFuture<?>> empty = () -> ClientCalls.futureUnaryCall(channels.get(turn.incrementAndGet() % 2)
                    .newCall(BenchProcess.HEALTH_CHECK, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
                    new byte[0]);
            Load.saturated(get, 16, Duration.ofSeconds(4));
            Load.saturated(empty, 16, Duration.ofSeconds(4));
            for (int run = 0; run < ratio.length; run++) {
                double cpu = service.cpuMicros();
                long calls = Math.round(emptyRate[run] = Load.saturated(empty, 16, Duration.ofSeconds(3)));
                emptyCpu[run] = (service.cpuMicros() - cpu) / (calls * 3.0);
                cpu = service.cpuMicros();
                AtomicReference<Double> maxRss = new AtomicReference<>(0.0);
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        maxRss.accumulateAndGet(service.rssMb(), Math::max);
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.start();
                getRate[run] = Load.saturated(get, 16, Duration.ofSeconds(3));
                getCpu[run] = (service.cpuMicros() - cpu) / (getRate[run] * 3.0);
                sampler.interrupt();
                sampler.join();
                rss[run] = maxRss.get();
                ratio[run] = getRate[run] / emptyRate[run];
            }
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
