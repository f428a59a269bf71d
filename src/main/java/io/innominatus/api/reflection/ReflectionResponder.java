package io.innominatus.api.reflection;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.rpc.ErrorDetailsProto;
import com.google.rpc.StatusProto;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.reflection.v1.ErrorResponse;
import io.grpc.reflection.v1.ExtensionNumberResponse;
import io.grpc.reflection.v1.FileDescriptorResponse;
import io.grpc.reflection.v1.ListServiceResponse;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Answers reflection requests from the index of the services this server binds. */
@ApplicationScoped
public class ReflectionResponder {

    private final Instance<BindableService> services;
    private volatile DescriptorIndex index;

    public ReflectionResponder(@Any Instance<BindableService> services) {
        this.services = services;
    }

    ServerReflectionResponse answer(ServerReflectionRequest request) {
        ServerReflectionResponse.Builder response = ServerReflectionResponse.newBuilder()
                .setValidHost(request.getHost())
                .setOriginalRequest(request);
        DescriptorIndex files = index();
        switch (request.getMessageRequestCase()) {
            case FILE_BY_FILENAME -> files(response, files.fileByName(request.getFileByFilename()),
                    "file " + request.getFileByFilename());
            case FILE_CONTAINING_SYMBOL -> files(response, files.fileContainingSymbol(request.getFileContainingSymbol()),
                    "symbol " + request.getFileContainingSymbol());
            case FILE_CONTAINING_EXTENSION -> files(response, files.fileContainingExtension(
                            request.getFileContainingExtension().getContainingType(),
                            request.getFileContainingExtension().getExtensionNumber()),
                    "extension " + request.getFileContainingExtension().getExtensionNumber() + " of "
                            + request.getFileContainingExtension().getContainingType());
            case ALL_EXTENSION_NUMBERS_OF_TYPE -> files.extensionNumbers(request.getAllExtensionNumbersOfType()).ifPresentOrElse(
                    numbers -> response.setAllExtensionNumbersResponse(ExtensionNumberResponse.newBuilder()
                            .setBaseTypeName(request.getAllExtensionNumbersOfType()).addAllExtensionNumber(numbers)),
                    () -> notFound(response, "type " + request.getAllExtensionNumbersOfType()));
            case LIST_SERVICES -> {
                ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
                files.serviceNames().forEach(name -> list.addService(ServiceResponse.newBuilder().setName(name)));
                response.setListServicesResponse(list);
            }
            default -> response.setErrorResponse(ErrorResponse.newBuilder()
                    .setErrorCode(Status.Code.INVALID_ARGUMENT.value())
                    .setErrorMessage("the request names no reflection query"));
        }
        return response.build();
    }

    /**
     * Files of messages that reach clients packed into an {@code Any} (the details of every error status) and that
     * no service definition imports. Built with the index, on the first reflection request, not at start-up.
     */
    private static List<FileDescriptor> anyPayloadFiles() {
        return List.of(ErrorDetailsProto.getDescriptor(), StatusProto.getDescriptor());
    }

    private static void files(ServerReflectionResponse.Builder response, Optional<List<ByteString>> files, String what) {
        files.ifPresentOrElse(
                found -> response.setFileDescriptorResponse(FileDescriptorResponse.newBuilder().addAllFileDescriptorProto(found)),
                () -> notFound(response, what));
    }

    private static void notFound(ServerReflectionResponse.Builder response, String what) {
        response.setErrorResponse(ErrorResponse.newBuilder()
                .setErrorCode(Status.Code.NOT_FOUND.value())
                .setErrorMessage(what + " not found"));
    }

    /** Built on first use: by then every service bean exists and is bound. */
    private DescriptorIndex index() {
        DescriptorIndex current = index;
        if (current == null) {
            synchronized (this) {
                if (index == null) {
                    index = new DescriptorIndex(servedServices(), anyPayloadFiles());
                }
                current = index;
            }
        }
        return current;
    }

    private List<ServiceDescriptor> servedServices() {
        List<ServiceDescriptor> served = new ArrayList<>();
        for (BindableService service : services) {
            ServerServiceDefinition definition = service.bindService();
            if (definition.getServiceDescriptor().getSchemaDescriptor() instanceof ProtoServiceDescriptorSupplier schema) {
                served.add(schema.getServiceDescriptor());
            }
        }
        return served;
    }
}
