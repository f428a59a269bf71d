/**
 * The {@code resource-provisioning} step: provisions the resources a Score file asks for, through built-in
 * provisioners or ones the platform team defines (templates and nested steps), and records them in the
 * store's resource inventory.
 *
 * <p>Depends on {@code steps.spi}, the other step families whose steps it nests, {@code model},
 * {@code support} and the {@code store} ports.
 */
package io.innominatus.steps.provisioning;
