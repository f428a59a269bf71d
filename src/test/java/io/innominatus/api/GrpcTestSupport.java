package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.innominatus.api.policy.v1.PolicyServiceGrpc;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ListExecutionEventsRequest;
import io.innominatus.api.workflow.v1.ListExecutionEventsResponse;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import io.quarkus.test.common.http.TestHTTPResource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

/** Opens a plaintext channel to the service under test and decodes rich error details. */
public abstract class GrpcTestSupport {

    @TestHTTPResource("/")
    protected URL baseUrl;

    protected ManagedChannel channel;
    protected WorkflowServiceGrpc.WorkflowServiceBlockingStub workflows;
    protected PolicyServiceGrpc.PolicyServiceBlockingStub policies;

    @BeforeEach
    void openChannel() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", baseUrl.getPort()).usePlaintext().build();
        workflows = WorkflowServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        policies = PolicyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Every stored event of an execution, read page by page through ListExecutionEvents. */
    public static List<ExecutionEvent> history(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, String executionId) {
        List<ExecutionEvent> events = new ArrayList<>();
        String token = "";
        do {
            ListExecutionEventsResponse page = stub.listExecutionEvents(ListExecutionEventsRequest.newBuilder()
                    .setExecutionId(executionId).setPageToken(token).build());
            events.addAll(page.getEventsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return events;
    }

    /** Passes messages as raw bytes, for requests no generated stub could build. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** A file of src/test/resources. */
    public static String resource(String name) {
        try {
            return Files.readString(Path.of("src/test/resources", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static String example(String name) {
        try {
            return Files.readString(Path.of("workflows/examples", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a call that must fail with {@code code} and returns its rich status. */
    protected static Status expectStatus(io.grpc.Status.Code code, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), () -> "unexpected status: " + e.getStatus());
        Status status = StatusProto.fromThrowable(e);
        assertTrue(status != null, "no google.rpc.Status in the trailers");
        ErrorInfo info = detail(status, ErrorInfo.class).orElseThrow(() -> new AssertionError("no ErrorInfo detail"));
        assertEquals("innominatus.io", info.getDomain());
        assertFalse(info.getReason().isEmpty());
        assertFalse(status.getMessage().contains("Exception"), "class names must not reach clients: " + status.getMessage());
        assertFalse(status.getMessage().contains("io.innominatus"), status.getMessage());
        return status;
    }

    protected static <T extends Message> Optional<T> detail(Status status, Class<T> type) {
        for (Any any : status.getDetailsList()) {
            if (any.is(type)) {
                try {
                    return Optional.of(any.unpack(type));
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return Optional.empty();
    }
}
