package io.innominatus.model;

import java.util.List;
import java.util.Map;

/**
 * A Score ({@code score.dev/v1b1}) workload: the application being deployed.
 *
 * @param metadata the whole open {@code metadata} block, including {@code name}
 * @param containers containers in file order
 * @param ports {@code service.ports} in file order
 * @param resources resources in file order
 * @param workflows application workflows embedded under the innominatus extension key {@code workflows}
 * @param yaml the document as submitted
 * @param document the document as plain data (maps, lists, scalars), for rules and scanners that read it
 * @param digest lowercase hex SHA-256 of the canonical form of the workload
 */
public record ScoreWorkload(
        String name,
        Map<String, Object> metadata,
        Map<String, Container> containers,
        Map<String, ServicePort> ports,
        Map<String, ResourceRequest> resources,
        List<WorkflowDefinition> workflows,
        String yaml,
        Map<String, Object> document,
        String digest,
        String fileName) {

    /** The name a Score file goes by when the caller does not give one. */
    public static final String DEFAULT_FILE_NAME = "score.yaml";

    public ScoreWorkload {
        fileName = fileName == null || fileName.isBlank() ? DEFAULT_FILE_NAME : fileName;
        document = Immutables.deepCopy(document);
        metadata = Immutables.deepCopy(metadata);
        containers = Immutables.orderedCopy(containers);
        ports = Immutables.orderedCopy(ports);
        resources = Immutables.orderedCopy(resources);
        workflows = List.copyOf(workflows);
    }

    /** {@code metadata.product}, or empty when the application belongs to no product. */
    public String product() {
        Object product = metadata.get("product");
        return product == null ? "" : String.valueOf(product);
    }

    /** A container of the workload. Optional fields are null or empty. */
    public record Container(
            String image,
            List<String> command,
            List<String> args,
            Map<String, String> variables,
            List<FileMount> files,
            List<VolumeMount> volumes,
            ComputeResources resources,
            Probe livenessProbe,
            Probe readinessProbe) {

        public Container {
            command = command == null ? List.of() : List.copyOf(command);
            args = args == null ? List.of() : List.copyOf(args);
            variables = Immutables.orderedCopy(variables);
            files = files == null ? List.of() : List.copyOf(files);
            volumes = volumes == null ? List.of() : List.copyOf(volumes);
        }
    }

    /** A file mounted into a container; exactly one of source, content and binaryContent is set. */
    public record FileMount(String target, String mode, String source, String content, String binaryContent, boolean noExpand) {}

    public record VolumeMount(String target, String source, String path, boolean readOnly) {}

    public record ComputeResources(Quantities limits, Quantities requests) {}

    public record Quantities(String cpu, String memory) {}

    /** A probe: an HTTP GET, a command, or both. */
    public record Probe(HttpProbe httpGet, List<String> execCommand) {
        public Probe {
            execCommand = execCommand == null ? List.of() : List.copyOf(execCommand);
        }
    }

    public record HttpProbe(String host, String scheme, String path, int port, Map<String, String> headers) {
        public HttpProbe {
            headers = Immutables.orderedCopy(headers);
        }
    }

    /** A port of {@code service.ports}; {@code targetPort} defaults to {@code port}. */
    public record ServicePort(String name, int port, String protocol, int targetPort) {}

    /**
     * A resource the workload depends on.
     *
     * @param resourceClass the Score {@code class}; null when absent
     * @param id the Score {@code id}, shared across workloads; null when absent
     */
    public record ResourceRequest(
            String name,
            String type,
            String resourceClass,
            String id,
            Map<String, Object> metadata,
            Map<String, Object> params,
            SourceLocation location) {

        public ResourceRequest {
            metadata = Immutables.deepCopy(metadata);
            params = Immutables.deepCopy(params);
        }
    }
}
