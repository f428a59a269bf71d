/**
 * The one place where domain records are mapped to and from the generated protobuf messages.
 *
 * <p>Depends on {@code model}, {@code app} (its view records) and the generated API classes.
 */
package io.innominatus.api.mapping;
