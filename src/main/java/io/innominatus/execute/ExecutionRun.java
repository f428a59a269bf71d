package io.innominatus.execute;

import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.PlannedPhase;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.WorkflowRun;
import io.innominatus.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * One execution being driven: the lifecycle around the pure {@link Progression}. Every task runs on the
 * execution's serial executor and ends by committing what it recorded ({@link Journal}); step attempts run
 * elsewhere and report back through it ({@link StepAttempts}); people's commands are
 * {@link ExecutionCommands}. A task that throws is a defect: the execution fails instead of staying RUNNING.
 */
final class ExecutionRun {

    private static final Logger LOG = Logger.getLogger(ExecutionRun.class);

    /** What the engine needs to hear from a run. */
    interface Host {
        /** The run was queued (created, approved or retried) and waits for admission. */
        void queued(ExecutionRun run);

        /** The run ended (succeeded, failed, cancelled or rejected) and holds no slot any more. */
        void ended(ExecutionRun run, boolean wasRunning);

        /** The run stopped driving its execution without ending it (another writer or a restart continues it). */
        default void halted(ExecutionRun run) {}
    }

    private final EngineServices services;
    private final Host host;
    private final SerialExecutor serial;
    private final RunState run;
    private final Journal journal;
    private final StepLogs logs;
    private final StepAttempts attempts;
    private final ExecutionCommands commands;
    /** The run's tasks: each runs on the serial executor and commits what it recorded when it ends. */
    private final Executor tasks;
    private final Map<String, Scheduler.Timer> deadlines = new HashMap<>();

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
        this.run = new RunState(execution, services.clock());
        this.journal = new Journal(run, services, serial, version, lease, this::halt);
        this.tasks = task -> serial.execute(() -> {
            task.run();
            journal.flush();
        });
        this.logs = new StepLogs(run, journal, services, tasks);
        this.attempts = new StepAttempts(run, journal, logs, services, tasks, this::advance);
        this.commands = new ExecutionCommands(run, journal, attempts, logs, tasks, new ExecutionCommands.Lifecycle() {
            @Override
            public void ended(boolean wasRunning) {
                end(wasRunning);
            }

            @Override
            public void queued() {
                journal.whenDurable(() -> host.queued(ExecutionRun.this), () -> {});
            }
        });
    }

    String id() {
        return run.id;
    }

    String admissionKey() {
        return run.plan.application() + "/" + run.plan.environment();
    }

    /** The execution as this run knows it. Safe to call from any thread. */
    Execution snapshot() {
        CompletableFuture<Execution> result = new CompletableFuture<>();
        serial.execute(() -> result.complete(run.current()));
        return result.join();
    }

    // ---- the lifecycle --------------------------------------------------------------------------

    /** Admitted: moves a queued execution to RUNNING and starts its first steps. */
    void start() {
        tasks.execute(() -> {
            if (run.halted || run.header.state() != ExecutionState.QUEUED) {
                return;
            }
            Change change = new Change(run);
            change.state = ExecutionState.RUNNING;
            if (change.startTime == null) {
                change.startTime = run.now();
            }
            change.event(new EventPayload.StateChanged(ExecutionState.QUEUED, ExecutionState.RUNNING, ""));
            journal.record(change);
            advance();
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
        tasks.execute(() -> {
            Change change = new Change(run);
            run.steps.forEach((key, step) -> {
                if (step.state() == StepState.RUNNING) {
                    attempts.continueNumbering(key, step.attempt());
                    change.step(step.with(StepState.PENDING, step.attempt(), "", Map.of(), step.startTime(), null));
                    change.event(new EventPayload.StepLog(step.workflowId(), step.step(), "attempt " + step.attempt()
                            + " " + interruption + "; the step runs again", "engine"));
                }
            });
            if (!change.events.isEmpty()) {
                journal.record(change);
            }
            for (WorkflowRun workflow : run.workflows.values()) {
                if (workflow.state() == StepState.RUNNING) {
                    Instant started = run.steps.values().stream().filter(s -> s.workflowId().equals(workflow.workflowId()))
                            .map(StepRun::startTime).filter(Objects::nonNull).min(Instant::compareTo).orElse(run.now());
                    armDeadline(workflow.workflowId(), started);
                }
            }
            advance();
        });
    }

    CompletableFuture<Execution> cancel(String principal, String comment) {
        return commands.cancel(principal, comment);
    }

    CompletableFuture<Execution> approve(String principal, String subject, String planDigest, String comment,
            boolean selfApprovalForbidden) {
        return commands.approve(principal, subject, planDigest, comment, selfApprovalForbidden);
    }

    CompletableFuture<Execution> reject(String principal, String subject, String planDigest, String comment,
            boolean selfApprovalForbidden) {
        return commands.reject(principal, subject, planDigest, comment, selfApprovalForbidden);
    }

    CompletableFuture<Execution> retry(String principal, String comment) {
        return commands.retry(principal, comment);
    }

    /** Applies what {@link Progression} decides now, stopping early if the run stops driving the execution. */
    private void advance() {
        if (!run.driving()) {
            return;
        }
        for (Progression.Decision decision : Progression.next(run.plan, run.steps, run.workflows, run.expired,
                attempts::condition)) {
            if (!run.driving()) {
                return;
            }
            apply(decision);
        }
    }

    private void apply(Progression.Decision decision) {
        if (decision instanceof Progression.StartWorkflow start) {
            Change change = new Change(run);
            if (start.phaseStarts()) {
                change.event(new EventPayload.PhaseStarted(start.phase()));
            }
            change.workflow(new WorkflowRun(start.workflowId(), start.phase(), StepState.RUNNING));
            change.event(new EventPayload.WorkflowStarted(start.workflowId(), start.phase()));
            journal.record(change);
            armDeadline(start.workflowId(), run.now());
        } else if (decision instanceof Progression.StartAttempt start) {
            attempts.start(start.step());
        } else if (decision instanceof Progression.SettleStep settle) {
            Instant now = run.now();
            StepRun step = run.step(settle.step());
            journal.record(new Change(run).finished(step.with(settle.state(), step.attempt(),
                    run.redactor.apply(settle.reason()), Map.of(), step.startTime(), now), now));
        } else if (decision instanceof Progression.FinishWorkflow finish) {
            String error = run.redactor.apply(finish.error());
            Change change = new Change(run);
            change.workflow(new WorkflowRun(finish.workflowId(), finish.phase(), finish.succeeded() ? StepState.SUCCEEDED
                    : StepState.FAILED));
            change.event(new EventPayload.WorkflowFinished(finish.workflowId(), finish.succeeded(), error));
            finish.phaseSucceeded().ifPresent(succeeded -> change.event(new EventPayload.PhaseFinished(finish.phase(),
                    succeeded)));
            if (!finish.succeeded() && change.error.isEmpty()) {
                change.error = finish.workflowId() + ": " + error;
            }
            journal.record(change);
            Scheduler.Timer deadline = deadlines.remove(finish.workflowId());
            if (deadline != null) {
                deadline.cancel();
            }
        } else if (decision instanceof Progression.FinishExecution finish) {
            finish(finish.outcome(), null);
        }
    }

    private void armDeadline(String workflowId, Instant started) {
        Duration limit = run.plan.limits().maxWorkflowDuration();
        if (limit == null || deadlines.containsKey(workflowId)) {
            return;
        }
        Duration left = limit.minus(Duration.between(started, run.now()));
        deadlines.put(workflowId, services.scheduler().schedule(left.isNegative() ? Duration.ZERO : left,
                () -> tasks.execute(() -> expire(workflowId))));
    }

    /** The workflow ran longer than maxWorkflowDuration: its running steps fail, the rest are skipped. */
    private void expire(String workflowId) {
        if (!run.driving() || run.workflows.get(workflowId).state().terminal()) {
            return;
        }
        run.expired.add(workflowId);
        String reason = "workflow exceeded maxWorkflowDuration (" + Durations.format(run.plan.limits().maxWorkflowDuration())
                + ")";
        attempts.failRunning(key -> key.workflowId().equals(workflowId), reason);
        advance();
    }

    /**
     * Ends the execution: steps and workflows that never ran are skipped, open phases are closed.
     *
     * @param error the execution's error, or null to keep the one already recorded
     */
    private void finish(ExecutionState outcome, String error) {
        logs.flush();
        Change change = new Change(run);
        if (error != null) {
            change.error = error;
        }
        Instant now = run.now();
        for (StepRun step : run.steps.values()) {
            if (!step.state().terminal()) {
                change.finished(step.with(StepState.SKIPPED, step.attempt(), "skipped: an earlier workflow failed", Map.of(),
                        step.startTime(), now), now);
            }
        }
        for (PlannedPhase phase : run.plan.phases()) {
            boolean started = phase.workflows().stream()
                    .anyMatch(w -> run.workflows.get(w.workflowId()).state() != StepState.PENDING);
            boolean open = phase.workflows().stream().anyMatch(w -> !run.workflows.get(w.workflowId()).state().terminal());
            for (PlannedWorkflow workflow : phase.workflows()) {
                WorkflowRun workflowRun = run.workflows.get(workflow.workflowId());
                if (!workflowRun.state().terminal()) {
                    change.workflow(new WorkflowRun(workflowRun.workflowId(), workflowRun.phase(), StepState.SKIPPED));
                }
            }
            if (started && open) {
                change.event(new EventPayload.PhaseFinished(phase.phase(), false));
            }
        }
        ExecutionState from = run.header.state();
        change.state = outcome;
        change.endTime = now;
        if (outcome == ExecutionState.SUCCEEDED) {
            change.error = "";
        }
        change.event(new EventPayload.StateChanged(from, outcome, outcome == ExecutionState.SUCCEEDED ? "" : change.error));
        journal.record(change);
        end(true);
    }

    /** The execution ended: timers and attempts stop now; the engine hears of it once the end is in the store. */
    private void end(boolean wasRunning) {
        deadlines.values().forEach(Scheduler.Timer::cancel);
        deadlines.clear();
        attempts.stopAll("execution " + run.id + " ended");
        journal.whenDurable(() -> host.ended(this, wasRunning), () -> {});
    }

    // ---- defects, halts and hand-overs ------------------------------------------------------------

    /**
     * A task of this run threw: a defect, not a step failure. Left alone the execution would stay RUNNING
     * under this process's lease for ever, so it fails instead, naming no internals; RetryExecution resumes
     * it from its first step that did not succeed. If even that cannot be recorded, the run stops driving
     * the execution and a restart (or another replica, after the lease) resumes it.
     */
    private void defect(Throwable failure) {
        LOG.errorf(failure, "internal error while driving execution %s; it fails", run.id);
        if (run.halted || run.header.state().terminal()) {
            return;
        }
        String reason = "innominatus hit an internal error while driving this execution (see the server log at "
                + run.now() + "); RetryExecution resumes it";
        try {
            attempts.failRunning(key -> true, reason);
            if (!run.halted && !run.header.state().terminal()) {
                finish(ExecutionState.FAILED, reason);
            }
            journal.flush();
        } catch (RuntimeException | Error again) {
            again.addSuppressed(failure);
            halt("execution " + run.id + " could not be failed after an internal error (" + again.getMessage()
                    + "); this process stops driving it");
        }
    }

    /** Stops driving this execution without changing it (another process owns it now). */
    private void halt(String why) {
        halt(why, true);
    }

    private void halt(String why, boolean warn) {
        if (run.halted) {
            return;
        }
        if (warn) {
            LOG.warn(why);
        } else {
            LOG.info(why);
        }
        run.halted = true;
        attempts.stopAll(why);
        deadlines.values().forEach(Scheduler.Timer::cancel);
        deadlines.clear();
        journal.discard();
        host.halted(this);
    }

    /**
     * Another replica changed this execution (cancelled it, or took it over after this replica's lease
     * expired): unless this run already made that version itself, it stops driving the execution and its
     * running steps are stopped.
     */
    void changedElsewhere(long changedVersion) {
        serial.execute(() -> {
            if (!run.halted && journal.overtakenBy(changedVersion)) {
                halt("execution " + run.id + " was changed by another replica; this replica stops driving it", false);
            }
        });
    }

    boolean halted() {
        return run.halted;
    }

    /** Stops running work without recording anything: the process is shutting down and a restart resumes. */
    void abandon() {
        abandon("shutting down; execution " + run.id + " resumes after restart");
    }

    /**
     * Stops running work without recording anything; whoever drives the execution next resumes it. An
     * execution that has already ended has nothing to resume, and the log says so instead.
     */
    void abandon(String why) {
        journal.abandon();
        serial.execute(() -> {
            if (run.header.state().terminal() && journal.settled()) {
                halt("execution " + run.id + " has ended (" + run.header.state() + "); nothing to resume", false);
            } else {
                halt(why);
            }
        });
    }
}
