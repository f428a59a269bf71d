/**
 * The web console, served by the service on its HTTP port: the single-page application's pages and assets,
 * a JSON bridge that forwards each browser call as the same gRPC call on this server (so every call passes
 * the same authentication, role and ownership checks, errors and audit as any other client's), server-sent
 * events that follow an execution's event log through WatchExecution, and the console's CSRF protection.
 *
 * <p>Depends on the generated API classes, {@code api.security} (who the caller is) and gRPC; never on the
 * application services directly, so it cannot do what the API would not.
 */
package io.innominatus.api.console;
