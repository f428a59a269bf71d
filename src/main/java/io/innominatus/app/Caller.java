package io.innominatus.app;

import java.util.Set;

/**
 * Who is calling. Without authentication every caller is {@code anonymous} and identity-based rules
 * (four-eyes approval, executor groups) cannot apply.
 *
 * @param groups groups from the token
 * @param roles innominatus roles: viewer, deployer, approver, admin
 */
public record Caller(String principal, boolean authenticated, Set<String> groups, Set<String> roles) {

    public static final Caller ANONYMOUS = new Caller("anonymous", false, Set.of(), Set.of());

    public Caller {
        groups = Set.copyOf(groups);
        roles = Set.copyOf(roles);
    }
}
