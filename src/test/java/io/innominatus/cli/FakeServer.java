package io.innominatus.cli;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
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
 *
 * <p>Handlers are bound method by method (unbound methods answer UNIMPLEMENTED). Nothing here extends the generated
 * service base classes or implements a gRPC interceptor: Quarkus tests index the test classes too, and would serve
 * such a class in place of the real service.
 */
final class FakeServer implements AutoCloseable {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    /** Starts binding the handlers of {@code service} (see {@link #service()}). */
    FakeServer(ServerServiceDefinition service, SslContext tls) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service)
                .addStreamTracerFactory(new ServerStreamTracer.Factory() {
                    @Override
                    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                        String value = headers.get(AUTHORIZATION);
                        authorizations.add(value == null ? "" : value);
                        return new ServerStreamTracer() { };
                    }
                });
        if (tls != null) {
            builder.sslContext(tls);
        }
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A WorkflowService definition to add handlers to. */
    static ServerServiceDefinition.Builder service() {
        return ServerServiceDefinition.builder(WorkflowServiceGrpc.SERVICE_NAME);
    }

    static <Q, R> ServerServiceDefinition.Builder unary(ServerServiceDefinition.Builder builder,
            io.grpc.MethodDescriptor<Q, R> method, ServerCalls.UnaryMethod<Q, R> handler) {
        return builder.addMethod(method, ServerCalls.asyncUnaryCall(handler));
    }

    static <Q, R> ServerServiceDefinition.Builder streaming(ServerServiceDefinition.Builder builder,
            io.grpc.MethodDescriptor<Q, R> method, ServerCalls.ServerStreamingMethod<Q, R> handler) {
        return builder.addMethod(method, ServerCalls.asyncServerStreamingCall(handler));
    }

    int port() {
        return server.getPort();
    }

    String lastAuthorization() {
        return authorizations.get(authorizations.size() - 1);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
