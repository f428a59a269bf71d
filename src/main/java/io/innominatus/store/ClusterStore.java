package io.innominatus.store;

import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An execution store that several replicas share (PostgreSQL), and through which they coordinate:
 * nothing but the database is shared, and every decision that must hold cluster-wide is made in one of
 * its transactions.
 *
 * <ul>
 *   <li>Each replica process holds a <em>lease</em> (a row it renews); a running execution names the
 *       lease of the replica that drives it. A replica that stops renewing loses its lease, and the
 *       others take its running executions over.</li>
 *   <li>Queued executions are <em>claimed</em> (moved to RUNNING under the claimer's lease) with
 *       {@code SELECT … FOR UPDATE SKIP LOCKED}, under a transaction-scoped advisory lock that makes
 *       {@code maxConcurrentWorkflows} and one-running-execution-per-application-and-environment hold
 *       across replicas.</li>
 *   <li>Every transition is fenced ({@link ExecutionStore.Fence}): it names the row version it was
 *       computed from, so two replicas can never both commit one; the owner's commits also require its
 *       lease to be live.</li>
 *   <li>Every committed change is announced to all replicas ({@link #listen}); the event table stays the
 *       source of truth, announcements only wake readers early.</li>
 * </ul>
 */
public interface ClusterStore extends ExecutionStore {

    /** The lease of one replica process. */
    record Lease(String leaseId, String replicaId, Instant expireTime) {}

    /**
     * An execution with the row version its next transition must name.
     *
     * @param ownerLease the lease that drives it (RUNNING only), or null
     * @param previousReplica for a take-over: the replica whose lease had expired, or null
     * @param appended the events the claim itself committed (the execution's last ones), in order
     */
    record Owned(Execution execution, long version, String ownerLease, String previousReplica, List<ExecutionEvent> appended) {

        public Owned(Execution execution, long version, String ownerLease, String previousReplica) {
            this(execution, version, ownerLease, previousReplica, List.of());
        }

        public Owned {
            appended = List.copyOf(appended);
        }
    }

    /** The result of one admission: the executions this replica claimed, and how many still wait in the queue. */
    record Admission(List<Owned> claimed, int queued) {}

    /** A replica as its lease row shows it. */
    record Replica(String replicaId, String leaseId, String catalogDigest, Instant acquireTime, Instant renewTime,
            Instant expireTime, boolean live) {}

    /**
     * What a committed write did to an execution.
     *
     * @param writerLease the lease of the replica that wrote it; empty for a command or a new execution
     */
    record Change(String executionId, long version, long lastSequence, ExecutionState state, String writerLease) {}

    /** A subscription to changes; closing it stops the deliveries. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes a new lease.
     *
     * @param replaceEarlier true when a process starts: earlier leases of the same replica id belong to a
     *     process that is gone, and end now so that its executions are taken over at once
     */
    Lease acquire(String replicaId, String catalogDigest, Duration duration, boolean replaceEarlier);

    /**
     * Extends a live lease and records the catalog digest the replica serves.
     *
     * @return false when the lease had already expired: it is lost for good
     */
    boolean renew(String leaseId, String catalogDigest, Duration duration);

    /** Ends a lease now (on shutdown, or after losing it), so that its executions are taken over at once. */
    void release(String leaseId);

    /**
     * Claims queued executions, oldest first, for a live lease: each moves to RUNNING with its
     * state-change event, while fewer than {@code maxRunning} executions run cluster-wide (0: no limit)
     * and no other execution of its application and environment runs.
     *
     * @param clock gives the time recorded as the executions' start, read once the limits were checked (so
     *     that it follows the end of any execution whose slot it takes)
     */
    Admission claimQueued(String leaseId, int maxRunning, int batch, Clock clock);

    /** Takes over, for a live lease, RUNNING executions whose owner's lease expired (or that have no owner). */
    List<Owned> takeOver(String leaseId, int batch);

    /** An execution with its row version and owner. */
    Optional<Owned> findOwned(String executionId);

    /** The ids of the RUNNING executions a lease owns. */
    Set<String> owned(String leaseId);

    /** Replicas with a live lease, and those whose lease ended within the last hour. */
    List<Replica> replicas();

    /**
     * Delivers every committed change, from any replica, on a thread of its own, until closed.
     *
     * @param reconnected called after the subscription was (re)established: changes may have been missed
     */
    Subscription listen(Consumer<Change> changes, Runnable reconnected);
}
