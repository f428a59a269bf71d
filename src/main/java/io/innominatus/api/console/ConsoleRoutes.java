package io.innominatus.api.console;

import io.innominatus.api.security.IdentityCallers;
import io.innominatus.app.Caller;
import io.innominatus.app.Role;
import io.quarkus.runtime.annotations.RegisterResources;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The console's routes on the HTTP server: its pages (one document, every page a shareable URL), the session
 * it shows, the JSON bridge to the API and the event streams. Assets come from
 * {@code META-INF/resources/console/assets}; nothing is loaded from anywhere else.
 */
@ApplicationScoped
@RegisterResources(globs = "console/index.html")
public class ConsoleRoutes {

    /** Every page of the console; the document is the same, the script draws the page the path names. */
    static final String PAGES = "^/(|plan|audit|executions|executions/[^/]+|workflows/.+)$";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
            + "frame-ancestors 'none'";

    private final IdentityCallers callers;
    private final ConsoleMethods methods = new ConsoleMethods();
    private final RpcBridge rpc;
    private final EventStream events;
    private final String document;
    private final boolean login;
    /** Without authentication (and without the explicit acceptance of that risk), only loopback names are answered. */
    private final boolean loopbackNamesOnly;
    private final int maxRequestBytes;

    public ConsoleRoutes(IdentityCallers callers, SelfChannel channel, io.innominatus.app.SecuritySettings security,
            @ConfigProperty(name = ConsoleLogin.ENABLED, defaultValue = "false") boolean login,
            @ConfigProperty(name = "quarkus.grpc.server.max-inbound-message-size") int maxRequestBytes) {
        this.callers = callers;
        this.loopbackNamesOnly = !callers.authenticationEnabled() && !security.insecureAllowUnauthenticated();
        this.rpc = new RpcBridge(methods, channel);
        this.events = new EventStream(methods, channel);
        this.document = resource("console/index.html");
        this.login = login;
        this.maxRequestBytes = maxRequestBytes;
    }

    void routes(@Observes Router router) {
        router.route("/console/*").order(-100).handler(this::securityHeaders);
        router.routeWithRegex(PAGES).order(-100).handler(this::securityHeaders);
        router.routeWithRegex(HttpMethod.GET, PAGES).handler(this::page);
        router.get("/console/session").handler(this::session);
        router.post(RpcBridge.PATH + "*").handler(BodyHandler.create(false).setBodyLimit(maxRequestBytes)).handler(rpc::handle);
        router.get(EventStream.PATH + "*").handler(events::handle);
    }

    private void securityHeaders(RoutingContext context) {
        if (loopbackNamesOnly && !loopbackName(context.request().authority())) {
            // Without authentication every local caller is trusted; a page of another site whose name was made to
            // point here (DNS rebinding) would be "same origin" with the console. Only loopback names are answered.
            Forwarding.fail(context, methods, io.grpc.Status.Code.PERMISSION_DENIED, "HOST_NOT_LOOPBACK", "this service runs "
                    + "without authentication: its console answers at localhost or a loopback address only, not at "
                    + context.request().authority());
            return;
        }
        context.response()
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "same-origin")
                .putHeader("X-Frame-Options", "DENY");
        context.next();
    }

    static boolean loopbackName(io.vertx.core.net.HostAndPort authority) {
        if (authority == null) {
            return false;
        }
        String host = authority.host().toLowerCase(java.util.Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.equals("localhost") || host.endsWith(".localhost") || host.equals("::1")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private void page(RoutingContext context) {
        String token = CsrfTokens.issue(context);
        context.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(document.replace("{{csrf-token}}", token));
    }

    /** Who the console's user is, so that the pages offer only what the API will allow. */
    private void session(RoutingContext context) {
        session(context, callers.of(Forwarding.identity(context)));
    }

    private void session(RoutingContext context, Caller caller) {
        JsonArray roles = new JsonArray();
        caller.roles().stream().map(Role::id).sorted().forEach(roles::add);
        context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject()
                        .put("principal", caller.principal())
                        .put("subject", caller.subject())
                        .put("authenticated", caller.authenticated())
                        .put("authenticationEnabled", callers.authenticationEnabled())
                        .put("roles", roles)
                        .put("login", login)
                        .encode());
    }

    private static String resource(String name) {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
