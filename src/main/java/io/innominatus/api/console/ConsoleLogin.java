package io.innominatus.api.console;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The policy of the console's paths (application.properties: {@code quarkus.http.auth.permission.console}).
 * With the console's sign-in configured (the {@code web-console} OIDC tenant, authorization code flow), a visitor
 * without a session is sent to the identity provider; without it the pages load for anyone who may reach
 * them and every call they make is checked by the API like any other client's.
 */
@ApplicationScoped
public class ConsoleLogin implements HttpSecurityPolicy {

    /** Derived by {@code OidcActivation}: an issuer and a console client are configured. */
    public static final String ENABLED = "quarkus.oidc.web-console.tenant-enabled";

    static final String IDENTITY = ConsoleLogin.class.getName() + ".identity";

    private final boolean enabled;

    public ConsoleLogin(@ConfigProperty(name = ENABLED, defaultValue = "false") boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
            AuthorizationRequestContext requestContext) {
        return identity.map(i -> {
            // The console's handlers act for this identity (its access token goes with their API calls): every
            // console path has this policy, and Quarkus resolves the identity for it.
            request.put(IDENTITY, i);
            return !enabled || (i != null && !i.isAnonymous()) ? CheckResult.PERMIT : CheckResult.DENY;
        });
    }

    @Override
    public String name() {
        return "console";
    }
}
