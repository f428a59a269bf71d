package io.innominatus.score;

import io.innominatus.model.CanonicalJson;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.Interpolation;
import io.innominatus.model.Phase;
import io.innominatus.model.ReferenceSite;
import io.innominatus.model.ScoreWorkload.Container;
import io.innominatus.model.ScoreWorkload.FileMount;
import io.innominatus.model.ScoreWorkload.HttpProbe;
import io.innominatus.model.ScoreWorkload.Probe;
import io.innominatus.model.ScoreWorkload.Quantities;
import io.innominatus.model.ScoreWorkload.ResourceRequest;
import io.innominatus.model.ScoreWorkload.ServicePort;
import io.innominatus.model.ScoreWorkload.VolumeMount;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.Tier;
import io.innominatus.model.Trigger;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.parse.DocumentReader;
import io.innominatus.parse.StepReader;
import io.innominatus.support.PlainValues;
import io.innominatus.support.ScorePlaceholders;
import io.innominatus.support.YamlLoader;
import io.innominatus.support.YamlNode.Mapping;
import io.innominatus.support.YamlNode.Scalar;
import io.innominatus.support.YamlNode.Sequence;
import io.innominatus.support.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses and validates Score workload files. */
public final class ScoreParser {

    public static final String API_VERSION = "score.dev/v1b1";
    /** The innominatus extension key for embedded application workflows. */
    public static final String WORKFLOWS_KEY = "workflows";
    private static final List<String> TOP_KEYS = List.of("apiVersion", "metadata", "service", "containers", "resources",
            WORKFLOWS_KEY);
    private static final List<String> CONTAINER_KEYS = List.of("image", "command", "args", "variables", "files", "volumes",
            "resources", "livenessProbe", "readinessProbe");
    private static final List<String> FILE_KEYS = List.of("mode", "source", "content", "binaryContent", "noExpand");
    private static final List<String> LEGACY_FILE_KEYS = List.of("target", "mode", "source", "content", "noExpand");
    private static final List<String> VOLUME_KEYS = List.of("source", "path", "readOnly");
    private static final List<String> LEGACY_VOLUME_KEYS = List.of("source", "target", "path", "readOnly");
    private static final List<String> RESOURCE_KEYS = List.of("type", "class", "id", "metadata", "params");
    private static final List<String> PORT_KEYS = List.of("port", "protocol", "targetPort");
    private static final List<String> PROBE_KEYS = List.of("httpGet", "exec");
    private static final List<String> HTTP_PROBE_KEYS = List.of("host", "scheme", "path", "port", "httpHeaders");
    private static final List<String> WORKFLOW_KEYS = List.of("description", "phase", "triggers", "steps", "variables");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9-]{0,61}[a-z0-9]");
    private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]");
    private static final Pattern RESOURCE_ID = Pattern.compile("[a-z0-9]+(?:-+[a-z0-9]+)*(?:\\.[a-z0-9]+(?:-+[a-z0-9]+)*)*");
    private static final Pattern ANNOTATION = Pattern.compile(
            "(([a-z0-9][a-z0-9-]{0,61}[a-z0-9])(\\.[a-z0-9][a-z0-9-]{0,61}[a-z0-9])*/)?[A-Za-z0-9][A-Za-z0-9._-]{0,61}[A-Za-z0-9]");
    private static final Pattern MEMORY = Pattern.compile("[1-9]\\d*(K|M|G|T|Ki|Mi|Gi|Ti)?");
    private static final Pattern CPU = Pattern.compile("\\d*(?:m|\\.\\d+)?");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");

    /** The workload (absent when it could not be read) and every problem found. */
    public record Result(Optional<ScoreWorkload> workload, List<Diagnostic> diagnostics) {
        public Result {
            diagnostics = List.copyOf(diagnostics);
        }

        public boolean hasErrors() {
            return Diagnostic.anyError(diagnostics);
        }
    }

    private ScoreParser() {}

    public static Result parse(String text, String file) {
        return parse(text, file, YamlLoader.Limits.DEFAULT);
    }

    public static Result parse(String text, String file, YamlLoader.Limits limits) {
        YamlLoader.Result loaded = YamlLoader.load(text, file, limits);
        DocumentReader r = new DocumentReader(file);
        r.addAll(loaded.diagnostics());
        if (loaded.documents().isEmpty()) {
            if (!r.hasErrors()) {
                r.error("EMPTY_DOCUMENT", "the Score file is empty", SourceLocation.ofFile(file), "");
            }
            return new Result(Optional.empty(), r.diagnostics());
        }
        if (loaded.documents().size() > 1) {
            r.error("MULTIPLE_DOCUMENTS", "a Score file holds exactly one workload", loaded.documents().get(1).location(), "");
        }
        Optional<Mapping> root = r.mapping(loaded.documents().get(0), "");
        if (root.isEmpty()) {
            return new Result(Optional.empty(), r.diagnostics());
        }
        return new Reader(r, text).read(root.get());
    }

    private static final class Reader {
        private final DocumentReader r;
        private final String text;
        private final List<Scalar> placeholderScalars = new ArrayList<>();
        private final List<String> placeholderPaths = new ArrayList<>();

        Reader(DocumentReader r, String text) {
            this.r = r;
            this.text = text;
        }

        Result read(Mapping doc) {
            r.checkKeys(doc, "", TOP_KEYS);
            r.string(doc, "apiVersion", "", true).ifPresent(v -> {
                if (!v.equals(API_VERSION)) {
                    r.error("INVALID_VALUE", "apiVersion must be " + API_VERSION + " but is '" + v + "'",
                            doc.get("apiVersion").orElseThrow().location(), "apiVersion");
                }
            });
            Map<String, Object> metadata = new LinkedHashMap<>();
            String name = "";
            Optional<Mapping> metadataNode = r.field(doc, "metadata", "", true).flatMap(n -> r.mapping(n, "metadata"));
            if (metadataNode.isPresent()) {
                Mapping m = metadataNode.get();
                metadata = PlainValues.plainMap(m);
                name = r.string(m, "name", "metadata", true).orElse("");
                if (!name.isEmpty() && !LABEL.matcher(name).matches()) {
                    r.error("INVALID_NAME", "metadata.name '" + name + "' must be an RFC 1123 label of 2 to 63 "
                            + "characters (a-z, 0-9, '-', not starting or ending with '-')",
                            m.get("name").orElseThrow().location(), "metadata.name");
                }
                m.get("annotations").ifPresent(n -> readAnnotations(n, "metadata.annotations"));
                m.get("product").ifPresent(n -> r.string(n, "metadata.product").ifPresent(p -> {
                    if (!LABEL.matcher(p).matches() && !p.matches("[a-z0-9]")) {
                        r.error("INVALID_NAME", "metadata.product '" + p + "' must be a lowercase RFC 1123 label",
                                n.location(), "metadata.product");
                    }
                }));
            }
            Map<String, ServicePort> ports = r.field(doc, "service", "", false)
                    .flatMap(n -> r.mapping(n, "service")).map(this::readService).orElse(Map.of());
            Map<String, Container> containers = new LinkedHashMap<>();
            r.field(doc, "containers", "", true).flatMap(n -> r.mapping(n, "containers")).ifPresent(m -> {
                if (m.entries().isEmpty()) {
                    r.error("MISSING_FIELD", "a workload needs at least one container", m.location(), "containers");
                }
                for (YamlNode.Entry entry : m.entries()) {
                    String path = DocumentReader.child("containers", entry.key().value());
                    checkLabel(entry.key(), path, "container name");
                    readContainer(entry.value(), path).ifPresent(c -> containers.put(entry.key().value(), c));
                }
            });
            Map<String, ResourceRequest> resources = new LinkedHashMap<>();
            r.field(doc, "resources", "", false).flatMap(n -> r.mapping(n, "resources")).ifPresent(m -> {
                for (YamlNode.Entry entry : m.entries()) {
                    String path = DocumentReader.child("resources", entry.key().value());
                    checkLabel(entry.key(), path, "resource name");
                    readResource(entry.key(), entry.value(), path).ifPresent(res -> resources.put(res.name(), res));
                }
            });
            checkPlaceholders(metadata, resources);
            List<WorkflowDefinition> workflows = new ArrayList<>();
            Optional<YamlNode> workflowsNode = doc.get(WORKFLOWS_KEY);
            if (workflowsNode.isPresent()) {
                r.add(Diagnostic.note("SCORE_EXTENSION", "'workflows' is an innominatus extension to Score: these "
                        + "application workflows run with the application's deployments", doc.entry(WORKFLOWS_KEY)
                        .orElseThrow().key().location(), WORKFLOWS_KEY));
                String appName = name;
                r.mapping(workflowsNode.get(), WORKFLOWS_KEY).ifPresent(m -> {
                    for (YamlNode.Entry entry : m.entries()) {
                        readWorkflow(appName, entry, metadataNode.map(PlainValues::plainMap).orElse(Map.of()))
                                .ifPresent(workflows::add);
                    }
                });
            }
            if (r.hasErrors()) {
                return new Result(Optional.empty(), r.diagnostics());
            }
            Map<String, Object> document = PlainValues.plainMap(doc);
            ScoreWorkload workload = new ScoreWorkload(name, metadata, containers, ports, resources, workflows, text,
                    document, CanonicalJson.sha256(document), r.file());
            return new Result(Optional.of(workload), r.diagnostics());
        }

        private void checkLabel(Scalar key, String path, String what) {
            if (!LABEL.matcher(key.value()).matches()) {
                r.error("INVALID_NAME", what + " '" + key.value() + "' must be an RFC 1123 label of 2 to 63 characters",
                        key.location(), path);
            }
        }

        private void readAnnotations(YamlNode node, String path) {
            r.mapping(node, path).ifPresent(m -> {
                for (YamlNode.Entry entry : m.entries()) {
                    String entryPath = DocumentReader.child(path, entry.key().value());
                    if (!ANNOTATION.matcher(entry.key().value()).matches() || entry.key().value().length() > 316) {
                        r.error("INVALID_NAME", "annotation key '" + entry.key().value() + "' is not a valid annotation "
                                + "name", entry.key().location(), entryPath);
                    }
                    r.string(entry.value(), entryPath);
                }
            });
        }

        private Map<String, ServicePort> readService(Mapping service) {
            r.checkKeys(service, "service", List.of("ports"));
            Map<String, ServicePort> ports = new LinkedHashMap<>();
            r.field(service, "ports", "service", false).flatMap(n -> r.mapping(n, "service.ports")).ifPresent(m -> {
                for (YamlNode.Entry entry : m.entries()) {
                    String path = DocumentReader.child("service.ports", entry.key().value());
                    checkLabel(entry.key(), path, "port name");
                    r.mapping(entry.value(), path).ifPresent(p -> {
                        r.checkKeys(p, path, PORT_KEYS);
                        Optional<Integer> port = port(p, "port", path, true);
                        String protocol = p.get("protocol").flatMap(n -> r.enumValue(n, path + ".protocol",
                                v -> Optional.of(v).filter(x -> x.equals("TCP") || x.equals("UDP")), List.of("TCP", "UDP")))
                                .orElse("TCP");
                        Optional<Integer> target = port(p, "targetPort", path, false);
                        port.ifPresent(number -> ports.put(entry.key().value(),
                                new ServicePort(entry.key().value(), number, protocol, target.orElse(number))));
                    });
                }
            });
            return ports;
        }

        private Optional<Integer> port(Mapping m, String key, String path, boolean required) {
            Optional<Long> value = r.integer(m, key, path, required);
            if (value.isPresent() && (value.get() < 1 || value.get() > 65535)) {
                r.error("INVALID_VALUE", key + " must be between 1 and 65535", m.get(key).orElseThrow().location(),
                        DocumentReader.child(path, key));
                return Optional.empty();
            }
            return value.map(Long::intValue);
        }

        private Optional<Container> readContainer(YamlNode node, String path) {
            Optional<Mapping> mapping = r.mapping(node, path);
            if (mapping.isEmpty()) {
                return Optional.empty();
            }
            Mapping m = mapping.get();
            r.checkKeys(m, path, CONTAINER_KEYS);
            String image = r.string(m, "image", path, true).orElse("");
            if (m.get("image").isPresent() && image.isEmpty()) {
                r.error("INVALID_VALUE", "image must not be empty", m.get("image").orElseThrow().location(), path + ".image");
            }
            List<String> command = stringsWithPlaceholders(m, "command", path);
            List<String> args = stringsWithPlaceholders(m, "args", path);
            Map<String, String> variables = new LinkedHashMap<>();
            r.field(m, "variables", path, false).flatMap(n -> r.mapping(n, path + ".variables")).ifPresent(vars -> {
                for (YamlNode.Entry entry : vars.entries()) {
                    String varPath = DocumentReader.child(path + ".variables", entry.key().value());
                    if (entry.key().value().isEmpty() || entry.key().value().contains("=")) {
                        r.error("INVALID_NAME", "variable name must be non-empty and must not contain '='",
                                entry.key().location(), varPath);
                    }
                    r.string(entry.value(), varPath).ifPresent(v -> {
                        variables.put(entry.key().value(), v);
                        placeholder((Scalar) entry.value(), varPath);
                    });
                }
            });
            List<FileMount> files = r.field(m, "files", path, false).map(n -> readFiles(n, path + ".files")).orElse(List.of());
            List<VolumeMount> volumes = r.field(m, "volumes", path, false).map(n -> readVolumes(n, path + ".volumes"))
                    .orElse(List.of());
            ScoreWorkload.ComputeResources resources = r.field(m, "resources", path, false)
                    .flatMap(n -> r.mapping(n, path + ".resources")).map(res -> {
                        r.checkKeys(res, path + ".resources", List.of("limits", "requests"));
                        return new ScoreWorkload.ComputeResources(
                                quantities(res, "limits", path + ".resources"),
                                quantities(res, "requests", path + ".resources"));
                    }).orElse(null);
            Probe liveness = r.field(m, "livenessProbe", path, false).flatMap(n -> probe(n, path + ".livenessProbe"))
                    .orElse(null);
            Probe readiness = r.field(m, "readinessProbe", path, false).flatMap(n -> probe(n, path + ".readinessProbe"))
                    .orElse(null);
            return Optional.of(new Container(image, command, args, variables, files, volumes, resources, liveness, readiness));
        }

        private List<String> stringsWithPlaceholders(Mapping m, String key, String path) {
            Optional<YamlNode> node = r.field(m, key, path, false);
            if (node.isEmpty()) {
                return List.of();
            }
            String keyPath = DocumentReader.child(path, key);
            return r.sequence(node.get(), keyPath).map(seq -> {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < seq.items().size(); i++) {
                    YamlNode item = seq.items().get(i);
                    String itemPath = DocumentReader.index(keyPath, i);
                    r.string(item, itemPath).ifPresent(v -> {
                        values.add(v);
                        placeholder((Scalar) item, itemPath);
                    });
                }
                return values;
            }).orElse(List.of());
        }

        private Quantities quantities(Mapping res, String key, String path) {
            Optional<Mapping> q = r.field(res, key, path, false).flatMap(n -> r.mapping(n, path + "." + key));
            if (q.isEmpty()) {
                return null;
            }
            String qPath = path + "." + key;
            r.checkKeys(q.get(), qPath, List.of("cpu", "memory"));
            String cpu = r.string(q.get(), "cpu", qPath, false).orElse(null);
            if (cpu != null && (cpu.isEmpty() || !CPU.matcher(cpu).matches())) {
                r.error("INVALID_VALUE", "cpu '" + cpu + "' must be whole or fractional CPUs or millicpus (2, 0.5, 125m)",
                        q.get().get("cpu").orElseThrow().location(), qPath + ".cpu");
            }
            String memory = r.string(q.get(), "memory", qPath, false).orElse(null);
            if (memory != null && !MEMORY.matcher(memory).matches()) {
                r.error("INVALID_VALUE", "memory '" + memory + "' must be bytes with an optional unit (128M, 1Gi)",
                        q.get().get("memory").orElseThrow().location(), qPath + ".memory");
            }
            return new Quantities(cpu, memory);
        }

        private Optional<Probe> probe(YamlNode node, String path) {
            return r.mapping(node, path).map(m -> {
                r.checkKeys(m, path, PROBE_KEYS);
                HttpProbe http = r.field(m, "httpGet", path, false).flatMap(n -> r.mapping(n, path + ".httpGet")).map(h -> {
                    String hPath = path + ".httpGet";
                    r.checkKeys(h, hPath, HTTP_PROBE_KEYS);
                    String host = r.string(h, "host", hPath, false).orElse(null);
                    String scheme = h.get("scheme").flatMap(n -> r.enumValue(n, hPath + ".scheme",
                            v -> Optional.of(v).filter(x -> x.equals("HTTP") || x.equals("HTTPS")), List.of("HTTP", "HTTPS")))
                            .orElse("HTTP");
                    String probePath = r.string(h, "path", hPath, false).orElse("/");
                    int port = port(h, "port", hPath, true).orElse(0);
                    Map<String, String> headers = new LinkedHashMap<>();
                    r.field(h, "httpHeaders", hPath, false).flatMap(n -> r.sequence(n, hPath + ".httpHeaders"))
                            .ifPresent(seq -> {
                                for (int i = 0; i < seq.items().size(); i++) {
                                    String itemPath = DocumentReader.index(hPath + ".httpHeaders", i);
                                    r.mapping(seq.items().get(i), itemPath).ifPresent(header -> {
                                        r.checkKeys(header, itemPath, List.of("name", "value"));
                                        Optional<String> name = r.string(header, "name", itemPath, true);
                                        Optional<String> value = r.string(header, "value", itemPath, true);
                                        name.ifPresent(n -> {
                                            if (!n.matches("[A-Za-z0-9_-]+")) {
                                                r.error("INVALID_NAME", "header name '" + n + "' may only contain letters, "
                                                        + "digits, '_' and '-'", header.location(), itemPath + ".name");
                                            }
                                            value.ifPresent(v -> headers.put(n, v));
                                        });
                                    });
                                }
                            });
                    return new HttpProbe(host, scheme, probePath, port, headers);
                }).orElse(null);
                List<String> exec = r.field(m, "exec", path, false).flatMap(n -> r.mapping(n, path + ".exec")).map(e -> {
                    r.checkKeys(e, path + ".exec", List.of("command"));
                    return r.stringList(e, "command", path + ".exec", true).orElse(List.of());
                }).orElse(List.of());
                if (http == null && exec.isEmpty() && r.diagnostics().stream().noneMatch(d -> d.fieldPath().startsWith(path))) {
                    r.error("MISSING_FIELD", "a probe needs httpGet or exec", m.location(), path);
                }
                return new Probe(http, exec);
            });
        }

        private List<FileMount> readFiles(YamlNode node, String path) {
            List<FileMount> files = new ArrayList<>();
            if (node instanceof Sequence seq) {
                r.warning("DEPRECATED_FORM", "the list form of files is deprecated; use a map keyed by target path",
                        node.location(), path);
                for (int i = 0; i < seq.items().size(); i++) {
                    String itemPath = DocumentReader.index(path, i);
                    r.mapping(seq.items().get(i), itemPath).ifPresent(m -> {
                        r.checkKeys(m, itemPath, LEGACY_FILE_KEYS);
                        r.string(m, "target", itemPath, true).ifPresent(t -> file(t, m, itemPath).ifPresent(files::add));
                    });
                }
                return files;
            }
            r.mapping(node, path).ifPresent(m -> {
                for (YamlNode.Entry entry : m.entries()) {
                    String itemPath = DocumentReader.child(path, entry.key().value());
                    r.mapping(entry.value(), itemPath).ifPresent(f -> {
                        r.checkKeys(f, itemPath, FILE_KEYS);
                        file(entry.key().value(), f, itemPath).ifPresent(files::add);
                    });
                }
            });
            return files;
        }

        private Optional<FileMount> file(String target, Mapping m, String path) {
            if (target.isEmpty()) {
                r.error("INVALID_VALUE", "file target must not be empty", m.location(), path);
            }
            String mode = r.string(m, "mode", path, false).orElse(null);
            if (mode != null && !MODE.matcher(mode).matches()) {
                r.error("INVALID_VALUE", "mode '" + mode + "' must be octal such as 0600", m.get("mode").orElseThrow()
                        .location(), path + ".mode");
            }
            String source = r.string(m, "source", path, false).orElse(null);
            String content = r.string(m, "content", path, false).orElse(null);
            String binary = r.string(m, "binaryContent", path, false).orElse(null);
            boolean noExpand = r.bool(m, "noExpand", path, false).orElse(false);
            long set = java.util.stream.Stream.of(source, content, binary).filter(java.util.Objects::nonNull).count();
            if (set != 1) {
                r.error("INVALID_VALUE", "a file needs exactly one of source, content and binaryContent", m.location(), path);
                return Optional.empty();
            }
            if (binary != null) {
                try {
                    java.util.Base64.getDecoder().decode(binary);
                } catch (IllegalArgumentException e) {
                    r.error("INVALID_VALUE", "binaryContent must be base64", m.get("binaryContent").orElseThrow()
                            .location(), path + ".binaryContent");
                }
            }
            if (content != null && !noExpand) {
                placeholder((Scalar) m.get("content").orElseThrow(), path + ".content");
            }
            if (source != null) {
                placeholder((Scalar) m.get("source").orElseThrow(), path + ".source");
            }
            return Optional.of(new FileMount(target, mode, source, content, binary, noExpand));
        }

        private List<VolumeMount> readVolumes(YamlNode node, String path) {
            List<VolumeMount> volumes = new ArrayList<>();
            if (node instanceof Sequence seq) {
                r.warning("DEPRECATED_FORM", "the list form of volumes is deprecated; use a map keyed by target path",
                        node.location(), path);
                for (int i = 0; i < seq.items().size(); i++) {
                    String itemPath = DocumentReader.index(path, i);
                    r.mapping(seq.items().get(i), itemPath).ifPresent(m -> {
                        r.checkKeys(m, itemPath, LEGACY_VOLUME_KEYS);
                        r.string(m, "target", itemPath, true).ifPresent(t -> volume(t, m, itemPath).ifPresent(volumes::add));
                    });
                }
                return volumes;
            }
            r.mapping(node, path).ifPresent(m -> {
                for (YamlNode.Entry entry : m.entries()) {
                    String itemPath = DocumentReader.child(path, entry.key().value());
                    r.mapping(entry.value(), itemPath).ifPresent(v -> {
                        r.checkKeys(v, itemPath, VOLUME_KEYS);
                        volume(entry.key().value(), v, itemPath).ifPresent(volumes::add);
                    });
                }
            });
            return volumes;
        }

        private Optional<VolumeMount> volume(String target, Mapping m, String path) {
            Optional<String> source = r.string(m, "source", path, true);
            source.ifPresent(s -> placeholder((Scalar) m.get("source").orElseThrow(), path + ".source"));
            String subPath = r.string(m, "path", path, false).orElse(null);
            boolean readOnly = r.bool(m, "readOnly", path, false).orElse(false);
            return source.map(s -> new VolumeMount(target, s, subPath, readOnly));
        }

        private Optional<ResourceRequest> readResource(Scalar key, YamlNode node, String path) {
            String name = key.value();
            Optional<Mapping> mapping = r.mapping(node, path);
            if (mapping.isEmpty()) {
                return Optional.empty();
            }
            Mapping m = mapping.get();
            r.checkKeys(m, path, RESOURCE_KEYS);
            Optional<String> type = r.string(m, "type", path, true);
            type.ifPresent(t -> pattern(t, RESOURCE_TYPE, m.get("type").orElseThrow(), path + ".type", "resource type"));
            String resourceClass = r.string(m, "class", path, false).orElse(null);
            if (resourceClass != null) {
                pattern(resourceClass, RESOURCE_TYPE, m.get("class").orElseThrow(), path + ".class", "resource class");
            }
            String id = r.string(m, "id", path, false).orElse(null);
            if (id != null) {
                pattern(id, RESOURCE_ID, m.get("id").orElseThrow(), path + ".id", "resource id");
            }
            Map<String, Object> metadata = r.field(m, "metadata", path, false).flatMap(n -> r.mapping(n, path + ".metadata"))
                    .map(md -> {
                        md.get("annotations").ifPresent(a -> readAnnotations(a, path + ".metadata.annotations"));
                        return PlainValues.plainMap(md);
                    }).orElse(Map.of());
            Map<String, Object> params = r.field(m, "params", path, false).flatMap(n -> r.mapping(n, path + ".params"))
                    .map(p -> {
                        collectScalars(p, path + ".params");
                        return PlainValues.plainMap(p);
                    }).orElse(Map.of());
            return type.map(t -> new ResourceRequest(name, t, resourceClass, id, metadata, params, key.location()));
        }

        private void pattern(String value, Pattern pattern, YamlNode node, String path, String what) {
            if (!pattern.matcher(value).matches()) {
                r.error("INVALID_NAME", what + " '" + value + "' has an invalid format", node.location(), path);
            }
        }

        private void collectScalars(YamlNode node, String path) {
            if (node instanceof Mapping m) {
                m.entries().forEach(e -> collectScalars(e.value(), DocumentReader.child(path, e.key().value())));
            } else if (node instanceof Sequence s) {
                for (int i = 0; i < s.items().size(); i++) {
                    collectScalars(s.items().get(i), DocumentReader.index(path, i));
                }
            } else if (node instanceof Scalar scalar && !scalar.isNull()) {
                placeholder(scalar, path);
            }
        }

        private void placeholder(Scalar scalar, String path) {
            placeholderScalars.add(scalar);
            placeholderPaths.add(path);
        }

        /** Score placeholders may name the workload's metadata and its declared resources. */
        private void checkPlaceholders(Map<String, Object> metadata, Map<String, ResourceRequest> resources) {
            for (int i = 0; i < placeholderScalars.size(); i++) {
                Scalar scalar = placeholderScalars.get(i);
                String path = placeholderPaths.get(i);
                List<Interpolation.Occurrence> occurrences;
                try {
                    occurrences = ScorePlaceholders.references(scalar.value());
                } catch (Interpolation.SyntaxException e) {
                    r.error("INVALID_REFERENCE", e.getMessage() + " (write $${ for a literal ${)", scalar.location(), path);
                    continue;
                }
                for (Interpolation.Occurrence occurrence : occurrences) {
                    String problem = ScorePlaceholders.check(occurrence.expression(), metadata, resources.keySet());
                    if (problem != null) {
                        r.error("UNKNOWN_VARIABLE", problem, scalar.location(), path);
                    }
                }
            }
        }

        private Optional<WorkflowDefinition> readWorkflow(String application, YamlNode.Entry entry, Map<String, Object> metadata) {
            String name = entry.key().value();
            String path = DocumentReader.child(WORKFLOWS_KEY, name);
            if (!StepReader.NAME.matcher(name).matches()) {
                r.error("INVALID_NAME", "workflow name '" + name + "' must be a lowercase RFC 1123 label",
                        entry.key().location(), path);
            }
            Optional<Mapping> mapping = r.mapping(entry.value(), path);
            if (mapping.isEmpty()) {
                return Optional.empty();
            }
            Mapping m = mapping.get();
            r.checkKeys(m, path, WORKFLOW_KEYS);
            DocumentReader own = r.sibling();
            String description = own.string(m, "description", path, false).orElse("");
            Phase phase = m.get("phase").flatMap(n -> own.enumValue(n, path + ".phase", Phase::fromYaml, Phase.yamlNames()))
                    .orElse(Phase.DEPLOYMENT);
            List<Trigger> triggers = new ArrayList<>();
            own.field(m, "triggers", path, false).ifPresentOrElse(
                    n -> own.stringList(n, path + ".triggers").ifPresent(list -> list.forEach(t -> Trigger.fromYaml(t)
                            .ifPresentOrElse(triggers::add, () -> own.error("INVALID_ENUM", "'" + t + "' is not one of "
                                    + String.join(", ", Trigger.yamlNames()), n.location(), path + ".triggers")))),
                    () -> triggers.add(Trigger.ALL_DEPLOYMENTS));
            StepReader steps = new StepReader(own, new StepReader.Scope(null, false, null));
            List<ReferenceSite> variableReferences = new ArrayList<>();
            Map<String, String> variables = m.get("variables")
                    .map(n -> steps.readVariables(n, path + ".variables", variableReferences)).orElse(Map.of());
            steps.checkVariableReferences(variableReferences);
            List<StepDefinition> stepList = own.field(m, "steps", path, true)
                    .map(n -> steps.readSteps(n, path + ".steps", variables)).orElse(List.of());
            r.addAll(own.diagnostics());
            return Optional.of(new WorkflowDefinition(Tier.APPLICATION, name, String.valueOf(metadata.getOrDefault("product", "")),
                    application, description, "", phase, triggers, stepList, variables, variableReferences, m.location(),
                    r.file(), null, "", own.diagnostics()));
        }
    }
}
