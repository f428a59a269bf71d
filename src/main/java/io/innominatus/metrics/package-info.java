/**
 * Metrics at {@code /q/metrics}: executions, steps and workflows by tier, product, type and state, their
 * durations, policy blocks by rule, the admission queue and the open watch streams. They are derived
 * from what the engine already records (committed events, its queue) through one observer, so the
 * engine itself carries no metrics code.
 *
 * <p>Depends on {@code model}, {@code execute} and {@code store}; only {@code app} uses it.
 */
package io.innominatus.metrics;
