/**
 * Step executors behind one SPI ({@link io.innominatus.steps.StepExecutor}), one class per step type,
 * and the registry that finds them by type. Executors do real work against the system they name and
 * offer a dry-run path that changes nothing.
 *
 * <p>The Kubernetes-based steps reach their environment's delivery target through a
 * {@link io.innominatus.steps.Delivery} opened per step by {@link io.innominatus.steps.Deliveries}: a cluster
 * through its API ({@code ClusterDelivery}, one client per cluster) or a Git repository ({@code GitOpsDelivery},
 * one commit per step, through JGit). What a real run creates is recorded in the store's delivery inventory.
 *
 * <p>Depends on {@code model}, {@code support} and the {@code store} ports (provisioned resources,
 * the delivery inventory); never on the engine.
 */
package io.innominatus.steps;
