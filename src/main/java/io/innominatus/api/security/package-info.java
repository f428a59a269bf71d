/**
 * Who may call what: OIDC activation, the caller of a request (token → principal, groups, roles), the
 * access rule of every RPC enforced before the request is read, and the secure-exposure check at start-up.
 * Rules that depend on the request itself live in {@code app.Authorization}.
 *
 * <p>Depends on {@code app}, {@code model}, {@code api.error}, Quarkus security and gRPC.
 */
package io.innominatus.api.security;
