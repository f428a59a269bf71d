package io.innominatus.app;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling.
 *
 * @param authenticated true when the identity comes from a verified token; false for the trusted local
 *     caller of a service without authentication (loopback only) and for calls without a token
 * @param groups groups from the token (leading {@code /} of group paths removed)
 * @param roles innominatus roles, with the roles they include
 * @param subject the caller's stable identity (the token's {@code sub} claim); empty when there is none.
 *     Display names ({@code principal}) may change or be reused; the four-eyes rule compares subjects.
 */
public record Caller(String principal, boolean authenticated, Set<String> groups, Set<Role> roles, String subject) {

    /** A call without a token to a service that requires one. */
    public static final Caller ANONYMOUS = new Caller("anonymous", false, Set.of(), Set.of());

    /** The caller of a service running without authentication: it listens on loopback only and trusts it. */
    public static final Caller LOCAL = new Caller("anonymous", false, Set.of(), EnumSet.allOf(Role.class));

    public Caller(String principal, boolean authenticated, Set<String> groups, Set<Role> roles) {
        this(principal, authenticated, groups, roles, "");
    }

    public Caller {
        subject = subject == null ? "" : subject;
        groups = Set.copyOf(groups);
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** Whether the caller is the principal or a member of one of the groups. */
    public boolean isAny(Set<String> principalsOrGroups) {
        return principalsOrGroups.contains(principal) || groups.stream().anyMatch(principalsOrGroups::contains);
    }

    /** Whether this is the trusted caller of a service without authentication. */
    public boolean local() {
        return equals(LOCAL);
    }
}
