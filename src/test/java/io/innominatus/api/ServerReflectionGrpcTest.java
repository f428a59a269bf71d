package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import grpc.reflection.v1alpha.Reflection;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Server reflection gives a client that has no .proto files everything it needs to speak the API's JSON. */
@QuarkusTest
class ServerReflectionGrpcTest extends GrpcTestSupport {

    @Test
    void listsEveryServedService() throws Exception {
        ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder().setListServices("").build());
        assertEquals(List.of("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                        "grpc.reflection.v1alpha.ServerReflection", "innominatus.audit.v1.AuditService",
                        "innominatus.policy.v1.PolicyService", "innominatus.workflow.v1.WorkflowService"),
                response.getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList());
    }

    @Test
    void everyFieldCarriesItsJsonName() throws Exception {
        Map<String, FileDescriptorProto> files = files(ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("innominatus.workflow.v1.WorkflowService").build()));
        DescriptorProto product = message(files.get("innominatus/workflow/v1/workflow.proto"), "Product");
        assertEquals("workflowCount", field(product, "workflow_count").getJsonName());
        assertEquals("allowedWorkflowCount", field(product, "allowed_workflow_count").getJsonName());
        // The imports come with the file, also with their JSON names.
        assertTrue(files.containsKey("google/protobuf/timestamp.proto"), files.keySet()::toString);
        for (FileDescriptorProto file : files.values()) {
            for (DescriptorProto message : file.getMessageTypeList()) {
                message.getFieldList().forEach(f -> assertTrue(f.hasJsonName(), file.getName() + ": " + f.getName()));
            }
        }
    }

    @Test
    void errorDetailTypesResolveAlthoughNoServiceImportsThem() throws Exception {
        for (String detail : List.of("google.rpc.ErrorInfo", "google.rpc.ResourceInfo", "google.rpc.BadRequest",
                "google.rpc.PreconditionFailure", "google.rpc.BadRequest.FieldViolation", "google.rpc.Status")) {
            ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(detail).build());
            assertTrue(response.hasFileDescriptorResponse(), detail + ": " + response.getErrorResponse());
        }
        DescriptorProto resourceInfo = message(files(ask(ServerReflectionRequest.newBuilder()
                .setFileByFilename("google/rpc/error_details.proto").build())).get("google/rpc/error_details.proto"), "ResourceInfo");
        assertEquals("resourceName", field(resourceInfo, "resource_name").getJsonName());
    }

    @Test
    void fieldBehaviorAnnotationsComeWithTheirDefinition() throws Exception {
        ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("innominatus.workflow.v1.WorkflowService").build());
        Map<String, FileDescriptorProto> files = files(response);
        assertTrue(files.containsKey("google/api/field_behavior.proto"), files.keySet()::toString);
        assertTrue(files.containsKey("google/protobuf/descriptor.proto"), files.keySet()::toString);
        com.google.protobuf.ExtensionRegistry registry = com.google.protobuf.ExtensionRegistry.newInstance();
        com.google.api.FieldBehaviorProto.registerAllExtensions(registry);
        for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes, registry);
            if (file.getName().equals("innominatus/workflow/v1/workflow_service.proto")) {
                DescriptorProto request = message(file, "GetWorkflowRequest");
                assertEquals(List.of(com.google.api.FieldBehavior.REQUIRED),
                        field(request, "workflow_id").getOptions().getExtension(com.google.api.FieldBehaviorProto.fieldBehavior));
            }
            if (file.getName().equals("innominatus/workflow/v1/execution.proto")) {
                assertEquals(List.of(com.google.api.FieldBehavior.OUTPUT_ONLY), field(message(file, "Execution"), "execution_id")
                        .getOptions().getExtension(com.google.api.FieldBehaviorProto.fieldBehavior));
            }
        }
        // The extension itself resolves, so a client can show the annotation by name.
        ServerReflectionResponse extension = ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("google.api.field_behavior").build());
        assertTrue(extension.hasFileDescriptorResponse(), extension.getErrorResponse()::toString);
    }

    @Test
    void anUnknownSymbolIsNotFound() throws Exception {
        ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol("no.such.Thing").build());
        assertEquals(Status.Code.NOT_FOUND.value(), response.getErrorResponse().getErrorCode());
    }

    @Test
    void v1alphaAnswersLikeV1() throws Exception {
        CompletableFuture<Reflection.ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<Reflection.ServerReflectionRequest> requests = grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(observer(answer));
        requests.onNext(Reflection.ServerReflectionRequest.newBuilder().setFileContainingSymbol("google.rpc.ErrorInfo").build());
        Reflection.ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        FileDescriptorProto file = FileDescriptorProto.parseFrom(response.getFileDescriptorResponse().getFileDescriptorProto(0));
        assertEquals("google/rpc/error_details.proto", file.getName());
        assertEquals("google.rpc.ErrorInfo", response.getOriginalRequest().getFileContainingSymbol());
    }

    private ServerReflectionResponse ask(ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(observer(answer));
        requests.onNext(request);
        ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        return response;
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> answer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    private static Map<String, FileDescriptorProto> files(ServerReflectionResponse response) throws Exception {
        List<FileDescriptorProto> files = new ArrayList<>();
        for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            files.add(FileDescriptorProto.parseFrom(bytes));
        }
        return files.stream().collect(Collectors.toMap(FileDescriptorProto::getName, Function.identity()));
    }

    private static DescriptorProto message(FileDescriptorProto file, String name) {
        return file.getMessageTypeList().stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    private static FieldDescriptorProto field(DescriptorProto message, String name) {
        return message.getFieldList().stream().filter(f -> f.getName().equals(name)).findFirst().orElseThrow();
    }
}
