package io.innominatus.api.error;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.innominatus.model.DomainException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Answers a request that cannot be decoded — a string field that is not UTF-8, a truncated or garbled
 * message — with INVALID_ARGUMENT and an {@code ErrorInfo} ({@code MALFORMED_REQUEST}). The transport drops
 * such a message and the call would otherwise end as INTERNAL "half-closed without a request".
 */
@GlobalInterceptor
@ApplicationScoped
public class MalformedRequestInterceptor implements ServerInterceptor {

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        ServerCall.Listener<ReqT> delegate = next.startCall(call, headers);
        if (!call.getMethodDescriptor().getType().clientSendsOneMessage()) {
            return delegate;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            private boolean received;

            @Override
            public void onMessage(ReqT message) {
                received = true;
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (received) {
                    super.onHalfClose();
                    return;
                }
                StatusRuntimeException status = GrpcErrors.toStatusRuntimeException(new DomainException.InvalidInput(
                        "MALFORMED_REQUEST", "the request message cannot be decoded: every string field must be valid "
                        + "UTF-8 and the message must match the RPC's request type", List.of(
                                new DomainException.FieldProblem("request", "not a valid "
                                        + call.getMethodDescriptor().getBareMethodName() + "Request message")), List.of()));
                try {
                    call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
                } catch (IllegalStateException alreadyClosed) {
                    // Another interceptor has answered the call already (a refused caller, for instance).
                }
            }
        };
    }
}
