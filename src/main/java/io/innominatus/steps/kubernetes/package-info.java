/**
 * Steps that reach an environment's Kubernetes delivery target: {@code kubernetes} (manifests or a Score
 * workload), {@code tagging}, {@code monitoring} and {@code cost-analysis}. They deliver through a
 * {@link io.innominatus.steps.kubernetes.Delivery} opened per step by
 * {@link io.innominatus.steps.kubernetes.Deliveries}: a cluster through its API ({@code ClusterDelivery}, one
 * client per cluster) or a Git repository ({@code GitOpsDelivery}, one commit per step, through JGit). What a
 * real run creates is recorded in the store's delivery inventory.
 *
 * <p>Depends on {@code steps.spi}, {@code model}, {@code support} and the {@code store} ports.
 */
package io.innominatus.steps.kubernetes;
