/**
 * Step types a platform team defines in {@code admin-config.yaml}: a command ({@code CommandStepExecutor}) or a
 * webhook ({@code WebhookStepExecutor}), both speaking the JSON protocol of {@code CustomStepProtocol}.
 *
 * <p>Depends on {@code steps.spi}, {@code steps.tools} (the process runner), {@code model} and {@code support}.
 */
package io.innominatus.steps.custom;
