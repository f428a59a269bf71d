package io.innominatus.execute;

import io.innominatus.model.AuditEvent;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.DomainException;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.PlannedPhase;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.StepErrorKind;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.When;
import io.innominatus.model.WorkflowRun;
import io.innominatus.steps.Cancellation;
import io.innominatus.steps.StepExecutor;
import io.innominatus.steps.StepFailure;
import io.innominatus.steps.StepResult;
import io.innominatus.store.ClusterStore;
import io.innominatus.store.ExecutionStore;
import io.innominatus.store.StoreException;
import io.innominatus.support.CelExpressions;
import io.innominatus.support.Durations;
import io.innominatus.support.EnvironmentReferences;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The state machine of one execution. Every method that changes state runs on the execution's serial
 * executor; each change is committed to the store with its events, then applied in memory, then
 * published. Step attempts run elsewhere and report back through the serial executor.
 *
 * <p>Semantics: phases in order; the workflows of a phase one after another (platform, product,
 * application, each by name); a workflow's steps in file order, or as a DAG when any step declares
 * {@code dependsOn}. A failed step fails its workflow and the execution: later {@code on_success} steps
 * are skipped, {@code on_failure} and {@code always} steps still run (in a DAG after every
 * {@code on_success} step of the workflow has finished), and later workflows are skipped.
 */
final class ExecutionRun {

    private static final Logger LOG = Logger.getLogger(ExecutionRun.class);
    static final int MAX_LOG_LINES_PER_ATTEMPT = 10_000;
    /** Log text recorded per attempt: together with the line cap it bounds what one step adds to the store. */
    static final long MAX_LOG_BYTES_PER_ATTEMPT = 1024 * 1024;
    /** Longest log line recorded; longer ones are cut. */
    static final int MAX_LOG_LINE_CHARS = 4096;

    /** What the engine needs to hear from a run. */
    interface Host {
        /** The run was queued (created, approved or retried) and waits for admission. */
        void queued(ExecutionRun run);

        /** The run ended (succeeded, failed, cancelled or rejected) and holds no slot any more. */
        void ended(ExecutionRun run, boolean wasRunning);

        /** The run stopped driving its execution without ending it (another writer or a restart continues it). */
        default void halted(ExecutionRun run) {}
    }

    record StepKey(String workflowId, String step) {}

    /** One attempt of a step that is running or waiting to retry. */
    static final class Attempt {
        final StepKey key;
        final int number;
        final Instant start;
        final Cancellation cancellation = new Cancellation();
        Scheduler.Timer timer;
        Scheduler.Timer retry;
        int lines;
        long logChars;
        /** Set once the attempt's outcome is decided: what its executor logs afterwards is dropped. */
        volatile boolean closed;

        Attempt(StepKey key, int number, Instant start) {
            this.key = key;
            this.number = number;
            this.start = start;
        }

        void stop(String reason) {
            closed = true;
            cancellation.cancel(reason);
            cancelTimers();
        }

        void cancelTimers() {
            if (timer != null) {
                timer.cancel();
            }
            if (retry != null) {
                retry.cancel();
            }
        }
    }

    /** Changes that are committed together. */
    private final class Change {
        final List<EventPayload> events = new ArrayList<>();
        final Map<StepKey, StepRun> steps = new LinkedHashMap<>();
        final Map<String, WorkflowRun> workflows = new LinkedHashMap<>();
        ExecutionState state = header.state();
        String approvedBy = header.approvedBy();
        String comment = header.decisionComment();
        String error = header.error();
        Instant startTime = header.startTime();
        Instant endTime = header.endTime();
        /** The audit entry of the command that makes this change, committed with it. */
        AuditEvent audit;

        Change event(EventPayload event) {
            events.add(event);
            return this;
        }

        Change step(StepRun step) {
            steps.put(new StepKey(step.workflowId(), step.step()), step);
            return this;
        }

        Change workflow(WorkflowRun workflow) {
            workflows.put(workflow.workflowId(), workflow);
            return this;
        }

        StepRun current(StepKey key) {
            return steps.getOrDefault(key, ExecutionRun.this.steps.get(key));
        }

        WorkflowRun current(String workflowId) {
            return workflows.getOrDefault(workflowId, ExecutionRun.this.workflows.get(workflowId));
        }
    }

    private final EngineServices services;
    private final Host host;
    private final SerialExecutor serial;
    private final String id;
    private final DeploymentPlan plan;
    private final Map<String, PlannedWorkflow> planned = new LinkedHashMap<>();
    private final LinkedHashMap<StepKey, StepRun> steps = new LinkedHashMap<>();
    private final LinkedHashMap<String, WorkflowRun> workflows = new LinkedHashMap<>();
    private final Map<StepKey, Attempt> attempts = new HashMap<>();
    private final Map<StepKey, Integer> attemptBase = new HashMap<>();
    /** Dry runs: why a step runs although its condition needs values only a real run produces (logged when it starts). */
    private final Map<StepKey, String> assumedConditions = new HashMap<>();
    private final Map<String, Scheduler.Timer> deadlines = new HashMap<>();
    private final Set<String> expired = new HashSet<>();
    private final Map<String, Map<String, String>> variables = new HashMap<>();
    private final Redactor redactor = new Redactor();
    private final List<EventPayload> pendingLogs = new ArrayList<>();
    private boolean flushScheduled;
    private Execution header;
    private long sequence;
    private boolean halted;
    /** Whether a {@link #batched} task is running: its commits are held back in {@link #heldBack}. */
    private boolean batching;
    private Change heldBack;
    /** The execution's row version when several replicas share the store (each commit names it); -1 otherwise. */
    private long version;
    /** The lease this replica drives the execution under; null for a command applied by any replica. */
    private final String lease;
    /** A commit was refused because another writer changed the execution first. */
    private boolean lostRace;
    /** Set from any thread when the run is given up: a commit waiting for the store stops waiting. */
    private volatile boolean abandoning;

    ExecutionRun(Execution execution, EngineServices services, Host host) {
        this(execution, services, host, -1, null);
    }

