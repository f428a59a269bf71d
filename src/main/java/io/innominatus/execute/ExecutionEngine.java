package io.innominatus.execute;

import io.innominatus.model.AuditEvent;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.DomainException;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.WorkflowRun;
import io.innominatus.store.ClusterStore;
import io.innominatus.store.ExecutionStore;
import io.smallrye.mutiny.Multi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * Creates executions, admits them to run (at most {@code maxConcurrentWorkflows} at once, first come
 * first served, one per application and environment), routes commands to their runs, and resumes
 * unfinished executions after a restart.
 *
 * <p>Alone on its store, the engine admits from an in-memory queue. As one of several replicas on a
 * shared PostgreSQL ({@link ClusterOptions}), admission, ownership and take-over go through the store
 * instead (see {@link ReplicaCoordinator}); this engine then drives only the executions it owns.
 */
public final class ExecutionEngine implements ExecutionRun.Host {

    private static final Logger LOG = Logger.getLogger(ExecutionEngine.class);

    /**
     * What to create.
     *
     * @param requestHash identifies the request behind {@code requestId}; see {@link ExecutionStore#create}
     */
    public record Submission(DeploymentPlan plan, String scoreYaml, String requestedBy, String requestId, String requestHash,
            boolean dryRun) {}

    private final EngineServices services;
    private final IntSupplier maxConcurrent;
    private final Map<String, ExecutionRun> runs = new ConcurrentHashMap<>();
    private final Object admission = new Object();
    private final LinkedHashSet<String> queue = new LinkedHashSet<>();
    private final Set<String> running = new HashSet<>();
    private final Set<String> busy = new HashSet<>();
    /** Coordination with the other replicas; null when this engine is alone on its store. */
    private final ReplicaCoordinator cluster;
    private final java.util.concurrent.atomic.AtomicBoolean shutDown = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * An engine alone on its store.
     *
     * @param maxConcurrent the current {@code maxConcurrentWorkflows}; 0 for no limit
     */
    public ExecutionEngine(EngineServices services, IntSupplier maxConcurrent) {
        this(services, maxConcurrent, null);
    }

    /**
     * @param maxConcurrent the current {@code maxConcurrentWorkflows} (cluster-wide with several replicas); 0
     *     for no limit
     * @param cluster how this engine takes part in a cluster of replicas, or null when it is alone on its
     *     store; requires a {@link ClusterStore}
     */
    public ExecutionEngine(EngineServices services, IntSupplier maxConcurrent, ClusterOptions cluster) {
        this.services = services;
        this.maxConcurrent = maxConcurrent;
        if (cluster != null && !(services.store() instanceof ClusterStore)) {
            throw new IllegalArgumentException("several replicas need a store they can share (PostgreSQL)");
        }
        this.cluster = cluster == null ? null
                : new ReplicaCoordinator(this, services, (ClusterStore) services.store(), cluster, maxConcurrent);
    }

    /**
     * Stores a new execution (or returns the one an identical earlier request created) and queues it,
     * or leaves it waiting for approval.
     */
    public ExecutionStore.Created submit(Submission submission) {
        DeploymentPlan plan = submission.plan();
        boolean approval = plan.requiresApproval() && !submission.dryRun();
        ExecutionState state = approval ? ExecutionState.AWAITING_APPROVAL : ExecutionState.QUEUED;
        List<StepRun> steps = new ArrayList<>();
        List<WorkflowRun> workflows = new ArrayList<>();
        for (PlannedWorkflow workflow : plan.workflows().toList()) {
            workflows.add(new WorkflowRun(workflow.workflowId(), workflow.phase(), StepState.PENDING));
            for (PlannedStep step : workflow.steps()) {
                steps.add(new StepRun(workflow.workflowId(), step.name(), step.type(), workflow.phase(), StepState.PENDING, 0,
                        "", Map.of(), null, null));
            }
        }
        List<EventPayload> events = new ArrayList<>();
        events.add(new EventPayload.StateChanged(null, state, ""));
        if (approval) {
            events.add(new EventPayload.ApprovalRequested(plan.planDigest(), plan.environment(), submission.requestedBy()));
        }
        Instant now = services.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Execution execution = new Execution(UUID.randomUUID().toString(), plan.kind(), state, plan, submission.scoreYaml(),
                steps, workflows, submission.requestedBy(), "", "", submission.requestId(), submission.dryRun(), "",
                events.size(), now, null, null);
        ExecutionStore.Created created = services.store().create(new ExecutionStore.NewExecution(execution, events,
                submission.requestHash(), AuditEvent.allowed(now, submission.requestedBy(), action(plan.kind()),
                        "execution/" + execution.id(), (submission.dryRun() ? "dry run of " : "") + plan.kind().name()
                                .toLowerCase(java.util.Locale.ROOT) + " of " + plan.application() + " in " + plan.environment()
                                + (submission.requestId().isEmpty() ? "" : " (request " + submission.requestId() + ")"))));
        if (created.created()) {
            Execution stored = created.execution();
            services.streams().publish(stored.id(), replay(stored.id(), events, now));
            if (cluster != null) {
                // Any replica may claim it; this one tries at once.
                if (state == ExecutionState.QUEUED) {
                    cluster.admit();
                }
                return created;
            }
            ExecutionRun run = new ExecutionRun(stored, services, this);
            runs.put(stored.id(), run);
            if (state == ExecutionState.QUEUED) {
                queued(run);
            }
        }
        return created;
    }

