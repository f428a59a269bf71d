package io.innominatus.execute;

import io.innominatus.model.AuditEvent;
import io.innominatus.model.DeploymentPlan;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;

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

    /**
     * What to create.
     *
     * @param requestHash identifies the request behind {@code requestId}; see {@link ExecutionStore#create}
     */
    public record Submission(DeploymentPlan plan, String scoreYaml, String requestedBy, String requestId, String requestHash,
            boolean dryRun, String requesterSubject) {

        /** A submission whose requester has no stable identity (no authentication). */
        public Submission(DeploymentPlan plan, String scoreYaml, String requestedBy, String requestId, String requestHash,
                boolean dryRun) {
            this(plan, scoreYaml, requestedBy, requestId, requestHash, dryRun, "");
        }
    }

    private final EngineServices services;
    private final Map<String, ExecutionRun> runs = new ConcurrentHashMap<>();
    private final Admission admission;
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
        if (cluster != null && !(services.store() instanceof ClusterStore)) {
            throw new IllegalArgumentException("several replicas need a store they can share (PostgreSQL)");
        }
        this.admission = cluster == null ? new LocalAdmission(this, services, runs, maxConcurrent)
                : new ReplicaAdmission(new ReplicaCoordinator(this, services, (ClusterStore) services.store(), cluster,
                        maxConcurrent), runs);
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
                events.size(), now, null, null, submission.requesterSubject());
        ExecutionStore.Created created = services.store().create(new ExecutionStore.NewExecution(execution, events,
                submission.requestHash(), AuditEvent.allowed(now, submission.requestedBy(), action(plan.kind()),
                        "execution/" + execution.id(), (submission.dryRun() ? "dry run of " : "") + plan.kind().name()
                                .toLowerCase(java.util.Locale.ROOT) + " of " + plan.application() + " in " + plan.environment()
                                + (submission.requestId().isEmpty() ? "" : " (request " + submission.requestId() + ")"))));
        if (created.created()) {
            Execution stored = created.execution();
            services.streams().publish(stored.id(), replay(stored.id(), events, now));
            admission.created(stored);
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
        admission.recover();
    }

    public CompletableFuture<Execution> cancel(String executionId, String principal, String comment) {
        return command(executionId, run -> run.cancel(principal, comment));
    }

    /** @param subject the approver's stable identity (token {@code sub}); empty when unknown */
    public CompletableFuture<Execution> approve(String executionId, String principal, String subject, String planDigest,
            String comment, boolean selfApprovalForbidden) {
        return command(executionId, run -> run.approve(principal, subject, planDigest, comment, selfApprovalForbidden));
    }

    public CompletableFuture<Execution> reject(String executionId, String principal, String subject, String planDigest,
            String comment, boolean selfApprovalForbidden) {
        return command(executionId, run -> run.reject(principal, subject, planDigest, comment, selfApprovalForbidden));
    }

    public CompletableFuture<Execution> retry(String executionId, String principal, String comment) {
        return command(executionId, run -> run.retry(principal, comment));
    }

    private CompletableFuture<Execution> command(String executionId,
            Function<ExecutionRun, CompletableFuture<Execution>> action) {
        return admission.command(executionId, action);
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
        admission.shutdown();
    }

    // ---- admission ---------------------------------------------------------------------------------

    @Override
    public void queued(ExecutionRun run) {
        admission.queued(run);
    }

    @Override
    public void ended(ExecutionRun run, boolean wasRunning) {
        runs.remove(run.id(), run);
        // Watchers of an ended execution read the store; its ring is not needed any more.
        services.streams().release(run.id());
        admission.ended(run);
    }

    @Override
    public void halted(ExecutionRun run) {
        admission.halted(run);
    }

    /** Executions admitted and not yet ended (with several replicas: those this replica drives), for metrics and tests. */
    public int runningCount() {
        return admission.runningCount();
    }

    /** Executions waiting for admission (with several replicas: cluster-wide, as of the last admission). */
    public int queuedCount() {
        return admission.queuedCount();
    }

    // ---- several replicas (used by ReplicaCoordinator) ---------------------------------------------

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
        services.streams().adopted(run.id(), owned.execution().lastSequence(), owned.appended());
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
        return admission.status();
    }
}
