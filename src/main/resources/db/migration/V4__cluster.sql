-- Several replicas on one PostgreSQL. Each replica process holds a lease row that it renews while it
-- lives; a RUNNING execution names the lease of the replica that drives it (owner_lease). When a lease
-- expires, other replicas take its executions over. The single-instance store (H2) leaves both unused.
-- Times are the database's, so replicas never compare their own clocks.

CREATE TABLE cluster_leases (
    lease_id       VARCHAR(36)  NOT NULL PRIMARY KEY,
    replica_id     VARCHAR(255) NOT NULL,
    catalog_digest VARCHAR(64)  NOT NULL,
    acquire_time   TIMESTAMP WITH TIME ZONE NOT NULL,
    renew_time     TIMESTAMP WITH TIME ZONE NOT NULL,
    expire_time    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX cluster_leases_replica ON cluster_leases (replica_id);

ALTER TABLE executions ADD COLUMN owner_lease VARCHAR(36);

CREATE INDEX executions_owner_lease ON executions (owner_lease);
CREATE INDEX executions_state_queue ON executions (state, queue_order);
