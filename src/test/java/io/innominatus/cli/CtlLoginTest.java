package io.innominatus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** login and logout against a fake OIDC provider: discovery, client credentials, device authorization (RFC 8628). */
class CtlLoginTest {

    private HttpServer provider;
    private String issuer;
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger devicePolls = new AtomicInteger();
    private Path home;
    private Ctl ctl;

    @BeforeEach
    void startProvider() throws IOException {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + provider.getAddress().getPort() + "/realms/platform";
        provider.createContext("/realms/platform/.well-known/openid-configuration", exchange -> respond(exchange, 200, """
                {"issuer": "%1$s", "token_endpoint": "%1$s/protocol/openid-connect/token",
                 "device_authorization_endpoint": "%1$s/protocol/openid-connect/auth/device"}""".formatted(issuer)));
        provider.createContext("/realms/platform/protocol/openid-connect/auth/device", exchange -> {
            Map<String, String> form = form(exchange);
            if ("slow-client".equals(form.get("client_id"))) {
                respond(exchange, 200, """
                        {"device_code": "device-pending", "user_code": "SLOW-CODE", "verification_uri": "%s/device",
                         "expires_in": 5, "interval": 2}""".formatted(issuer));
                return;
            }
            if (!"innominatus-ctl".equals(form.get("client_id"))) {
                respond(exchange, 401, "{\"error\": \"invalid_client\", \"error_description\": \"unknown client\"}");
                return;
            }
            String code = "openid".equals(form.get("scope")) ? "device-123" : "device-denied";
            respond(exchange, 200, """
                    {"device_code": "%s", "user_code": "WDJB-MJHT", "verification_uri": "%s/device",
                     "verification_uri_complete": "%s/device?user_code=WDJB-MJHT", "expires_in": 30, "interval": 2}"""
                    .formatted(code, issuer, issuer));
        });
        provider.createContext("/realms/platform/protocol/openid-connect/token", exchange -> {
            Map<String, String> form = form(exchange);
            form.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            tokenRequests.add(form);
            switch (form.get("grant_type")) {
                case "client_credentials" -> {
                    String expected = "Basic " + Base64.getEncoder().encodeToString("ci-bot:s3cr%26t".getBytes(StandardCharsets.UTF_8));
                    if (expected.equals(form.get("authorization"))) {
                        respond(exchange, 200, "{\"access_token\": \"cc-token\", \"token_type\": \"Bearer\", \"expires_in\": 300}");
                    } else {
                        respond(exchange, 401, "{\"error\": \"unauthorized_client\", \"error_description\": \"bad secret\"}");
                    }
                }
                case "urn:ietf:params:oauth:grant-type:device_code" -> {
                    if (form.get("device_code").equals("device-pending")) {
                        respond(exchange, 400, "{\"error\": \"authorization_pending\"}");
                    } else if (form.get("device_code").equals("device-denied")) {
                        respond(exchange, 400, "{\"error\": \"access_denied\"}");
                    } else if (devicePolls.incrementAndGet() == 1) {
                        respond(exchange, 400, "{\"error\": \"authorization_pending\"}");
                    } else if (devicePolls.get() == 2) {
                        respond(exchange, 400, "{\"error\": \"slow_down\"}");
                    } else {
                        respond(exchange, 200, "{\"access_token\": \"device-token\", \"token_type\": \"bearer\", \"expires_in\": 3600}");
                    }
                }
                default -> respond(exchange, 400, "{\"error\": \"unsupported_grant_type\"}");
            }
        });
        provider.start();
        home = Ctl.tempHome();
        ctl = new Ctl(home).withRecordedSleeps();
    }

