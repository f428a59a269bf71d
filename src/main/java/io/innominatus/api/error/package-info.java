/**
 * The single gRPC exception handler: maps domain exceptions to {@code google.rpc.Status} with an
 * {@code ErrorInfo} (domain {@code innominatus.io}) and details; anything unexpected becomes INTERNAL
 * with a reference id, logged on the server and never with class names or stack traces for clients.
 *
 * <p>Depends on {@code model} and gRPC.
 */
package io.innominatus.api.error;
