/**
 * Step executors behind one SPI ({@link io.innominatus.steps.StepExecutor}), one class per step type,
 * and the registry that finds them by type. Executors do real work against the system they name and
 * offer a dry-run path that changes nothing.
 *
 * <p>Depends on {@code model}, {@code parse}, {@code score} and the {@code store} ports (provisioned resources);
 * never on the engine.
 */
package io.innominatus.steps;
