package io.innominatus.bench;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.innominatus.TestWorkflows;
import io.innominatus.execute.EngineServices;
import io.innominatus.execute.EventStreams;
import io.innominatus.execute.ExecutionEngine;
import io.innominatus.execute.StepLauncher;
import io.innominatus.execute.SystemScheduler;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.PlanAssembly;
import io.innominatus.model.ResolvedDeployment;
import io.innominatus.model.Tier;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.policy.PolicyEvaluator;
import io.innominatus.resolve.Resolver;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.store.JdbcExecutionStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The engine on its real store (embedded H2 file database and PostgreSQL), real threads and time, with
 * steps that do nothing, so that what is measured is the engine: per-step overhead, the time from
 * submission to the first step, and completed 10-step executions per second at saturation.
 */
class EngineBenchmark {

    private static final int RUNS = 3;
    private static final int STEPS = 10;
    private final BenchResults results = new BenchResults();

    /** Does nothing and succeeds: the cost of a step is the engine's alone. */
    static final class NoopExecutor implements StepExecutor {
        @Override
        public String type() {
            return "noop";
        }

        @Override
        public StepResult run(StepContext context, StepMode mode) {
            return StepResult.EMPTY;
        }
    }

    /** An engine wired as in production, on the given database. */
    static final class Bench implements AutoCloseable {
        final JdbcExecutionStore store;
        final ExecutionEngine engine;
        final SystemScheduler scheduler = new SystemScheduler();
        final ExecutorService engineThreads = Executors.newFixedThreadPool(8);
        final ExecutorService stepThreads = Executors.newCachedThreadPool();
        final AgroalDataSource dataSource;
        final EventStreams streams;

        Bench(String url, String user, String password, int maxConcurrent) throws Exception {
            dataSource = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(pool -> pool.maxSize(16).connectionFactoryConfiguration(factory -> factory
                            .jdbcUrl(url).principal(user == null ? null : new NamePrincipal(user))
                            .credential(password == null ? null : new SimplePassword(password)))));
            Flyway.configure().dataSource(dataSource).load().migrate();
            store = new JdbcExecutionStore(dataSource);
            streams = new EventStreams(store, engineThreads);
            StepLauncher noop = StepLauncher.onThreads(new NoopExecutor(), stepThreads);
            engine = new ExecutionEngine(new EngineServices(store, streams,
                    type -> type.equals("noop") ? Optional.of(noop) : Optional.empty(), scheduler, Clock.systemUTC(),
                    engineThreads, Duration.ofMillis(25)), () -> maxConcurrent);
        }

        String submit(DeploymentPlan plan) {
            return engine.submit(new ExecutionEngine.Submission(plan, "score", "bench", "", "", false)).execution().id();
        }

        List<ExecutionEvent> awaitEnd(String id) {
            return engine.watch(id, 0).collect().asList().await().atMost(Duration.ofMinutes(2));
        }

