/**
 * The {@code vault-setup} step: an application's secrets and read policies in HashiCorp Vault, through its
 * HTTP API, within the access the plan allows.
 *
 * <p>Depends on {@code steps.spi}, {@code model} and {@code support}.
 */
package io.innominatus.steps.secrets;