    @AfterEach
    void stopProvider() {
        provider.stop(0);
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        Map<String, String> form = new HashMap<>();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return form;
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private Path tokenFile() {
        return home.resolve(".config/innominatus/token");
    }

    @Test
    void clientCredentialsStoreTheTokenReadableByItsOwnerOnly() throws IOException {
        Ctl.Result login = ctl.run("login", "--issuer", issuer, "--client-id", "ci-bot", "--client-secret", "s3cr&t");
        assertEquals(0, login.exitCode(), login::toString);
        assertEquals("Logged in to " + issuer + "; token stored in " + tokenFile() + " (valid for 5m00s)\n", login.out());
        assertEquals("cc-token\n", Files.readString(tokenFile()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile().getParent())));
        assertEquals("client_credentials", tokenRequests.get(0).get("grant_type"));
        assertFalse(tokenRequests.get(0).containsKey("client_secret"), "the secret travels in the Authorization header");

        // The secret may also come from the environment; a wrong one is refused with exit code 6.
        Ctl.Result refused = ctl.withVariable("INNOMINATUS_CLIENT_SECRET", "wrong").run("login", "--issuer", issuer,
                "--client-id", "ci-bot");
        assertEquals(6, refused.exitCode(), refused::toString);
        assertEquals("error: the identity provider refused the login: unauthorized_client: bad secret\n", refused.err());
        assertEquals("cc-token\n", Files.readString(tokenFile()), "a failed login keeps the stored token");

        Ctl.Result logout = ctl.run("logout");
        assertEquals(0, logout.exitCode());
        assertEquals("Logged out: removed " + tokenFile() + "\n", logout.out());
        assertFalse(Files.exists(tokenFile()));
        assertEquals("Not logged in: no token at " + tokenFile() + "\n", ctl.run("logout").out());
    }

    @Test
    void deviceAuthorizationPollsUntilTheUserApproved() throws IOException {
        Ctl.Result login = ctl.run("login", "--issuer", issuer + "/", "--client-id", "innominatus-ctl");
        assertEquals(0, login.exitCode(), login::toString);
        List<String> lines = login.outLines();
        assertEquals("To log in, open " + issuer + "/device and enter the code WDJB-MJHT", lines.get(0));
        assertEquals("(or open " + issuer + "/device?user_code=WDJB-MJHT)", lines.get(1));
        assertTrue(lines.get(lines.size() - 1).startsWith("Logged in to " + issuer + "; token stored in "), login::toString);
        assertEquals("device-token\n", Files.readString(tokenFile()));
        // authorization_pending, then slow_down (five seconds more from then on), then the token.
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(7)), ctl.sleeps());
        assertEquals(3, tokenRequests.size());
        for (Map<String, String> request : tokenRequests) {
            assertEquals("urn:ietf:params:oauth:grant-type:device_code", request.get("grant_type"));
            assertEquals("device-123", request.get("device_code"));
            assertEquals("innominatus-ctl", request.get("client_id"));
        }
    }

    @Test
    void deniedExpiredAndUnreachableLoginsFail() {
        Ctl.Result denied = ctl.run("login", "--issuer", issuer, "--client-id", "innominatus-ctl", "--scope", "openid groups");
        assertEquals(6, denied.exitCode(), denied::toString);
        assertEquals("error: the login was denied\n", denied.err());
        assertFalse(Files.exists(tokenFile()));

        Ctl.Result expired = ctl.run("login", "--issuer", issuer, "--client-id", "slow-client");
        assertEquals(6, expired.exitCode(), expired::toString);
        assertEquals("error: the login code expired before it was used; run login again\n", expired.err());
        assertEquals(3, tokenRequests.stream().filter(r -> "device-pending".equals(r.get("device_code"))).count(),
                "polled until the code expired");

        Ctl.Result unknownClient = ctl.run("login", "--issuer", issuer, "--client-id", "someone-else");
        assertEquals(6, unknownClient.exitCode(), unknownClient::toString);
        assertTrue(unknownClient.err().contains("invalid_client: unknown client"), unknownClient::toString);

        Ctl.Result wrongIssuer = ctl.run("login", "--issuer", issuer + "/nope", "--client-id", "innominatus-ctl");
        assertEquals(5, wrongIssuer.exitCode(), wrongIssuer::toString);
        assertTrue(wrongIssuer.err().contains("answered HTTP 404"), wrongIssuer::toString);

        Ctl.Result unreachable = ctl.run("login", "--issuer", "http://127.0.0.1:1/realms/x", "--client-id", "innominatus-ctl");
        assertEquals(5, unreachable.exitCode(), unreachable::toString);
        assertTrue(unreachable.err().startsWith("error: cannot discover the identity provider's endpoints at "), unreachable::toString);
        // The JDK's client gives no message for a refused connection: the cause is still named, never "no details".
        assertTrue(unreachable.err().contains(": connection refused"), unreachable::toString);
        assertFalse(unreachable.err().contains("no details"), unreachable::toString);

        Ctl.Result plainHttp = ctl.run("login", "--issuer", "http://idp.example.com/realms/x", "--client-id", "x");
        assertEquals(2, plainHttp.exitCode(), plainHttp::toString);
        assertTrue(plainHttp.err().contains("over plain HTTP"), plainHttp::toString);

        Ctl.Result missing = ctl.run("login", "--issuer", issuer);
        assertEquals(2, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("--client-id"), missing::toString);
    }
}
