/**
 * Use cases: composes catalog, Score parsing, resolution, policy and execution into the operations the
 * API exposes (list and validate workflows, plan and evaluate deployments, run and control executions).
 * Each use-case service is a {@link io.innominatus.app.StoreBoundary}: a store failure leaves it as a
 * domain error (an outage as UNAVAILABLE), never as a store exception.
 *
 * <p>May depend on every package except {@code api} and {@code cli}.
 */
package io.innominatus.app;
