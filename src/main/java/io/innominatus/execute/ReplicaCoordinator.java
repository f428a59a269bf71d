package io.innominatus.execute;

import io.innominatus.model.DomainException;
import io.innominatus.model.Execution;
import io.innominatus.store.ClusterStore;
import io.innominatus.store.StoreException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * Makes an engine one replica of several on a shared PostgreSQL, coordinating only through the store.
 *
 * <ul>
 *   <li><b>Lease.</b> The replica holds a lease that it renews every {@code renewInterval}. If it cannot
 *       renew for {@code leaseDuration} (measured on its own clock from the start of its last successful
 *       renewal, which ends no later than the store's expiry), it stops driving its executions; once the
 *       store answers again it takes a new lease and takes them over again, unless another replica was
 *       quicker.</li>
 *   <li><b>Admission.</b> Queued executions are claimed from the store when this replica queues one, when
 *       one of its executions ends, and every {@code pollInterval}; the store enforces the cluster-wide
 *       limits.</li>
 *   <li><b>Take-over.</b> Every {@code pollInterval} (and at once after taking a lease), RUNNING
 *       executions whose owner's lease expired are taken over and resumed: steps caught RUNNING run again
 *       as a new attempt with a new idempotency key.</li>
 *   <li><b>Changes.</b> Every committed change is announced to all replicas: watchers here wake up, and a
 *       run this replica drives stops when another replica changed its execution (a cancellation, or a
 *       take-over after this replica lost its lease). Every {@code pollInterval}, and after the
 *       announcements were interrupted, the runs are checked against the store's ownership.</li>
 *   <li><b>Commands</b> (cancel, approve, reject, retry) go to this replica's run when it drives the
 *       execution, and are otherwise applied to the stored state under its row version, again on a
 *       newer version if another writer was first.</li>
 * </ul>
 */
final class ReplicaCoordinator {

    private static final Logger LOG = Logger.getLogger(ReplicaCoordinator.class);
    private static final int COMMAND_ATTEMPTS = 20;

    private final ExecutionEngine engine;
    private final EngineServices services;
    private final ClusterStore store;
    private final ClusterOptions options;
    private final IntSupplier maxConcurrent;
    /** Renewals and expiry checks: never wait behind admission work. */
    private final ScheduledExecutorService leaseThreads;
    /** Admission, take-over and reconciliation, one at a time. */
    private final ScheduledExecutorService workThread;
    private final AtomicBoolean admissionRequested = new AtomicBoolean();
    private final AtomicBoolean workFailing = new AtomicBoolean();
    private volatile ClusterStore.Lease lease;
    /** System.nanoTime() until which the lease is certainly live in the store. */
    private volatile long validUntil;
    /** A lost lease that is ended in the store as soon as it answers, so that its executions are taken over at once. */
    private volatile String lostLease;
    private volatile boolean everHeld;
    private volatile boolean renewFailing;
    private volatile boolean stopped;
    private volatile int queued;
    private ClusterStore.Subscription subscription;

    ReplicaCoordinator(ExecutionEngine engine, EngineServices services, ClusterStore store, ClusterOptions options,
            IntSupplier maxConcurrent) {
        this.engine = engine;
        this.services = services;
        this.store = store;
        this.options = options;
        this.maxConcurrent = maxConcurrent;
        AtomicInteger threads = new AtomicInteger();
        this.leaseThreads = Executors.newScheduledThreadPool(2, r -> daemon(r, "innominatus-cluster-lease-"
                + threads.incrementAndGet()));
        this.workThread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "innominatus-cluster-work"));
        services.streams().sharedWithOtherWriters();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Takes a lease, starts listening for changes, and starts renewing, admitting and taking over. */
    void start() {
        acquire();
        subscription = store.listen(this::changed, this::reconnected);
        long renew = options.renewInterval().toMillis();
        leaseThreads.scheduleWithFixedDelay(quiet(this::renew), renew, renew, TimeUnit.MILLISECONDS);
        long poll = options.pollInterval().toMillis();
        workThread.scheduleWithFixedDelay(guarded(this::poll), poll, poll, TimeUnit.MILLISECONDS);
    }

    /** Stops driving executions and ends the lease, so that the other replicas take them over at once. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        leaseThreads.shutdownNow();
        workThread.shutdownNow();
        if (subscription != null) {
            subscription.close();
        }
        engine.abandonAll("replica " + options.replicaId() + " stops; another replica (or this one after a restart) "
                + "takes the execution over");
        ClusterStore.Lease current = lease;
        lease = null;
        if (current != null) {
            try {
                store.release(current.leaseId());
                LOG.infof("replica %s released its lease; other replicas take its executions over", options.replicaId());
            } catch (RuntimeException e) {
                LOG.infof("replica %s could not release its lease (%s); it expires by itself", options.replicaId(),
                        e.getMessage());
            }
        }
    }

    // ---- lease ---------------------------------------------------------------------------------

    private void acquire() {
        try {
            String previous = lostLease;
            if (previous != null) {
                store.release(previous);
                lostLease = null;
            }
            long started = System.nanoTime();
            ClusterStore.Lease acquired = store.acquire(options.replicaId(), digest(), options.leaseDuration(), !everHeld);
            synchronized (this) {
                if (stopped) {
                    store.release(acquired.leaseId());
                    return;
                }
                validUntil = started + options.leaseDuration().toNanos();
                lease = acquired;
                everHeld = true;
                renewFailing = false;
            }
            LOG.infof("replica %s holds lease %s (lease %s, renewed every %s); serving catalog %s", options.replicaId(),
                    acquired.leaseId(), options.leaseDuration(), options.renewInterval(), shortDigest(digest()));
            workThread.execute(guarded(this::poll));
        } catch (StoreException.Unavailable e) {
            if (!renewFailing) {
                LOG.warnf("replica %s cannot take a lease yet (%s); it retries every %s", options.replicaId(), e.getMessage(),
                        options.renewInterval());
                renewFailing = true;
            }
        }
    }

    private void renew() {
        ClusterStore.Lease current = lease;
        if (stopped) {
            return;
        }
        if (current == null) {
            acquire();
            return;
        }
        long started = System.nanoTime();
        try {
            if (store.renew(current.leaseId(), digest(), options.leaseDuration())) {
                validUntil = started + options.leaseDuration().toNanos();
                if (renewFailing) {
                    LOG.infof("replica %s renews its lease again", options.replicaId());
                    renewFailing = false;
                }
                return;
            }
            lose(current, "its lease expired before it could be renewed");
        } catch (StoreException.Unavailable e) {
            if (!renewFailing) {
                LOG.warnf("replica %s cannot renew its lease (%s); it keeps its executions for at most %s", options.replicaId(),
                        e.getMessage(), options.leaseDuration());
                renewFailing = true;
            }
            long left = validUntil - System.nanoTime();
            if (left <= 0) {
                lose(current, "the store could not be reached for as long as the lease lasts");
            } else {
                // Decide exactly when the lease runs out, even if the next renewal hangs.
                leaseThreads.schedule(quiet(() -> {
                    if (lease == current && validUntil - System.nanoTime() <= 0) {
                        lose(current, "the store could not be reached for as long as the lease lasts");
                    }
                }), left, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** The lease is gone: whatever this replica still runs may already be another replica's. */
    private void lose(ClusterStore.Lease current, String why) {
        synchronized (this) {
            if (lease != current || stopped) {
                return;
            }
            lease = null;
            lostLease = current.leaseId();
        }
        LOG.warnf("replica %s lost its lease: %s. It stops driving its %d execution(s); once it holds a new lease they "
                + "are taken over (by this replica or another)", options.replicaId(), why, engine.liveRunIds().size());
        engine.abandonAll("replica " + options.replicaId() + " lost its lease; the execution is taken over under a new lease");
        acquire();
    }

    private String digest() {
        try {
            String digest = options.catalogDigest().get();
            return digest == null ? "" : digest;
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String shortDigest(String digest) {
        return digest.length() > 12 ? digest.substring(0, 12) : digest;
    }

    // ---- admission and take-over ---------------------------------------------------------------

    /** Claims queued executions soon, on the work thread (requests made meanwhile are served by one claim). */
    void admit() {
        if (!stopped && admissionRequested.compareAndSet(false, true)) {
            try {
                workThread.execute(guarded(this::claim));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                admissionRequested.set(false);
            }
        }
    }

    private void poll() {
        if (lease == null) {
            return;
        }
        reconcile();
        takeOver();
        claim();
    }

    private void claim() {
        admissionRequested.set(false);
        ClusterStore.Lease current = lease;
        if (current == null) {
            return;
        }
        while (!stopped) {
            ClusterStore.Admission admission = store.claimQueued(current.leaseId(), maxConcurrent.getAsInt(),
                    options.claimBatch(), services.clock());
            if (admission.queued() >= 0) {
                queued = admission.queued();
            }
            for (ClusterStore.Owned owned : admission.claimed()) {
                noteCatalog(owned.execution());
                engine.adopt(owned, "was interrupted");
            }
            if (admission.claimed().size() < options.claimBatch()) {
                return;
            }
        }
    }

    private void takeOver() {
        ClusterStore.Lease current = lease;
        if (current == null) {
            return;
        }
        List<ClusterStore.Owned> taken;
        do {
            taken = store.takeOver(current.leaseId(), options.claimBatch());
            for (ClusterStore.Owned owned : taken) {
                String from = owned.previousReplica() == null ? "no replica owned it" : "replica " + owned.previousReplica()
                        + " stopped";
                LOG.infof("replica %s takes over execution %s (%s)", options.replicaId(), owned.execution().id(), from);
                noteCatalog(owned.execution());
                engine.adopt(owned, "was interrupted: " + from + ", replica " + options.replicaId() + " took the execution over");
            }
        } while (taken.size() == options.claimBatch() && !stopped);
    }

    /** Stops the runs whose execution the store no longer gives to this replica (announcements can be missed). */
    private void reconcile() {
        ClusterStore.Lease current = lease;
        if (current == null) {
            return;
        }
        Set<String> owned = store.owned(current.leaseId());
        for (String id : engine.liveRunIds()) {
            if (!owned.contains(id)) {
                ExecutionRun run = engine.liveRun(id);
                if (run != null) {
                    run.changedElsewhere(Long.MAX_VALUE);
                }
            }
        }
    }

    private void noteCatalog(Execution execution) {
        String planned = execution.plan().catalogDigest() == null ? "" : execution.plan().catalogDigest();
        String served = digest();
        if (!planned.isEmpty() && !served.isEmpty() && !planned.equals(served)) {
            LOG.infof("execution %s was planned with catalog %s; replica %s serves catalog %s and runs the recorded plan",
                    execution.id(), shortDigest(planned), options.replicaId(), shortDigest(served));
        }
    }

    int queued() {
        return queued;
    }

    ReplicaStatus status() {
        return new ReplicaStatus(options.replicaId(), lease != null, engine.liveRunIds().size(), queued, digest(),
                store.replicas());
    }

    // ---- changes -------------------------------------------------------------------------------

    private void changed(ClusterStore.Change change) {
        ClusterStore.Lease current = lease;
        if (current != null && current.leaseId().equals(change.writerLease())) {
            return;
        }
        if (change.version() == 0) {
            // A creation is announced with no writer: it may be this replica's own.
            engine.streams().created(change.executionId());
            return;
        }
        engine.streams().wake(change.executionId(), change.state().terminal());
        ExecutionRun run = engine.liveRun(change.executionId());
        if (run != null) {
            run.changedElsewhere(change.version());
        }
    }

    private void reconnected() {
        engine.streams().wakeAll();
        if (!stopped) {
            workThread.execute(guarded(this::reconcile));
        }
    }

    // ---- commands ------------------------------------------------------------------------------

    CompletableFuture<Execution> command(String executionId, Function<ExecutionRun, CompletableFuture<Execution>> action) {
        for (int attempt = 1; ; attempt++) {
            ExecutionRun run = engine.liveRun(executionId);
            if (run == null) {
                ClusterStore.Owned owned = store.findOwned(executionId)
                        .orElseThrow(() -> new DomainException.NotFound("execution", executionId));
                run = engine.commandRun(owned);
            }
            try {
                return CompletableFuture.completedFuture(action.apply(run).join());
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof StoreException.ConcurrentTransition && attempt < COMMAND_ATTEMPTS) {
                    continue;
                }
                return CompletableFuture.failedFuture(cause);
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Lease tasks report store outages themselves; they must not throw (the executor would cancel them). */
    private Runnable quiet(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("cluster lease task failed", e);
            }
        };
    }

    /** Work tasks must not throw (the executor would cancel them); store outages are logged once. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
                if (workFailing.compareAndSet(true, false)) {
                    LOG.infof("replica %s reaches the store again", options.replicaId());
                }
            } catch (StoreException.Unavailable e) {
                if (workFailing.compareAndSet(false, true)) {
                    LOG.warnf("replica %s cannot reach the store (%s); it keeps trying", options.replicaId(), e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.warn("cluster coordination task failed", e);
            }
        };
    }
}
