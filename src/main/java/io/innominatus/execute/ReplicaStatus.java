package io.innominatus.execute;

import io.innominatus.store.ClusterStore;
import java.util.List;

/**
 * One replica's view of the cluster it belongs to.
 *
 * @param leaseHeld whether this replica holds a live lease (without one it drives nothing)
 * @param driving the executions this replica drives now
 * @param queued executions waiting for admission cluster-wide, as of this replica's last admission
 * @param catalogDigest the digest of the catalog this replica serves
 * @param replicas every replica with a live lease, and those whose lease ended within the last hour
 */
public record ReplicaStatus(String replicaId, boolean leaseHeld, int driving, int queued, String catalogDigest,
        List<ClusterStore.Replica> replicas) {

    public ReplicaStatus {
        replicas = List.copyOf(replicas);
    }

    /** The distinct catalog digests that live replicas serve; more than one while a reload spreads (or when they differ). */
    public List<String> liveCatalogDigests() {
        return replicas.stream().filter(ClusterStore.Replica::live).map(ClusterStore.Replica::catalogDigest).distinct()
                .sorted().toList();
    }
}
