package io.innominatus.app;

import io.innominatus.execute.ExecutionEngine;
import io.innominatus.execute.ReplicaStatus;
import io.innominatus.store.ClusterStore;
import io.innominatus.store.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness data about the cluster this replica belongs to: whether it holds its lease, what it drives,
 * the catalog digest it serves and the digests every live replica serves (more than one while a reload
 * spreads, or when replicas were given different catalogs). Always UP: a replica without a lease still
 * accepts and serves requests through the store, and the datasource check reports the store itself.
 */
@Readiness
@ApplicationScoped
public class ClusterHealthCheck implements HealthCheck {

    private final ExecutionEngine engine;

    public ClusterHealthCheck(ExecutionEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("cluster").up();
        Optional<ReplicaStatus> status;
        try {
            status = engine.clusterStatus();
        } catch (StoreException.Unavailable e) {
            return builder.withData("replicas", "unknown: the store cannot be reached").build();
        }
        if (status.isEmpty()) {
            return builder.withData("replicas", "one process alone on its store").build();
        }
        ReplicaStatus s = status.get();
        return builder.withData("replica", s.replicaId())
                .withData("leaseHeld", s.leaseHeld())
                .withData("driving", s.driving())
                .withData("queued", s.queued())
                .withData("catalogDigest", s.catalogDigest())
                .withData("liveReplicas", s.replicas().stream().filter(ClusterStore.Replica::live)
                        .map(r -> r.replicaId() + "=" + r.catalogDigest()).sorted().collect(Collectors.joining(",")))
                .withData("liveCatalogDigests", String.join(",", s.liveCatalogDigests()))
                .withData("catalogsAgree", s.liveCatalogDigests().size() <= 1)
                .build();
    }
}
