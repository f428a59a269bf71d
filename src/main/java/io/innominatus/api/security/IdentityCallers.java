package io.innominatus.api.security;

import io.innominatus.app.Caller;
import io.innominatus.app.CallerProvider;
import io.innominatus.app.Role;
import io.innominatus.app.SecuritySettings;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller of the current request, from the verified token: principal, groups from the configured claim,
 * and the roles those groups grant. Without authentication configured, the (loopback-only) caller is
 * trusted with every role.
 */
@ApplicationScoped
public class IdentityCallers implements CallerProvider {

    private final CurrentIdentityAssociation identities;
    private final SecuritySettings settings;
    private final boolean authentication;

    public IdentityCallers(CurrentIdentityAssociation identities, SecuritySettings settings,
            @ConfigProperty(name = OidcActivation.TENANT_ENABLED) boolean authentication) {
        this.identities = identities;
        this.settings = settings;
        this.authentication = authentication;
    }

    public boolean authenticationEnabled() {
        return authentication;
    }

    @Override
    public Caller current() {
        return authentication ? from(identities.getIdentity()) : Caller.LOCAL;
    }

    /** The caller an HTTP route sees: the identity Quarkus established for its request, or the local caller. */
    public Caller of(SecurityIdentity identity) {
        return authentication ? from(identity) : Caller.LOCAL;
    }

    Caller from(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return Caller.ANONYMOUS;
        }
        Set<String> groups = groups(identity);
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (Role role : Role.values()) {
            if (settings.roles().of(role).stream().map(IdentityCallers::groupName).anyMatch(groups::contains)) {
                roles.addAll(role.withIncluded());
            }
        }
        String subject = identity.getPrincipal() instanceof JsonWebToken token && token.getSubject() != null
                ? token.getSubject() : "";
        return new Caller(identity.getPrincipal().getName(), true, groups, roles, subject);
    }

    private Set<String> groups(SecurityIdentity identity) {
        Set<String> groups = new TreeSet<>();
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            Object claim = token.getClaim(settings.groupsClaim());
            if (claim instanceof Iterable<?> values) {
                values.forEach(v -> groups.add(groupName(v instanceof JsonString s ? s.getString() : String.valueOf(v))));
            } else if (claim instanceof JsonString value) {
                groups.add(groupName(value.getString()));
            } else if (claim instanceof String value) {
                groups.add(groupName(value));
            }
        }
        return groups;
    }

    /**
     * Keycloak sends group paths (/platform/deployer); a leading slash is not part of the name. Nothing else is
     * changed: a group whose name differs by whitespace or a control character is another group.
     */
    static String groupName(String group) {
        return group.startsWith("/") ? group.substring(1) : group;
    }
}
