package io.innominatus.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** {@code innominatus.security.*}: how tokens map to roles, and the secure defaults. */
@ConfigMapping(prefix = "innominatus.security")
public interface SecuritySettings {

    /** The token claim holding the caller's groups (Keycloak: {@code groups} with the group membership mapper). */
    @WithDefault("groups")
    String groupsClaim();

    /** Groups whose members hold each role. */
    RoleGroups roles();

    /**
     * Accept unauthenticated calls on a non-loopback address. Only for networks where every client is
     * trusted; without it such a service refuses to start.
     */
    @WithDefault("false")
    boolean insecureAllowUnauthenticated();

    /** How long audit entries are kept. */
    @WithDefault("P365D")
    Duration auditRetention();

    /** Groups granting each role (a token group matches with or without a leading {@code /}). */
    interface RoleGroups {
        @WithDefault("viewer")
        List<String> viewer();

        @WithDefault("deployer")
        List<String> deployer();

        @WithDefault("approver")
        List<String> approver();

        @WithDefault("admin")
        List<String> admin();

        default List<String> of(Role role) {
            return switch (role) {
                case VIEWER -> viewer();
                case DEPLOYER -> deployer();
                case APPROVER -> approver();
                case ADMIN -> admin();
            };
        }
    }
}
