package io.innominatus.store;

import java.util.Optional;

/**
 * Whether the execution store is shared by several replicas: present on PostgreSQL (unless
 * {@code innominatus.cluster.enabled} is false), absent on the embedded H2 database, which one
 * process uses alone.
 */
public record ClusterSupport(Optional<ClusterStore> store) {}