    /** The RPC that submits a plan of this kind, as the audit trail names it. */
    static String action(DeploymentPlan.Kind kind) {
        return switch (kind) {
            case DEPLOYMENT -> "StartDeployment";
            case WORKFLOW -> "RunWorkflow";
            case UNDEPLOYMENT -> "Undeploy";
        };
    }

    private static List<ExecutionEvent> replay(String id, List<EventPayload> events, Instant time) {
        List<ExecutionEvent> result = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            result.add(new ExecutionEvent(id, i + 1, time, events.get(i)));
        }
        return result;
    }

    /**
     * Resumes every unfinished execution of the store: running ones first, then the queue in order. With
     * several replicas: takes a lease, then takes over the executions of replicas whose lease expired and
     * claims queued ones.
     */
    public void recover() {
        if (cluster != null) {
            cluster.start();
            return;
        }
        List<Execution> unfinished = services.store().unfinished();
        for (Execution execution : unfinished) {
            if (execution.state() == ExecutionState.RUNNING) {
                ExecutionRun run = new ExecutionRun(execution, services, this);
                runs.put(execution.id(), run);
                synchronized (admission) {
                    running.add(run.id());
                    busy.add(run.admissionKey());
                }
                run.resume();
            }
        }
        for (Execution execution : unfinished) {
            if (execution.state() != ExecutionState.RUNNING) {
                ExecutionRun run = new ExecutionRun(execution, services, this);
                runs.put(execution.id(), run);
                if (execution.state() == ExecutionState.QUEUED) {
                    queued(run);
                }
            }
        }
        if (!unfinished.isEmpty()) {
            LOG.infof("resumed %d unfinished execution(s)", unfinished.size());
        }
    }

    public CompletableFuture<Execution> cancel(String executionId, String principal, String comment) {
        return command(executionId, run -> run.cancel(principal, comment));
    }

    public CompletableFuture<Execution> approve(String executionId, String principal, String planDigest, String comment,
            boolean selfApprovalForbidden) {
        return command(executionId, run -> run.approve(principal, planDigest, comment, selfApprovalForbidden));
    }

    public CompletableFuture<Execution> reject(String executionId, String principal, String planDigest, String comment,
            boolean selfApprovalForbidden) {
        return command(executionId, run -> run.reject(principal, planDigest, comment, selfApprovalForbidden));
    }

    public CompletableFuture<Execution> retry(String executionId, String principal, String comment) {
        return command(executionId, run -> run.retry(principal, comment));
    }

    private CompletableFuture<Execution> command(String executionId,
            Function<ExecutionRun, CompletableFuture<Execution>> action) {
        return cluster == null ? action.apply(run(executionId)) : cluster.command(executionId, action);
    }

    /** The execution's events after {@code afterSequence}, replayed then followed, ending with its run. */
    public Multi<ExecutionEvent> watch(String executionId, long afterSequence) {
        return services.streams().watch(executionId, afterSequence, () -> services.store().find(executionId));
    }

    /**
     * Stops driving every execution without recording anything (a restart resumes them); later calls do
     * nothing. With several replicas, this replica's lease ends too, so that the others take its
     * executions over at once.
     */
    public void shutdown() {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        if (cluster != null) {
            cluster.stop();
            return;
        }
        runs.values().forEach(ExecutionRun::abandon);
    }

    /** The run of an execution: the live one, or one rebuilt from the store for an ended execution. */
    private ExecutionRun run(String executionId) {
        ExecutionRun live = runs.get(executionId);
        if (live != null && !live.halted()) {
            return live;
        }
        Execution stored = services.store().find(executionId)
                .orElseThrow(() -> new DomainException.NotFound("execution", executionId));
        return runs.computeIfAbsent(executionId, id -> new ExecutionRun(stored, services, this));
    }

    // ---- admission ---------------------------------------------------------------------------------

    @Override
    public void queued(ExecutionRun run) {
        if (cluster != null) {
            cluster.admit();
            return;
        }
        runs.put(run.id(), run);
        synchronized (admission) {
            queue.add(run.id());
        }
        admit();
    }

    @Override
    public void ended(ExecutionRun run, boolean wasRunning) {
        runs.remove(run.id(), run);
        // Watchers of an ended execution read the store; its ring is not needed any more.
        services.streams().release(run.id());
        if (cluster != null) {
            cluster.admit();
            return;
        }
        synchronized (admission) {
            queue.remove(run.id());
            if (running.remove(run.id())) {
                busy.remove(run.admissionKey());
            }
        }
        admit();
    }

    /** Starts queued executions, oldest first, while slots are free and their application/environment is idle. */
    private void admit() {
        List<ExecutionRun> toStart = new ArrayList<>();
        synchronized (admission) {
            int limit = maxConcurrent.getAsInt();
            for (String id : List.copyOf(queue)) {
                if (limit > 0 && running.size() >= limit) {
                    break;
                }
                ExecutionRun run = runs.get(id);
                if (run == null) {
                    queue.remove(id);
                    continue;
                }
                if (busy.contains(run.admissionKey())) {
                    continue;
                }
                queue.remove(id);
                running.add(id);
                busy.add(run.admissionKey());
                toStart.add(run);
            }
        }
        toStart.forEach(ExecutionRun::start);
    }

    /** Executions admitted and not yet ended (with several replicas: those this replica drives), for metrics and tests. */
    public int runningCount() {
        if (cluster != null) {
            return runs.size();
        }
        synchronized (admission) {
            return running.size();
        }
    }

    /** Executions waiting for admission (with several replicas: cluster-wide, as of the last admission). */
    public int queuedCount() {
        if (cluster != null) {
            return cluster.queued();
        }
        synchronized (admission) {
            return queue.size();
        }
    }

    // ---- several replicas (used by ReplicaCoordinator) ---------------------------------------------

    @Override
    public void halted(ExecutionRun run) {
        if (cluster != null) {
            runs.remove(run.id(), run);
        }
    }

    /** This replica's live run of an execution, if it drives it. */
    ExecutionRun liveRun(String executionId) {
        ExecutionRun live = runs.get(executionId);
        return live == null || live.halted() ? null : live;
    }

    /** Starts driving an execution this replica now owns (claimed, or taken over). */
    void adopt(ClusterStore.Owned owned, String interruption) {
        ExecutionRun run = new ExecutionRun(owned.execution(), services, this, owned.version(), owned.ownerLease());
        ExecutionRun previous = runs.put(run.id(), run);
        if (previous != null) {
            previous.abandon();
        }
        services.streams().wake(run.id(), false);
        run.resume(interruption);
    }

    /** A run that applies one command to an execution this replica does not drive. */
    ExecutionRun commandRun(ClusterStore.Owned owned) {
        return new ExecutionRun(owned.execution(), services, this, owned.version(), null);
    }

    /** Stops driving every execution (this replica stops, or its lease is gone); they are taken over again. */
    void abandonAll(String why) {
        for (ExecutionRun run : List.copyOf(runs.values())) {
            runs.remove(run.id(), run);
            run.abandon("execution " + run.id() + ": " + why);
        }
    }

    /** The executions this replica drives. */
    Set<String> liveRunIds() {
        return Set.copyOf(runs.keySet());
    }

    EventStreams streams() {
        return services.streams();
    }

    /**
     * This replica's view of the cluster (reads the store), or empty when the engine is alone on its store.
     *
     * @throws io.innominatus.store.StoreException.Unavailable when the store cannot be reached
     */
    public java.util.Optional<ReplicaStatus> clusterStatus() {
        return cluster == null ? java.util.Optional.empty() : java.util.Optional.of(cluster.status());
    }
}
