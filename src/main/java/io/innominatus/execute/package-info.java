/**
 * The reactive executor. {@link io.innominatus.execute.ExecutionEngine} admits executions
 * ({@link io.innominatus.execute.Admission}: {@code LocalAdmission} alone on a store, {@code ReplicaAdmission}
 * with the {@code ReplicaCoordinator} on a shared PostgreSQL, so the engine never asks which it has) and drives
 * each through an {@link io.innominatus.execute.ExecutionRun}, the lifecycle shell around its parts:
 * <ul>
 *   <li>{@code Progression}, the pure core: given the plan and the current states, the decisions (start these
 *       workflows and attempts, skip or fail these steps with reasons, finish this workflow, phase or
 *       execution); no threads, no store, tested table-driven;</li>
 *   <li>{@code StepAttempts} with one {@code StepAttempt} machine per attempt ({@code RUNNING → WAITING_TO_RETRY
 *       → ENDED}, owning its timeout and retry timers); retries only retryable failures;</li>
 *   <li>{@code ExecutionCommands}: cancel, approve, reject, retry, each with its audit entry;</li>
 *   <li>{@code Journal}: applies each change (checked against the lifecycle's transition table), commits what a
 *       task recorded as one fenced transaction, waits out store outages on the {@link
 *       io.innominatus.execute.Scheduler} (the engine's only timer), publishes events once committed, and holds
 *       back what must not start before the store knows (an attempt, an admission, a command's answer).</li>
 * </ul>
 * {@link io.innominatus.execute.EventStreams} serves watchers: from the ring of committed events this process
 * published, and from the store only to replay older events or after another process wrote to the execution.
 *
 * <p>Depends on {@code model}, {@code support} (expressions, paths, durations), {@code steps.spi} (the step
 * boundary, nothing else of {@code steps}) and {@code store} (the port).
 */
package io.innominatus.execute;