        @Override
        public void close() throws Exception {
            engine.shutdown();
            scheduler.close();
            engineThreads.shutdownNow();
            stepThreads.shutdownNow();
            dataSource.close();
        }
    }

    static DeploymentPlan plan(String application, int steps) {
        StringBuilder yaml = new StringBuilder("apiVersion: workflow.dev/v1\nkind: PlatformWorkflow\nmetadata: {name: bench, "
                + "phase: deployment, owner: bench}\nspec:\n  triggers: [all_deployments]\n  steps:\n");
        for (int i = 1; i <= steps; i++) {
            yaml.append("    - {name: s").append(i).append(", type: noop}\n");
        }
        WorkflowDefinition workflow = TestWorkflows.workflow(yaml.toString(), "platform/bench.yaml", null);
        ResolvedDeployment all = Resolver.resolveDeployment(new Resolver.DeploymentRequest(TestWorkflows.score(application,
                null), "development", List.of(workflow), List.of(), Map.of(), List.of(), false));
        ResolvedDeployment resolved = new ResolvedDeployment(all.kind(), all.context(), all.workflows().stream()
                .filter(w -> w.definition().tier() != Tier.APPLICATION).toList());
        return PlanAssembly.assemble(resolved, PolicyEvaluator.evaluate(resolved, TestWorkflows.permissive(), Set.of("noop")),
                "bench", null);
    }

    @Test
    void engineOnH2() throws Exception {
        String url = "jdbc:h2:file:" + Files.createTempDirectory("bench-h2").resolve("db")
                + ";WRITE_DELAY=0;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        measure("h2", () -> new Bench(url, null, null, 0), () -> new Bench(url, null, null, 32));
        results.write("Engine (embedded H2 file database)");
    }

    @Test
    void engineOnPostgresql() throws Exception {
        try (EmbeddedPostgres postgres = BenchPostgres.durable()) {
            results.note("postgresql_settings", BenchPostgres.settings(postgres));
            String url = BenchPostgres.url(postgres, "postgres");
            measure("postgresql", () -> new Bench(url, "postgres", "postgres", 0),
                    () -> new Bench(url, "postgres", "postgres", 32));
            results.write("Engine (PostgreSQL)");
        }
    }

    interface Factory {
        Bench create() throws Exception;
    }

    private void measure(String store, Factory unlimited, Factory saturated) throws Exception {
        double[] p50 = new double[RUNS];
        double[] p99 = new double[RUNS];
        double[] firstP50 = new double[RUNS];
        double[] firstP99 = new double[RUNS];
        double[] throughput = new double[RUNS];
        try (Bench bench = unlimited.create()) {
            warmUp(bench);
            for (int run = 0; run < RUNS; run++) {
                Histogram overhead = stepOverhead(bench, 40);
                p50[run] = BenchResults.ms(overhead, 50);
                p99[run] = BenchResults.ms(overhead, 99);
                Histogram first = submitToFirstStep(bench, 50, Duration.ofSeconds(8));
                firstP50[run] = BenchResults.ms(first, 50);
                firstP99[run] = BenchResults.ms(first, 99);
            }
        }
        double[] knee = new double[RUNS];
        try (Bench bench = saturated.create()) {
            warmUp(bench);
            for (int run = 0; run < RUNS; run++) {
                throughput[run] = completedPerSecond(bench, 300);
            }
            double saturation = median(throughput);
            for (int run = 0; run < RUNS; run++) {
                knee[run] = knee(bench, saturation, store);
            }
        }
        results.add("step_overhead_ms." + store + ".p50", "per-step engine overhead, no-op steps, " + store + ", p50", "ms", p50);
        results.add("step_overhead_ms." + store + ".p99", "per-step engine overhead, no-op steps, " + store + ", p99", "ms", p99);
        results.add("submit_to_first_step_ms." + store + ".p50", "submit → first step started at 50/s, " + store + ", p50",
                "ms", firstP50);
        results.add("submit_to_first_step_ms." + store + ".p99", "submit → first step started at 50/s, " + store + ", p99",
                "ms", firstP99);
        results.add("completed_executions_per_s." + store, "completed 10-step executions per second, " + store
                + " (saturated, 32 concurrent)", "/s", throughput);
        results.add("knee_executions_per_s." + store, "knee: lowest arrival rate where completion p99 > 10× unloaded p50, " + store
                + " (10-step executions)", "/s", knee);
    }

    private static void warmUp(Bench bench) {
        for (int i = 0; i < 30; i++) {
            bench.awaitEnd(bench.submit(plan("warm-" + i, STEPS)));
        }
    }

    /** Time between consecutive step completions of sequential no-op steps: everything the engine does per step. */
    private static Histogram stepOverhead(Bench bench, int executions) {
        Histogram histogram = new Histogram(3);
        for (int i = 0; i < executions; i++) {
            recordStepGaps(bench.awaitEnd(bench.submit(plan("overhead-" + UUID.randomUUID().toString().substring(0, 8),
                    STEPS))), histogram);
        }
        return histogram;
    }

    /** Records, in microseconds, the gaps between consecutive step ends of one execution, from the moment it ran. */
    static void recordStepGaps(List<ExecutionEvent> events, Histogram histogram) {
        Instant previous = null;
        for (ExecutionEvent event : events) {
            if (event.payload() instanceof EventPayload.StateChanged s && s.to() == ExecutionState.RUNNING) {
                previous = event.time();
            } else if (event.payload() instanceof EventPayload.StepFinished && previous != null) {
                histogram.recordValue(Math.max(1, Duration.between(previous, event.time()).toNanos() / 1000));
                previous = event.time();
            }
        }
    }

    /**
     * Submissions at a constant rate; latency counts from the intended submission time, so a slow
     * submission delays the measurement instead of hiding (no coordinated omission).
     */
    private static Histogram submitToFirstStep(Bench bench, int perSecond, Duration length) throws Exception {
        Histogram histogram = new Histogram(3);
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        int total = (int) (length.toSeconds() * perSecond);
        Map<String, Instant> intended = new ConcurrentHashMap<>();
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        List<DeploymentPlan> plans = plans("arrival", total);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        Instant start = Instant.now().plusMillis(50);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(total);
        for (int i = 0; i < total; i++) {
            Instant when = start.plusNanos(i * interval);
            DeploymentPlan plan = plans.get(i);
            clock.schedule(() -> {
                String id = bench.submit(plan);
                intended.put(id, when);
                ids.add(id);
                done.countDown();
            }, Math.max(0, Duration.between(Instant.now(), when).toNanos()), TimeUnit.NANOSECONDS);
        }
        done.await(length.toSeconds() + 60, TimeUnit.SECONDS);
        clock.shutdown();
        for (String id : ids) {
            for (ExecutionEvent event : bench.awaitEnd(id)) {
                if (event.payload() instanceof EventPayload.StepStarted) {
                    histogram.recordValue(Math.max(1, Duration.between(intended.get(id), event.time()).toNanos() / 1000));
                    break;
                }
            }
        }
        return histogram;
    }

    /** Arrival rates tried for the knee, as fractions of the saturated throughput. */
    private static final double[] KNEE_STEPS = {0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.25};

    /**
     * The knee of the latency curve: executions arrive at a constant rate, stepped up towards and past the
     * saturated throughput; for each rate the time from an execution's intended submission to its end.
     * Returns the lowest rate whose p99 exceeds ten times the p50 of the lightest load (the unloaded
     * median): past an overload the whole distribution moves, so p99 and p50 of the same rate rise
     * together and their ratio alone never marks the knee. The highest rate tried when none does.
     */
    private static double knee(Bench bench, double saturation, String store) throws Exception {
        double rate = 0;
        double unloadedP50 = 0;
        for (double step : KNEE_STEPS) {
            rate = Math.round(saturation * step);
            Map<String, Instant> intended = arrivals(bench, rate, Duration.ofSeconds(3));
            Histogram histogram = new Histogram(3);
            for (Map.Entry<String, Instant> entry : intended.entrySet()) {
                List<ExecutionEvent> events = bench.awaitEnd(entry.getKey());
                Instant end = events.get(events.size() - 1).time();
                histogram.recordValue(Math.max(1, Duration.between(entry.getValue(), end).toNanos() / 1000));
            }
            double p50 = BenchResults.ms(histogram, 50);
            double p99 = BenchResults.ms(histogram, 99);
            System.out.printf("knee %s: %.0f executions/s, completion p50 %.1f ms, p99 %.1f ms%n", store, rate, p50, p99);
            if (unloadedP50 == 0) {
                unloadedP50 = p50;
            } else if (p99 > 10 * unloadedP50) {
                return rate;
            }
        }
        return rate;
    }

    /** Submits 10-step executions at a constant rate; returns each execution's intended submission time. */
    private static Map<String, Instant> arrivals(Bench bench, double perSecond, Duration length) throws Exception {
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
        int total = (int) (length.toNanos() / interval);
        Map<String, Instant> intended = new ConcurrentHashMap<>();
        List<DeploymentPlan> plans = plans("knee", total);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        Instant start = Instant.now().plusMillis(50);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(total);
        for (int i = 0; i < total; i++) {
            Instant when = start.plusNanos(i * interval);
            DeploymentPlan plan = plans.get(i);
            clock.schedule(() -> {
                intended.put(bench.submit(plan), when);
                done.countDown();
            }, Math.max(0, Duration.between(Instant.now(), when).toNanos()), TimeUnit.NANOSECONDS);
        }
        done.await(length.toSeconds() + 60, TimeUnit.SECONDS);
        clock.shutdown();
        return intended;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Plans of distinct applications, made before the clock starts: what is measured is the engine, not planning. */
    private static List<DeploymentPlan> plans(String prefix, int count) {
        List<DeploymentPlan> plans = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            plans.add(plan(prefix + "-" + UUID.randomUUID().toString().substring(0, 8), STEPS));
        }
        return plans;
    }

    private static double completedPerSecond(Bench bench, int executions) {
        List<DeploymentPlan> plans = plans("load", executions);
        List<String> ids = new ArrayList<>();
        long started = System.nanoTime();
        for (DeploymentPlan plan : plans) {
            ids.add(bench.submit(plan));
        }
        for (String id : ids) {
            bench.awaitEnd(id);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return executions / seconds;
    }
}
