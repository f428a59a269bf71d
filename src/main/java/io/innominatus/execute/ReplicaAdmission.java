package io.innominatus.execute;

import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionState;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Admission of one replica of several on a shared store: any replica may claim a queued execution, the
 * store's leases say who drives what, and a command goes to the execution wherever it runs. The work is
 * the {@link ReplicaCoordinator}'s; this adapts it to the engine.
 */
final class ReplicaAdmission implements Admission {

    private final ReplicaCoordinator coordinator;
    private final Map<String, ExecutionRun> runs;

    /** @param runs the engine's live runs: on a replica, those it owns */
    ReplicaAdmission(ReplicaCoordinator coordinator, Map<String, ExecutionRun> runs) {
        this.coordinator = coordinator;
        this.runs = runs;
    }

    @Override
    public void created(Execution stored) {
        // Any replica may claim it; this one tries at once.
        if (stored.state() == ExecutionState.QUEUED) {
            coordinator.admit();
        }
    }

    @Override
    public void recover() {
        coordinator.start();
    }

    @Override
    public CompletableFuture<Execution> command(String executionId,
            Function<ExecutionRun, CompletableFuture<Execution>> action) {
        return coordinator.command(executionId, action);
    }

    @Override
    public void queued(ExecutionRun run) {
        coordinator.admit();
    }

    @Override
    public void ended(ExecutionRun run) {
        coordinator.admit();
    }

    @Override
    public void halted(ExecutionRun run) {
        runs.remove(run.id(), run);
    }

    @Override
    public void shutdown() {
        coordinator.stop();
    }

    @Override
    public int runningCount() {
        return runs.size();
    }

    @Override
    public int queuedCount() {
        return coordinator.queued();
    }

    @Override
    public Optional<ReplicaStatus> status() {
        return Optional.of(coordinator.status());
    }
}
