package io.innominatus.api.security;

import io.innominatus.app.Role;

/** What an RPC requires of its caller before the request is even read. */
public enum Access {
    /** Anyone, also without a token: health checks and server reflection. */
    PUBLIC(null),
    /** Any authenticated caller; finer rules (product ownership) are checked with the request. */
    AUTHENTICATED(null),
    VIEWER(Role.VIEWER),
    DEPLOYER(Role.DEPLOYER),
    APPROVER(Role.APPROVER),
    ADMIN(Role.ADMIN);

    private final Role role;

    Access(Role role) {
        this.role = role;
    }

    /** The role required, or null when authentication (or nothing) suffices. */
    public Role role() {
        return role;
    }
}
