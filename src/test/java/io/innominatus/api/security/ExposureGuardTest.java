package io.innominatus.api.security;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.app.SecuritySettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Without authentication the service is reachable from loopback only, unless explicitly made insecure. */
class ExposureGuardTest {

    private static SecuritySettings settings(boolean insecure) {
        return new SecuritySettings() {
            @Override
            public String groupsClaim() {
                return "groups";
            }

            @Override
            public RoleGroups roles() {
                return null;
            }

            @Override
            public boolean insecureAllowUnauthenticated() {
                return insecure;
            }

            @Override
            public Duration auditRetention() {
                return Duration.ofDays(1);
            }
        };
    }

    private static void start(String host, boolean authentication, boolean insecure) {
        new ExposureGuard().check(null, new IdentityCallers(null, settings(insecure), authentication), settings(insecure), host,
                Optional.of("https://sso.example.com/realms/platform"));
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
}
