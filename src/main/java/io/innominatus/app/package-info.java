/**
 * Use cases: composes catalog, Score parsing, resolution, policy and execution into the operations the
 * API exposes (list and validate workflows, plan and evaluate deployments, run and control executions).
 *
 * <p>May depend on every package except {@code api} and {@code cli}.
 */
package io.innominatus.app;
