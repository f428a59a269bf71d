/**
 * Step types: the {@link io.innominatus.steps.StepExecutorRegistry} that finds an executor by type, over the
 * plug-in boundary in {@code steps.spi} and one subpackage per family: {@code kubernetes} (clusters and GitOps
 * repositories), {@code tools} (command-line tools as real processes), {@code checks} (health checks, policy
 * rules), {@code provisioning} (Score resources), {@code data} (database migrations), {@code secrets} (Vault)
 * and {@code custom} (step types defined in admin-config). Executors do real work against the system they name
 * and offer a dry run that changes nothing.
 *
 * <p>Depends on {@code model}, {@code support} and the {@code store} ports (provisioned resources, the delivery
 * inventory); never on the engine.
 */
package io.innominatus.steps;
