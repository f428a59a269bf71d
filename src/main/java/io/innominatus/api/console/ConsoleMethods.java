package io.innominatus.api.console;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorDetailsProto;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.protobuf.ProtoUtils;
import io.innominatus.api.audit.v1.AuditServiceProto;
import io.innominatus.api.policy.v1.PolicyServiceProto;
import io.innominatus.api.workflow.v1.WorkflowServiceProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The unary RPCs the console may call, by full name, as gRPC method descriptors over dynamic messages, and the
 * JSON codec for the API's messages (proto3 JSON, as grpcurl prints it).
 */
final class ConsoleMethods {

    private static final List<ServiceDescriptor> SERVICES = List.of(
            WorkflowServiceProto.getDescriptor().findServiceByName("WorkflowService"),
            PolicyServiceProto.getDescriptor().findServiceByName("PolicyService"),
            AuditServiceProto.getDescriptor().findServiceByName("AuditService"));

    private final Map<String, io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage>> methods = new LinkedHashMap<>();
    private final Map<String, MethodDescriptor> descriptors = new LinkedHashMap<>();
    private final JsonFormat.Parser parser;
    private final JsonFormat.Printer printer;

    ConsoleMethods() {
        JsonFormat.TypeRegistry.Builder types = JsonFormat.TypeRegistry.newBuilder()
                .add(ErrorDetailsProto.getDescriptor().getMessageTypes());
        for (ServiceDescriptor service : SERVICES) {
            types.add(service.getFile().getMessageTypes());
            for (MethodDescriptor method : service.getMethods()) {
                if (method.isServerStreaming() || method.isClientStreaming()) {
                    continue; // streams reach the console as server-sent events (EventStream), not through the bridge
                }
                String name = service.getFullName() + "/" + method.getName();
                descriptors.put(name, method);
                methods.put(name, io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                        .setType(MethodType.UNARY)
                        .setFullMethodName(name)
                        .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
                        .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
                        .build());
            }
        }
        JsonFormat.TypeRegistry registry = types.build();
        this.parser = JsonFormat.parser().usingTypeRegistry(registry);
        this.printer = JsonFormat.printer().usingTypeRegistry(registry).omittingInsignificantWhitespace();
    }

    /** The unary RPC named {@code service/method}, if the console may call it. */
    Optional<io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage>> unary(String fullName) {
        return Optional.ofNullable(methods.get(fullName));
    }

    /** The request of {@code method} read from proto3 JSON; fails with InvalidProtocolBufferException. */
    DynamicMessage request(String fullName, String json) throws com.google.protobuf.InvalidProtocolBufferException {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(descriptors.get(fullName).getInputType());
        parser.merge(json.isBlank() ? "{}" : json, builder);
        return builder.build();
    }

    String json(com.google.protobuf.MessageOrBuilder message) {
        try {
            return printer.print(message);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }
}
