package io.innominatus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OIDC side of {@code login}: endpoint discovery ({@code <issuer>/.well-known/openid-configuration}),
 * the client credentials grant, and the device authorization grant (RFC 8628). Credentials are only ever
 * sent over HTTPS, except to a loopback address.
 */
final class OidcClient {

    /** The endpoints discovery found. */
    record Endpoints(String issuer, String tokenEndpoint, String deviceAuthorizationEndpoint) {}

    /** An access token and how long it lives (seconds, 0 if the provider did not say). */
    record Token(String accessToken, long expiresIn) {}

    /** What the user must do to approve a device login. */
    record DeviceAuthorization(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
            long expiresIn, long interval) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    private final HttpClient http;
    private final CliEnvironment env;
    private final Duration timeout;

    OidcClient(CliEnvironment env, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.env = env;
        this.timeout = timeout;
    }

    Endpoints discover(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI uri = checked(base + "/.well-known/openid-configuration", "issuer");
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET().build(), "discover the identity provider's endpoints at " + uri);
        if (response.statusCode() != 200) {
            throw new CliException(ExitCodes.CONNECTION, "cannot discover the identity provider's endpoints: " + uri
                    + " answered HTTP " + response.statusCode());
        }
        JsonNode document = parse(response, "the discovery document");
        String token = document.path("token_endpoint").asText("");
        if (token.isEmpty()) {
            throw new CliException(ExitCodes.AUTH, "the discovery document at " + uri + " names no token_endpoint");
        }
        checked(token, "token endpoint");
        String device = document.path("device_authorization_endpoint").asText("");
        if (!device.isEmpty()) {
            checked(device, "device authorization endpoint");
        }
        return new Endpoints(base, token, device);
    }

    /** The client credentials grant: the client authenticates with its secret (HTTP Basic, RFC 6749 2.3.1). */
    Token clientCredentials(Endpoints endpoints, String clientId, String clientSecret, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (scope != null && !scope.isBlank()) {
            form.put("scope", scope);
        }
        String basic = Base64.getEncoder().encodeToString((encode(clientId) + ":" + encode(clientSecret))
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = post(endpoints.tokenEndpoint(), form, "Basic " + basic);
        if (response.statusCode() != 200) {
            throw refused(response);
        }
        return token(response);
    }

    /** Starts a device login: the user opens the verification URI and enters the user code. */
    DeviceAuthorization startDevice(Endpoints endpoints, String clientId, String scope) {
        if (endpoints.deviceAuthorizationEndpoint().isEmpty()) {
            throw new CliException(ExitCodes.AUTH, "the identity provider offers no device authorization endpoint; "
                    + "log in with --client-secret (client credentials) instead");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        if (scope != null && !scope.isBlank()) {
            form.put("scope", scope);
        }
        HttpResponse<String> response = post(endpoints.deviceAuthorizationEndpoint(), form, null);
        if (response.statusCode() != 200) {
            throw refused(response);
        }
        JsonNode body = parse(response, "the device authorization response");
        String deviceCode = body.path("device_code").asText("");
        String userCode = body.path("user_code").asText("");
        String verification = body.path("verification_uri").asText(body.path("verification_url").asText(""));
        if (deviceCode.isEmpty() || userCode.isEmpty() || verification.isEmpty()) {
            throw new CliException(ExitCodes.AUTH, "the device authorization response lacks device_code, user_code or "
                    + "verification_uri");
        }
        return new DeviceAuthorization(deviceCode, userCode, verification, body.path("verification_uri_complete").asText(""),
                body.path("expires_in").asLong(600), body.has("interval") ? body.path("interval").asLong(5) : 5);
    }

    /**
     * Polls the token endpoint until the user approved or denied the login or the code expired, waiting
     * {@code interval} seconds between polls and five more after each {@code slow_down} (RFC 8628 3.5).
     */
    Token awaitDevice(Endpoints endpoints, String clientId, DeviceAuthorization authorization) {
        long interval = Math.max(0, authorization.interval());
        long waited = 0;
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", DEVICE_GRANT);
        form.put("device_code", authorization.deviceCode());
        form.put("client_id", clientId);
        while (true) {
            if (waited >= authorization.expiresIn()) {
                throw new CliException(ExitCodes.AUTH, "the login code expired before it was used; run login again");
            }
            try {
                env.sleeper().sleep(Duration.ofSeconds(interval));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.AUTH, "login interrupted");
            }
            waited += Math.max(1, interval);
            HttpResponse<String> response = post(endpoints.tokenEndpoint(), form, null);
            if (response.statusCode() == 200) {
                return token(response);
            }
            JsonNode body = parseQuietly(response.body());
            String error = body.path("error").asText("");
            switch (error) {
                case "authorization_pending" -> { }
                case "slow_down" -> interval += 5;
                case "access_denied" -> throw new CliException(ExitCodes.AUTH, "the login was denied");
                case "expired_token" -> throw new CliException(ExitCodes.AUTH, "the login code expired before it was used; "
                        + "run login again");
                default -> throw refused(response);
            }
        }
    }

    private Token token(HttpResponse<String> response) {
        JsonNode body = parse(response, "the token response");
        String accessToken = body.path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new CliException(ExitCodes.AUTH, "the token response holds no access_token");
        }
        String type = body.path("token_type").asText("Bearer");
        if (!type.equalsIgnoreCase("bearer")) {
            throw new CliException(ExitCodes.AUTH, "the identity provider issued a '" + type + "' token; a bearer token is needed");
        }
        return new Token(accessToken, body.path("expires_in").asLong(0));
    }

    private HttpResponse<String> post(String endpoint, Map<String, String> form, String authorization) {
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build(), "reach the identity provider at " + endpoint);
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(ExitCodes.CONNECTION, "cannot " + what + ": " + ErrorReport.plainMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.CONNECTION, "interrupted while trying to " + what);
        }
    }

    private static CliException refused(HttpResponse<String> response) {
        JsonNode body = parseQuietly(response.body());
        String error = body.path("error").asText("");
        String description = body.path("error_description").asText("");
        if (response.statusCode() >= 500) {
            return new CliException(ExitCodes.CONNECTION, "the identity provider failed: HTTP " + response.statusCode());
        }
        return new CliException(ExitCodes.AUTH, "the identity provider refused the login: "
                + (error.isEmpty() ? "HTTP " + response.statusCode() : error) + (description.isEmpty() ? "" : ": " + description));
    }

    private static JsonNode parse(HttpResponse<String> response, String what) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CliException(ExitCodes.AUTH, what + " is not JSON");
        }
    }

    private static JsonNode parseQuietly(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** Credentials travel over HTTPS only, except to this machine. */
    private static URI checked(String url, String what) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "invalid " + what + " URL '" + url + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new CliException(ExitCodes.USAGE, "invalid " + what + " URL '" + url + "': expected https://host/...");
        }
        if (scheme.equals("http") && !new ServerAddress(uri.getHost().replace("[", "").replace("]", ""), 80).loopback()) {
            throw new CliException(ExitCodes.USAGE, "refusing to use the " + what + " " + url + " over plain HTTP; "
                    + "use https (plain HTTP is accepted for localhost only)");
        }
        return uri;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
