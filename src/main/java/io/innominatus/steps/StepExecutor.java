package io.innominatus.steps;

import io.smallrye.mutiny.Uni;

/**
 * Runs one step type. The engine calls {@link #execute} or, for dry runs, {@link #dryRun}, with a
 * context holding the interpolated configuration, sinks for logs and progress, the idempotency key of
 * the attempt and a cancellation signal. A failed step fails the returned {@code Uni} with a
 * {@link StepFailure}; its message is shown to people (after secrets are redacted). The engine
 * subscribes on a thread meant for blocking work, so an executor may block while it is subscribed.
 */
public interface StepExecutor {

    /** The step type, as written in a step's {@code type}. */
    String type();

    /** Does the step's work. Must stop promptly when the context's cancellation fires. */
    Uni<StepResult> execute(StepContext context);

    /** Describes what {@link #execute} would change, as log lines and outputs, without changing anything. */
    Uni<StepResult> dryRun(StepContext context);
}
