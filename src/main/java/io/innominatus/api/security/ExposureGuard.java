package io.innominatus.api.security;

import io.innominatus.app.SecuritySettings;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Secure default: a service without authentication must not be reachable from the network. Without an OIDC
 * issuer it serves loopback only and says so; bound to another address it refuses to start unless
 * {@code innominatus.security.insecure-allow-unauthenticated=true} says otherwise.
 */
@ApplicationScoped
public class ExposureGuard {

    private static final Logger LOG = Logger.getLogger(ExposureGuard.class);

    void check(@Observes StartupEvent event, IdentityCallers callers, SecuritySettings settings,
            @ConfigProperty(name = "quarkus.http.host") String host,
            @ConfigProperty(name = OidcActivation.AUTH_SERVER_URL) Optional<String> issuer) {
        if (callers.authenticationEnabled()) {
            LOG.infof("authentication: OIDC bearer tokens%s; groups from claim '%s' grant the roles",
                    issuer.map(i -> " issued by " + i).orElse(" verified with the configured public key"), settings.groupsClaim());
            return;
        }
        if (loopback(host)) {
            LOG.warnf("authentication is off (no quarkus.oidc.auth-server-url): listening on %s (loopback) only; every local "
                    + "caller is trusted with every role", host);
            return;
        }
        if (settings.insecureAllowUnauthenticated()) {
            LOG.warnf("INSECURE: authentication is off and the service listens on %s; anyone who can reach it can deploy. "
                    + "Configure quarkus.oidc.auth-server-url.", host);
            return;
        }
        String message = "refusing to start: quarkus.http.host is " + host + " (not loopback) but no OIDC issuer is "
                + "configured. Set quarkus.oidc.auth-server-url (see README, Security), bind 127.0.0.1, or accept the risk "
                + "with innominatus.security.insecure-allow-unauthenticated=true";
        LOG.error(message);
        throw new IllegalStateException(message);
    }

    static boolean loopback(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
