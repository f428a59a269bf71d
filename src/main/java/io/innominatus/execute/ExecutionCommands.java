package io.innominatus.execute;

import io.innominatus.model.AuditEvent;
import io.innominatus.model.DomainException;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.WorkflowRun;
import io.innominatus.store.StoreException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What people do to an execution: cancel, approve, reject and retry. Each checks the execution's state,
 * records one change with its audit entry, and answers with the execution once that change is committed.
 * With several replicas, a command applied to a state another writer has changed since fails with
 * {@link StoreException.ConcurrentTransition}, and the caller applies it again to the current state.
 */
final class ExecutionCommands {

    /** What a command does to the run beyond its change. */
    interface Lifecycle {
        /** The execution ended: the run tears down and the engine hears of it once the end is committed. */
        void ended(boolean wasRunning);

        /** The execution waits for admission again, once that is committed. */
        void queued();
    }

    private final RunState run;
    private final Journal journal;
    private final StepAttempts attempts;
    private final StepLogs logs;
    private final Executor tasks;
    private final Lifecycle lifecycle;

    ExecutionCommands(RunState run, Journal journal, StepAttempts attempts, StepLogs logs, Executor tasks,
            Lifecycle lifecycle) {
        this.run = run;
        this.journal = journal;
        this.attempts = attempts;
        this.logs = logs;
        this.tasks = tasks;
        this.lifecycle = lifecycle;
    }

    CompletableFuture<Execution> cancel(String principal, String comment) {
        return command(() -> {
            ExecutionState state = run.header.state();
            if (state.terminal()) {
                throw new DomainException.FailedPrecondition("EXECUTION_ENDED", "execution " + run.id + " already ended ("
                        + state + "); nothing to cancel", Map.of("execution_id", run.id));
            }
            String reason = "cancelled by " + principal + (comment == null || comment.isBlank() ? ""
                    : ": " + run.redacted(comment));
            logs.flush();
            attempts.stopAll(reason);
            Change change = new Change(run);
            Instant now = run.now();
            for (StepRun step : run.steps.values()) {
                if (!step.state().terminal()) {
                    change.finished(step.with(StepState.CANCELLED, step.attempt(), reason, Map.of(), step.startTime(), now),
                            now);
                }
            }
            for (WorkflowRun workflow : run.workflows.values()) {
                if (!workflow.state().terminal()) {
                    change.workflow(new WorkflowRun(workflow.workflowId(), workflow.phase(), StepState.CANCELLED));
                }
            }
            change.state = ExecutionState.CANCELLED;
            change.error = reason;
            change.endTime = now;
            change.audit = audit(principal, "CancelExecution", comment);
            change.event(new EventPayload.StateChanged(state, ExecutionState.CANCELLED, reason));
            journal.record(change);
            lifecycle.ended(state == ExecutionState.RUNNING);
        });
    }

    /** @param selfApprovalForbidden true when identities are known: the requester may not approve */
    CompletableFuture<Execution> approve(String principal, String subject, String planDigest, String comment,
            boolean selfApprovalForbidden) {
        return command(() -> {
            decidable("approve", "SELF_APPROVAL", principal, subject, planDigest, true, selfApprovalForbidden);
            Change change = new Change(run);
            change.approvedBy = principal;
            change.comment = run.redacted(comment);
            change.state = ExecutionState.QUEUED;
            change.audit = audit(principal, "ApproveExecution", "plan " + run.plan.planDigest()
                    + (change.comment.isBlank() ? "" : ": " + change.comment));
            change.event(new EventPayload.ApprovalDecided(true, principal, change.comment, run.plan.planDigest()));
            change.event(new EventPayload.StateChanged(ExecutionState.AWAITING_APPROVAL, ExecutionState.QUEUED,
                    "approved by " + principal));
            journal.record(change);
            lifecycle.queued();
        });
    }

