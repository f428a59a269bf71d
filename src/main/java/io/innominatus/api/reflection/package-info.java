/**
 * gRPC server reflection (v1 and v1alpha) that serves what a reflection-only client needs to print JSON the
 * way the API documents it: every file with {@code json_name} filled in (the descriptors compiled into the
 * generated classes carry none), and the files of the messages that travel in an {@code Any}, such as the
 * {@code google.rpc} error details.
 *
 * <p>Depends on gRPC and protobuf only; it discovers the served services from their bindings.
 */
package io.innominatus.api.reflection;
