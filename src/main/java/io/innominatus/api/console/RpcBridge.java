package io.innominatus.api.console;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /console/rpc/<service>/<method>} with a proto3-JSON request: the same unary call on this server,
 * with the caller's credentials, answered with the response as JSON, or with the call's status (code, message
 * and details) and the matching HTTP status.
 */
final class RpcBridge {

    static final String PATH = "/console/rpc/";

    private final ConsoleMethods methods;
    private final SelfChannel channel;

    RpcBridge(ConsoleMethods methods, SelfChannel channel) {
        this.methods = methods;
        this.channel = channel;
    }

    void handle(RoutingContext context) {
        String name = context.request().path().substring(PATH.length());
        String refusal = CsrfTokens.refusal(context);
        if (refusal != null) {
            Forwarding.fail(context, methods, Status.Code.PERMISSION_DENIED, "CSRF_CHECK_FAILED", refusal);
            return;
        }
        var method = methods.unary(name);
        if (method.isEmpty()) {
            Forwarding.fail(context, methods, Status.Code.NOT_FOUND, "RPC_NOT_FOUND", "the console calls no unary RPC named " + name);
            return;
        }
        DynamicMessage request;
        try {
            String body = context.body().asString();
            request = methods.request(name, body == null ? "" : body);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            Forwarding.fail(context, methods, Status.Code.INVALID_ARGUMENT, "MALFORMED_REQUEST", "the request is not a " + name + " request in "
                    + "proto3 JSON: " + e.getMessage());
            return;
        }
        forward(context, method.get(), request, Forwarding.credentials(context, Forwarding.identity(context)));
    }

    private void forward(RoutingContext context, io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> method,
            DynamicMessage request, Metadata headers) {
        ClientCall<DynamicMessage, DynamicMessage> call = channel.newCall(method, context.request().localAddress(),
                context.request().isSSL(), CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.MINUTES));
        Context vertx = Vertx.currentContext();
        ClientCalls.asyncUnaryCall(new HeaderAttachingCall<>(call, headers), request, new StreamObserver<>() {
            @Override
            public void onNext(DynamicMessage response) {
                String json = methods.json(response);
                vertx.runOnContext(v -> context.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(json));
            }

            @Override
            public void onError(Throwable failure) {
                com.google.rpc.Status status = Forwarding.status(failure);
                vertx.runOnContext(v -> context.response()
                        .setStatusCode(Forwarding.httpStatus(Status.fromCodeValue(status.getCode()).getCode()))
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(Forwarding.errorBody(methods, status)));
            }

            @Override
            public void onCompleted() {}
        });
    }
}
