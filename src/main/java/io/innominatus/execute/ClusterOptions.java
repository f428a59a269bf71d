package io.innominatus.execute;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * How this replica takes part in a cluster of replicas sharing one PostgreSQL.
 *
 * @param replicaId this replica's name, unique in the cluster (recorded with its lease, shown in logs)
 * @param leaseDuration how long a lease lasts without renewal: the executions of a replica that dies are
 *     taken over this long after its last renewal, and a replica that cannot renew for this long stops
 *     driving its executions
 * @param renewInterval how often the lease is renewed; several renewals fit in one lease duration
 * @param pollInterval how often the queue, expired leases and this replica's ownership are checked, besides
 *     the changes that trigger those checks at once
 * @param claimBatch at most this many executions are claimed or taken over in one transaction
 * @param catalogDigest the digest of the catalog this replica serves, recorded with its lease
 */
public record ClusterOptions(String replicaId, Duration leaseDuration, Duration renewInterval, Duration pollInterval,
        int claimBatch, Supplier<String> catalogDigest) {

    public ClusterOptions {
        if (renewInterval.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("innominatus.cluster.renew-interval (" + renewInterval
                    + ") must be shorter than innominatus.cluster.lease-duration (" + leaseDuration + ")");
        }
        if (claimBatch < 1) {
            throw new IllegalArgumentException("the claim batch must be at least 1");
        }
    }
}
