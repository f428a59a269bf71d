package io.innominatus.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP/2 flow control for server streams. Quarkus subscribes to a service's {@code Multi} with unbounded demand
 * and writes whatever it emits, so a client that stops reading would make the server buffer the whole stream.
 * This interceptor hands each server-streaming call a gate that opens while the transport can take more
 * ({@code isReady}, {@code onReady}); a stream that waits at the gate before every message pulls its source only
 * as fast as the client reads.
 */
@GlobalInterceptor
@ApplicationScoped
public class StreamReadiness implements ServerInterceptor {

    private static final Context.Key<Gate> GATE = Context.key("innominatus-stream-readiness");
    private static final Gate ALWAYS_OPEN = new Gate(null);

    /** The gate of the current server-streaming call (one that never closes outside a call). */
    public static Gate current() {
        Gate gate = GATE.get();
        return gate == null ? ALWAYS_OPEN : gate;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.SERVER_STREAMING) {
            return next.startCall(call, headers);
        }
        Gate gate = new Gate(call);
        ServerCall.Listener<ReqT> listener = Contexts.interceptCall(Context.current().withValue(GATE, gate), call, headers,
                next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onReady() {
                gate.open();
                super.onReady();
            }

            @Override
            public void onCancel() {
                gate.close();
                super.onCancel();
            }

            @Override
            public void onComplete() {
                gate.close();
                super.onComplete();
            }
        };
    }

    /** Opens while the call's transport can take another message. */
    public static final class Gate {
        private final ServerCall<?, ?> call;
        private CompletableFuture<Void> opened = new CompletableFuture<>();
        private volatile boolean closed;

        Gate(ServerCall<?, ?> call) {
            this.call = call;
        }

        /** Completes once the transport can take a message (at once if it can now, or if the call is over). */
        public Uni<Void> ready() {
            if (call == null || closed || call.isReady()) {
                return Uni.createFrom().voidItem();
            }
            CompletableFuture<Void> wait;
            synchronized (this) {
                if (opened.isDone()) {
                    opened = new CompletableFuture<>();
                }
                wait = opened;
            }
            // onReady may have fired between isReady and registering the wait: look again.
            if (closed || call.isReady()) {
                wait.complete(null);
            }
            return Uni.createFrom().completionStage(wait);
        }

        void open() {
            CompletableFuture<Void> wait;
            synchronized (this) {
                wait = opened;
            }
            wait.complete(null);
        }

        void close() {
            closed = true;
            open();
        }
    }
}
