package io.innominatus.bench;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.config.DBOSConfig;
import dev.dbos.transact.workflow.Workflow;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.ExecutionEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * innominatus against a durable-workflow peer, DBOS Transact, on ONE embedded PostgreSQL with durable
 * commits ({@code synchronous_commit=on}, {@code fsync=on}): the same work (a 10-step workflow of no-op
 * steps, each step checkpointed before the next starts), at 1, 8 and 32 workflows in flight, in
 * interleaved rounds so that a slow moment of the shared machine hits both. Each system has a database
 * of its own in that server. Printed per load: completed workflows/s, step p50, and what a workflow costs
 * the database and the machine: statements ({@code pg_stat_statements}), WAL bytes and CPU (this JVM plus
 * the PostgreSQL processes).
 *
 * <p>The engine runs as {@link EngineBenchmark} wires it, once with completion seen through a commit
 * observer (the engine alone) and once with one watcher per execution reading its events to the end (as
 * the API works: RunWorkflow, then WatchExecution). DBOS runs its workflows in the caller's thread, its
 * fastest path.
 */
class DbosComparisonBenchmark {

    private static final int STEPS = 10;
    private static final int ROUNDS = 3;
    private static final int[] IN_FLIGHT = {1, 8, 32};
    private static final Duration WINDOW = Duration.ofSeconds(4);

    /** The DBOS side: a workflow of {@link #STEPS} no-op steps. */
    public interface TenSteps {
        int run();
    }

    /** Each step returns at once; the workflow records the time between consecutive checkpointed steps. */
    public static final class TenStepsImpl implements TenSteps {
        private final DBOS dbos;
        volatile Histogram stepGaps = new ConcurrentHistogram(3);

        TenStepsImpl(DBOS dbos) {
            this.dbos = dbos;
        }

        @Override
        @Workflow(name = "tenSteps")
        public int run() {
            long previous = System.nanoTime();
            for (int i = 1; i <= STEPS; i++) {
                dbos.runStep(() -> { }, "s" + i);
                long now = System.nanoTime();
                stepGaps.recordValue(Math.max(1, (now - previous) / 1000));
                previous = now;
            }
            return STEPS;
        }
    }

    /** One system under one load in one round. */
    record Sample(double perSecond, double stepP50Ms, double statements, double walBytes, double cpuMs,
            double postgresCpuMs, Map<String, Long> topStatements) {}

    /** Runs workflows back to back on {@code inFlight} threads for the window; returns how many completed. */
    interface Runner {
        void runOne() throws Exception;
    }

