package io.innominatus.cli;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A scripted WorkflowService on a loopback port, for what the real service cannot be made to do on demand:
 * refuse tokens, break a stream half-way, speak TLS. Records the authorization header of every call.
 */
final class FakeServer implements AutoCloseable {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    FakeServer(WorkflowServiceGrpc.WorkflowServiceImplBase service, SslContext tls) {
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String value = headers.get(AUTHORIZATION);
                authorizations.add(value == null ? "" : value);
                return next.startCall(call, headers);
            }
        };
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(service, recorder));
        if (tls != null) {
            builder.sslContext(tls);
        }
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
