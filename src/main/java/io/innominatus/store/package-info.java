/**
 * Persistence ports and their JDBC implementation: executions, steps, the append-only event log,
 * deployment history and idempotency keys, on the embedded H2 file database by default or PostgreSQL.
 *
 * <p>Depends on {@code model} only.
 */
package io.innominatus.store;
