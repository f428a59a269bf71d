package io.innominatus.api.security;

import io.innominatus.app.AuditTrail;
import io.innominatus.app.Caller;
import io.quarkus.security.spi.runtime.AuthenticationFailureEvent;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

/**
 * Audits calls whose token was rejected (forged, expired, from another issuer). Quarkus refuses them while it
 * authenticates the HTTP/2 request, before any gRPC interceptor runs, so {@link AccessInterceptor} never sees
 * them; every denial is recorded nonetheless.
 */
@ApplicationScoped
public class AuthenticationFailureAudit {

    private final AuditTrail audit;

    public AuthenticationFailureAudit(AuditTrail audit) {
        this.audit = audit;
    }

    void rejected(@ObservesAsync AuthenticationFailureEvent event) {
        String path = event.getEventProperties().get(RoutingContext.class.getName()) instanceof RoutingContext context
                ? context.normalizedPath() : "";
        String method = path.substring(path.lastIndexOf('/') + 1);
        Throwable failure = event.getAuthenticationFailure();
        String why = failure == null || failure.getMessage() == null ? "" : ": " + failure.getMessage();
        audit.deniedLater(Caller.ANONYMOUS, method.isEmpty() ? path : method, "",
                "UNAUTHENTICATED: the bearer token was rejected" + (why.length() > 200 ? why.substring(0, 200) : why));
    }
}
