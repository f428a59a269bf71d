package io.innominatus.execute;

import io.innominatus.model.Execution;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Who drives an execution and when it gets its turn: {@link LocalAdmission} when the engine is alone
 * on its store (an in-memory queue), {@link ReplicaAdmission} when it is one replica of several on a
 * shared PostgreSQL (admission, ownership and take-over through the store). The engine creates runs
 * and routes their callbacks here; it never asks which of the two it has.
 */
sealed interface Admission permits LocalAdmission, ReplicaAdmission {

    /** A new execution was stored, QUEUED or AWAITING_APPROVAL; a queued one competes for a slot at once. */
    void created(Execution stored);

    /** Takes up what the store holds unfinished, after a start or a restart. */
    void recover();

    /** Applies a command (cancel, approve, reject, retry) to the execution, wherever it is driven. */
    CompletableFuture<Execution> command(String executionId, Function<ExecutionRun, CompletableFuture<Execution>> action);

    /** The run waits for a slot (created, approved or retried). */
    void queued(ExecutionRun run);

    /** The run ended and holds no slot any more; the engine has already forgotten it. */
    void ended(ExecutionRun run);

    /** The run stopped driving its execution without ending it. */
    void halted(ExecutionRun run);

    /** Stops driving every execution without recording anything; a restart (or another replica) resumes them. */
    void shutdown();

    /** Executions admitted and not yet ended (with several replicas: those this replica drives). */
    int runningCount();

    /** Executions waiting for a slot (with several replicas: cluster-wide, as of the last admission). */
    int queuedCount();

    /** This replica's view of the cluster, or empty when the engine is alone on its store. */
    Optional<ReplicaStatus> status();
}
