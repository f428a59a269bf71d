/**
 * The reactive executor: an explicit state machine per execution ({@link io.innominatus.execute.ExecutionRun})
 * that runs a plan phase by phase, workflows in order, steps sequentially or as a DAG, with conditions,
 * interpolation, timeouts, retries (of retryable step failures only) and approvals; admission
 * ({@link io.innominatus.execute.Admission}: {@code LocalAdmission} alone on a store, {@code ReplicaAdmission}
 * with the {@code ReplicaCoordinator} on a shared PostgreSQL, so the engine never asks which it has); and the
 * event streams that watchers read. Every change is checked against the lifecycle's transition table and
 * committed to the store, with its events, before it is published.
 *
 * <p>Depends on {@code model}, {@code support} (expressions, paths, durations), {@code steps} (the executor SPI) and
 * {@code store} (the port).
 */
package io.innominatus.execute;
