/**
 * Resolution: which workflows a deployment triggers (platform, product, application tiers; OR-ed
 * triggers; the generated application workflow), in what order, and which plan-time references they
 * cannot satisfy. Produces a {@link io.innominatus.model.ResolvedDeployment}; policy decides later what
 * of it may run.
 *
 * <p>Depends on {@code model} and {@code parse} (graph helpers) only.
 */
package io.innominatus.resolve;
