package io.innominatus.execute;

import io.innominatus.model.AuditEvent;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.StepRun;
import io.innominatus.model.WorkflowRun;
import io.innominatus.store.ClusterStore;
import io.innominatus.store.ExecutionStore;
import io.innominatus.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The write-ahead side of a run. A change is applied to the run's state at once and queued; the queue is
 * committed when the run's current task ends, all of it in one transaction (cut only after a change that
 * carries an audit entry), and its events are published once committed. Work that must not start before
 * the store knows (an attempt's executor, the next admission, a command's answer) waits behind a barrier.
 *
 * <p>A store outage does not block the engine thread: the journal schedules another try on the
 * {@link Scheduler} (100 ms, doubling to 5 s) and holds everything after it. A commit whose outcome was
 * lost in the outage is recognised afterwards by its sequence (and, with several replicas, by the row's
 * version and owner). A commit the store refuses because another writer moved the execution first makes
 * the run stop driving it. Touched only on the run's serial executor, except {@link #abandon}.
 */
final class Journal {

    private static final Logger LOG = Logger.getLogger(Journal.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(5);

    private record Entry(Execution header, Map<StepKey, StepRun> steps, Map<String, WorkflowRun> workflows,
            List<EventPayload> events, AuditEvent audit) {}

    private record Barrier(Runnable durable, Runnable lost) {}

    private final RunState run;
    private final EngineServices services;
    private final SerialExecutor serial;
    private final Consumer<String> onLost;
    private final String lease;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /** The execution's row version when several replicas share the store (each commit names it); -1 otherwise. */
    private long version;
    private ExecutionStore.Transition inFlight;
    /** Rows of a transaction that failed unexpectedly: they go with the next one, so the store misses no row. */
    private final Map<StepKey, StepRun> carriedSteps = new LinkedHashMap<>();
    private final Map<String, WorkflowRun> carriedWorkflows = new LinkedHashMap<>();
    private Scheduler.Timer retry;
    private Duration nextWait = FIRST_RETRY;
    /** An earlier try of {@link #inFlight} failed in an outage: it may have landed. */
    private boolean uncertain;
    private boolean flushing;
    /** Set from any thread when the run is given up: a commit waiting for the store stops waiting. */
    private volatile boolean abandoning;

    /**
     * @param version the row version the execution was read at, when several replicas share the store; -1 when
     *     this process is its only writer
     * @param lease the lease of the replica that owns the execution, or null for a run that only applies a command
     * @param onLost called with the reason when the run must stop driving the execution
     */
    Journal(RunState run, EngineServices services, SerialExecutor serial, long version, String lease,
            Consumer<String> onLost) {
        this.run = run;
        this.services = services;
        this.serial = serial;
        this.version = version;
        this.lease = lease;
        this.onLost = onLost;
    }

    /** Applies a change to the run's state and queues it for the store. A halted run records nothing. */
    void record(Change change) {
        if (run.halted) {
            return;
        }
        Execution header = change.header();
        run.header = header;
        run.steps.putAll(change.steps);
        run.workflows.putAll(change.workflows);
        // The change is not used again once recorded: its maps go to the queue as they are.
        queue.add(new Entry(header, change.steps, change.workflows, change.events, change.audit));
    }

    /**
     * Runs {@code durable} once everything recorded so far is committed (at once when it is), or {@code lost}
     * if the run stops driving the execution first.
     */
    void whenDurable(Runnable durable, Runnable lost) {
        if (run.halted) {
            lost.run();
        } else if (queue.isEmpty() && inFlight == null) {
            durable.run();
        } else {
            queue.add(new Barrier(durable, lost));
        }
    }

    /** Commits what is queued, unless a retry after an outage is pending; runs the barriers it passes. */
    void flush() {
        if (flushing) {
            return;
        }
        flushing = true;
        try {
            while (retry == null && !run.halted) {
                if (inFlight == null) {
                    Object head = queue.poll();
                    if (head == null) {
                        return;
                    }
                    if (head instanceof Barrier barrier) {
                        barrier.durable().run();
                        continue;
                    }
                    inFlight = transition((Entry) head);
                }
                if (!commitInFlight()) {
                    return;
                }
            }
        } finally {
            flushing = false;
        }
    }

    /** Whether everything recorded is in the store. */
    boolean settled() {
        return queue.isEmpty() && inFlight == null;
    }

    /** Whether several replicas share the store, so that every commit is fenced by the row's version. */
    boolean fenced() {
        return version >= 0;
    }

    /** Whether another replica made a version of the execution this run has not made itself. */
    boolean overtakenBy(long changedVersion) {
        return version >= 0 && changedVersion > version;
    }

    /** Called from any thread: a commit that waits for the store gives up instead. */
    void abandon() {
        abandoning = true;
    }

    /** Drops what was not committed (the run halted): pending retries stop, and every barrier hears it lost. */
    void discard() {
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        inFlight = null;
        List<Barrier> barriers = new ArrayList<>();
        for (Object item : queue) {
            if (item instanceof Barrier barrier) {
                barriers.add(barrier);
            }
        }
        queue.clear();
        barriers.forEach(b -> b.lost().run());
    }

    /** One transaction of the entry at the head and every entry after it up to a barrier or an audited entry. */
    private ExecutionStore.Transition transition(Entry first) {
        Map<StepKey, StepRun> steps = new LinkedHashMap<>(carriedSteps);
        Map<String, WorkflowRun> workflows = new LinkedHashMap<>(carriedWorkflows);
        carriedSteps.clear();
        carriedWorkflows.clear();
        List<EventPayload> events = new ArrayList<>();
        Entry entry = first;
        while (true) {
            steps.putAll(entry.steps());
            workflows.putAll(entry.workflows());
            events.addAll(entry.events());
            if (entry.audit() != null || !(queue.peek() instanceof Entry)) {
                break;
            }
            entry = (Entry) queue.poll();
        }
        return new ExecutionStore.Transition(run.id, run.sequence, entry.header(), List.copyOf(steps.values()),
                List.copyOf(workflows.values()), events, run.now(), entry.audit(),
                version < 0 ? null : new ExecutionStore.Fence(version, lease));
    }

    /** Tries {@link #inFlight} once; true when it is committed and published. */
    private boolean commitInFlight() {
        ExecutionStore.Transition transition = inFlight;
        long committed;
        try {
            committed = commitOnce(transition);
        } catch (StoreException.Unavailable e) {
            if (abandoning) {
                lose("execution " + run.id + " is given up while the store cannot be reached; its last change is made "
                        + "again by whoever drives it next");
                return false;
            }
            if (!uncertain) {
                LOG.warnf("store unavailable while committing execution %s; retrying until it is back: %s", run.id,
                        e.getMessage());
            } else {
                LOG.debugf("store still unavailable while committing execution %s, retrying in %s", run.id, nextWait);
            }
            uncertain = true;
            retry = services.scheduler().schedule(nextWait, () -> serial.execute(() -> {
                retry = null;
                flush();
            }));
            nextWait = nextWait.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : nextWait.multipliedBy(2);
            return false;
        } catch (StoreException.ConcurrentTransition e) {
            inFlight = null;
            lose("another writer changed execution " + run.id + "; this process stops driving it");
            return false;
        } catch (RuntimeException | Error e) {
            // Not the store's availability: a defect. The rows are already the run's state; keep them for the
            // transaction that records the defect.
            inFlight = null;
            transition.steps().forEach(s -> carriedSteps.put(new StepKey(s.workflowId(), s.step()), s));
            transition.workflows().forEach(w -> carriedWorkflows.put(w.workflowId(), w));
            throw e;
        }
        inFlight = null;
        uncertain = false;
        nextWait = FIRST_RETRY;
        if (version >= 0) {
            version++;
        }
        run.sequence = committed;
        List<ExecutionEvent> published = new ArrayList<>(transition.events().size());
        long sequence = transition.expectedSequence();
        Instant time = transition.time();
        for (EventPayload event : transition.events()) {
            published.add(new ExecutionEvent(run.id, ++sequence, time, event));
        }
        services.streams().publish(run.id, published);
        return true;
    }

    private long commitOnce(ExecutionStore.Transition transition) {
        try {
            return services.store().commit(transition);
        } catch (StoreException.ConcurrentTransition e) {
            if (uncertain) {
                long expected = transition.expectedSequence() + transition.events().size();
                if (transition.fence() != null ? landed(transition, expected) : services.store().find(run.id)
                        .filter(stored -> stored.lastSequence() == expected).isPresent()) {
                    return expected;
                }
            }
            throw e;
        }
    }

    private void lose(String why) {
        onLost.accept(why);
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
        Optional<ClusterStore.Owned> stored = cluster.findOwned(run.id);
        if (stored.isEmpty()) {
            return false;
        }
        ClusterStore.Owned row = stored.get();
        ExecutionState state = transition.header().state();
        return row.version() == transition.fence().expectedVersion() + 1 && row.execution().lastSequence() == expected
                && row.execution().state() == state && (transition.fence().lease() == null
                || Objects.equals(row.ownerLease(), state == ExecutionState.RUNNING ? transition.fence().lease() : null));
    }
}
