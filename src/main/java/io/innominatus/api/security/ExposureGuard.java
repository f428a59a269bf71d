package io.innominatus.api.security;

import io.innominatus.app.SecuritySettings;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Secure default: a service without authentication must not be reachable from the network. Every listener
 * the process opens is checked by the address it binds: the HTTP server (which carries gRPC unless a separate
 * gRPC server is configured), the separate gRPC server and the management interface. Without an OIDC issuer
 * the service starts only when all of them are bound to loopback, unless
 * {@code innominatus.security.insecure-allow-unauthenticated=true} says otherwise; {@link LoopbackOnly}
 * refuses non-loopback callers on every listener as well, in case an address resolves differently later.
 */
@ApplicationScoped
public class ExposureGuard {

    private static final Logger LOG = Logger.getLogger(ExposureGuard.class);

    /** One listening socket: what it serves, the configuration key of its address, the address and port. */
    public record Listener(String name, String hostKey, String host, String port) {
        boolean loopback() {
            return ExposureGuard.loopback(host);
        }

        String describe() {
            return name + " on " + host + ":" + port;
        }
    }

    void check(@Observes StartupEvent event, IdentityCallers callers, SecuritySettings settings, Config config) {
        check(callers.authenticationEnabled(), settings.insecureAllowUnauthenticated(), listeners(config),
                config.getOptionalValue(OidcActivation.AUTH_SERVER_URL, String.class), settings.groupsClaim());
    }

    static void check(boolean authentication, boolean insecure, List<Listener> listeners, Optional<String> issuer,
            String groupsClaim) {
        String all = listeners.stream().map(Listener::describe).collect(Collectors.joining(", "));
        if (authentication) {
            LOG.infof("authentication: OIDC bearer tokens%s; groups from claim '%s' grant the roles; listening: %s",
                    issuer.map(i -> " issued by " + i).orElse(" verified with the configured public key"), groupsClaim, all);
            return;
        }
        List<Listener> exposed = listeners.stream().filter(l -> !l.loopback()).toList();
        if (exposed.isEmpty()) {
            LOG.warnf("authentication is off (no quarkus.oidc.auth-server-url): listening on loopback only (%s); every "
                    + "local caller is trusted with every role", all);
            return;
        }
        String where = exposed.stream().map(l -> l.describe() + " (" + l.hostKey() + ")").collect(Collectors.joining(", "));
        if (insecure) {
            LOG.warnf("INSECURE: authentication is off and the service is reachable from the network: %s; anyone who can "
                    + "reach it can deploy. Configure quarkus.oidc.auth-server-url.", where);
            return;
        }
        String message = "refusing to start: no OIDC issuer is configured but " + where + " is not bound to loopback. "
                + "Set quarkus.oidc.auth-server-url (see README, Security), bind 127.0.0.1, or accept the risk with "
                + "innominatus.security.insecure-allow-unauthenticated=true";
        LOG.error(message);
        throw new IllegalStateException(message);
    }

    /**
     * The listeners this configuration opens, with the addresses Quarkus binds when a key is not set (the
     * separate gRPC server and the management interface default to every interface).
     */
    public static List<Listener> listeners(Config config) {
        List<Listener> listeners = new ArrayList<>();
        String httpHost = config.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
        boolean separateGrpc = config.getOptionalValue("quarkus.grpc.server.use-separate-server", Boolean.class).orElse(true);
        listeners.add(new Listener(separateGrpc ? "HTTP" : "HTTP and gRPC", "quarkus.http.host", httpHost,
                config.getOptionalValue("quarkus.http.port", String.class).orElse("8080")));
        if (config.getOptionalValue("quarkus.http.ssl-port", String.class).isPresent()
                || config.getOptionalValue("quarkus.http.ssl.certificate.files", String.class).isPresent()
                || config.getOptionalValue("quarkus.tls.key-store.p12.path", String.class).isPresent()) {
            listeners.add(new Listener("HTTPS", "quarkus.http.host", httpHost,
                    config.getOptionalValue("quarkus.http.ssl-port", String.class).orElse("8443")));
        }
        if (separateGrpc) {
            listeners.add(new Listener("gRPC (separate server)", "quarkus.grpc.server.host",
                    config.getOptionalValue("quarkus.grpc.server.host", String.class).orElse("0.0.0.0"),
                    config.getOptionalValue("quarkus.grpc.server.port", String.class).orElse("9000")));
        }
        if (config.getOptionalValue("quarkus.management.enabled", Boolean.class).orElse(false)) {
            listeners.add(new Listener("management interface", "quarkus.management.host",
                    config.getOptionalValue("quarkus.management.host", String.class).orElse("0.0.0.0"),
                    config.getOptionalValue("quarkus.management.port", String.class).orElse("9000")));
        }
        return listeners;
    }

    static boolean loopback(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            // Every address a name resolves to must be loopback: a name that also resolves elsewhere is exposed.
            InetAddress[] addresses = InetAddress.getAllByName(name);
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether a caller's address is loopback (the peer of a connection; no name resolution involved). */
    static boolean loopbackPeer(java.net.SocketAddress peer) {
        if (peer instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().isLoopbackAddress();
        }
        // A Unix domain socket is reachable only on this host.
        return peer != null && !(peer instanceof java.net.InetSocketAddress);
    }
}