    /**
     * @param version the row version the execution was read at, when several replicas share the store; -1
     *     when this process is its only writer
     * @param lease the lease of the replica that owns the execution, or null for a run that only applies a
     *     command
     */
    ExecutionRun(Execution execution, EngineServices services, Host host, long version, String lease) {
        this.services = services;
        this.host = host;
        this.serial = new SerialExecutor(services.engineExecutor(), this::defect);
        this.id = execution.id();
        this.plan = execution.plan();
        this.header = execution;
        this.sequence = execution.lastSequence();
        this.version = version;
        this.lease = lease;
        plan.workflows().forEach(w -> planned.put(w.workflowId(), w));
        execution.steps().forEach(s -> steps.put(new StepKey(s.workflowId(), s.step()), s));
        execution.workflows().forEach(w -> workflows.put(w.workflowId(), w));
        // A step waiting to run again (after a retry or an interruption) continues its attempt numbers,
        // so that every attempt keeps its own idempotency key whichever process runs it.
        execution.steps().stream().filter(s -> s.state() == StepState.PENDING && s.attempt() > 0)
                .forEach(s -> attemptBase.put(new StepKey(s.workflowId(), s.step()), s.attempt()));
    }

    String id() {
        return id;
    }

    String admissionKey() {
        return plan.application() + "/" + plan.environment();
    }

    /** The execution as this run knows it. Safe to call from any thread. */
    Execution snapshot() {
        CompletableFuture<Execution> result = new CompletableFuture<>();
        serial.execute(() -> result.complete(current()));
        return result.join();
    }

    private Execution current() {
        return new Execution(id, header.kind(), header.state(), plan, header.scoreYaml(), List.copyOf(steps.values()),
                List.copyOf(workflows.values()), header.requestedBy(), header.approvedBy(), header.decisionComment(),
                header.requestId(), header.dryRun(), header.error(), sequence, header.createTime(), header.startTime(),
                header.endTime(), header.requestedBySubject());
    }

    // ---- commands (from the engine) ------------------------------------------------------------

    /** Admitted: moves a queued execution to RUNNING and starts its first steps. */
    void start() {
        serial.execute(() -> {
            if (halted || header.state() != ExecutionState.QUEUED) {
                return;
            }
            Change change = new Change();
            change.state = ExecutionState.RUNNING;
            if (change.startTime == null) {
                change.startTime = now();
            }
            change.event(new EventPayload.StateChanged(ExecutionState.QUEUED, ExecutionState.RUNNING, ""));
            batched(() -> {
                commit(change);
                advance();
            });
        });
    }

    /**
     * Continues an execution that was RUNNING when the process stopped: steps caught RUNNING are run
     * again as a new attempt (with a new idempotency key), and workflow deadlines continue.
     */
    void resume() {
        resume("was interrupted by a restart");
    }

    /**
     * Continues a RUNNING execution this process now drives (after a restart, a claim or a take-over).
     *
     * @param interruption what happened to attempts caught RUNNING, for their log
     */
    void resume(String interruption) {
        serial.execute(() -> {
            Change change = new Change();
            for (StepRun step : steps.values()) {
                if (step.state() == StepState.RUNNING) {
                    StepKey key = new StepKey(step.workflowId(), step.step());
                    attemptBase.put(key, step.attempt());
                    change.step(step.with(StepState.PENDING, step.attempt(), "", Map.of(), step.startTime(), null));
                    change.event(new EventPayload.StepLog(step.workflowId(), step.step(), "attempt " + step.attempt()
                            + " " + interruption + "; the step runs again", "engine"));
                }
            }
            if (!change.events.isEmpty()) {
                commit(change);
            }
            for (WorkflowRun workflow : workflows.values()) {
                if (workflow.state() == StepState.RUNNING) {
                    Instant started = steps.values().stream().filter(s -> s.workflowId().equals(workflow.workflowId()))
                            .map(StepRun::startTime).filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(now());
                    armDeadline(workflow.workflowId(), started);
                }
            }
            advance();
        });
    }

    CompletableFuture<Execution> cancel(String principal, String comment) {
        return command(() -> {
            ExecutionState state = header.state();
            if (state.terminal()) {
                throw new DomainException.FailedPrecondition("EXECUTION_ENDED", "execution " + id + " already ended ("
                        + state + "); nothing to cancel", Map.of("execution_id", id));
            }
            String reason = "cancelled by " + principal + (comment == null || comment.isBlank() ? "" : ": " + redacted(comment));
            flushLogs();
            Change change = new Change();
            for (Attempt attempt : List.copyOf(attempts.values())) {
                attempt.stop(reason);
            }
            attempts.clear();
            Instant now = now();
            for (StepRun step : steps.values()) {
                if (!step.state().terminal()) {
                    StepRun cancelled = step.with(StepState.CANCELLED, step.attempt(), reason, Map.of(), step.startTime(), now);
                    change.step(cancelled);
                    change.event(finished(cancelled, now));
                }
            }
            for (WorkflowRun workflow : workflows.values()) {
                if (!workflow.state().terminal()) {
                    change.workflow(new WorkflowRun(workflow.workflowId(), workflow.phase(), StepState.CANCELLED));
                }
            }
            change.state = ExecutionState.CANCELLED;
            change.error = reason;
            change.endTime = now;
            change.audit = audit(principal, "CancelExecution", comment);
            change.event(new EventPayload.StateChanged(state, ExecutionState.CANCELLED, reason));
            commit(change);
            end(state == ExecutionState.RUNNING);
            return current();
        });
    }

    /**
     * @param selfApprovalForbidden true when identities are known: the requester may not approve
     */
    CompletableFuture<Execution> approve(String principal, String subject, String planDigest, String comment,
            boolean selfApprovalForbidden) {
        return command(() -> {
            awaitingApproval("approve");
            checkDigest(planDigest, true);
            if (selfApprovalForbidden && header.requestedBy(principal, subject)) {
                throw new DomainException.PermissionDenied("SELF_APPROVAL", "the requester of an execution cannot approve it; "
                        + "another approver must", Map.of("execution_id", id));
            }
            Change change = new Change();
            change.approvedBy = principal;
            change.comment = redacted(comment);
            change.state = ExecutionState.QUEUED;
            change.audit = audit(principal, "ApproveExecution", "plan " + plan.planDigest()
                    + (change.comment.isBlank() ? "" : ": " + change.comment));
            change.event(new EventPayload.ApprovalDecided(true, principal, change.comment, plan.planDigest()));
            change.event(new EventPayload.StateChanged(ExecutionState.AWAITING_APPROVAL, ExecutionState.QUEUED,
                    "approved by " + principal));
            commit(change);
            host.queued(this);
            return current();
        });
    }

