/**
 * Persistence ports and their JDBC implementation: executions, steps, the append-only event log,
 * deployment history and idempotency keys, provisioned resources and the delivery inventory (what each
 * application put in each environment), on the embedded H2 file database by default or PostgreSQL. Every
 * JDBC store borrows its connections through {@code JdbcTransactions}, which turns SQL errors into
 * {@link io.innominatus.store.StoreException.Unavailable}.
 *
 * <p>Depends on {@code model} only.
 */
package io.innominatus.store;
