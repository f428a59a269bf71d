package io.innominatus.api.console;

import io.quarkus.oidc.TenantResolver;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends the console's requests to the {@code web-console} OIDC tenant (authorization code flow, bearer tokens too)
 * when the console's sign-in is configured; everything else, and everything when it is not, to the default
 * tenant, which accepts bearer tokens only (gRPC clients are never redirected to a login page).
 */
@ApplicationScoped
public class ConsoleTenant implements TenantResolver {

    private static final Pattern CONSOLE = Pattern.compile(ConsoleRoutes.PAGES + "|^/console/.*");

    /** Not a path segment of the console: Quarkus would otherwise pick it for such paths by name, enabled or not. */
    static final String TENANT = "web-console";

    private final boolean login;

    public ConsoleTenant(@ConfigProperty(name = ConsoleLogin.ENABLED, defaultValue = "false") boolean login) {
        this.login = login;
    }

    @Override
    public String resolve(RoutingContext context) {
        return login && CONSOLE.matcher(context.normalizedPath()).matches() ? TENANT : null;
    }
}
