package io.innominatus.execute;

import static io.innominatus.execute.EngineHarness.plan;
import static io.innominatus.execute.EngineHarness.workflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.store.ClusterStore;
import io.innominatus.store.PostgresClusterStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several engines (replicas) in one JVM on one real PostgreSQL, each with its own connection pool,
 * lease, listener and threads: claims, cluster-wide limits, cross-replica watching, commands on another
 * replica, and a replica cut off from the store being fenced off while another takes its work over.
 */
class ReplicasTest {

    private static final Duration LEASE = Duration.ofSeconds(1);
    private static EmbeddedPostgres postgres;
    private final Gate gate = new Gate();
    private final List<Replica> replicas = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        // Mutiny's context propagation sets its provider up on first use; without Quarkus two engine threads
        // doing that at once race ("ContextManagerProvider already set"), so it is set up here, on one thread.
        io.smallrye.mutiny.Uni.createFrom().completionStage(java.util.concurrent.CompletableFuture.completedFuture(1))
                .await().indefinitely();
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void freshSchema() {
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).cleanDisabled(false).load().clean();
        Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(Replica::close);
    }

    // ---- the replicas --------------------------------------------------------------------------

    /** Steps that wait for the test (when told to), recording which replica ran which attempt. */
    static final class Gate {
        record Call(String replica, String executionId, String step, int attempt, String idempotencyKey) {}

        final List<Call> calls = new CopyOnWriteArrayList<>();
        final Map<String, CompletableFuture<StepResult>> held = new ConcurrentHashMap<>();
        final Set<String> cancelled = ConcurrentHashMap.newKeySet();
        volatile boolean hold;

        StepLauncher on(String replica) {
            return (context, mode) -> {
                calls.add(new Call(replica, context.executionId(), context.step(), context.attempt(),
                        context.idempotencyKey()));
                if (!hold) {
                    return CompletableFuture.completedFuture(StepResult.EMPTY);
                }
                CompletableFuture<StepResult> result = new CompletableFuture<>();
                held.put(context.idempotencyKey(), result);
                context.cancellation().onCancel(() -> {
                    cancelled.add(context.idempotencyKey());
                    result.completeExceptionally(new StepFailure("stopped"));
                });
                return result;
            };
        }

        void releaseAll() {
            hold = false;
            held.keySet().forEach(this::release);
        }

        void release(String idempotencyKey) {
            CompletableFuture<StepResult> step = held.remove(idempotencyKey);
            if (step != null) {
                step.complete(StepResult.EMPTY);
            }
        }

        List<Call> of(String executionId) {
            return calls.stream().filter(c -> c.executionId().equals(executionId)).toList();
        }
    }

    /** A data source that can be cut off, as a replica that loses its network to the database. */
    static final class Switchable implements DataSource {
        final AgroalDataSource pool;
        final List<Connection> listening = new CopyOnWriteArrayList<>();
        volatile boolean down;

        Switchable(AgroalDataSource pool) {
            this.pool = pool;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down) {
                throw new SQLException("the database cannot be reached (cut off by the test)", "08001");
            }
            return pool.getConnection();
        }

        Connection listenerConnection() throws SQLException {
            if (down) {
                throw new SQLException("the database cannot be reached (cut off by the test)", "08001");
            }
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            properties.setProperty("password", "postgres");
            Connection connection = new org.postgresql.Driver().connect(postgres.getJdbcUrl("postgres", "postgres"), properties);
            listening.add(connection);
            return connection;
        }

        void cut() {
            down = true;
            for (Connection connection : listening) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // closed either way
                }
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    /** One replica: its own pool, store, streams, threads and engine, as in a separate process. */
    final class Replica implements AutoCloseable {
        final String name;
        final Switchable database;
        final PostgresClusterStore store;
        final ExecutionEngine engine;
        final SystemScheduler scheduler = new SystemScheduler();
        final ExecutorService engineThreads = Executors.newFixedThreadPool(4);

        Replica(String name, int maxConcurrent) {
            this.name = name;
            database = new Switchable(pool());
            store = new PostgresClusterStore(database, database::listenerConnection);
            StepLauncher steps = gate.on(name);
            EngineServices services = new EngineServices(store, new EventStreams(store, engineThreads),
                    type -> Optional.of(steps), scheduler, Clock.systemUTC(), engineThreads, Duration.ofMillis(20));
            engine = new ExecutionEngine(services, () -> maxConcurrent, new ClusterOptions(name, LEASE,
                    Duration.ofMillis(200), Duration.ofMillis(200), 8, () -> "catalog-of-" + name));
            engine.recover();
            replicas.add(this);
        }

        private static AgroalDataSource pool() {
            try {
                return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                        .connectionPoolConfiguration(pool -> pool.maxSize(8).acquisitionTimeout(Duration.ofSeconds(5))
                                .connectionFactoryConfiguration(factory -> factory.jdbcUrl(postgres.getJdbcUrl("postgres",
                                        "postgres")).principal(new NamePrincipal("postgres"))
                                        .credential(new SimplePassword("postgres")))));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        Execution submit(DeploymentPlan plan, String requester) {
            return engine.submit(new ExecutionEngine.Submission(plan, "score", requester, "", "", false)).execution();
        }

        String lease() {
            return engine.clusterStatus().orElseThrow().replicas().stream()
                    .filter(r -> r.replicaId().equals(name) && r.live()).findFirst().orElseThrow().leaseId();
        }

        @Override
        public void close() {
            database.down = false;
            engine.shutdown();
            scheduler.close();
            engineThreads.shutdownNow();
            database.pool.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("gave up waiting: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static DeploymentPlan steps(String application, boolean approval, int count) {
        StringBuilder yaml = new StringBuilder("  steps:\n");
        for (int i = 1; i <= count; i++) {
            yaml.append("    - {name: s").append(i).append(", type: fake}\n");
        }
        WorkflowDefinition w = workflow("deploy", "deployment", yaml.toString());
        return plan(application, "development", approval, null, w);
    }

    private Execution stored(String id) {
        return bareStore().find(id).orElseThrow();
    }

    private List<ExecutionEvent> events(String id) {
        return bareStore().events(id, 0, 100_000, null);
    }

    private ClusterStore.Owned owned(String id) {
        return bareStore().findOwned(id).orElseThrow();
    }

    private Replica owner(String id) {
        String lease = owned(id).ownerLease();
        return replicas.stream().filter(r -> r.lease().equals(lease)).findFirst().orElseThrow();
    }

    private long running() {
        return bareStore().list(new io.innominatus.store.ExecutionStore.Query(null, null, ExecutionState.RUNNING),
                1000, "").executions().size();
    }

    /** Complete, gap-free, one claim and one end: what every execution's history must look like. */
    private void assertCompleteHistory(String id) {
        Execution e = stored(id);
        List<ExecutionEvent> events = events(id);
        assertEquals(LongStream.rangeClosed(1, e.lastSequence()).boxed().toList(),
                events.stream().map(ExecutionEvent::sequence).toList(), id + ": gaps in the history");
        assertEquals(1, events.stream().filter(ev -> ev.payload() instanceof EventPayload.StateChanged s
                && s.to() == ExecutionState.RUNNING).count(), id + ": started more than once");
        for (var step : e.steps()) {
            assertEquals(1, events.stream().filter(ev -> ev.payload() instanceof EventPayload.StepFinished f
                    && f.step().equals(step.step())).count(), id + "/" + step.step() + " finished more than once");
        }
    }

    // ---- tests ---------------------------------------------------------------------------------

    @Test
    void claimsAreExclusiveAndLimitsHoldAcrossReplicas() {
        Replica a = new Replica("a", 3);
        Replica b = new Replica("b", 3);
        gate.hold = true;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // Four deployments of one application: they must run one after another, whichever replica takes them.
            String application = i % 3 == 0 ? "shared" : "app-" + i;
            ids.add((i % 2 == 0 ? a : b).submit(steps(application, false, 2), "alice").id());
        }
        await("three executions running", () -> running() == 3 && gate.held.size() == 3);
        assertEquals(3, running(), "maxConcurrentWorkflows holds across replicas");
        assertTrue(ids.stream().map(this::stored).filter(e -> e.state() == ExecutionState.RUNNING
                && e.application().equals("shared")).count() <= 1);
        // Let the executions through one step at a time, checking the limit on every round.
        Instant deadline = Instant.now().plusSeconds(60);
        while (ids.stream().map(this::stored).anyMatch(e -> !e.state().terminal())) {
            assertTrue(Instant.now().isBefore(deadline), "the executions did not finish");
            assertTrue(running() <= 3, "more than three executions running");
            gate.held.keySet().stream().findFirst().ifPresent(gate::release);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<String, Instant> starts = new HashMap<>();
        Map<String, Instant> ends = new HashMap<>();
        for (String id : ids) {
            assertEquals(ExecutionState.SUCCEEDED, stored(id).state());
            assertCompleteHistory(id);
            for (ExecutionEvent event : events(id)) {
                if (event.payload() instanceof EventPayload.StateChanged s && s.to() == ExecutionState.RUNNING) {
                    starts.put(id, event.time());
                } else if (event.payload() instanceof EventPayload.StateChanged s && s.to().terminal()) {
                    ends.put(id, event.time());
                }
            }
        }
        // Replayed from the recorded times: never more than three at once, never two of "shared".
        for (String id : ids) {
            Instant t = starts.get(id);
            List<String> overlapping = ids.stream().filter(o -> !starts.get(o).isAfter(t) && ends.get(o).isAfter(t)).toList();
            assertTrue(overlapping.size() <= 3, "running together: " + overlapping);
            assertTrue(overlapping.stream().filter(o -> stored(o).application().equals("shared")).count() <= 1,
                    "two deployments of one application ran together: " + overlapping);
        }
        Set<String> claimers = new java.util.HashSet<>();
        gate.calls.forEach(c -> claimers.add(c.replica()));
        assertEquals(Set.of("a", "b"), claimers, "both replicas ran executions");
    }

    @Test
    void aWatcherOnOneReplicaFollowsAnExecutionDrivenByAnother() {
        Replica a = new Replica("a", 0);
        Replica b = new Replica("b", 0);
        gate.hold = true;
        Execution e = a.submit(steps("shop", false, 3), "alice");
        await("the first step runs", () -> gate.held.size() == 1);
        Replica driver = owner(e.id());
        Replica other = driver == a ? b : a;
        CompletableFuture<List<ExecutionEvent>> watched = other.engine.watch(e.id(), 0).collect().asList()
                .subscribeAsCompletionStage();
        for (int step = 1; step <= 3; step++) {
            int expected = step;
            await("step " + step + " runs", () -> gate.calls.size() == expected && gate.held.size() == 1);
            gate.release(gate.calls.get(step - 1).idempotencyKey());
        }
        List<ExecutionEvent> seen = watched.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
        assertEquals(events(e.id()), seen, "the watcher saw the complete history, in order");
        assertTrue(seen.get(seen.size() - 1).payload() instanceof EventPayload.StateChanged s
                && s.to() == ExecutionState.SUCCEEDED);
        assertTrue(gate.calls.stream().allMatch(c -> c.replica().equals(driver.name)), "one replica drove it");
        assertEquals(ExecutionState.SUCCEEDED, other.store.find(e.id()).orElseThrow().state());
        assertTrue(other.store.findInMemory(e.id()).isEmpty() && driver.store.findInMemory(e.id()).isEmpty(),
                "a store that replicas share never answers from memory: another replica may have written since");
    }

    @Test
    void aCancellationOnAnotherReplicaStopsTheOwnersStep() {
        Replica a = new Replica("a", 0);
        Replica b = new Replica("b", 0);
        gate.hold = true;
        Execution e = b.submit(steps("shop", false, 2), "alice");
        await("the first step runs", () -> gate.held.size() == 1);
        Replica driver = owner(e.id());
        Replica other = driver == a ? b : a;
        Execution cancelled = other.engine.cancel(e.id(), "bob", "wrong version").join();
        assertEquals(ExecutionState.CANCELLED, cancelled.state());
        String key = gate.calls.get(0).idempotencyKey();
        await("the owner stops the running step", () -> gate.cancelled.contains(key));
        assertEquals(ExecutionState.CANCELLED, stored(e.id()).state());
        assertEquals(null, owned(e.id()).ownerLease(), "an ended execution has no owner");
        assertEquals(1, gate.calls.size(), "nothing ran after the cancellation");
        assertEquals(0, driver.engine.runningCount());
    }

    @Test
    void anApprovalOnAnotherReplicaStartsTheExecution() {
        Replica a = new Replica("a", 0);
        Replica b = new Replica("b", 0);
        Execution e = a.submit(steps("shop", true, 2), "alice");
        assertEquals(ExecutionState.AWAITING_APPROVAL, stored(e.id()).state());
        b.engine.approve(e.id(), "bob", "", e.plan().planDigest(), "ok", true).join();
        await("the approved execution ends", () -> stored(e.id()).state().terminal());
        assertEquals(ExecutionState.SUCCEEDED, stored(e.id()).state());
        assertEquals("bob", stored(e.id()).approvedBy());
        assertCompleteHistory(e.id());
    }

    @Test
    void aReplicaCutOffFromTheStoreStopsAndAnotherTakesItsExecutionsOver() {
        Replica a = new Replica("a", 0);
        gate.hold = true;
        Execution e = a.submit(steps("shop", false, 2), "alice");
        await("the first step runs on a", () -> gate.held.size() == 1);
        Replica b = new Replica("b", 0);
        String firstAttempt = gate.calls.get(0).idempotencyKey();
        assertEquals("a", gate.calls.get(0).replica());

        a.database.cut();
        await("b runs the interrupted step again", () -> gate.of(e.id()).size() == 2);
        Gate.Call rerun = gate.of(e.id()).get(1);
        assertEquals("b", rerun.replica());
        assertEquals(2, rerun.attempt());
        assertNotEquals(firstAttempt, rerun.idempotencyKey(), "every attempt has its own idempotency key");
        await("a stops its own attempt once its lease has run out", () -> gate.cancelled.contains(firstAttempt));
        gate.releaseAll();
        await("the execution ends", () -> stored(e.id()).state().terminal());
        assertEquals(ExecutionState.SUCCEEDED, stored(e.id()).state());
        assertCompleteHistory(e.id());
        assertTrue(events(e.id()).stream().anyMatch(ev -> ev.payload() instanceof EventPayload.StepLog log
                && log.line().equals("attempt 1 was interrupted: replica a stopped, replica b took the execution over; "
                        + "the step runs again")), "the history says why the step ran again");

        // Back on the network, a takes a new lease and works again.
        a.database.down = false;
        await("a holds a new lease", () -> a.engine.clusterStatus().orElseThrow().leaseHeld());
        Execution later = a.submit(steps("other", false, 1), "alice");
        await("the new execution ends", () -> stored(later.id()).state().terminal());
        assertEquals(ExecutionState.SUCCEEDED, stored(later.id()).state());
        assertFalse(a.engine.clusterStatus().orElseThrow().liveCatalogDigests().isEmpty());
    }

    /** The store alone, without a replica driving anything. */
    private static PostgresClusterStore bareStore() {
        return new PostgresClusterStore(postgres.getPostgresDatabase(), () -> {
            throw new SQLException("not listening in this test");
        });
    }

    @Test
    void theStoreFencesExpiredLeasesAndStaleVersions() {
        PostgresClusterStore store = bareStore();
        ClusterStore.Lease first = store.acquire("x", "d1", Duration.ofMinutes(1), true);
        Execution queued = queuedCopy(store, "fence");
        ClusterStore.Admission admission = store.claimQueued(first.leaseId(), 0, 8, Clock.systemUTC());
        assertEquals(List.of(queued.id()), admission.claimed().stream().map(o -> o.execution().id()).toList());
        ClusterStore.Owned claimed = admission.claimed().get(0);
        assertEquals(first.leaseId(), claimed.ownerLease());
        assertEquals(ExecutionState.RUNNING, claimed.execution().state());

        // The owner commits under its lease and version.
        long sequence = store.commit(log(claimed, claimed.version(), first.leaseId(), "one"));
        // A stale version is refused, whoever writes.
        assertRefused(store, log(claimed, claimed.version(), first.leaseId(), "stale"));
        // Once its lease is gone, the owner is refused even with the right version, and another replica takes over.
        store.release(first.leaseId());
        assertRefused(store, log(claimed, claimed.version() + 1, first.leaseId(), "expired"));
        ClusterStore.Lease second = store.acquire("y", "d2", Duration.ofMinutes(1), true);
        List<ClusterStore.Owned> taken = store.takeOver(second.leaseId(), 8);
        assertEquals(List.of(queued.id()), taken.stream().map(o -> o.execution().id()).toList());
        assertEquals("x", taken.get(0).previousReplica());
        assertEquals(sequence, taken.get(0).execution().lastSequence(), "a take-over adds no events");
        assertRefused(store, log(claimed, claimed.version() + 1, second.leaseId(), "old version"));
        store.commit(log(taken.get(0), taken.get(0).version(), second.leaseId(), "two"));
        assertTrue(store.replicas().stream().anyMatch(r -> r.replicaId().equals("y") && r.live()
                && r.catalogDigest().equals("d2")));
    }

    @Test
    void claimsSkipRowsThatAnotherTransactionHoldsAndRespectTheQueueOrder() throws Exception {
        PostgresClusterStore store = bareStore();
        ClusterStore.Lease lease = store.acquire("x", "d", Duration.ofMinutes(1), true);
        Execution first = queuedCopy(store, "first");
        Execution second = queuedCopy(store, "second");
        Execution third = queuedCopy(store, "third");
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            c.setAutoCommit(false);
            try (var s = c.prepareStatement("SELECT id FROM executions WHERE id = ? FOR UPDATE")) {
                s.setString(1, first.id());
                s.executeQuery().close();
            }
            // The first is being changed elsewhere (a cancellation, say): the claim takes the next one at once.
            ClusterStore.Admission admission = store.claimQueued(lease.leaseId(), 0, 1, Clock.systemUTC());
            assertEquals(List.of(second.id()), admission.claimed().stream().map(o -> o.execution().id()).toList());
            assertEquals(2, admission.queued());
            c.rollback();
        }
        ClusterStore.Admission rest = store.claimQueued(lease.leaseId(), 2, 8, Clock.systemUTC());
        assertEquals(List.of(first.id()), rest.claimed().stream().map(o -> o.execution().id()).toList(),
                "at most two run at once");
        assertEquals(1, rest.queued());
        assertEquals(ExecutionState.QUEUED, store.find(third.id()).orElseThrow().state());
        store.release(lease.leaseId());
        assertEquals(List.of(), store.claimQueued(lease.leaseId(), 0, 8, Clock.systemUTC()).claimed(),
                "an ended lease claims nothing");
    }

    /** A queued execution of its own application, created directly in the store. */
    private Execution queuedCopy(PostgresClusterStore store, String application) {
        DeploymentPlan plan = steps(application, false, 1);
        List<io.innominatus.model.StepRun> steps = new ArrayList<>();
        List<io.innominatus.model.WorkflowRun> workflows = new ArrayList<>();
        for (var w : plan.workflows().toList()) {
            workflows.add(new io.innominatus.model.WorkflowRun(w.workflowId(), w.phase(), io.innominatus.model.StepState.PENDING));
            for (var s : w.steps()) {
                steps.add(new io.innominatus.model.StepRun(w.workflowId(), s.name(), s.type(), w.phase(),
                        io.innominatus.model.StepState.PENDING, 0, "", Map.of(), null, null));
            }
        }
        Execution e = new Execution(java.util.UUID.randomUUID().toString(), plan.kind(), ExecutionState.QUEUED, plan, "score",
                steps, workflows, "alice", "", "", "", false, "", 1, Instant.now(), null, null);
        return store.create(new io.innominatus.store.ExecutionStore.NewExecution(e,
                List.of(new EventPayload.StateChanged(null, ExecutionState.QUEUED, "")), "")).execution();
    }

    private io.innominatus.store.ExecutionStore.Transition log(ClusterStore.Owned owned, long version, String lease,
            String line) {
        Execution current = owned.execution();
        long sequence = stored(current.id()).lastSequence();
        return new io.innominatus.store.ExecutionStore.Transition(current.id(), sequence, current, List.of(), List.of(),
                List.of(new EventPayload.StepLog("platform/deploy", "s1", line, "engine")), Instant.now(),
                new io.innominatus.store.ExecutionStore.Fence(version, lease));
    }

    private static void assertRefused(PostgresClusterStore store, io.innominatus.store.ExecutionStore.Transition t) {
        try {
            store.commit(t);
            fail("the store accepted a fenced-off commit");
        } catch (io.innominatus.store.StoreException.ConcurrentTransition expected) {
            // refused, as it must be
        }
    }
}
