package io.innominatus.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.innominatus.execute.ClusterOptions;
import io.innominatus.execute.EngineServices;
import io.innominatus.execute.EventStreams;
import io.innominatus.execute.ExecutionEngine;
import io.innominatus.execute.StepLauncher;
import io.innominatus.execute.SystemScheduler;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.store.PostgresClusterStore;
import io.smallrye.mutiny.Uni;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Completed executions per second with one and with two replicas on the same PostgreSQL. Each replica
 * is an engine as in production (its own connection pool, lease, change listener and threads, cluster-wide
 * admission through the store) with steps that do nothing, so that what is measured is the engines and
 * the store. The replicas share this JVM and the machine's cores with PostgreSQL: on a small machine the
 * second replica adds coordination, not CPU; the figure shows what coordinating through the store costs.
 *
 * <p>Figures go to {@code target/bench/scale-results.json} (same shape as {@code results.json}: key →
 * median, min, max, unit) and {@code target/bench/scale-results.md}.
 */
class ScaleBenchmark {

    static final Path FILE = Path.of("target/bench/scale-results.json");
    private static final int RUNS = 3;
    private static final int STEPS = 10;
    private static final int EXECUTIONS = 200;
    private static final int MAX_CONCURRENT = 32;

    /** One replica, wired as in production on PostgreSQL with the default lease settings. */
    static final class Replica implements AutoCloseable {
        final AgroalDataSource pool;
        final ExecutionEngine engine;
        final SystemScheduler scheduler = new SystemScheduler();
        final ExecutorService engineThreads = Executors.newFixedThreadPool(8);
        final ExecutorService stepThreads = Executors.newCachedThreadPool();

        Replica(EmbeddedPostgres postgres, String name) throws SQLException {
            String url = BenchPostgres.url(postgres, "postgres");
            pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(p -> p.maxSize(16).connectionFactoryConfiguration(f -> f.jdbcUrl(url)
                            .principal(new NamePrincipal("postgres")).credential(new SimplePassword("postgres")))));
            PostgresClusterStore store = new PostgresClusterStore(pool, () -> listener(url));
            StepLauncher noop = StepLauncher.onThreads(new EngineBenchmark.NoopExecutor(), stepThreads);
            engine = new ExecutionEngine(new EngineServices(store, new EventStreams(store, engineThreads),
                    type -> type.equals("noop") ? Optional.of(noop) : Optional.empty(), scheduler, Clock.systemUTC(),
                    engineThreads, Duration.ofMillis(25)), () -> MAX_CONCURRENT,
                    new ClusterOptions(name, Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ofSeconds(2), 32,
                            () -> "bench"));
            engine.recover();
        }

        private static Connection listener(String url) throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            properties.setProperty("password", "postgres");
            return new org.postgresql.Driver().connect(url, properties);
        }

        String submit(DeploymentPlan plan) {
            return engine.submit(new ExecutionEngine.Submission(plan, "score", "bench", "", "", false)).execution().id();
        }

        List<ExecutionEvent> awaitEnd(String id) {
            return engine.watch(id, 0).collect().asList().await().atMost(Duration.ofMinutes(3));
        }

        @Override
        public void close() {
            engine.shutdown();
            scheduler.close();
            engineThreads.shutdownNow();
            stepThreads.shutdownNow();
            pool.close();
        }
    }

    private final Map<String, double[]> figures = new java.util.LinkedHashMap<>();
    private String settings = "";

    @Test
    void completedExecutionsPerSecondWithOneAndTwoReplicas() throws Exception {
        // Outside Quarkus, Mutiny sets up context propagation on first use; doing that from many engine
        // threads at once fails ("ContextManagerProvider already set"), so it happens here, once.
        Uni.createFrom().item(0).subscribe().with(ignored -> { });
        try (EmbeddedPostgres postgres = BenchPostgres.durable()) {
            settings = BenchPostgres.settings(postgres);
            for (int replicas = 1; replicas <= 2; replicas++) {
                Flyway.configure().dataSource(postgres.getPostgresDatabase()).cleanDisabled(false).load().clean();
                Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();
                List<Replica> cluster = new ArrayList<>();
                try {
                    for (int i = 0; i < replicas; i++) {
                        cluster.add(new Replica(postgres, "bench-r" + i));
                    }
                    completedPerSecond(cluster, 60);
                    double[] runs = new double[RUNS];
                    for (int run = 0; run < RUNS; run++) {
                        runs[run] = completedPerSecond(cluster, EXECUTIONS);
                    }
                    figures.put("completed_executions_per_s.postgresql_replicas_" + replicas, runs);
                } finally {
                    cluster.forEach(Replica::close);
                }
            }
        }
        write();
    }

    /**
     * Submits the executions round-robin to the replicas and waits for every one to end (watched on the
     * replica it was submitted to, wherever it ran).
     */
    private static double completedPerSecond(List<Replica> cluster, int executions) {
        List<String> ids = new ArrayList<>();
        List<Replica> submittedTo = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < executions; i++) {
            Replica replica = cluster.get(i % cluster.size());
            ids.add(replica.submit(EngineBenchmark.plan("load-" + UUID.randomUUID().toString().substring(0, 8), STEPS)));
            submittedTo.add(replica);
        }
        for (int i = 0; i < ids.size(); i++) {
            submittedTo.get(i).awaitEnd(ids.get(i));
        }
        return executions / ((System.nanoTime() - started) / 1e9);
    }

    /** Writes the figures (median of the runs, with their spread) as JSON and as a markdown table. */
    private void write() throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        StringBuilder table = new StringBuilder("\n### Scale-out (replicas on one PostgreSQL)\n\npostgresql_settings: "
                + settings + "\n\n| figure | key | median | spread (min–max) |\n|---|---|---|---|\n");
        root.put("postgresql_settings", settings);
        figures.forEach((key, runs) -> {
            double[] sorted = runs.clone();
            Arrays.sort(sorted);
            String[] path = key.split("\\.");
            ObjectNode node = root.has(path[0]) ? (ObjectNode) root.get(path[0]) : root.putObject(path[0]);
            ObjectNode value = node.putObject(path[1]);
            value.put("median", round(sorted[sorted.length / 2]));
            value.put("min", round(sorted[0]));
            value.put("max", round(sorted[sorted.length - 1]));
            value.put("unit", "/s");
            String replicas = key.substring(key.lastIndexOf('_') + 1);
            table.append("| completed ").append(STEPS).append("-step executions per second, ").append(replicas)
                    .append(replicas.equals("1") ? " replica" : " replicas").append(" on one PostgreSQL (")
                    .append(MAX_CONCURRENT).append(" concurrent cluster-wide) | `").append(key).append("` | ")
                    .append(String.format("%.1f", sorted[sorted.length / 2])).append(" /s | ")
                    .append(String.format("%.1f–%.1f", sorted[0], sorted[sorted.length - 1])).append(" |\n");
        });
        root.put("machine_cores", Runtime.getRuntime().availableProcessors());
        Files.createDirectories(FILE.getParent());
        json.writeValue(FILE.toFile(), root);
        Files.writeString(FILE.resolveSibling("scale-results.md"), table.toString());
        System.out.println(table);
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