    @Test
    void againstDbos() throws Exception {
        BenchResults results = new BenchResults();
        try (EmbeddedPostgres postgres = BenchPostgres.durableCountingStatements()) {
            String settings = BenchPostgres.settings(postgres);
            results.note("postgresql_settings", settings);
            try (Connection admin = postgres.getPostgresDatabase().getConnection(); Statement s = admin.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                s.execute("CREATE DATABASE innominatus");
                s.execute("CREATE DATABASE dbos");
                s.execute("CREATE DATABASE service");
            }
            Database database = new Database(postgres);
            DBOS dbos = new DBOS(DBOSConfig.defaults("bench").withDatabaseUrl(postgres.getJdbcUrl("postgres", "dbos"))
                    .withDbUser("postgres").withDbPassword("postgres").withAdminServer(false));
            TenStepsImpl implementation = new TenStepsImpl(dbos);
            TenSteps workflows = dbos.registerProxy(TenSteps.class, implementation);
            dbos.launch();
            try (EngineBenchmark.Bench engine = new EngineBenchmark.Bench(BenchPostgres.url(postgres, "innominatus"),
                    "postgres", "postgres", 0)) {
                Map<String, CompletableFuture<Void>> ends = new ConcurrentHashMap<>();
                Set<String> ended = ConcurrentHashMap.newKeySet();
                Map<String, List<ExecutionEvent>> observed = new ConcurrentHashMap<>();
                engine.streams.observe((id, events) -> {
                    observed.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new ArrayList<>())).addAll(events);
                    if (events.stream().anyMatch(ExecutionEvent::endsRun)) {
                        ended.add(id);
                        CompletableFuture<Void> end = ends.remove(id);
                        if (end != null) {
                            end.complete(null);
                        }
                    }
                });
                List<DeploymentPlan> plans = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    plans.add(EngineBenchmark.plan("peer-" + UUID.randomUUID().toString().substring(0, 8), STEPS));
                }
                AtomicInteger next = new AtomicInteger();
                Histogram[] engineGaps = {new ConcurrentHistogram(3)};
                Runner engineAlone = () -> {
                    CompletableFuture<Void> end = new CompletableFuture<>();
                    String id = engine.submit(plans.get(next.getAndIncrement() % plans.size()));
                    // The end may have been observed before the id was known; either side completes the future.
                    ends.put(id, end);
                    if (ended.remove(id)) {
                        ends.remove(id);
                        end.complete(null);
                    }
                    end.get(2, TimeUnit.MINUTES);
                    ended.remove(id);
                    List<ExecutionEvent> events = observed.remove(id);
                    if (events != null) {
                        EngineBenchmark.recordStepGaps(events, engineGaps[0]);
                    }
                };
                Runner engineWatched = () -> {
                    String id = engine.submit(plans.get(next.getAndIncrement() % plans.size()));
                    EngineBenchmark.recordStepGaps(engine.awaitEnd(id), engineGaps[0]);
                    observed.remove(id);
                };
                Runner peer = workflows::run;
                Service service = Service.start(postgres);
                service.runChecked();
                Runner overGrpc = service::runOne;
                // Warm-up: both JITs, both pools, both schemas. The first watch on one thread alone: SmallRye's
                // context propagation initialises itself lazily and does not survive a race between threads.
                engineWatched.runOne();
                measure(database, "dbos", peer, 8, Duration.ofSeconds(3));
                measure(database, "innominatus", engineAlone, 8, Duration.ofSeconds(3));
                measure(database, "innominatus", engineWatched, 8, Duration.ofSeconds(3));
                // The service is a JVM of its own, started cold: its JIT needs longer than the in-process code.
                measure(database, "service", service::cpuNanos, overGrpc, 8, Duration.ofSeconds(15));

