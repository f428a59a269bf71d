package io.innominatus.cli;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.innominatus.api.policy.v1.PolicyServiceGrpc;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One gRPC channel to the service with the caller's bearer token attached to every call. Unary calls get a
 * deadline; streams do not (a watch may last as long as the execution).
 */
final class Connection implements AutoCloseable {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final List<ClientInterceptor> interceptors;
    private final Duration timeout;
    private final ServerAddress address;

    private Connection(ManagedChannel channel, List<ClientInterceptor> interceptors, Duration timeout, ServerAddress address) {
        this.channel = channel;
        this.interceptors = interceptors;
        this.timeout = timeout;
        this.address = address;
    }

    /**
     * Opens a channel.
     *
     * @param tls whether to use TLS
     * @param caCertificate PEM file of the certificate authorities to trust instead of the system's, or null
     * @param token bearer token, or null to send none
     */
    static Connection open(ServerAddress address, boolean tls, Path caCertificate, String token, Duration timeout) {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.host(), address.port())
                .maxInboundMessageSize(64 * 1024 * 1024);
        if (tls) {
            if (caCertificate != null) {
                if (!Files.isReadable(caCertificate)) {
                    throw new CliException(ExitCodes.USAGE, "cannot read the CA certificate " + caCertificate);
                }
                try {
                    builder.sslContext(GrpcSslContexts.forClient().trustManager(caCertificate.toFile()).build());
                } catch (SSLException | IllegalArgumentException e) {
                    throw new CliException(ExitCodes.USAGE, "cannot use the CA certificate " + caCertificate + ": "
                            + ErrorReport.plainMessage(e));
                }
            } else {
                builder.useTransportSecurity();
            }
        } else {
            builder.usePlaintext();
        }
        List<ClientInterceptor> interceptors = new ArrayList<>();
        if (token != null) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + token);
            interceptors.add(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return new Connection(builder.build(), List.copyOf(interceptors), timeout, address);
    }

    ServerAddress address() {
        return address;
    }

    /** Stub for unary calls, with the deadline. */
    WorkflowServiceGrpc.WorkflowServiceBlockingStub workflows() {
        return WorkflowServiceGrpc.newBlockingStub(channel).withInterceptors(interceptors.toArray(ClientInterceptor[]::new))
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stub for server streams, without a deadline. */
    WorkflowServiceGrpc.WorkflowServiceBlockingStub streams() {
        return WorkflowServiceGrpc.newBlockingStub(channel).withInterceptors(interceptors.toArray(ClientInterceptor[]::new));
    }

    PolicyServiceGrpc.PolicyServiceBlockingStub policies() {
        return PolicyServiceGrpc.newBlockingStub(channel).withInterceptors(interceptors.toArray(ClientInterceptor[]::new))
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
