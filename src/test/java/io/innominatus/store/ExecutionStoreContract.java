package io.innominatus.store;

import static io.innominatus.TestWorkflows.permissive;
import static io.innominatus.TestWorkflows.platform;
import static io.innominatus.TestWorkflows.score;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.AuditEvent;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.PlanAssembly;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.ResolvedDeployment;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.StepTypes;
import io.innominatus.model.WorkflowRun;
import io.innominatus.policy.PolicyEvaluator;
import io.innominatus.resolve.Resolver;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every execution store meets; run against H2 and a real PostgreSQL. */
abstract class ExecutionStoreContract {

    protected ExecutionStore store;
    private final Instant base = Instant.parse("2026-11-26T10:00:00Z");

    protected abstract DataSource dataSource();

    @BeforeEach
    void migrate() {
        Flyway.configure().dataSource(dataSource()).cleanDisabled(false).load().clean();
        Flyway.configure().dataSource(dataSource()).load().migrate();
        store = new JdbcExecutionStore(dataSource());
    }

    static DeploymentPlan plan(String application, String environment) {
        var workflow = platform("scan", "pre-deployment", "all_deployments", "first", "second");
        ResolvedDeployment resolved = Resolver.resolveDeployment(new Resolver.DeploymentRequest(score(application, null),
                environment, List.of(workflow), List.of(), Map.of("budget", 500L), List.of(), false));
        return PlanAssembly.assemble(resolved, PolicyEvaluator.evaluate(resolved, permissive(), StepTypes.BUILT_IN.keySet()),
                "catalog", new DeploymentPlan.ExecutionLimits(Duration.ofMinutes(30), "read-only", "namespace-scoped"));
    }

    Execution newExecution(String application, String environment, String requestId, Instant created) {
        DeploymentPlan plan = plan(application, environment);
        List<StepRun> steps = new ArrayList<>();
        List<WorkflowRun> workflows = new ArrayList<>();
        for (PlannedWorkflow w : plan.workflows().toList()) {
            workflows.add(new WorkflowRun(w.workflowId(), w.phase(), StepState.PENDING));
            for (PlannedStep s : w.steps()) {
                steps.add(new StepRun(w.workflowId(), s.name(), s.type(), w.phase(), StepState.PENDING, 0, "", Map.of(),
                        null, null));
            }
        }
        return new Execution(UUID.randomUUID().toString(), plan.kind(), ExecutionState.QUEUED, plan, "score", steps, workflows,
                "alice", "", "", requestId, false, "", 1, created, null, null);
    }

    private Execution create(String application, String environment, String requestId, Instant created) {
        Execution e = newExecution(application, environment, requestId, created);
        return store.create(new ExecutionStore.NewExecution(e, List.of(new EventPayload.StateChanged(null,
                ExecutionState.QUEUED, "")), "hash-" + application)).execution();
    }

    @Test
    void createdExecutionsRoundTrip() {
        Execution e = create("shop", "development", "", base);
        Execution found = store.find(e.id()).orElseThrow();
        assertEquals(e.id(), found.id());
        assertEquals(ExecutionState.QUEUED, found.state());
        assertEquals(e.plan().planDigest(), found.plan().planDigest());
        assertEquals(PlanAssembly.digest(e.plan()), PlanAssembly.digest(found.plan()));
        assertEquals(e.plan().limits(), found.plan().limits());
        assertEquals(e.plan().workflows().toList().get(0).steps(), found.plan().workflows().toList().get(0).steps());
        assertEquals(e.steps(), found.steps());
        assertEquals(e.workflows(), found.workflows());
        assertEquals(base, found.createTime());
        assertEquals(1, found.lastSequence());
        assertTrue(store.find("no-such-id").isEmpty());
    }