                Map<String, List<Sample>> samples = new LinkedHashMap<>();
                for (int round = 0; round < ROUNDS; round++) {
                    for (int inFlight : IN_FLIGHT) {
                        implementation.stepGaps = new ConcurrentHistogram(3);
                        samples.computeIfAbsent("dbos." + inFlight, k -> new ArrayList<>())
                                .add(withSteps(measure(database, "dbos", peer, inFlight, WINDOW), implementation.stepGaps));
                        engineGaps[0] = new ConcurrentHistogram(3);
                        samples.computeIfAbsent("engine." + inFlight, k -> new ArrayList<>())
                                .add(withSteps(measure(database, "innominatus", engineAlone, inFlight, WINDOW), engineGaps[0]));
                        engineGaps[0] = new ConcurrentHistogram(3);
                        samples.computeIfAbsent("watched." + inFlight, k -> new ArrayList<>())
                                .add(withSteps(measure(database, "innominatus", engineWatched, inFlight, WINDOW), engineGaps[0]));
                        samples.computeIfAbsent("grpc." + inFlight, k -> new ArrayList<>())
                                .add(measure(database, "service", service::cpuNanos, overGrpc, inFlight, WINDOW));
                        System.out.printf("round %d, %d in flight: dbos %.0f/s, engine %.0f/s, engine+watcher %.0f/s, "
                                + "service over gRPC %.0f/s%n", round + 1, inFlight, last(samples, "dbos." + inFlight).perSecond(),
                                last(samples, "engine." + inFlight).perSecond(),
                                last(samples, "watched." + inFlight).perSecond(), last(samples, "grpc." + inFlight).perSecond());
                        System.out.printf("  over gRPC: RunWorkflow p50 %.2f ms, then WatchExecution to the end p50 %.2f ms%n",
                                BenchResults.ms(service.runLatency, 50), BenchResults.ms(service.watchLatency, 50));
                        service.runLatency.reset();
                        service.watchLatency.reset();
                    }
                }
                service.close();
                report(results, samples);
            } finally {
                dbos.close();
            }
            results.write("innominatus against DBOS Transact 1.1.0-m6 (one PostgreSQL, durable commits)");
        }
    }

    private static Sample last(Map<String, List<Sample>> samples, String key) {
        List<Sample> list = samples.get(key);
        return list.get(list.size() - 1);
    }

    private static Sample withSteps(Sample sample, Histogram steps) {
        return new Sample(sample.perSecond(), BenchResults.ms(steps, 50), sample.statements(), sample.walBytes(),
                sample.cpuMs(), sample.postgresCpuMs(), sample.topStatements());
    }

    /** Closed loop: {@code inFlight} threads each run one workflow after another until the window closes. */
    private static Sample measure(Database database, String databaseName, Runner runner, int inFlight, Duration window)
            throws Exception {
        return measure(database, databaseName, Database::jvmCpuNanos, runner, inFlight, window);
    }

    private static Sample measure(Database database, String databaseName, java.util.function.LongSupplier processCpu,
            Runner runner, int inFlight, Duration window) throws Exception {
        Database.Snapshot before = database.snapshot(databaseName, processCpu);
        AtomicInteger completed = new AtomicInteger();
        long end = System.nanoTime() + window.toNanos();
        CountDownLatch done = new CountDownLatch(inFlight);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        for (int i = 0; i < inFlight; i++) {
            Thread worker = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        runner.runOne();
                        completed.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    done.countDown();
                }
            });
            worker.start();
        }
        done.await();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!failures.isEmpty()) {
            throw new AssertionError("a workflow failed", failures.get(0));
        }
        Database.Snapshot after = database.snapshot(databaseName, processCpu);
        int n = Math.max(1, completed.get());
        return new Sample(completed.get() / seconds, 0, (after.statements() - before.statements()) / (double) n,
                (after.walBytes() - before.walBytes()) / (double) n, (after.cpuNanos() - before.cpuNanos()) / 1e6 / n,
                (after.postgresCpuNanos() - before.postgresCpuNanos()) / 1e6 / n, after.topDelta(before, n));
    }

    private static void report(BenchResults results, Map<String, List<Sample>> samples) {
        StringBuilder table = new StringBuilder("\n| innominatus ÷ DBOS | 1 in flight | 8 | 32 |\n|---|---|---|---|\n");
        ratioRow(table, samples, "engine in-process, completed workflows/s", "engine", Sample::perSecond);
        ratioRow(table, samples, "engine in-process, step p50", "engine", Sample::stepP50Ms);
        ratioRow(table, samples, "engine with one watcher per execution, workflows/s", "watched", Sample::perSecond);
        ratioRow(table, samples, "service over gRPC (RunWorkflow + WatchExecution, 10 policy steps), workflows/s", "grpc",
                Sample::perSecond);
        ratioRow(table, samples, "statements per workflow (engine alone)", "engine", Sample::statements);
        ratioRow(table, samples, "WAL bytes per workflow (engine alone)", "engine", Sample::walBytes);
        ratioRow(table, samples, "CPU per workflow, process + PostgreSQL (engine alone / with watcher / service over gRPC)",
                "engine", Sample::cpuMs);
        table.append("\n| service over gRPC ÷ engine in-process | 1 in flight | 8 | 32 |\n|---|---|---|---|\n");
        for (String[] row : new String[][] {{"completed workflows/s", "perSecond"}, {"CPU per workflow (service or engine + "
                + "PostgreSQL)", "cpu"}}) {
            table.append("| ").append(row[0]).append(" |");
            for (int inFlight : IN_FLIGHT) {
                java.util.function.ToDoubleFunction<Sample> figure = row[1].equals("cpu") ? Sample::cpuMs : Sample::perSecond;
                table.append(String.format(" %.2f× |", median(samples.get("grpc." + inFlight), figure)
                        / median(samples.get("engine." + inFlight), figure)));
            }
            table.append('\n');
        }
        System.out.println(table);
        for (String key : samples.keySet()) {
            List<Sample> list = samples.get(key);
            String system = key.substring(0, key.indexOf('.'));
            String load = key.substring(key.indexOf('.') + 1);
            String who = switch (system) {
                case "dbos" -> "DBOS";
                case "engine" -> "innominatus engine";
                case "grpc" -> "innominatus service over gRPC";
                default -> "innominatus engine + one watcher per execution";
            };
            results.add("peer." + system + "_" + load + ".per_s", who + ", " + load + " in flight, completed workflows/s", "/s",
                    list.stream().mapToDouble(Sample::perSecond).toArray());
            if (!"grpc".equals(system)) { // the gRPC client sees no step times
                results.add("peer." + system + "_" + load + ".step_p50_ms", who + ", " + load + " in flight, step p50", "ms",
                        list.stream().mapToDouble(Sample::stepP50Ms).toArray());
            }
            results.add("peer." + system + "_" + load + ".statements", who + ", " + load + " in flight, statements per workflow",
                    "", list.stream().mapToDouble(Sample::statements).toArray());
            results.add("peer." + system + "_" + load + ".wal_bytes", who + ", " + load + " in flight, WAL bytes per workflow",
                    "B", list.stream().mapToDouble(Sample::walBytes).toArray());
            results.add("peer." + system + "_" + load + ".cpu_ms", who + ", " + load + " in flight, CPU per workflow (JVM + "
                    + "PostgreSQL)", "ms", list.stream().mapToDouble(Sample::cpuMs).toArray());
            results.add("peer." + system + "_" + load + ".postgres_cpu_ms", who + ", " + load + " in flight, of which "
                    + "PostgreSQL", "ms", list.stream().mapToDouble(Sample::postgresCpuMs).toArray());
        }
        for (int inFlight : IN_FLIGHT) {
            for (String system : List.of("engine", "watched", "grpc")) {
                double[] ratios = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    ratios[round] = samples.get(system + "." + inFlight).get(round).perSecond()
                            / samples.get("dbos." + inFlight).get(round).perSecond();
                }
                results.add("peer.ratio." + system + "_" + inFlight, ("engine".equals(system) ? "engine"
                        : "grpc".equals(system) ? "service over gRPC" : "engine + watcher") + " ÷ DBOS, completed workflows/s, " + inFlight + " in flight (same round)", "×", ratios);
            }
        }
        for (String system : List.of("dbos", "engine", "watched", "grpc")) {
            Sample sample = samples.get(system + ".8").get(ROUNDS - 1);
            System.out.println("statements per workflow, " + system + ", 8 in flight (last round):");
            sample.topStatements().forEach((query, calls) -> System.out.printf("  %6.1f  %s%n", calls / 100.0, query));
        }
    }

    private static void ratioRow(StringBuilder table, Map<String, List<Sample>> samples, String label, String system,
            java.util.function.ToDoubleFunction<Sample> figure) {
        table.append("| ").append(label).append(" |");
        for (int inFlight : IN_FLIGHT) {
            double ours = median(samples.get(system + "." + inFlight), figure);
            double theirs = median(samples.get("dbos." + inFlight), figure);
            String extra = label.startsWith("CPU") ? String.format(" / %.2f× / over gRPC %.2f×", median(samples.get("watched."
                    + inFlight), figure) / theirs, median(samples.get("grpc." + inFlight), figure) / theirs) : "";
            table.append(String.format(" %.2f× (%.3g vs %.3g)%s |", ours / theirs, ours, theirs, extra));
        }
        table.append('\n');
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> figure) {
        double[] values = samples.stream().mapToDouble(figure).sorted().toArray();
        return values[values.length / 2];
    }

    /**
     * The packaged service ({@code bench.innominatus.dir}, JDK 17, {@code -Xmx256m}) as its own process on
     * the same PostgreSQL, driven as deployment tooling drives it: RunWorkflow of {@code platform/ten-checks}
     * (ten policy checks of the Score file), then WatchExecution to the end.
     */
    static final class Service implements AutoCloseable {
        private static final String SCORE = "apiVersion: score.dev/v1b1\nmetadata:\n  name: %s\ncontainers:\n  main:\n"
                + "    image: busybox:1.36\n";
        /** Distinct applications, as for the engine: runs of one application in one environment wait for each other. */
        private final AtomicInteger applications = new AtomicInteger();
        private final BenchProcess process;
        private final io.grpc.ManagedChannel channel;
        private final io.innominatus.api.workflow.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub stub;

        private Service(BenchProcess process) {
            this.process = process;
            this.channel = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", process.port()).usePlaintext().build();
            this.stub = io.innominatus.api.workflow.v1.WorkflowServiceGrpc.newBlockingStub(channel);
        }

        static Service start(EmbeddedPostgres postgres) throws Exception {
            Path app = Path.of(System.getProperty("bench.innominatus.dir", "target/quarkus-app")).toAbsolutePath();
            Path catalog = Path.of("src/test/resources/catalogs/peer/admin-config.yaml").toAbsolutePath();
            BenchProcess process = BenchProcess.start(Path.of(System.getProperty("java.home")), app,
                    ServiceBenchmark.serviceFlags(),
                    Map.of("innominatus.admin-config", catalog.toString(),
                            "innominatus.data-dir", Files.createTempDirectory("innominatus-peer").toString(),
                            "quarkus.datasource.postgresql.jdbc.url", postgres.getJdbcUrl("postgres", "service"),
                            "quarkus.datasource.postgresql.username", "postgres",
                            "quarkus.datasource.postgresql.password", "postgres",
                            "innominatus.cluster.enabled", System.getProperty("bench.service.cluster", "true")),
                    Path.of("target/bench/service-peer.log").toAbsolutePath());
            process.awaitFirstResponse(BenchProcess.HEALTH_CHECK, 120);
            return new Service(process);
        }

        /** One workflow, checked to succeed: a workflow that failed fast would be counted as fast work. */
        void runChecked() {
            String id = runOne();
            var state = stub.getExecution(io.innominatus.api.workflow.v1.GetExecutionRequest.newBuilder().setExecutionId(id)
                    .build()).getExecution().getState();
            if (!state.name().endsWith("SUCCEEDED")) {
                throw new IllegalStateException("platform/ten-checks ended " + state + "; see target/bench/service-peer.log");
            }
        }

        /** Where a workflow's time goes over gRPC: the RunWorkflow answer, then the stream to its end. */
        final Histogram runLatency = new ConcurrentHistogram(3);
        final Histogram watchLatency = new ConcurrentHistogram(3);

        String runOne() {
            long start = System.nanoTime();
            String id = stub.withDeadlineAfter(30, TimeUnit.SECONDS).runWorkflow(io.innominatus.api.workflow.v1.RunWorkflowRequest
                    .newBuilder().setWorkflowId("platform/ten-checks").setScoreYaml(SCORE.formatted("peer-" + applications.incrementAndGet() % 4096))
                    .setEnvironment("development").build())
                    .getExecution().getExecutionId();
            var events = stub.withDeadlineAfter(60, TimeUnit.SECONDS).watchExecution(io.innominatus.api.workflow.v1
                    .WatchExecutionRequest.newBuilder().setExecutionId(id).build());
            long answered = System.nanoTime();
            events.forEachRemaining(event -> { });
            runLatency.recordValue(Math.max(1, (answered - start) / 1000));
            watchLatency.recordValue(Math.max(1, (System.nanoTime() - answered) / 1000));
            return id;
        }

        long cpuNanos() {
            return (long) (process.cpuMicros() * 1000);
        }

        /** The service's threads that used the most CPU so far, by thread name: where its time went. */
        void printBusiestThreads() {
            Map<String, Long> byName = new java.util.TreeMap<>();
            try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+$", "#");
                    byName.merge(name, BenchProcess.cpuTicks(BenchProcess.statFields(stat)) * 10L, Long::sum);
                }
            } catch (java.io.IOException e) {
                return;
            }
            System.out.println("service CPU by thread (ms since start):");
            byName.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(12)
                    .forEach(e -> System.out.printf("  %8d  %s%n", e.getValue(), e.getKey()));
        }

        @Override
        public void close() throws InterruptedException {
            printBusiestThreads();
            channel.shutdownNow();
            process.close();
        }
    }

    /** What the PostgreSQL server has done so far: statements per database, WAL written, CPU of its processes. */
    static final class Database {
        private final EmbeddedPostgres postgres;
        private final int postmaster;

        Database(EmbeddedPostgres postgres) throws Exception {
            this.postgres = postgres;
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                postmaster = parentOf(rs.getInt(1));
            }
        }

        record Snapshot(long statements, long walBytes, long cpuNanos, long postgresCpuNanos, Map<String, Long> calls) {
            /** The statements of the window, as hundredths of calls per workflow, most frequent first. */
            Map<String, Long> topDelta(Snapshot before, int workflows) {
                Map<String, Long> delta = new LinkedHashMap<>();
                calls.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue() - before.calls().getOrDefault(e.getKey(), 0L)))
                        .filter(e -> e.getValue() > 0)
                        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                        .limit(12)
                        .forEach(e -> delta.put(e.getKey(), e.getValue() * 100 / workflows));
                return delta;
            }
        }

        /** This JVM's CPU time, in nanoseconds. */
        static long jvmCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }

        /** @param processCpuNanos the CPU time of the process that runs the workflows (this JVM, or the service) */
        Snapshot snapshot(String databaseName, java.util.function.LongSupplier processCpuNanos) throws SQLException {
            long postgresCpu = postgresCpuNanos();
            long cpu = processCpuNanos.getAsLong() + postgresCpu;
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                long wal;
                try (ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint")) {
                    rs.next();
                    wal = rs.getLong(1);
                }
                Map<String, Long> calls = new LinkedHashMap<>();
                long total = 0;
                try (ResultSet rs = s.executeQuery("SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 110), sum(calls) "
                        + "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '" + databaseName
                        + "') GROUP BY 1")) {
                    while (rs.next()) {
                        calls.merge(rs.getString(1), rs.getLong(2), Long::sum);
                        total += rs.getLong(2);
                    }
                }
                return new Snapshot(total, wal, cpu, postgresCpu, calls);
            }
        }

        /** User + system time of the postmaster and its children, living or reaped, from /proc (clock ticks of 10 ms). */
        private long postgresCpuNanos() {
            long ticks = 0;
            try (var processes = Files.list(Path.of("/proc"))) {
                for (Path process : (Iterable<Path>) processes::iterator) {
                    String name = process.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    String[] fields = stat(Integer.parseInt(name));
                    if (fields != null && Integer.parseInt(name) == postmaster) {
                        // Its own time and that of the children it has reaped (backends that ended).
                        ticks += BenchProcess.cpuTicks(fields) + Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                    } else if (fields != null && Integer.parseInt(fields[1]) == postmaster) {
                        ticks += BenchProcess.cpuTicks(fields);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return ticks * 10_000_000L;
        }

        private static int parentOf(int pid) {
            return Integer.parseInt(stat(pid)[1]);
        }

        /** {@link BenchProcess#statFields} of a process, or null when it has ended. */
        private static String[] stat(int pid) {
            try {
                return BenchProcess.statFields(Files.readString(Path.of("/proc", Integer.toString(pid), "stat")));
            } catch (java.io.IOException e) {
                return null;
            }
        }
    }
}
