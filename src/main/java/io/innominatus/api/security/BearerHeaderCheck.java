package io.innominatus.api.security;

import io.innominatus.app.AuditTrail;
import io.innominatus.app.Caller;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.regex.Pattern;

/**
 * Answers a malformed {@code authorization} header (an empty {@code Bearer }, a token that is not a signed
 * JWT) with 401, which gRPC clients see as UNAUTHENTICATED, before the token verifier runs: given such a
 * header it fails with an internal error instead of refusing the call. The refusal is audited like every other.
 */
@ApplicationScoped
public class BearerHeaderCheck {

    /** Three base64url parts: header, claims, signature (the service accepts signed JWTs only). */
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private final IdentityCallers callers;
    private final AuditTrail audit;

    public BearerHeaderCheck(IdentityCallers callers, AuditTrail audit) {
        this.callers = callers;
        this.audit = audit;
    }

    void install(@Observes Router router) {
        if (callers.authenticationEnabled()) {
            router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
        }
    }

    private void check(RoutingContext context) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || wellFormed(header)) {
            context.next();
            return;
        }
        String path = context.normalizedPath();
        audit.deniedLater(Caller.ANONYMOUS, path.substring(path.lastIndexOf('/') + 1), "",
                "UNAUTHENTICATED: the bearer token was rejected: malformed authorization header");
        context.response().setStatusCode(401).putHeader("www-authenticate", "Bearer").end();
    }

    static boolean wellFormed(String header) {
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Bearer")) {
            // Another scheme: not this check's business (no mechanism accepts it, so the call stays anonymous).
            return !header.regionMatches(true, 0, "Bearer", 0, Math.max(header.length(), 6));
        }
        return JWT.matcher(header.substring(space + 1).strip()).matches();
    }
}
