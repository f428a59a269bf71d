package io.innominatus.execute;

import io.innominatus.model.DomainException;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * Admission of an engine alone on its store: an in-memory queue, first come first served, at most
 * {@code maxConcurrentWorkflows} running at once and one per application and environment.
 */
final class LocalAdmission implements Admission {

    private static final Logger LOG = Logger.getLogger(LocalAdmission.class);

    private final ExecutionRun.Host host;
    private final EngineServices services;
    private final Map<String, ExecutionRun> runs;
    private final IntSupplier maxConcurrent;
    private final Object lock = new Object();
    private final LinkedHashSet<String> queue = new LinkedHashSet<>();
    private final Set<String> running = new HashSet<>();
    /** Admission keys (application and environment) of the running executions. */
    private final Set<String> busy = new HashSet<>();

    /** @param runs the engine's live runs, shared: the engine forgets a run when it ends */
    LocalAdmission(ExecutionRun.Host host, EngineServices services, Map<String, ExecutionRun> runs, IntSupplier maxConcurrent) {
        this.host = host;
        this.services = services;
        this.runs = runs;
        this.maxConcurrent = maxConcurrent;
    }

    @Override
    public void created(Execution stored) {
        ExecutionRun run = new ExecutionRun(stored, services, host);
        runs.put(stored.id(), run);
        if (stored.state() == ExecutionState.QUEUED) {
            queued(run);
        }
    }

    /** Running executions first (they resume where they were), then the queue in its order. */
    @Override
    public void recover() {
        List<Execution> unfinished = services.store().unfinished();
        for (Execution execution : unfinished) {
            if (execution.state() == ExecutionState.RUNNING) {
                ExecutionRun run = new ExecutionRun(execution, services, host);
                runs.put(execution.id(), run);
                synchronized (lock) {
                    running.add(run.id());
                    busy.add(run.admissionKey());
                }
                run.resume();
            }
        }
        for (Execution execution : unfinished) {
            if (execution.state() != ExecutionState.RUNNING) {
                created(execution);
            }
        }
        if (!unfinished.isEmpty()) {
            LOG.infof("resumed %d unfinished execution(s)", unfinished.size());
        }
    }

    @Override
    public CompletableFuture<Execution> command(String executionId,
            Function<ExecutionRun, CompletableFuture<Execution>> action) {
        return action.apply(run(executionId));
    }

    /** The run of an execution: the live one, or one rebuilt from the store for an ended execution. */
    private ExecutionRun run(String executionId) {
        ExecutionRun live = runs.get(executionId);
        if (live != null && !live.halted()) {
            return live;
        }
        Execution stored = services.store().find(executionId)
                .orElseThrow(() -> new DomainException.NotFound("execution", executionId));
        return runs.computeIfAbsent(executionId, id -> new ExecutionRun(stored, services, host));
    }

    @Override
    public void queued(ExecutionRun run) {
        runs.put(run.id(), run);
        synchronized (lock) {
            queue.add(run.id());
        }
        admit();
    }

    @Override
    public void ended(ExecutionRun run) {
        synchronized (lock) {
            queue.remove(run.id());
            if (running.remove(run.id())) {
                busy.remove(run.admissionKey());
            }
        }
        admit();
    }

    @Override
    public void halted(ExecutionRun run) {
        // Alone on its store, a run halts only when the engine shuts down; a restart resumes it.
    }

    @Override
    public void shutdown() {
        runs.values().forEach(ExecutionRun::abandon);
    }

    /** Starts queued executions, oldest first, while slots are free and their application/environment is idle. */
    private void admit() {
        List<ExecutionRun> toStart = new ArrayList<>();
        synchronized (lock) {
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

    @Override
    public int runningCount() {
        synchronized (lock) {
            return running.size();
        }
    }

    @Override
    public int queuedCount() {
        synchronized (lock) {
            return queue.size();
        }
    }

    @Override
    public Optional<ReplicaStatus> status() {
        return Optional.empty();
    }
}
