package io.innominatus.api.reflection;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The files, symbols and extensions a reflection client may ask for, each file serialized with its JSON names. */
final class DescriptorIndex {

    private final Set<String> serviceNames;
    private final Map<String, FileDescriptor> filesByName = new LinkedHashMap<>();
    private final Map<String, FileDescriptor> filesBySymbol = new LinkedHashMap<>();
    private final Map<String, Map<Integer, FileDescriptor>> extensionsByType = new TreeMap<>();
    private final Map<String, ByteString> serialized = new LinkedHashMap<>();

    /**
     * @param services the descriptors of the services the server exposes
     * @param extraFiles files a client needs although no service refers to them (types packed into an {@code Any})
     */
    DescriptorIndex(List<ServiceDescriptor> services, List<FileDescriptor> extraFiles) {
        Set<String> names = new TreeSet<>();
        Deque<FileDescriptor> pending = new ArrayDeque<>();
        for (ServiceDescriptor service : services) {
            names.add(service.getFullName());
            pending.add(service.getFile());
        }
        pending.addAll(extraFiles);
        while (!pending.isEmpty()) {
            FileDescriptor file = pending.remove();
            if (filesByName.putIfAbsent(file.getName(), file) == null) {
                index(file);
                pending.addAll(file.getDependencies());
            }
        }
        this.serviceNames = Set.copyOf(names);
    }

    Set<String> serviceNames() {
        return new TreeSet<>(serviceNames);
    }

    Optional<List<ByteString>> fileByName(String name) {
        return Optional.ofNullable(filesByName.get(name)).map(this::withDependencies);
    }

    Optional<List<ByteString>> fileContainingSymbol(String symbol) {
        return Optional.ofNullable(filesBySymbol.get(symbol)).map(this::withDependencies);
    }

    Optional<List<ByteString>> fileContainingExtension(String type, int number) {
        return Optional.ofNullable(extensionsByType.getOrDefault(type, Map.of()).get(number)).map(this::withDependencies);
    }

    Optional<List<Integer>> extensionNumbers(String type) {
        if (!filesBySymbol.containsKey(type)) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(new TreeSet<>(extensionsByType.getOrDefault(type, Map.of()).keySet())));
    }

    /** The file first, then every file it imports, directly or not: a client then needs no further round trip. */
    private List<ByteString> withDependencies(FileDescriptor file) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<FileDescriptor> pending = new ArrayDeque<>(List.of(file));
        List<ByteString> result = new ArrayList<>();
        while (!pending.isEmpty()) {
            FileDescriptor next = pending.remove();
            if (seen.add(next.getName())) {
                result.add(serialized.computeIfAbsent(next.getName(), name -> withJsonNames(next).toByteString()));
                pending.addAll(next.getDependencies());
            }
        }
        return result;
    }

    private void index(FileDescriptor file) {
        for (ServiceDescriptor service : file.getServices()) {
            filesBySymbol.put(service.getFullName(), file);
            for (MethodDescriptor method : service.getMethods()) {
                filesBySymbol.put(method.getFullName(), file);
            }
        }
        file.getMessageTypes().forEach(message -> indexMessage(message, file));
        file.getEnumTypes().forEach(type -> filesBySymbol.put(type.getFullName(), file));
        file.getExtensions().forEach(extension -> indexExtension(extension, file));
    }

    private void indexMessage(Descriptor message, FileDescriptor file) {
        filesBySymbol.put(message.getFullName(), file);
        for (EnumDescriptor type : message.getEnumTypes()) {
            filesBySymbol.put(type.getFullName(), file);
        }
        message.getNestedTypes().forEach(nested -> indexMessage(nested, file));
        message.getExtensions().forEach(extension -> indexExtension(extension, file));
    }

    private void indexExtension(FieldDescriptor extension, FileDescriptor file) {
        filesBySymbol.put(extension.getFullName(), file);
        extensionsByType.computeIfAbsent(extension.getContainingType().getFullName(), type -> new TreeMap<>())
                .put(extension.getNumber(), file);
    }

    /**
     * The file as protoc describes it to plugins: with each field's {@code json_name}. Without it a dynamic client
     * (grpcurl, for one) prints and parses JSON with the proto field names instead of the lowerCamelCase ones that
     * protobuf's JSON mapping, the generated clients and the documentation use.
     */
    static FileDescriptorProto withJsonNames(FileDescriptor file) {
        FileDescriptorProto.Builder proto = file.toProto().toBuilder();
        for (int i = 0; i < proto.getMessageTypeCount(); i++) {
            proto.setMessageType(i, withJsonNames(proto.getMessageType(i), file.getMessageTypes().get(i)));
        }
        for (int i = 0; i < proto.getExtensionCount(); i++) {
            proto.setExtension(i, withJsonName(proto.getExtension(i), file.getExtensions().get(i)));
        }
        return proto.build();
    }

    private static DescriptorProto withJsonNames(DescriptorProto message, Descriptor descriptor) {
        DescriptorProto.Builder builder = message.toBuilder();
        for (int i = 0; i < builder.getFieldCount(); i++) {
            builder.setField(i, withJsonName(builder.getField(i), descriptor.getFields().get(i)));
        }
        for (int i = 0; i < builder.getExtensionCount(); i++) {
            builder.setExtension(i, withJsonName(builder.getExtension(i), descriptor.getExtensions().get(i)));
        }
        for (int i = 0; i < builder.getNestedTypeCount(); i++) {
            builder.setNestedType(i, withJsonNames(builder.getNestedType(i), descriptor.getNestedTypes().get(i)));
        }
        return builder.build();
    }

    private static FieldDescriptorProto withJsonName(FieldDescriptorProto field, FieldDescriptor descriptor) {
        return field.hasJsonName() ? field : field.toBuilder().setJsonName(descriptor.getJsonName()).build();
    }
}
