package io.innominatus.store;

import io.innominatus.model.AuditEvent;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.StepRun;
import io.innominatus.model.WorkflowRun;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable storage of executions and their event logs. Every change is one transaction that updates
 * the execution's state and appends its events, guarded by compare-and-set on the last event sequence,
 * so that an event is never visible without the state it describes and two writers can never both
 * commit the same transition.
 */
public interface ExecutionStore extends DeploymentHistory {

    /**
     * A new execution with its first events.
     *
     * @param requestHash digest of the request, compared when the same {@code requestId} comes again
     * @param audit the audit entry of the request, written in the same transaction; null for none
     */
    record NewExecution(Execution execution, List<EventPayload> events, String requestHash, AuditEvent audit) {
        public NewExecution(Execution execution, List<EventPayload> events, String requestHash) {
            this(execution, events, requestHash, null);
        }
    }

    /** The result of {@link #create}: the stored execution, and whether it was created by this call. */
    record Created(Execution execution, boolean created) {}

    /**
     * A change to one execution: its new header (state, approval, error, times), the steps and
     * workflows whose state changed, and the events that describe the change.
     *
     * @param expectedSequence the execution's last sequence the change was computed from
     * @param audit the audit entry of the command that caused the change, written in the same transaction;
     *     null for changes the engine makes on its own
     * @param fence when several replicas share the store: the row version the change was computed from
     *     and the lease it is made under; null for a store that one process uses alone
     */
    record Transition(String executionId, long expectedSequence, Execution header, List<StepRun> steps,
            List<WorkflowRun> workflows, List<EventPayload> events, Instant time, AuditEvent audit, Fence fence) {

        public Transition(String executionId, long expectedSequence, Execution header, List<StepRun> steps,
                List<WorkflowRun> workflows, List<EventPayload> events, Instant time) {
            this(executionId, expectedSequence, header, steps, workflows, events, time, null, null);
        }

        public Transition(String executionId, long expectedSequence, Execution header, List<StepRun> steps,
                List<WorkflowRun> workflows, List<EventPayload> events, Instant time, AuditEvent audit) {
            this(executionId, expectedSequence, header, steps, workflows, events, time, audit, null);
        }

        public Transition(String executionId, long expectedSequence, Execution header, List<StepRun> steps,
                List<WorkflowRun> workflows, List<EventPayload> events, Instant time, Fence fence) {
            this(executionId, expectedSequence, header, steps, workflows, events, time, null, fence);
        }
    }

    /**
     * Guards a transition when several replicas share the store: it commits only if the execution's row
     * version is still {@code expectedVersion} and, for the replica that drives the execution, only while
     * its lease is live and still owns the execution.
     *
     * @param lease the lease of the owning replica, or null for a command (cancel, approve, reject,
     *     retry) that any replica may apply
     */
    record Fence(long expectedVersion, String lease) {}

    /** Filters of {@link #list}; null or empty fields match everything. */
    /**
     * Filters; null (or empty strings) match everything.
     *
     * @param products only executions of these products; null for any product
     */
    record Query(String application, String environment, ExecutionState state, java.util.Set<String> products) {

        public Query {
            products = products == null ? null : java.util.Set.copyOf(products);
        }

        public Query(String application, String environment, ExecutionState state) {
            this(application, environment, state, null);
        }
    }

    /** A page of executions, newest first, and the token of the next page (empty at the end). */
    record Page(List<Execution> executions, String nextPageToken) {}

    /**
     * Stores a new execution, or returns the one created earlier with the same request id and hash.
     *
     * @throws StoreException.RequestConflict when the request id was used for a different request
     */
    Created create(NewExecution execution);

    Optional<Execution> find(String executionId);

    /**
     * The execution from memory alone, without reading the store, when memory is known to hold its latest
     * committed state; empty otherwise (then {@link #find} answers). Never blocks.
     */
    Optional<Execution> findInMemory(String executionId);

    /**
     * Lists executions newest first.
     *
     * @throws StoreException.InvalidPageToken for a malformed token
     */
    Page list(Query query, int pageSize, String pageToken);

    /** Events with a sequence above {@code afterSequence}, in order, at most {@code limit}; optionally of one step. */
    List<ExecutionEvent> events(String executionId, long afterSequence, int limit, String step);

    /** Every execution that has not ended (queued, awaiting approval or running), oldest first. */
    List<Execution> unfinished();

    /**
     * Applies a transition atomically.
     *
     * @return the new last sequence
     * @throws StoreException.ConcurrentTransition when another writer changed the execution since
     *     {@code expectedSequence}
     */
    long commit(Transition transition);
}
