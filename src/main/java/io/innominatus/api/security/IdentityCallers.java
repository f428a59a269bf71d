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
import java.util.function.Function;
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
        Function<String, Object> claims = claims(identity);
        Set<String> groups = groups(claims.apply(settings.groupsClaim()));
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        for (Role role : Role.values()) {
            if (settings.roles().of(role).stream().map(IdentityCallers::groupName).anyMatch(groups::contains)) {
                roles.addAll(role.withIncluded());
            }
        }
        Object subject = claims.apply("sub");
        return new Caller(name(identity, claims), true, groups, roles, subject == null ? "" : text(subject));
    }

    /**
     * The claims the caller is judged by: its bearer token's, or, for a console sign-in (whose principal is the
     * ID token), the access token's that the console sends the API, so that the console shows the caller the API
     * sees. The sign-in's tenant verifies that access token ({@code verify-access-token}).
     */
    private static Function<String, Object> claims(SecurityIdentity identity) {
        io.quarkus.oidc.AccessTokenCredential access = identity.getCredential(io.quarkus.oidc.AccessTokenCredential.class);
        if (identity.getCredential(io.quarkus.oidc.IdTokenCredential.class) != null && access != null && access.getToken() != null) {
            String[] parts = access.getToken().split("\\.");
            if (parts.length >= 2) {
                try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.StringReader(new String(
                        java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)))) {
                    jakarta.json.JsonObject payload = reader.readObject();
                    return payload::get;
                } catch (RuntimeException e) {
                    // Not a JWT: fall back to the principal's claims.
                }
            }
        }
        return identity.getPrincipal() instanceof JsonWebToken token ? token::getClaim : name -> null;
    }

    /** The name the API gives a bearer token's caller: upn, preferred_username, then sub. */
    private static String name(SecurityIdentity identity, Function<String, Object> claims) {
        if (identity.getCredential(io.quarkus.oidc.IdTokenCredential.class) != null) {
            for (String claim : new String[] {"upn", "preferred_username", "sub"}) {
                Object value = claims.apply(claim);
                if (value != null && !text(value).isBlank()) {
                    return text(value);
                }
            }
        }
        return identity.getPrincipal().getName();
    }

    private static String text(Object value) {
        return value instanceof JsonString s ? s.getString() : String.valueOf(value);
    }

    private static Set<String> groups(Object claim) {
        Set<String> groups = new TreeSet<>();
        if (claim instanceof Iterable<?> values) {
            values.forEach(v -> groups.add(groupName(text(v))));
        } else if (claim instanceof JsonString || claim instanceof String) {
            groups.add(groupName(text(claim)));
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
