package io.innominatus.api.security;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/** Without authentication the service is reachable from loopback only, unless explicitly made insecure. */
class ExposureGuardTest {

    private static Config config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 500)).build();
    }

    private static void start(String host, boolean authentication, boolean insecure) {
        start(Map.of("quarkus.http.host", host, "quarkus.grpc.server.use-separate-server", "false"), authentication, insecure);
    }

    private static void start(Map<String, String> properties, boolean authentication, boolean insecure) {
        ExposureGuard.check(authentication, insecure, ExposureGuard.listeners(config(properties)),
                Optional.of("https://sso.example.com/realms/platform"), "groups");
    }

    @Test
    void loopbackAddressesAreRecognised() {
        for (String host : List.of("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2")) {
            assertTrue(ExposureGuard.loopback(host), host);
        }
        for (String host : List.of("0.0.0.0", "10.1.2.3", "::", "example.invalid")) {
            assertFalse(ExposureGuard.loopback(host), host);
        }
    }

    @Test
    void anUnauthenticatedServiceOnTheNetworkRefusesToStart() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> start("0.0.0.0", false, false));
        assertTrue(refused.getMessage().contains("quarkus.oidc.auth-server-url"));
        assertTrue(refused.getMessage().contains("innominatus.security.insecure-allow-unauthenticated"));
        assertDoesNotThrow(() -> start("127.0.0.1", false, false));
        assertDoesNotThrow(() -> start("0.0.0.0", false, true));
        assertDoesNotThrow(() -> start("0.0.0.0", true, false));
    }

    /** Every listener counts, by the address it binds, including the defaults Quarkus binds when nothing is set. */
    @Test
    void everyListenerIsGuarded() {
        Map<String, String> separate = Map.of("quarkus.http.host", "127.0.0.1", "quarkus.grpc.server.use-separate-server",
                "true", "quarkus.grpc.server.host", "0.0.0.0");
        assertTrue(assertThrows(IllegalStateException.class, () -> start(separate, false, false)).getMessage()
                .contains("quarkus.grpc.server.host"));
        // Its default address is every interface too.
        Map<String, String> separateByDefault = Map.of("quarkus.http.host", "127.0.0.1",
                "quarkus.grpc.server.use-separate-server", "true");
        assertThrows(IllegalStateException.class, () -> start(separateByDefault, false, false));
        assertDoesNotThrow(() -> start(Map.of("quarkus.http.host", "127.0.0.1", "quarkus.grpc.server.use-separate-server",
                "true", "quarkus.grpc.server.host", "localhost"), false, false));
        Map<String, String> management = Map.of("quarkus.http.host", "127.0.0.1", "quarkus.grpc.server.use-separate-server",
                "false", "quarkus.management.enabled", "true");
        assertTrue(assertThrows(IllegalStateException.class, () -> start(management, false, false)).getMessage()
                .contains("quarkus.management.host"));
        assertDoesNotThrow(() -> start(Map.of("quarkus.http.host", "127.0.0.1", "quarkus.grpc.server.use-separate-server",
                "false", "quarkus.management.enabled", "true", "quarkus.management.host", "::1"), false, false));
        // No host at all: Quarkus' production default is every interface.
        assertThrows(IllegalStateException.class, () -> start(Map.of("quarkus.grpc.server.use-separate-server", "false"),
                false, false));
        assertDoesNotThrow(() -> start(separate, true, false));
    }

    @Test
    void callersFromOtherHostsAreRecognised() {
        assertTrue(ExposureGuard.loopbackPeer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000)));
        assertFalse(ExposureGuard.loopbackPeer(InetSocketAddress.createUnresolved("10.0.0.1", 5000)));
        assertFalse(ExposureGuard.loopbackPeer(new InetSocketAddress("10.0.0.1", 5000)));
        assertFalse(ExposureGuard.loopbackPeer(null));
        assertTrue(LoopbackOnly.loopback(io.vertx.core.net.SocketAddress.inetSocketAddress(5000, "127.0.0.1")));
        assertTrue(LoopbackOnly.loopback(io.vertx.core.net.SocketAddress.inetSocketAddress(5000, "::1")));
        assertFalse(LoopbackOnly.loopback(io.vertx.core.net.SocketAddress.inetSocketAddress(5000, "192.168.1.20")));
        assertTrue(LoopbackOnly.loopback(io.vertx.core.net.SocketAddress.domainSocketAddress("/tmp/innominatus.sock")));
    }
}
