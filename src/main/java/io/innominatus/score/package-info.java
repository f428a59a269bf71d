/**
 * Score ({@code score.dev/v1b1}) parsing and validation per the Score specification, including both
 * map and deprecated list forms of {@code files} and {@code volumes}, placeholder checks, and the
 * innominatus extension of application workflows under a top-level {@code workflows} key.
 *
 * <p>Depends on {@code model} and {@code parse}.
 */
package io.innominatus.score;
