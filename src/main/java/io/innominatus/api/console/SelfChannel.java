package io.innominatus.api.console;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * gRPC channels from the console to this very server, on the socket the browser's request arrived at (the
 * plaintext HTTP port, where gRPC is served too). Calling the API instead of its implementation keeps the
 * console from doing anything an API client could not: the call passes every interceptor, check and audit.
 */
@ApplicationScoped
class SelfChannel {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final int maxMessageBytes;
    private final int plaintextPort;

    SelfChannel(@ConfigProperty(name = "quarkus.grpc.server.max-inbound-message-size") int maxMessageBytes,
            @ConfigProperty(name = "quarkus.http.port") int plaintextPort) {
        this.maxMessageBytes = maxMessageBytes;
        this.plaintextPort = plaintextPort;
    }

    /**
     * A new call on the server listening at {@code local}, the local address of the browser's connection; a
     * request that came over TLS is forwarded to the plaintext port on loopback.
     */
    <Q, R> ClientCall<Q, R> newCall(io.grpc.MethodDescriptor<Q, R> method, SocketAddress local, boolean tls,
            CallOptions options) {
        String host = tls || local == null || local.hostAddress() == null ? "127.0.0.1" : local.hostAddress();
        int port = tls || local == null ? plaintextPort : local.port();
        ManagedChannel channel = channels.computeIfAbsent(host + "|" + port, key -> NettyChannelBuilder.forAddress(host, port)
                .usePlaintext()
                .userAgent("innominatus-console")
                .maxInboundMessageSize(Math.max(maxMessageBytes, 64 * 1024 * 1024))
                .build());
        return channel.newCall(method, options);
    }

    void close(@Observes ShutdownEvent event) throws InterruptedException {
        for (ManagedChannel channel : channels.values()) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