    @Test
    void requestIdsMakeCreationIdempotent() {
        Execution first = create("shop", "development", "deploy-42", base);
        ExecutionStore.Created again = store.create(new ExecutionStore.NewExecution(
                newExecution("shop", "development", "deploy-42", base.plusSeconds(1)), List.of(), "hash-shop"));
        assertFalse(again.created());
        assertEquals(first.id(), again.execution().id());
        StoreException.RequestConflict conflict = assertThrows(StoreException.RequestConflict.class, () -> store.create(
                new ExecutionStore.NewExecution(newExecution("other", "development", "deploy-42", base), List.of(), "different")));
        assertEquals(first.id(), conflict.existingExecutionId());
    }

    @Test
    void concurrentCreatesWithOneRequestIdCreateOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                ids.add(store.create(new ExecutionStore.NewExecution(newExecution("shop", "staging", "race", base),
                        List.of(), "same")).execution().id());
                return null;
            }));
        }
        start.countDown();
        for (var f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(1, ids.size());
    }

    @Test
    void auditEntriesAreWrittenInTheTransactionOfTheChangeTheyDescribe() {
        AuditStore audit = new JdbcAuditStore(dataSource());
        AuditEvent request = AuditEvent.allowed(base, "dora", "StartDeployment", "execution/x", "deployment of shop");
        Execution e = store.create(new ExecutionStore.NewExecution(newExecution("shop", "development", "audited", base),
                List.of(new EventPayload.StateChanged(null, ExecutionState.QUEUED, "")), "hash", request)).execution();
        // The same request again creates nothing, so it records nothing either; a conflicting one neither.
        store.create(new ExecutionStore.NewExecution(newExecution("shop", "development", "audited", base), List.of(), "hash",
                request));
        assertThrows(StoreException.RequestConflict.class, () -> store.create(new ExecutionStore.NewExecution(
                newExecution("shop", "development", "audited", base), List.of(), "other", request)));
        assertEquals(1, audit.list(new AuditStore.Query(null, "StartDeployment", null, null), 10, "").events().size());

        AuditEvent cancel = AuditEvent.allowed(base, "dora", "CancelExecution", "execution/" + e.id(), "window closed");
        Execution cancelled = withState(e, ExecutionState.CANCELLED);
        // A stale writer's change is refused, and its audit entry with it.
        assertThrows(StoreException.ConcurrentTransition.class, () -> store.commit(new ExecutionStore.Transition(e.id(), 7,
                cancelled, List.of(), List.of(), List.of(new EventPayload.StateChanged(ExecutionState.QUEUED,
                ExecutionState.CANCELLED, "")), base, cancel)));
        assertEquals(List.of(), audit.list(new AuditStore.Query(null, "CancelExecution", null, null), 10, "").events());

        store.commit(new ExecutionStore.Transition(e.id(), 1, cancelled, List.of(), List.of(), List.of(
                new EventPayload.StateChanged(ExecutionState.QUEUED, ExecutionState.CANCELLED, "")), base, cancel));
        List<AuditEvent> trail = audit.list(new AuditStore.Query(null, null, null, null), 10, "").events();
        assertEquals(List.of("CancelExecution", "StartDeployment"), trail.stream().map(AuditEvent::action).toList());
        assertEquals("window closed", trail.get(0).reason());
        assertEquals(base, trail.get(0).time());
        assertTrue(trail.get(0).sequence() > trail.get(1).sequence());

        AuditStore.Page first = audit.list(new AuditStore.Query(null, null, null, null), 1, "");
        assertEquals(List.of("StartDeployment"), audit.list(new AuditStore.Query(null, null, null, null), 1,
                first.nextPageToken()).events().stream().map(AuditEvent::action).toList());
        assertEquals(2, audit.deleteBefore(base.plusSeconds(1)));
    }

    @Test
    void transitionsAppendGapFreeEventsAndRejectStaleWriters() {
        Execution e = create("shop", "development", "", base);
        StepRun first = e.steps().get(0).with(StepState.RUNNING, 1, "", Map.of(), base.plusSeconds(1), null);
        Execution running = withState(e, ExecutionState.RUNNING);
        long sequence = store.commit(new ExecutionStore.Transition(e.id(), 1, running, List.of(first),
                List.of(new WorkflowRun(first.workflowId(), first.phase(), StepState.RUNNING)),
                List.of(new EventPayload.StateChanged(ExecutionState.QUEUED, ExecutionState.RUNNING, ""),
                        new EventPayload.StepStarted(first.workflowId(), first.step(), 1, e.id() + "/x/first/1", "exec")),
                base.plusSeconds(1)));
        assertEquals(3, sequence);
        assertThrows(StoreException.ConcurrentTransition.class, () -> store.commit(new ExecutionStore.Transition(e.id(), 1,
                running, List.of(), List.of(), List.of(new EventPayload.StepLog("w", "first", "late", "stdout")), base)));

        StepRun done = first.with(StepState.SUCCEEDED, 1, "", Map.of("version", "1.2"), first.startTime(), base.plusSeconds(2));
        store.commit(new ExecutionStore.Transition(e.id(), 3, running, List.of(done), List.of(), List.of(
                new EventPayload.StepLog(first.workflowId(), "first", "hello", "stdout"),
                new EventPayload.StepFinished(first.workflowId(), "first", StepState.SUCCEEDED, Map.of("version", "1.2"), "",
                        1, 1000)), base.plusSeconds(2)));

        List<ExecutionEvent> events = store.events(e.id(), 0, 100, null);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), events.stream().map(ExecutionEvent::sequence).toList());
        assertEquals("hello", ((EventPayload.StepLog) events.get(3).payload()).line());
        assertEquals(Map.of("version", "1.2"), ((EventPayload.StepFinished) events.get(4).payload()).outputs());
        assertEquals(List.of(4L, 5L), store.events(e.id(), 3, 100, null).stream().map(ExecutionEvent::sequence).toList());
        assertEquals(2, store.events(e.id(), 0, 2, null).size());
        assertEquals(List.of(3L, 4L, 5L), store.events(e.id(), 0, 100, "first").stream().map(ExecutionEvent::sequence).toList());

        Execution stored = store.find(e.id()).orElseThrow();
        assertEquals(ExecutionState.RUNNING, stored.state());
        assertEquals(5, stored.lastSequence());
        StepRun storedStep = stored.step(first.workflowId(), "first").orElseThrow();
        assertEquals(StepState.SUCCEEDED, storedStep.state());
        assertEquals(Map.of("version", "1.2"), storedStep.outputs());
        assertEquals(base.plusSeconds(2), storedStep.endTime());
    }

    @Test
    void listsNewestFirstWithFiltersAndPages() {
        for (int i = 0; i < 5; i++) {
            create("shop", i % 2 == 0 ? "development" : "production", "", base.plusSeconds(i));
        }
        create("other", "development", "", base.plusSeconds(10));
        ExecutionStore.Page page = store.list(new ExecutionStore.Query("shop", null, null), 2, "");
        assertEquals(List.of(base.plusSeconds(4), base.plusSeconds(3)),
                page.executions().stream().map(Execution::createTime).toList());
        ExecutionStore.Page next = store.list(new ExecutionStore.Query("shop", null, null), 2, page.nextPageToken());
        assertEquals(List.of(base.plusSeconds(2), base.plusSeconds(1)), next.executions().stream().map(Execution::createTime).toList());
        ExecutionStore.Page last = store.list(new ExecutionStore.Query("shop", null, null), 2, next.nextPageToken());
        assertEquals(1, last.executions().size());
        assertEquals("", last.nextPageToken());
        assertEquals(2, store.list(new ExecutionStore.Query("shop", "production", null), 10, "").executions().size());
        assertEquals(6, store.list(new ExecutionStore.Query(null, null, ExecutionState.QUEUED), 10, "").executions().size());
        assertEquals(0, store.list(new ExecutionStore.Query(null, null, ExecutionState.FAILED), 10, "").executions().size());
        // Product teams list their own products' executions only (these belong to no product).
        assertEquals(6, store.list(new ExecutionStore.Query(null, null, null, java.util.Set.of("", "billing")), 10, "")
                .executions().size());
        assertEquals(0, store.list(new ExecutionStore.Query(null, null, null, java.util.Set.of("billing")), 10, "")
                .executions().size());
        assertEquals(0, store.list(new ExecutionStore.Query(null, null, null, java.util.Set.of()), 10, "").executions().size());
        assertThrows(StoreException.InvalidPageToken.class, () -> store.list(new ExecutionStore.Query(null, null, null), 2, "@@"));
    }

    @Test
    void unfinishedExecutionsComeBackInQueueOrder() {
        Execution a = create("a1", "development", "", base.plusSeconds(5));
        Execution b = create("b1", "development", "", base);
        Execution done = create("c1", "development", "", base);
        store.commit(new ExecutionStore.Transition(done.id(), 1, withState(done, ExecutionState.CANCELLED), List.of(), List.of(),
                List.of(new EventPayload.StateChanged(ExecutionState.QUEUED, ExecutionState.CANCELLED, "test")), base));
        assertEquals(List.of(a.id(), b.id()), store.unfinished().stream().map(Execution::id).toList());
    }

    @Test
    void memoryAnswersOnlyBetweenALoadAndTheNextWrite() {
        Execution e = create("shop", "development", "", base);
        assertTrue(store.findInMemory(e.id()).isEmpty(), "nothing loaded yet");
        Execution loaded = store.find(e.id()).orElseThrow();
        assertEquals(Optional.of(loaded), store.findInMemory(e.id()), "a store only this process writes answers from memory");

        store.commit(new ExecutionStore.Transition(e.id(), 1, withState(e, ExecutionState.CANCELLED), List.of(), List.of(),
                List.of(new EventPayload.StateChanged(ExecutionState.QUEUED, ExecutionState.CANCELLED, "test")), base));
        assertTrue(store.findInMemory(e.id()).isEmpty(), "a write ends what memory may answer for");
        assertEquals(ExecutionState.CANCELLED, store.find(e.id()).orElseThrow().state());
        assertEquals(ExecutionState.CANCELLED, store.findInMemory(e.id()).orElseThrow().state());

        assertThrows(StoreException.ConcurrentTransition.class, () -> store.commit(new ExecutionStore.Transition(e.id(), 1,
                withState(e, ExecutionState.RUNNING), List.of(), List.of(), List.of(), base)));
        assertTrue(store.findInMemory(e.id()).isEmpty(), "so does a write that failed: its outcome is the store's to tell");
        assertTrue(store.findInMemory(UUID.randomUUID().toString()).isEmpty());
    }

    @Test
    void successfulDeploymentsAreRemembered() {
        Execution e = create("shop", "production", "", base);
        assertFalse(store.hasSucceeded("shop", "production"));
        store.commit(new ExecutionStore.Transition(e.id(), 1, withState(e, ExecutionState.SUCCEEDED), List.of(), List.of(),
                List.of(new EventPayload.StateChanged(ExecutionState.RUNNING, ExecutionState.SUCCEEDED, "")), base));
        assertTrue(store.hasSucceeded("shop", "production"));
        assertFalse(store.hasSucceeded("shop", "development"));
    }

    @Test
    void timesKeepMicrosecondPrecision() {
        Instant precise = base.plusNanos(123_456_789);
        Execution e = create("shop", "development", "", precise);
        assertEquals(precise.truncatedTo(ChronoUnit.MICROS), store.find(e.id()).orElseThrow().createTime());
    }

    private static Execution withState(Execution e, ExecutionState state) {
        return new Execution(e.id(), e.kind(), state, e.plan(), e.scoreYaml(), e.steps(), e.workflows(), e.requestedBy(),
                e.approvedBy(), e.decisionComment(), e.requestId(), e.dryRun(), e.error(), e.lastSequence(), e.createTime(),
                e.startTime(), e.endTime());
    }
}
