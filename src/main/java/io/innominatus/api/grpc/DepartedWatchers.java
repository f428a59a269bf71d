package io.innominatus.api.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.common.vertx.ContextLocals;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * Ends a WatchExecution stream as soon as its client goes away. The gRPC bridge on the HTTP server reports only
 * resets that arrive while the request is still open; a watch request is complete once sent, so neither a cancelled
 * call nor a closed connection would reach the stream, which would keep its subscription (and its place in the
 * open-streams gauge) until the execution ended. The HTTP stream's close is what tells: it cancels the call.
 */
@ApplicationScoped
@GlobalInterceptor
public class DepartedWatchers implements ServerInterceptor {

    private static final String WATCH = WorkflowServiceGrpc.getWatchExecutionMethod().getFullMethodName();
    private static final String RESPONSE = DepartedWatchers.class.getName() + ".response";

    void watchResponses(@Observes Router router) {
        router.route("/" + WATCH).order(Integer.MIN_VALUE).handler(context -> {
            ContextLocals.put(RESPONSE, context.response());
            context.next();
        });
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        ServerCall.Listener<ReqT> listener = next.startCall(call, headers);
        if (!WATCH.equals(call.getMethodDescriptor().getFullMethodName())) {
            return listener;
        }
        Optional<HttpServerResponse> response = ContextLocals.<HttpServerResponse>get(RESPONSE);
        response.ifPresent(http -> http.closeHandler(closed -> {
            // An HTTP/2 stream always closes; only one that closes before the server ended it was left by its client.
            if (!http.ended()) {
                listener.onCancel();
            }
        }));
        return listener;
    }
}
