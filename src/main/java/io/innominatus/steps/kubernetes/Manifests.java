package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.innominatus.model.Diagnostic;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.tools.ExecStepExecutor;
import io.innominatus.support.PlainValues;
import io.innominatus.support.YamlLoader;
import io.innominatus.support.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Kubernetes manifests a step applies: files of a directory (relative to the workflow's directory) or
 * inline YAML, with {@code ${...}} references filled in, read with the same safe YAML limits as
 * workflows, and checked against the step's Kubernetes scope.
 */
public final class Manifests {

    /** Kinds that exist outside namespaces. */
    static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "PersistentVolume", "StorageClass",
            "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass", "IngressClass", "RuntimeClass",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "CSIDriver", "CSINode",
            "VolumeAttachment", "CertificateSigningRequest", "ClusterIssuer", "PodSecurityPolicy", "ComponentStatus",
            "FlowSchema", "PriorityLevelConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");

    /** The Kubernetes object mapping, without a client: manifests are read and written for any target. */
    static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    private Manifests() {}

    /** Reads {@code config.<key>}: a directory of *.yaml/*.yml files or inline YAML. */
    static List<HasMetadata> load(StepContext context, String key) {
        Object value = context.config().get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof Map || value instanceof List) {
            throw StepFailure.configuration("config." + key + " must be a directory or inline YAML text");
        }
        return load(String.valueOf(value), context.workflowDirectory(), context::interpolate, "config." + key);
    }

    /**
     * Reads manifests from inline YAML or a directory (relative to {@code base}), filling each file's
     * {@code ${...}} references with {@code fill} before parsing it.
     */
    public static List<HasMetadata> load(String text, Optional<Path> base, UnaryOperator<String> fill, String what) {
        List<Map<String, Object>> documents = new ArrayList<>();
        if (text.contains("\n") || text.contains("apiVersion:")) {
            documents.addAll(parse(fill.apply(text), what));
        } else {
            Path directory = ExecStepExecutor.inside(base.orElseThrow(() -> StepFailure.configuration(
                    what + " names a directory but there is no directory to resolve it against")), text, what);
            for (Path file : files(directory, what)) {
                try {
                    documents.addAll(parse(fill.apply(Files.readString(file, StandardCharsets.UTF_8)),
                            directory.relativize(file).toString()));
                } catch (IOException e) {
                    throw new StepFailure("cannot read " + file.getFileName() + ": " + e.getMessage());
                }
            }
        }
        List<HasMetadata> objects = new ArrayList<>();
        for (Map<String, Object> document : documents) {
            if (document.get("kind") == null || document.get("apiVersion") == null) {
                throw StepFailure.configuration("a manifest without apiVersion and kind: " + document.keySet());
            }
            objects.add(SERIALIZATION.convertValue(integers(document), HasMetadata.class));
        }
        return objects;
    }

    /** YAML integers arrive as Long; Kubernetes types (ports, IntOrString) want Integer where it fits. */
    @SuppressWarnings("unchecked")
    static <T> T integers(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), integers(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(Manifests::integers).toList();
        }
        if (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return (T) Integer.valueOf(l.intValue());
        }
        return value;
    }

    private static List<Path> files(Path directory, String what) {
        if (!Files.isDirectory(directory)) {
            throw StepFailure.configuration(what + ": " + directory.getFileName() + " is not a directory");
        }
        try (Stream<Path> list = Files.list(directory)) {
            List<Path> files = list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .filter(Files::isRegularFile).sorted().toList();
            if (files.isEmpty()) {
                throw StepFailure.configuration(what + ": " + directory.getFileName() + " holds no .yaml files");
            }
            return files;
        } catch (IOException e) {
            throw new StepFailure("cannot list " + directory.getFileName() + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml, String name) {
        YamlLoader.Result loaded = YamlLoader.load(yaml, name);
        if (loaded.hasErrors()) {
            Diagnostic first = loaded.diagnostics().stream().filter(Diagnostic::isError).findFirst().orElseThrow();
            throw StepFailure.configuration("manifest " + first.describe());
        }
        List<Map<String, Object>> documents = new ArrayList<>();
        for (YamlNode node : loaded.documents()) {
            Object plain = PlainValues.plain(node);
            if (plain == null) {
                continue;
            }
            if (!(plain instanceof Map)) {
                throw StepFailure.configuration("manifest in " + name + " is not a mapping");
            }
            documents.add((Map<String, Object>) plain);
        }
        return documents;
    }

    public static boolean clusterScoped(HasMetadata object) {
        return CLUSTER_SCOPED.contains(object.getKind());
    }

    public static String describe(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getName();
    }
}
