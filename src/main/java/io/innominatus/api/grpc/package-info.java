/**
 * Thin {@code @GrpcService} classes: validate the request envelope, call an application service, map
 * the result. No logic and no try/catch; failures are domain exceptions mapped by {@code api.error}.
 *
 * <p>Depends on {@code app}, {@code model}, {@code api.mapping} and the generated API classes.
 */
package io.innominatus.api.grpc;
