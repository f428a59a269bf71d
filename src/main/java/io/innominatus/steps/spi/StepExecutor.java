package io.innominatus.steps.spi;

/**
 * The plug-in boundary of step types: one synchronous call per attempt. The engine calls {@link #run} on
 * a thread meant for blocking work, with a context holding the interpolated configuration, the attempt's
 * idempotency key, a {@link StepSink} for logs, progress and secrets, and a {@link Cancellation} that
 * fires when the attempt must stop (cancelled execution, timeout, exceeded workflow duration).
 *
 * <p>A step that fails throws a {@link StepFailure}; its message is shown to people (after secrets are
 * redacted) and its kind decides whether {@code retry} tries again: only {@code TRANSIENT}, {@code TIMEOUT}
 * and {@code STEP_FAILED} failures are retried, {@code CONFIGURATION} and {@code CANCELLED} ones are not.
 * Any other exception counts as {@code STEP_FAILED}.
 */
public interface StepExecutor {

    /** The step type, as written in a step's {@code type}. */
    String type();

    /**
     * Does the step's work or, in {@link StepMode#DRY_RUN}, describes it without changing anything. Blocks
     * until the attempt ends; must return or throw promptly once the context's cancellation fires.
     *
     * @throws StepFailure when the step fails
     */
    StepResult run(StepContext context, StepMode mode);
}
