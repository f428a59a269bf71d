/**
 * The {@code database-migration} step: Flyway migrations against the database a step names, cancellable
 * while a statement runs.
 *
 * <p>Depends on {@code steps.spi}, {@code model} and {@code support}.
 */
package io.innominatus.steps.data;
