package io.innominatus.api.security;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.innominatus.app.SecuritySettings;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.Prioritized;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Without authentication every caller is trusted, so only callers on this host may call: connections from
 * another address are refused on every listener (HTTP, the gRPC server, the management interface) before any
 * request is read. This holds whatever address a listener was bound to; {@link ExposureGuard} refuses to start
 * with a non-loopback address in the first place. {@code innominatus.security.insecure-allow-unauthenticated}
 * lifts both.
 */
@GlobalInterceptor
@ApplicationScoped
public class LoopbackOnly implements ServerInterceptor, Prioritized {

    static final String REFUSAL = "this service runs without authentication and accepts calls from this host only; "
            + "configure quarkus.oidc.auth-server-url to serve other hosts";

    private final boolean enforced;

    public LoopbackOnly(IdentityCallers callers, SecuritySettings settings) {
        this.enforced = !callers.authenticationEnabled() && !settings.insecureAllowUnauthenticated();
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        if (enforced && !ExposureGuard.loopbackPeer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR))) {
            call.close(Status.PERMISSION_DENIED.withDescription(REFUSAL), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }

    /** Before every other interceptor, Quarkus' authentication included. */
    @Override
    public int getPriority() {
        return Integer.MAX_VALUE;
    }

    void main(@Observes Router router) {
        if (enforced) {
            router.route().order(Integer.MIN_VALUE).handler(this::filter);
        }
    }

    void management(@Observes ManagementInterface management) {
        if (enforced) {
            management.router().route().order(Integer.MIN_VALUE).handler(this::filter);
        }
    }

    private void filter(RoutingContext context) {
        if (loopback(context.request().remoteAddress())) {
            context.next();
        } else {
            context.response().setStatusCode(403).end(REFUSAL);
        }
    }

    /** Whether a connection's peer is on this host (an IP literal or a Unix domain socket; no name lookup). */
    static boolean loopback(SocketAddress peer) {
        if (peer == null) {
            return false;
        }
        if (peer.isDomainSocket()) {
            return true;
        }
        try {
            String host = peer.hostAddress();
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
