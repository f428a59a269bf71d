package io.innominatus.api.console;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Double-submit CSRF protection for the console's calls: every page carries a random token that is also in a
 * same-site, script-invisible cookie, and a call is accepted only with the token in {@value #HEADER}, a JSON
 * body (which another site's form cannot send) and, where the browser says where it comes from, this origin.
 * A bearer token does not need it (a browser never sends one by itself), but the console always checks.
 */
final class CsrfTokens {

    static final String COOKIE = "innominatus-csrf";
    static final String HEADER = "X-Innominatus-CSRF";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CsrfTokens() {}

    /** The page's token: the browser's cookie if it has a well-formed one, else a new one set as that cookie. */
    static String issue(RoutingContext context) {
        Cookie existing = context.request().getCookie(COOKIE);
        if (existing != null && existing.getValue().matches("[A-Za-z0-9_-]{43}")) {
            return existing.getValue();
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        context.response().addCookie(Cookie.cookie(COOKIE, token).setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(context.request().isSSL()));
        return token;
    }

    /** Why the call must be refused, or null when it carries this browser's token from this origin. */
    static String refusal(RoutingContext context) {
        String contentType = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return "console calls are JSON (content-type: application/json)";
        }
        String fetchSite = context.request().getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin")) {
            return "console calls come from the console's own pages (Sec-Fetch-Site: " + fetchSite + ")";
        }
        String origin = context.request().getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !sameOrigin(origin, context)) {
            return "console calls come from the console's own origin, not " + origin;
        }
        Cookie cookie = context.request().getCookie(COOKIE);
        String header = context.request().getHeader(HEADER);
        if (cookie == null || header == null || !MessageDigest.isEqual(cookie.getValue().getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8))) {
            return "the console's CSRF token is missing or stale: reload the page";
        }
        return null;
    }

    private static boolean sameOrigin(String origin, RoutingContext context) {
        io.vertx.core.net.HostAndPort authority = context.request().authority();
        try {
            URI uri = URI.create(origin);
            String scheme = context.request().isSSL() ? "https" : "http";
            int defaultPort = context.request().isSSL() ? 443 : 80;
            return authority != null && scheme.equals(uri.getScheme()) && authority.host().equalsIgnoreCase(uri.getHost())
                    && (uri.getPort() < 0 ? defaultPort : uri.getPort()) == (authority.port() < 0 ? defaultPort : authority.port());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