    CompletableFuture<Execution> reject(String principal, String subject, String planDigest, String comment,
            boolean selfApprovalForbidden) {
        return command(() -> {
            decidable("reject", "SELF_REJECTION", principal, subject, planDigest, false, selfApprovalForbidden);
            Change change = new Change(run);
            change.comment = run.redacted(comment);
            String reason = "rejected by " + principal + (change.comment.isBlank() ? "" : ": " + change.comment);
            change.approvedBy = "";
            change.state = ExecutionState.REJECTED;
            change.audit = audit(principal, "RejectExecution", "plan " + run.plan.planDigest()
                    + (change.comment.isBlank() ? "" : ": " + change.comment));
            change.error = reason;
            change.endTime = run.now();
            for (StepRun step : run.steps.values()) {
                change.finished(step.with(StepState.SKIPPED, step.attempt(), reason, Map.of(), null, change.endTime),
                        change.endTime);
            }
            run.workflows.values().forEach(w -> change.workflow(new WorkflowRun(w.workflowId(), w.phase(), StepState.SKIPPED)));
            change.event(new EventPayload.ApprovalDecided(false, principal, change.comment, run.plan.planDigest()));
            change.event(new EventPayload.StateChanged(ExecutionState.AWAITING_APPROVAL, ExecutionState.REJECTED, reason));
            journal.record(change);
            lifecycle.ended(false);
        });
    }

    /** Queues a failed or cancelled execution again, keeping the steps that succeeded and their outputs. */
    CompletableFuture<Execution> retry(String principal, String comment) {
        return command(() -> {
            ExecutionState state = run.header.state();
            if (state != ExecutionState.FAILED && state != ExecutionState.CANCELLED) {
                throw new DomainException.FailedPrecondition("NOT_RETRYABLE", "only FAILED or CANCELLED executions can be "
                        + "retried; execution " + run.id + " is " + state, Map.of("execution_id", run.id));
            }
            Change change = new Change(run);
            run.steps.forEach((key, step) -> {
                if (step.state() != StepState.SUCCEEDED) {
                    attempts.continueNumbering(key, step.attempt());
                    change.step(step.with(StepState.PENDING, step.attempt(), "", Map.of(), null, null));
                }
            });
            for (WorkflowRun workflow : run.workflows.values()) {
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
                    + (comment == null || comment.isBlank() ? "" : ": " + run.redacted(comment))));
            run.expired.clear();
            journal.record(change);
            lifecycle.queued();
        });
    }

    /** Approve and reject: the execution awaits approval, the digest matches, and the decider may decide. */
    private void decidable(String verb, String selfReason, String principal, String subject, String planDigest,
            boolean digestRequired, boolean selfDecisionForbidden) {
        if (run.header.state() != ExecutionState.AWAITING_APPROVAL) {
            throw new DomainException.FailedPrecondition("NOT_AWAITING_APPROVAL", "cannot " + verb + " execution " + run.id
                    + ": it is " + run.header.state() + ", not AWAITING_APPROVAL", Map.of("execution_id", run.id));
        }
        if ((digestRequired || (planDigest != null && !planDigest.isBlank())) && !run.plan.planDigest().equals(planDigest)) {
            throw new DomainException.FailedPrecondition("PLAN_DIGEST_MISMATCH", "plan_digest does not match the plan of "
                    + "execution " + run.id + " (expected " + run.plan.planDigest() + ")", Map.of("execution_id", run.id));
        }
        if (selfDecisionForbidden && run.header.requestedBy(principal, subject)) {
            throw new DomainException.PermissionDenied(selfReason, "the requester of an execution cannot " + verb + " it; "
                    + "another approver must", Map.of("execution_id", run.id));
        }
    }

    /** The audit entry of a command on this execution; the comment is redacted like everything else. */
    private AuditEvent audit(String principal, String action, String comment) {
        return AuditEvent.allowed(run.now(), principal, action, "execution/" + run.id, run.redacted(comment));
    }

    /** Runs a command on the run's serial executor and answers with the execution once its change is committed. */
    private CompletableFuture<Execution> command(Runnable action) {
        CompletableFuture<Execution> result = new CompletableFuture<>();
        tasks.execute(() -> {
            try {
                if (journal.fenced() && run.halted) {
                    throw new StoreException.ConcurrentTransition(run.id, run.sequence);
                }
                action.run();
                journal.whenDurable(() -> result.complete(run.current()), () -> result.completeExceptionally(
                        journal.fenced() ? new StoreException.ConcurrentTransition(run.id, run.sequence)
                                : new StoreException.Unavailable("execution " + run.id + " was given up before the "
                                        + "command was stored; apply it again", null)));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
