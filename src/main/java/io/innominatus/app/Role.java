package io.innominatus.app;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a caller may do. {@code admin} includes every other role; {@code deployer} and {@code approver}
 * include {@code viewer}.
 */
public enum Role {
    /** Reads catalog, plans, policies and executions. */
    VIEWER,
    /** Starts deployments, workflow runs and undeployments; cancels and retries executions. */
    DEPLOYER,
    /** Approves or rejects executions waiting for approval (never their own). */
    APPROVER,
    /** Reloads the catalog and reads the audit trail. */
    ADMIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role and the roles it includes. */
    public Set<Role> withIncluded() {
        return switch (this) {
            case ADMIN -> EnumSet.allOf(Role.class);
            case DEPLOYER -> EnumSet.of(DEPLOYER, VIEWER);
            case APPROVER -> EnumSet.of(APPROVER, VIEWER);
            case VIEWER -> EnumSet.of(VIEWER);
        };
    }
}