    CompletableFuture<Execution> reject(String principal, String subject, String planDigest, String comment,
            boolean selfApprovalForbidden) {
        return command(() -> {
            awaitingApproval("reject");
            checkDigest(planDigest, false);
            if (selfApprovalForbidden && header.requestedBy(principal, subject)) {
                throw new DomainException.PermissionDenied("SELF_REJECTION", "the requester of an execution cannot reject it; "
                        + "another approver must", Map.of("execution_id", id));
            }
            Change change = new Change();
            change.comment = redacted(comment);
            String reason = "rejected by " + principal + (change.comment.isBlank() ? "" : ": " + change.comment);
            change.approvedBy = "";
            change.state = ExecutionState.REJECTED;
            change.audit = audit(principal, "RejectExecution", "plan " + plan.planDigest()
                    + (change.comment.isBlank() ? "" : ": " + change.comment));
            change.error = reason;
            change.endTime = now();
            for (StepRun step : steps.values()) {
                StepRun skipped = step.with(StepState.SKIPPED, step.attempt(), reason, Map.of(), null, change.endTime);
                change.step(skipped);
                change.event(finished(skipped, change.endTime));
            }
            workflows.values().forEach(w -> change.workflow(new WorkflowRun(w.workflowId(), w.phase(), StepState.SKIPPED)));
            change.event(new EventPayload.ApprovalDecided(false, principal, change.comment, plan.planDigest()));
            change.event(new EventPayload.StateChanged(ExecutionState.AWAITING_APPROVAL, ExecutionState.REJECTED, reason));
            commit(change);
            end(false);
            return current();
        });
    }

    /** Queues a failed or cancelled execution again, keeping the steps that succeeded and their outputs. */
    CompletableFuture<Execution> retry(String principal, String comment) {
        return command(() -> {
            ExecutionState state = header.state();
            if (state != ExecutionState.FAILED && state != ExecutionState.CANCELLED) {
                throw new DomainException.FailedPrecondition("NOT_RETRYABLE", "only FAILED or CANCELLED executions can be "
                        + "retried; execution " + id + " is " + state, Map.of("execution_id", id));
            }
            Change change = new Change();
            for (StepRun step : steps.values()) {
                if (step.state() != StepState.SUCCEEDED) {
                    attemptBase.put(new StepKey(step.workflowId(), step.step()), step.attempt());
                    change.step(step.with(StepState.PENDING, step.attempt(), "", Map.of(), null, null));
                }
            }
            for (WorkflowRun workflow : workflows.values()) {
                if (workflow.state() != StepState.SUCCEEDED) {
                    change.workflow(new WorkflowRun(workflow.workflowId(), workflow.phase(), StepState.PENDING));
                }
            }
            change.state = ExecutionState.QUEUED;
            change.error = "";
            // The retry is a new run: its duration starts when it is admitted, not when the first run did.
            change.startTime = null;
            change.endTime = null;
            change.audit = audit(principal, "RetryExecution", comment);
            change.event(new EventPayload.StateChanged(state, ExecutionState.QUEUED, "retried by " + principal
                    + (comment == null || comment.isBlank() ? "" : ": " + redacted(comment))));
            expired.clear();
            commit(change);
            host.queued(this);
            return current();
        });
    }

    /** The audit entry of a command on this execution; the comment is redacted like everything else. */
    private AuditEvent audit(String principal, String action, String comment) {
        return AuditEvent.allowed(now(), principal, action, "execution/" + id, redacted(comment));
    }

    /**
     * A comment typed by a person, with every secret this execution could know masked: the values its steps
     * produced or read so far, and every admin value taken from an environment variable, even one no step has
     * read yet (a retry after a restart has read nothing).
     */
    private String redacted(String comment) {
        if (comment == null || comment.isEmpty()) {
            return "";
        }
        registerAdminSecrets(plan.context().admin());
        return redactor.apply(comment);
    }

    private void registerAdminSecrets(Object value) {
        if (value instanceof String text && EnvironmentReferences.contains(text)) {
            try {
                EnvironmentReferences.resolve(text, System::getenv, redactor::add);
            } catch (IllegalArgumentException unset) {
                // A variable that is not set has no value to leak.
            }
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(this::registerAdminSecrets);
        } else if (value instanceof List<?> list) {
            list.forEach(this::registerAdminSecrets);
        }
    }

    private void awaitingApproval(String verb) {
        if (header.state() != ExecutionState.AWAITING_APPROVAL) {
            throw new DomainException.FailedPrecondition("NOT_AWAITING_APPROVAL", "cannot " + verb + " execution " + id
                    + ": it is " + header.state() + ", not AWAITING_APPROVAL", Map.of("execution_id", id));
        }
    }

    private void checkDigest(String planDigest, boolean required) {
        if ((required || (planDigest != null && !planDigest.isBlank())) && !plan.planDigest().equals(planDigest)) {
            throw new DomainException.FailedPrecondition("PLAN_DIGEST_MISMATCH", "plan_digest does not match the plan of "
                    + "execution " + id + " (expected " + plan.planDigest() + ")", Map.of("execution_id", id));
        }
    }

