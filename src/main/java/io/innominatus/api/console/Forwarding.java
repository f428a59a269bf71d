package io.innominatus.api.console;

import com.google.rpc.Status;
import io.grpc.Metadata;
import io.grpc.protobuf.StatusProto;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** What a console request carries into its gRPC call, and how a gRPC failure goes back to the browser. */
final class Forwarding {

    private Forwarding() {}

    /**
     * The caller's credentials for the call: the bearer token the browser sent, or the access token of the
     * console's login session. Without either (the loopback default) the call carries none, as the CLI's would.
     */
    static Metadata credentials(RoutingContext context, SecurityIdentity identity) {
        Metadata headers = new Metadata();
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            headers.put(SelfChannel.AUTHORIZATION, authorization);
            return headers;
        }
        AccessTokenCredential token = identity == null ? null : identity.getCredential(AccessTokenCredential.class);
        if (token != null && token.getToken() != null) {
            headers.put(SelfChannel.AUTHORIZATION, "Bearer " + token.getToken());
        }
        return headers;
    }

    /** The identity Quarkus established for the request, as the console's permission check saw it (null if none). */
    static SecurityIdentity identity(RoutingContext context) {
        return context.get(ConsoleLogin.IDENTITY);
    }

    /** The {@code google.rpc.Status} of a failed call, with its details. */
    static Status status(Throwable failure) {
        Status status = StatusProto.fromThrowable(failure);
        if (status != null) {
            return status;
        }
        io.grpc.Status plain = io.grpc.Status.fromThrowable(failure);
        return Status.newBuilder().setCode(plain.getCode().value())
                .setMessage(plain.getDescription() == null ? plain.getCode().name() : plain.getDescription()).build();
    }

    /** The HTTP status for a gRPC code, as Google's HTTP/JSON transcoding maps them. */
    static int httpStatus(io.grpc.Status.Code code) {
        switch (code) {
            case OK: return 200;
            case INVALID_ARGUMENT: case FAILED_PRECONDITION: case OUT_OF_RANGE: return 400;
            case UNAUTHENTICATED: return 401;
            case PERMISSION_DENIED: return 403;
            case NOT_FOUND: return 404;
            case ALREADY_EXISTS: case ABORTED: return 409;
            case RESOURCE_EXHAUSTED: return 429;
            case CANCELLED: return 499;
            case UNIMPLEMENTED: return 501;
            case UNAVAILABLE: return 503;
            case DEADLINE_EXCEEDED: return 504;
            default: return 500;
        }
    }

    /** The body of a refused console request: the status as the API would have sent it. */
    static String errorBody(ConsoleMethods methods, Status status) {
        return "{\"code\":\"" + io.grpc.Status.fromCodeValue(status.getCode()).getCode().name() + "\",\"status\":"
                + methods.json(status) + "}";
    }

    /** Refuses a console request before it reaches the API, with an {@code ErrorInfo} as the API's refusals have. */
    static void fail(RoutingContext context, ConsoleMethods methods, io.grpc.Status.Code code, String reason, String message) {
        Status status = Status.newBuilder().setCode(code.value()).setMessage(message)
                .addDetails(com.google.protobuf.Any.pack(com.google.rpc.ErrorInfo.newBuilder().setReason(reason)
                        .setDomain(io.innominatus.api.error.GrpcErrors.DOMAIN).build())).build();
        context.response().setStatusCode(httpStatus(code)).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(errorBody(methods, status));
    }
}
