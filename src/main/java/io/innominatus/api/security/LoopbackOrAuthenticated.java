package io.innominatus.api.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The policy of {@code /q/metrics} (application.properties: {@code quarkus.http.auth.permission.metrics}):
 * scrapers on this host read it freely, others need a valid token. The figures name applications,
 * environments and step types, which a platform need not show to the whole network.
 */
@ApplicationScoped
public class LoopbackOrAuthenticated implements HttpSecurityPolicy {

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
            AuthorizationRequestContext requestContext) {
        if (LoopbackOnly.loopback(request.request().remoteAddress())) {
            return Uni.createFrom().item(CheckResult.PERMIT);
        }
        return identity.map(i -> i != null && !i.isAnonymous() ? CheckResult.PERMIT : CheckResult.DENY);
    }

    @Override
    public String name() {
        return "loopback-or-authenticated";
    }
}