    private <T> CompletableFuture<T> command(Supplier<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        serial.execute(() -> {
            try {
                // With several replicas, a command computed from a state that another writer has changed
                // since must not report success: the caller applies it again to the current state.
                if (version >= 0 && halted) {
                    throw new StoreException.ConcurrentTransition(id, sequence);
                }
                T value = action.get();
                if (version >= 0 && lostRace) {
                    throw new StoreException.ConcurrentTransition(id, sequence);
                }
                result.complete(value);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    // ---- the state machine ----------------------------------------------------------------------

    /** Starts whatever can start now and finishes workflows, phases and the execution when they are done. */
    private void advance() {
        if (halted || header.state() != ExecutionState.RUNNING) {
            return;
        }
        boolean executionFailed = workflows.values().stream().anyMatch(w -> w.state() == StepState.FAILED);
        for (PlannedPhase phase : plan.phases()) {
            for (PlannedWorkflow workflow : phase.workflows()) {
                WorkflowRun run = workflows.get(workflow.workflowId());
                if (run.state().terminal()) {
                    continue;
                }
                if (executionFailed) {
                    finish(ExecutionState.FAILED);
                    return;
                }
                if (run.state() == StepState.PENDING) {
                    startWorkflow(phase, workflow);
                }
                startReadySteps(workflow);
                if (halted || header.state() != ExecutionState.RUNNING) {
                    return;
                }
                if (workflowDone(workflow)) {
                    finishWorkflow(phase, workflow);
                    executionFailed = workflows.get(workflow.workflowId()).state() == StepState.FAILED;
                    continue;
                }
                return;
            }
        }
        finish(executionFailed ? ExecutionState.FAILED : ExecutionState.SUCCEEDED);
    }

    private void startWorkflow(PlannedPhase phase, PlannedWorkflow workflow) {
        Change change = new Change();
        boolean phaseStarted = phase.workflows().stream()
                .anyMatch(w -> workflows.get(w.workflowId()).state() != StepState.PENDING);
        if (!phaseStarted) {
            change.event(new EventPayload.PhaseStarted(phase.phase()));
        }
        change.workflow(new WorkflowRun(workflow.workflowId(), workflow.phase(), StepState.RUNNING));
        change.event(new EventPayload.WorkflowStarted(workflow.workflowId(), workflow.phase()));
        commit(change);
        armDeadline(workflow.workflowId(), now());
    }

    private void armDeadline(String workflowId, Instant started) {
        Duration limit = plan.limits().maxWorkflowDuration();
        if (limit == null || deadlines.containsKey(workflowId)) {
            return;
        }
        Duration left = limit.minus(Duration.between(started, now()));
        deadlines.put(workflowId, services.scheduler().schedule(left.isNegative() ? Duration.ZERO : left,
                () -> serial.execute(() -> expire(workflowId))));
    }

    /** Stops the running attempts of the steps {@code which} selects and records them as FAILED. */
    private void failRunningAttempts(java.util.function.Predicate<StepKey> which, String reason) {
        flushLogs();
        Change change = new Change();
        Instant now = now();
        for (Attempt attempt : List.copyOf(attempts.values())) {
            if (which.test(attempt.key)) {
                attempt.stop(reason);
                attempts.remove(attempt.key);
                StepRun failed = steps.get(attempt.key).with(StepState.FAILED, attempt.number, reason, Map.of(),
                        attempt.start, now);
                change.step(failed).event(finished(failed, now));
            }
        }
        if (!change.events.isEmpty()) {
            commit(change);
        }
    }

    /** The workflow ran longer than maxWorkflowDuration: its running steps fail, the rest are skipped. */
    private void expire(String workflowId) {
        if (halted || header.state() != ExecutionState.RUNNING || workflows.get(workflowId).state().terminal()) {
            return;
        }
        expired.add(workflowId);
        String reason = "workflow exceeded maxWorkflowDuration (" + Durations.format(plan.limits().maxWorkflowDuration()) + ")";
        failRunningAttempts(key -> key.workflowId().equals(workflowId), reason);
        advance();
    }

    private void startReadySteps(PlannedWorkflow workflow) {
        boolean progressed = true;
        while (progressed && !halted) {
            progressed = false;
            for (int i = 0; i < workflow.steps().size(); i++) {
                PlannedStep step = workflow.steps().get(i);
                StepKey key = new StepKey(workflow.workflowId(), step.name());
                if (steps.get(key).state() != StepState.PENDING || !ready(workflow, i)) {
                    continue;
                }
                Optional<String> skip = skipReason(workflow, step);
                if (skip.isPresent()) {
                    settle(key, StepState.SKIPPED, skip.get());
                    progressed = true;
                    continue;
                }
                Optional<Boolean> condition;
                try {
                    condition = condition(workflow, step);
                } catch (IllegalArgumentException | StepFailure e) {
                    settle(key, StepState.FAILED, redactor.apply("condition: " + e.getMessage()));
                    progressed = true;
                    continue;
                }
                if (condition.isPresent() && !condition.get()) {
                    settle(key, StepState.SKIPPED, "skipped: condition is false");
                    progressed = true;
                    continue;
                }
                startAttempt(workflow, step, attemptBase.getOrDefault(key, 0) + 1);
                if (!workflow.parallel()) {
                    return;
                }
            }
        }
    }

    /**
     * Sequential workflows: every earlier step has ended. DAGs: every dependency has ended, and for
     * {@code on_failure}/{@code always} steps also every {@code on_success} step of the workflow.
     */
    private boolean ready(PlannedWorkflow workflow, int index) {
        PlannedStep step = workflow.steps().get(index);
        if (!workflow.parallel()) {
            for (int i = 0; i < index; i++) {
                if (!state(workflow, workflow.steps().get(i)).terminal()) {
                    return false;
                }
            }
            return true;
        }
        for (String dependency : step.dependsOn()) {
            if (!steps.get(new StepKey(workflow.workflowId(), dependency)).state().terminal()) {
                return false;
            }
        }
        if (step.definition().when() != When.ON_SUCCESS) {
            return workflow.steps().stream().filter(s -> s.definition().when() == When.ON_SUCCESS)
                    .allMatch(s -> state(workflow, s).terminal());
        }
        return true;
    }

    private Optional<String> skipReason(PlannedWorkflow workflow, PlannedStep step) {
        if (expired.contains(workflow.workflowId())) {
            return Optional.of("skipped: workflow exceeded maxWorkflowDuration");
        }
        boolean failure = workflowFailing(workflow);
        boolean dependencyFailed = step.dependsOn().stream().map(d -> steps.get(new StepKey(workflow.workflowId(), d)))
                .anyMatch(s -> (s.state() == StepState.FAILED && !definition(workflow, s.step()).continueOnError())
                        || s.state() == StepState.CANCELLED);
        return switch (step.definition().when()) {
            case ON_SUCCESS -> failure || dependencyFailed
                    ? Optional.of("skipped: an earlier step failed") : Optional.empty();
            case ON_FAILURE -> failure ? Optional.empty() : Optional.of("skipped: nothing failed");
            case ALWAYS -> Optional.empty();
        };
    }

    private boolean workflowFailing(PlannedWorkflow workflow) {
        return expired.contains(workflow.workflowId()) || workflow.steps().stream().anyMatch(s ->
                state(workflow, s) == StepState.FAILED && !s.definition().continueOnError());
    }

    private Optional<Boolean> condition(PlannedWorkflow workflow, PlannedStep step) {
        StepDefinition d = step.definition();
        if (d.ifCondition() == null && d.unlessCondition() == null) {
            return Optional.empty();
        }
        Interpolator.Scope scope = scope(workflow, step);
        Map<String, Object> values = Interpolator.conditionVariables(scope);
        StepKey key = new StepKey(workflow.workflowId(), step.name());
        boolean run = true;
        if (d.ifCondition() != null) {
            run = evaluateCondition("if", d.ifCondition(), values, scope, key, true);
        }
        if (run && d.unlessCondition() != null) {
            run = !evaluateCondition("unless", d.unlessCondition(), values, scope, key, false);
        }
        return Optional.of(run);
    }

    /**
     * One condition. In a dry run, a condition that needs a value only a real run produces is unknown:
     * it takes the value that lets the step run, and the step's log says so.
     */
    private boolean evaluateCondition(String kind, String expression, Map<String, Object> values, Interpolator.Scope scope,
            StepKey key, boolean runsWhen) {
        try {
            return CelExpressions.evaluate(expression, CelExpressions.CONDITION_VARIABLES, values);
        } catch (IllegalArgumentException e) {
            if (!Interpolator.mayDependOnUnknowns(expression, scope)) {
                throw e;
            }
            assumedConditions.merge(key, "dry run: condition " + kind + " '" + expression + "' depends on a value known only "
                    + "after apply (" + e.getMessage() + "); it counts as " + runsWhen + ", so the step runs",
                    (a, b) -> a + "\n" + b);
            return runsWhen;
        }
    }

    /** Ends a step that never ran an attempt (skipped, or failed before it could start). */
    private void settle(StepKey key, StepState state, String reason) {
        Instant now = now();
        StepRun step = steps.get(key);
        StepRun settled = step.with(state, step.attempt(), reason, Map.of(), step.startTime(), now);
        commit(new Change().step(settled).event(finished(settled, now)));
    }

    private boolean workflowDone(PlannedWorkflow workflow) {
        return workflow.steps().stream().allMatch(s -> state(workflow, s).terminal());
    }

    private void finishWorkflow(PlannedPhase phase, PlannedWorkflow workflow) {
        boolean succeeded = !workflowFailing(workflow);
        String error = succeeded ? "" : firstError(workflow);
        Change change = new Change();
        change.workflow(new WorkflowRun(workflow.workflowId(), workflow.phase(), succeeded ? StepState.SUCCEEDED
                : StepState.FAILED));
        change.event(new EventPayload.WorkflowFinished(workflow.workflowId(), succeeded, error));
        boolean phaseDone = phase.workflows().stream().allMatch(w -> change.current(w.workflowId()).state().terminal());
        if (phaseDone) {
            boolean phaseSucceeded = phase.workflows().stream()
                    .allMatch(w -> change.current(w.workflowId()).state() == StepState.SUCCEEDED);
            change.event(new EventPayload.PhaseFinished(phase.phase(), phaseSucceeded));
        }
        if (!succeeded && change.error.isEmpty()) {
            change.error = workflow.workflowId() + ": " + error;
        }
        commit(change);
        Scheduler.Timer deadline = deadlines.remove(workflow.workflowId());
        if (deadline != null) {
            deadline.cancel();
        }
    }

    private String firstError(PlannedWorkflow workflow) {
        if (expired.contains(workflow.workflowId())) {
            return "workflow exceeded maxWorkflowDuration";
        }
        return workflow.steps().stream().map(s -> steps.get(new StepKey(workflow.workflowId(), s.name())))
                .filter(s -> s.state() == StepState.FAILED && !definition(workflow, s.step()).continueOnError())
                .map(s -> "step " + s.step() + ": " + s.error()).findFirst().orElse("failed");
    }

    /** Ends the execution: steps and workflows that never ran are skipped, open phases are closed. */
    private void finish(ExecutionState outcome) {
        finish(outcome, null);
    }

    /** @param error the execution's error, or null to keep the one already recorded */
    private void finish(ExecutionState outcome, String error) {
        flushLogs();
        Change change = new Change();
        if (error != null) {
            change.error = error;
        }
        Instant now = now();
        String reason = "skipped: an earlier workflow failed";
        for (StepRun step : steps.values()) {
            if (!step.state().terminal()) {
                StepRun skipped = step.with(StepState.SKIPPED, step.attempt(), reason, Map.of(), step.startTime(), now);
                change.step(skipped).event(finished(skipped, now));
            }
        }
        for (PlannedPhase phase : plan.phases()) {
            boolean started = phase.workflows().stream().anyMatch(w -> workflows.get(w.workflowId()).state() != StepState.PENDING);
            boolean open = phase.workflows().stream().anyMatch(w -> !workflows.get(w.workflowId()).state().terminal());
            for (PlannedWorkflow workflow : phase.workflows()) {
                WorkflowRun run = workflows.get(workflow.workflowId());
                if (!run.state().terminal()) {
                    change.workflow(new WorkflowRun(run.workflowId(), run.phase(), StepState.SKIPPED));
                }
            }
            if (started && open) {
                change.event(new EventPayload.PhaseFinished(phase.phase(), false));
            }
        }
        ExecutionState from = header.state();
        change.state = outcome;
        change.endTime = now;
        if (outcome == ExecutionState.SUCCEEDED) {
            change.error = "";
        }
        change.event(new EventPayload.StateChanged(from, outcome, outcome == ExecutionState.SUCCEEDED ? "" : change.error));
        commit(change);
        // Ended in the store before the engine admits the next execution.
        commitHeldBack();
        end(true);
    }

    private void end(boolean wasRunning) {
        deadlines.values().forEach(Scheduler.Timer::cancel);
        deadlines.clear();
        attempts.values().forEach(a -> {
            a.closed = true;
            a.cancelTimers();
        });
        attempts.clear();
        host.ended(this, wasRunning);
    }

    // ---- step attempts --------------------------------------------------------------------------

    private void startAttempt(PlannedWorkflow workflow, PlannedStep step, int number) {
        StepKey key = new StepKey(workflow.workflowId(), step.name());
        Instant now = now();
        String idempotencyKey = id + "/" + workflow.workflowId() + "/" + step.name() + "/" + number;
        StepRun running = steps.get(key).with(StepState.RUNNING, number, "", Map.of(), now, null);
        Change started = new Change().step(running).event(new EventPayload.StepStarted(workflow.workflowId(), step.name(),
                number, idempotencyKey, step.type()));
        String assumed = assumedConditions.remove(key);
        if (assumed != null) {
            for (String line : assumed.split("\n")) {
                started.event(new EventPayload.StepLog(workflow.workflowId(), step.name(), redactor.apply(line), "engine"));
            }
        }
        commit(started);
        // The attempt is in the store before its executor runs.
        commitHeldBack();
        if (halted) {
            return;
        }
        Attempt attempt = new Attempt(key, number, now);
        attempts.put(key, attempt);
        StepContextImpl context;
        try {
            context = context(workflow, step, attempt, idempotencyKey);
        } catch (StepFailure e) {
            serial.execute(() -> attemptFailed(key, number, e.kind(), e.getMessage()));
            return;
        }
        Optional<StepExecutor> executor = services.registry().apply(step.type());
        if (executor.isEmpty()) {
            serial.execute(() -> attemptFailed(key, number, StepErrorKind.CONFIGURATION,
                    "no executor is available for step type '" + step.type() + "'"));
            return;
        }
        if (step.definition().timeout() != null) {
            Duration timeout = step.definition().timeout();
            attempt.timer = services.scheduler().schedule(timeout, () -> serial.execute(() -> {
                if (attempts.get(key) == attempt) {
                    attempt.stop("timed out");
                    attemptFailed(key, number, StepErrorKind.TIMEOUT, "timed out after " + Durations.format(timeout));
                }
            }));
        }
        Uni<StepResult> work;
        try {
            work = header.dryRun() ? executor.get().dryRun(context) : executor.get().execute(context);
        } catch (RuntimeException e) {
            serial.execute(() -> attemptFailed(key, number, kind(e), message(e, step.type())));
            return;
        }
        // The executor stops through the attempt's Cancellation; its late result or failure reaches these
        // callbacks and is ignored there, because the attempt is no longer the step's current one.
        work.runSubscriptionOn(services.stepExecutor()).subscribe().with(
                result -> serial.execute(() -> batched(() -> attemptSucceeded(key, number, result))),
                failure -> serial.execute(() -> batched(() -> attemptFailed(key, number, kind(failure),
                        message(failure, step.type())))));
    }

    private void attemptSucceeded(StepKey key, int number, StepResult result) {
        Attempt attempt = attempts.get(key);
        if (attempt == null || attempt.number != number) {
            return;
        }
        attempts.remove(key);
        attempt.closed = true;
        attempt.cancelTimers();
        flushLogs();
        result.secretOutputs().forEach(k -> redactor.add(result.outputs().get(k)));
        Map<String, String> outputs = redactor.apply(result.outputs(), result.secretOutputs());
        Instant now = now();
        StepRun done = steps.get(key).with(StepState.SUCCEEDED, number, "", outputs, attempt.start, now);
        commit(new Change().step(done).event(finished(done, now)));
        advance();
    }

    /** An attempt failed: another one follows when the step's retry policy allows it and the kind is retryable. */
    private void attemptFailed(StepKey key, int number, StepErrorKind kind, String message) {
        Attempt attempt = attempts.get(key);
        if (attempt == null || attempt.number != number) {
            return;
        }
        attempt.cancelTimers();
        flushLogs();
        String error = redactor.apply(message);
        PlannedWorkflow workflow = planned.get(key.workflowId());
        StepDefinition definition = definition(workflow, key.step());
        int base = attemptBase.getOrDefault(key, 0);
        int allowed = base + definition.retry().attempts();
        boolean policyAllows = number < allowed && !expired.contains(key.workflowId())
                && header.state() == ExecutionState.RUNNING;
        if (policyAllows && !kind.retryable()) {
            commit(new Change().event(new EventPayload.StepLog(key.workflowId(), key.step(), "attempt " + number
                    + " failed: " + error + "; not retried: " + describe(kind) + " fails the same way on every attempt",
                    "engine")));
        }
        if (policyAllows && kind.retryable()) {
            attempt.closed = true;
            Duration delay = definition.retry().delayBefore(number - base + 1);
            commit(new Change().event(new EventPayload.StepLog(key.workflowId(), key.step(), "attempt " + number
                    + " failed: " + error + "; retrying in " + Durations.format(delay) + " (attempt " + (number + 1) + " of "
                    + allowed + ")", "engine")));
            attempt.retry = services.scheduler().schedule(delay, () -> serial.execute(() -> {
                if (attempts.get(key) == attempt && header.state() == ExecutionState.RUNNING && !halted) {
                    attempts.remove(key);
                    startAttempt(workflow, workflow.step(key.step()), number + 1);
                }
            }));
            return;
        }
        attempts.remove(key);
        attempt.closed = true;
        Instant now = now();
        StepRun failed = steps.get(key).with(StepState.FAILED, number, error, kind, Map.of(), attempt.start, now);
        commit(new Change().step(failed).event(finished(failed, now)));
        advance();
    }

    private StepContextImpl context(PlannedWorkflow workflow, PlannedStep step, Attempt attempt, String idempotencyKey) {
        Interpolator.Scope scope = scope(workflow, step);
        StepDefinition d = step.definition();
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) Interpolator.render(d.config(), scope);
        String namespace = Interpolator.render(d.namespace(), scope);
        String path = Interpolator.render(d.path(), scope);
        return new StepContextImpl(this, workflow.workflowId(), step.name(), step.type(), attempt.number, idempotencyKey,
                header.dryRun(), config, namespace, path, workflow.baseDirectory(), plan, d.timeout(), attempt.cancellation,
                attempt, scope);
    }

    private Interpolator.Scope scope(PlannedWorkflow workflow, PlannedStep step) {
        Map<String, Map<String, String>> stepOutputs = new LinkedHashMap<>();
        Map<String, StepState> stepStates = new LinkedHashMap<>();
        Map<String, String> terraform = Map.of();
        for (PlannedStep s : workflow.steps()) {
            StepRun run = steps.get(new StepKey(workflow.workflowId(), s.name()));
            stepStates.put(s.name(), run.state());
            if (run.state() == StepState.SUCCEEDED) {
                stepOutputs.put(s.name(), run.outputs());
                if (s.exports().terraform() && !s.name().equals(step.name())) {
                    terraform = run.outputs();
                }
            }
        }
        Map<String, Map<String, String>> resources = new LinkedHashMap<>();
        plan.workflows().forEach(w -> w.steps().stream().filter(s -> s.exports().resource() != null).forEach(s -> {
            StepRun run = steps.get(new StepKey(w.workflowId(), s.name()));
            if (run != null && run.state() == StepState.SUCCEEDED) {
                resources.put(s.exports().resource(), run.outputs());
            }
        }));
        Interpolator.Scope base = new Interpolator.Scope(id, plan.context(), Map.of(), stepOutputs, stepStates, resources,
                terraform, redactor::add, header.dryRun());
        Map<String, String> rendered = variables.computeIfAbsent(workflow.workflowId(), w -> {
            Map<String, String> values = new LinkedHashMap<>();
            workflow.variables().forEach((k, v) -> values.put(k, Interpolator.render(v, base)));
            return values;
        });
        return new Interpolator.Scope(id, plan.context(), rendered, stepOutputs, stepStates, resources, terraform,
                redactor::add, header.dryRun());
    }

    // ---- logs -----------------------------------------------------------------------------------

    /** Called from executor threads: queues a line and arranges a flush shortly after. */
    void log(Attempt attempt, String workflowId, String step, String stream, String line) {
        if (attempt.closed) {
            return;
        }
        synchronized (pendingLogs) {
            if (attempt.lines > MAX_LOG_LINES_PER_ATTEMPT) {
                return;
            }
            String recorded = line.length() <= MAX_LOG_LINE_CHARS ? line
                    : line.substring(0, MAX_LOG_LINE_CHARS) + " … (line cut at " + MAX_LOG_LINE_CHARS + " characters)";
            if (attempt.lines == MAX_LOG_LINES_PER_ATTEMPT
                    || attempt.logChars + recorded.length() > MAX_LOG_BYTES_PER_ATTEMPT) {
                attempt.lines = MAX_LOG_LINES_PER_ATTEMPT + 1;
                pendingLogs.add(new EventPayload.StepLog(workflowId, step, "log truncated: further output of this attempt "
                        + "is not recorded (at most " + MAX_LOG_LINES_PER_ATTEMPT + " lines and "
                        + MAX_LOG_BYTES_PER_ATTEMPT / 1024 + " KiB per attempt)", "engine"));
                scheduleFlush();
                return;
            }
            attempt.lines++;
            attempt.logChars += recorded.length();
            pendingLogs.add(new EventPayload.StepLog(workflowId, step, recorded, stream));
            scheduleFlush();
        }
    }

    void progress(Attempt attempt, String workflowId, String step, int percent, String message) {
        if (attempt.closed) {
            return;
        }
        synchronized (pendingLogs) {
            pendingLogs.add(new EventPayload.StepProgress(workflowId, step, Math.max(0, Math.min(100, percent)),
                    message == null ? "" : message));
            scheduleFlush();
        }
    }

    void secret(String value) {
        redactor.add(value);
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            services.scheduler().schedule(services.logFlushDelay(), () -> serial.execute(this::flushLogs));
        }
    }

    private void flushLogs() {
        List<EventPayload> batch;
        synchronized (pendingLogs) {
            flushScheduled = false;
            if (pendingLogs.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(pendingLogs);
            pendingLogs.clear();
        }
        if (halted) {
            return;
        }
        Change change = new Change();
        for (EventPayload event : batch) {
            if (event instanceof EventPayload.StepLog log) {
                change.event(new EventPayload.StepLog(log.workflowId(), log.step(), redactor.apply(log.line()), log.stream()));
            } else if (event instanceof EventPayload.StepProgress progress) {
                change.event(new EventPayload.StepProgress(progress.workflowId(), progress.step(), progress.percent(),
                        redactor.apply(progress.message())));
            }
        }
        commit(change);
    }

    // ---- commits --------------------------------------------------------------------------------

    /**
     * Runs a task of the state machine with its commits held back and committed together when it ends
     * (or earlier: before a step attempt starts and before the run ends), so that one step's end and the
     * next step's start are one transaction instead of two. The run's own state moves on at once.
     */
    private void batched(Runnable task) {
        batching = true;
        try {
            task.run();
        } finally {
            batching = false;
            commitHeldBack();
        }
    }

    private void commit(Change change) {
        if (halted) {
            lostRace = true;
            return;
        }
        checkTransition(change);
        if (batching && change.audit == null) {
            if (heldBack == null) {
                heldBack = new Change();
            }
            heldBack.events.addAll(change.events);
            heldBack.steps.putAll(change.steps);
            heldBack.workflows.putAll(change.workflows);
            header = headerAfter(change);
            steps.putAll(change.steps);
            workflows.putAll(change.workflows);
            return;
        }
        commitHeldBack();
        store(headerAfter(change), change.steps, change.workflows, change.events, change.audit);
    }

    /**
     * A change may move the execution only along the lifecycle's transition table, and every state change
     * it reports must start from where the execution is: anything else is a defect of the engine, stopped
     * here before it reaches the store.
     */
    private void checkTransition(Change change) {
        ExecutionState from = header.state();
        if (change.state != from && !from.canMoveTo(change.state)) {
            throw new IllegalStateException("execution " + id + ": illegal transition " + from + " -> " + change.state);
        }
        for (EventPayload event : change.events) {
            if (event instanceof EventPayload.StateChanged moved && (moved.from() != from || moved.to() != change.state)) {
                throw new IllegalStateException("execution " + id + ": event reports " + moved.from() + " -> " + moved.to()
                        + " but the change moves " + from + " -> " + change.state);
            }
        }
    }

    /** Commits the changes {@link #batched} held back, if any; the run's state already includes them. */
    private void commitHeldBack() {
        Change pending = heldBack;
        heldBack = null;
        if (pending != null) {
            store(header, pending.steps, pending.workflows, pending.events, null);
        }
    }

    private Execution headerAfter(Change change) {
        return new Execution(id, header.kind(), change.state, plan, header.scoreYaml(), List.of(), List.of(),
                header.requestedBy(), change.approvedBy, change.comment, header.requestId(), header.dryRun(), change.error,
                sequence, header.createTime(), change.startTime, change.endTime, header.requestedBySubject());
    }

    /** Commits one transition to the store, then updates this run's state and publishes the events. */
    private void store(Execution next, Map<StepKey, StepRun> changedSteps, Map<String, WorkflowRun> changedWorkflows,
            List<EventPayload> events, AuditEvent audit) {
        if (halted) {
            lostRace = true;
            return;
        }
        Instant now = now();
        ExecutionStore.Transition transition = new ExecutionStore.Transition(id, sequence, next,
                List.copyOf(changedSteps.values()), List.copyOf(changedWorkflows.values()), events, now, audit,
                version < 0 ? null : new ExecutionStore.Fence(version, lease));
        long committed;
        try {
            committed = commitWithRetry(transition);
        } catch (StoreException.ConcurrentTransition e) {
            lostRace = true;
            halt(abandoning ? "execution " + id + " is given up while the store cannot be reached; its last change is "
                    + "made again by whoever drives it next" : "another writer changed execution " + id
                    + "; this process stops driving it");
            return;
        }
        if (version >= 0) {
            version++;
        }
        header = next;
        steps.putAll(changedSteps);
        workflows.putAll(changedWorkflows);
        List<ExecutionEvent> published = new ArrayList<>(events.size());
        long s = sequence;
        for (EventPayload event : events) {
            published.add(new ExecutionEvent(id, ++s, now, event));
        }
        sequence = committed;
        services.streams().publish(id, published);
    }

    /**
     * Commits, waiting out store outages: an execution never fails because the database was briefly
     * away. A commit whose outcome was lost in an outage is recognised by its sequence afterwards.
     */
    private long commitWithRetry(ExecutionStore.Transition transition) {
        Duration wait = Duration.ofMillis(100);
        boolean uncertain = false;
        while (true) {
            try {
                try {
                    return services.store().commit(transition);
                } catch (StoreException.ConcurrentTransition e) {
                    if (uncertain) {
                        long expected = transition.expectedSequence() + transition.events().size();
                        if (transition.fence() != null ? landed(transition, expected) : services.store().find(id)
                                .filter(stored -> stored.lastSequence() == expected).isPresent()) {
                            return expected;
                        }
                    }
                    throw e;
                }
            } catch (StoreException.Unavailable e) {
                if (abandoning) {
                    // This process gives the execution up (it stops, or lost its lease): whoever drives it next
                    // starts from what the store holds.
                    throw new StoreException.ConcurrentTransition(id, transition.expectedSequence());
                }
                if (!uncertain) {
                    LOG.warnf("store unavailable while committing execution %s; retrying until it is back: %s", id,
                            e.getMessage());
                } else {
                    LOG.debugf("store still unavailable while committing execution %s, retrying in %s", id, wait);
                }
                uncertain = true;
                sleep(wait);
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : wait.multipliedBy(2);
            }
        }
    }

    /**
     * Whether a fenced commit whose outcome was lost in an outage did land: the row is exactly one version
     * further, at the commit's sequence and state, and (for the owner) still under its lease. A take-over
     * or a command by another replica in between leaves a different version, sequence, state or owner.
     */
    private boolean landed(ExecutionStore.Transition transition, long expected) {
        if (!(services.store() instanceof ClusterStore cluster)) {
            return false;
        }
        Optional<ClusterStore.Owned> stored = cluster.findOwned(id);
        if (stored.isEmpty()) {
            return false;
        }
        ClusterStore.Owned row = stored.get();
        ExecutionState state = transition.header().state();
        return row.version() == transition.fence().expectedVersion() + 1 && row.execution().lastSequence() == expected
                && row.execution().state() == state && (transition.fence().lease() == null
                || java.util.Objects.equals(row.ownerLease(), state == ExecutionState.RUNNING ? transition.fence().lease() : null));
    }

    /**
     * A task of this run threw: a defect, not a step failure. Left alone the execution would stay RUNNING
     * under this process's lease for ever, so it fails instead, naming no internals; RetryExecution resumes
     * it from its first step that did not succeed. If even that cannot be recorded, the run stops driving
     * the execution and a restart (or another replica, after the lease) resumes it.
     */
    private void defect(Throwable failure) {
        LOG.errorf(failure, "internal error while driving execution %s; it fails", id);
        if (halted || header.state().terminal()) {
            return;
        }
        String reason = "innominatus hit an internal error while driving this execution (see the server log at "
                + now() + "); RetryExecution resumes it";
        try {
            failRunningAttempts(key -> true, reason);
            if (!halted) {
                finish(ExecutionState.FAILED, reason);
            }
        } catch (RuntimeException | Error again) {
            again.addSuppressed(failure);
            halt("execution " + id + " could not be failed after an internal error (" + again.getMessage()
                    + "); this process stops driving it");
        }
    }

    /** Stops driving this execution without changing it (another process owns it now). */
    private void halt(String why) {
        halt(why, true);
    }

    private void halt(String why, boolean warn) {
        if (halted) {
            return;
        }
        if (warn) {
            LOG.warn(why);
        } else {
            LOG.info(why);
        }
        halted = true;
        attempts.values().forEach(a -> a.stop(why));
        attempts.clear();
        deadlines.values().forEach(Scheduler.Timer::cancel);
        deadlines.clear();
        host.halted(this);
    }

    /**
     * Another replica changed this execution (cancelled it, or took it over after this replica's lease
     * expired): unless this run already made that version itself, it stops driving the execution and its
     * running steps are stopped.
     */
    void changedElsewhere(long changedVersion) {
        serial.execute(() -> {
            if (!halted && version >= 0 && changedVersion > version) {
                halt("execution " + id + " was changed by another replica; this replica stops driving it", false);
            }
        });
    }

    boolean halted() {
        return halted;
    }

    /** Stops running work without recording anything: the process is shutting down and a restart resumes. */
    void abandon() {
        abandon("shutting down; execution " + id + " resumes after restart");
    }

    /**
     * Stops running work without recording anything; whoever drives the execution next resumes it. An
     * execution that has already ended has nothing to resume, and the log says so instead.
     */
    void abandon(String why) {
        abandoning = true;
        serial.execute(() -> {
            if (header.state().terminal()) {
                halt("execution " + id + " has ended (" + header.state() + "); nothing to resume", false);
            } else {
                halt(why);
            }
        });
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private StepState state(PlannedWorkflow workflow, PlannedStep step) {
        return steps.get(new StepKey(workflow.workflowId(), step.name())).state();
    }

    private static StepDefinition definition(PlannedWorkflow workflow, String step) {
        return workflow.step(step).definition();
    }

    private static EventPayload.StepFinished finished(StepRun step, Instant now) {
        long duration = step.startTime() == null ? 0 : Math.max(0, Duration.between(step.startTime(), now).toMillis());
        return new EventPayload.StepFinished(step.workflowId(), step.step(), step.state(), step.outputs(), step.error(),
                step.attempt(), duration, step.errorKind());
    }

    private static String describe(StepErrorKind kind) {
        return kind == StepErrorKind.CANCELLED ? "a cancelled attempt" : "a configuration error";
    }

    /** The kind of an executor's failure; an unexpected exception counts as the step's own failure. */
    static StepErrorKind kind(Throwable failure) {
        return unwrapped(failure) instanceof StepFailure stepFailure ? stepFailure.kind() : StepErrorKind.STEP_FAILED;
    }

    private static Throwable unwrapped(Throwable failure) {
        Throwable t = failure;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The time, at the precision the store keeps, so that a live event and its stored copy are equal. */
    private Instant now() {
        return services.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    static String message(Throwable failure, String type) {
        Throwable t = unwrapped(failure);
        if (t instanceof StepFailure) {
            return t.getMessage();
        }
        LOG.warnf(t, "step executor for type %s failed unexpectedly", type);
        return "the " + type + " executor failed unexpectedly" + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
