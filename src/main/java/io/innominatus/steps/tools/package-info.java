/**
 * Steps that run command-line tools as real processes: {@code exec}, {@code ansible}, {@code terraform} and
 * {@code security-scan}, with what they share: the sandboxed {@link io.innominatus.steps.tools.ProcessRunner},
 * the lookup of required tools ({@code CliTools}) and output files.
 *
 * <p>Depends on {@code steps.spi}, {@code model} and {@code support}.
 */
package io.innominatus.steps.tools;
