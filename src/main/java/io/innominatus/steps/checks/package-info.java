/**
 * Steps that check without changing anything: {@code validation} (HTTP, gRPC and TCP health checks, with the
 * named checks a platform team configures) and {@code policy} (CEL rules over the Score spec and the manifests a
 * deployment would apply).
 *
 * <p>Depends on {@code steps.spi}, {@code steps.tools} (path rules of workflow files), {@code model} and
 * {@code support}.
 */
package io.innominatus.steps.checks;
