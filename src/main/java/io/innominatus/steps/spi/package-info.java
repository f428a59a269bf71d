/**
 * The plug-in boundary of step types: {@link io.innominatus.steps.spi.StepExecutor} (one synchronous call per
 * attempt, in a {@link io.innominatus.steps.spi.StepMode}), the {@link io.innominatus.steps.spi.StepContext} it
 * gets (the interpolated definition, the idempotency key, a {@link io.innominatus.steps.spi.StepSink} for logs,
 * progress and secrets, a {@link io.innominatus.steps.spi.Cancellation}), and what it answers: a
 * {@link io.innominatus.steps.spi.StepResult} or a typed {@link io.innominatus.steps.spi.StepFailure}.
 *
 * <p>Depends on {@code model} only. Every step family and the engine depend on this package; the engine
 * on nothing else of {@code steps} but the registry that finds executors by type.
 */
package io.innominatus.steps.spi;
