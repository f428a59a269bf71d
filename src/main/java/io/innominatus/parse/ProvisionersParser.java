package io.innominatus.parse;

import io.innominatus.model.Diagnostic;
import io.innominatus.model.Interpolation;
import io.innominatus.model.Provisioner;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepDefinition;
import io.innominatus.support.PathRules;
import io.innominatus.support.YamlLoader;
import io.innominatus.support.YamlNode.Mapping;
import io.innominatus.support.YamlNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads resource provisioners: the {@code ResourceProvisioners} documents of product directories
 * ({@code products/<product>/provisioners.yaml}) and admin-config's {@code resourceDefinitions}.
 */
public final class ProvisionersParser {

    public static final String KIND = "ResourceProvisioners";
    static final List<String> ENTRY_KEYS = List.of("type", "class", "id", "description", "template", "command", "workflow");
    private static final List<String> TEMPLATE_KEYS = List.of("manifests", "outputs");
    private static final List<String> WORKFLOW_KEYS = List.of("steps", "outputs", "delete");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]");
    /** What provisioner templates may refer to, besides the usual application-level values. */
    static final Set<String> TEMPLATE_NAMESPACES = Set.of("resource", "namespace", "application", "environment", "metadata",
            "admin", "execution");

    /** The provisioners of a file and every problem found. */
    public record Result(List<Provisioner> provisioners, List<Diagnostic> diagnostics) {
        public Result {
            provisioners = List.copyOf(provisioners);
            diagnostics = List.copyOf(diagnostics);
        }
    }

    private ProvisionersParser() {}

    /** Parses {@code products/<product>/provisioners.yaml}. */
    public static Result parseProductFile(String text, String file, String product, Path baseDirectory,
            YamlLoader.Limits limits) {
        YamlLoader.Result loaded = YamlLoader.load(text, file, limits);
        DocumentReader r = new DocumentReader(file);
        r.addAll(loaded.diagnostics());
        List<Provisioner> provisioners = new ArrayList<>();
        for (YamlNode node : loaded.documents()) {
            r.mapping(node, "").ifPresent(doc -> {
                r.checkKeys(doc, "", List.of("apiVersion", "kind", "metadata", "spec"));
                r.string(doc, "apiVersion", "", true).filter(v -> !v.equals(WorkflowParser.API_VERSION)).ifPresent(v ->
                        r.error("INVALID_VALUE", "apiVersion must be " + WorkflowParser.API_VERSION,
                                doc.get("apiVersion").orElseThrow().location(), "apiVersion"));
                r.string(doc, "kind", "", true).filter(k -> !k.equals(KIND)).ifPresent(k -> r.error("KIND_MISMATCH",
                        "provisioners.yaml holds a " + KIND + " document, not " + k, doc.get("kind").orElseThrow().location(),
                        "kind"));
                r.field(doc, "metadata", "", false).flatMap(n -> r.mapping(n, "metadata")).ifPresent(m -> {
                    r.checkKeys(m, "metadata", List.of("name", "description", "owner", "product"));
                    r.string(m, "product", "metadata", false).filter(p -> !p.equals(product)).ifPresent(p -> r.error(
                            "PRODUCT_MISMATCH", "metadata.product is '" + p + "' but the file is in products/" + product + "/",
                            m.get("product").orElseThrow().location(), "metadata.product"));
                });
                r.field(doc, "spec", "", true).flatMap(n -> r.mapping(n, "spec")).ifPresent(spec -> {
                    r.checkKeys(spec, "spec", List.of("provisioners"));
                    r.field(spec, "provisioners", "spec", true).flatMap(n -> r.sequence(n, "spec.provisioners"))
                            .ifPresent(seq -> {
                                for (int i = 0; i < seq.items().size(); i++) {
                                    String path = DocumentReader.index("spec.provisioners", i);
                                    r.mapping(seq.items().get(i), path).flatMap(m -> entry(r, m, path, product, baseDirectory,
                                            null)).ifPresent(provisioners::add);
                                }
                            });
                });
            });
        }
        return new Result(provisioners, r.diagnostics());
    }

    /**
     * Reads admin-config's {@code resourceDefinitions}: {@code <type>: <label>} keeps the built-in
     * provisioner of a built-in type; {@code <type>: {template|command|workflow…}} defines one.
     */
    static List<Provisioner> readAdminDefinitions(DocumentReader r, Mapping definitions, Path baseDirectory) {
        List<Provisioner> provisioners = new ArrayList<>();
        for (YamlNode.Entry entry : definitions.entries()) {
            String type = entry.key().value();
            String path = DocumentReader.child("resourceDefinitions", type);
            if (entry.value() instanceof YamlNode.Scalar) {
                if (!Provisioner.BUILT_IN.contains(type)) {
                    r.error("UNKNOWN_PROVISIONER", "resource type '" + type + "' has no built-in provisioner (built in: "
                            + String.join(", ", Provisioner.BUILT_IN) + "); define it with template, command or workflow",
                            entry.key().location(), path);
                    continue;
                }
                provisioners.add(new Provisioner(type, null, null, "", true, r.string(entry.value(), path).orElse(""),
                        type, null, Map.of(), List.of(), List.of(), List.of(), null, entry.key().location()));
                continue;
            }
            r.mapping(entry.value(), path).flatMap(m -> entry(r, m, path, "", baseDirectory, type))
                    .ifPresent(provisioners::add);
        }
        return provisioners;
    }

    private static Optional<Provisioner> entry(DocumentReader r, Mapping m, String path, String product, Path baseDirectory,
            String typeFromKey) {
        List<String> keys = new ArrayList<>(ENTRY_KEYS);
        if (typeFromKey != null) {
            keys.remove("type");
        }
        r.checkKeys(m, path, keys);
        String type = typeFromKey != null ? typeFromKey : r.string(m, "type", path, true).orElse("");
        if (!type.isEmpty() && !TYPE.matcher(type).matches()) {
            r.error("INVALID_NAME", "resource type '" + type + "' has an invalid format", m.location(), path);
        }
        String resourceClass = r.string(m, "class", path, false).orElse(null);
        String id = r.string(m, "id", path, false).orElse(null);
        String description = r.string(m, "description", path, false).orElse("");
        List<String> ways = List.of("template", "command", "workflow").stream().filter(k -> m.get(k).isPresent()).toList();
        if (ways.size() != 1) {
            r.error("INVALID_VALUE", "a provisioner needs exactly one of template, command and workflow", m.location(), path);
            return Optional.empty();
        }
        String manifests = null;
        Map<String, String> outputs = Map.of();
        List<String> command = List.of();
        List<StepDefinition> steps = List.of();
        List<StepDefinition> deleteSteps = List.of();
        switch (ways.get(0)) {
            case "template" -> {
                String tPath = path + ".template";
                Optional<Mapping> template = r.mapping(m.get("template").orElseThrow(), tPath);
                if (template.isEmpty()) {
                    return Optional.empty();
                }
                r.checkKeys(template.get(), tPath, TEMPLATE_KEYS);
                manifests = r.string(template.get(), "manifests", tPath, false).orElse(null);
                if (manifests != null) {
                    YamlNode node = template.get().get("manifests").orElseThrow();
                    checkTemplate(r, manifests, node.location(), tPath + ".manifests", false);
                    if (!manifests.contains("\n")) {
                        checkDirectory(r, manifests, baseDirectory, node.location(), tPath + ".manifests");
                    }
                }
                outputs = templateOutputs(r, template.get(), tPath, false);
                if (manifests == null && outputs.isEmpty()) {
                    r.error("MISSING_FIELD", "a template provisioner needs manifests or outputs", template.get().location(),
                            tPath);
                }
            }
            case "command" -> command = r.stringList(m, "command", path, true).orElse(List.of());
            default -> {
                String wPath = path + ".workflow";
                Optional<Mapping> workflow = r.mapping(m.get("workflow").orElseThrow(), wPath);
                if (workflow.isEmpty()) {
                    return Optional.empty();
                }
                r.checkKeys(workflow.get(), wPath, WORKFLOW_KEYS);
                StepReader reader = new StepReader(r, new StepReader.Scope(baseDirectory, true, null, true));
                steps = r.field(workflow.get(), "steps", wPath, true)
                        .map(n -> reader.readSteps(n, wPath + ".steps", Map.of())).orElse(List.of());
                deleteSteps = workflow.get().get("delete").map(n -> reader.readSteps(n, wPath + ".delete", Map.of()))
                        .orElse(List.of());
                outputs = templateOutputs(r, workflow.get(), wPath, true);
            }
        }
        return Optional.of(new Provisioner(type, resourceClass, id, product, false, description, null, manifests, outputs,
                command, steps, deleteSteps, baseDirectory, m.location()));
    }

    private static Map<String, String> templateOutputs(DocumentReader r, Mapping m, String path, boolean stepOutputs) {
        Map<String, String> outputs = new LinkedHashMap<>(r.stringMap(m, "outputs", path, false).orElse(Map.of()));
        m.get("outputs").filter(n -> n instanceof Mapping).ifPresent(n -> ((Mapping) n).entries().forEach(e -> {
            if (e.value() instanceof YamlNode.Scalar scalar) {
                checkTemplate(r, scalar.value(), scalar.location(), path + ".outputs." + e.key().value(), stepOutputs);
            }
        }));
        return outputs;
    }

    /**
     * Templates may refer to the resource, the namespace and application-level values; the outputs of a
     * workflow provisioner also to its steps' outputs.
     */
    private static void checkTemplate(DocumentReader r, String text, SourceLocation location, String path,
            boolean stepOutputs) {
        try {
            for (Interpolation.Occurrence occurrence : Interpolation.references(text)) {
                String head = occurrence.expression().trim().split("\\.", 2)[0];
                if (!TEMPLATE_NAMESPACES.contains(head) && !(stepOutputs && head.equals("steps"))) {
                    r.error("UNKNOWN_VARIABLE", "${" + occurrence.expression().trim() + "} is not available in a provisioner "
                            + "template; use resource.<name|type|class|id|key|params.<key>|outputs.<key>>, namespace, "
                            + "application, environment, metadata, admin"
                            + (stepOutputs ? " or steps.<step>.outputs.<key>" : ""), location, path);
                }
            }
        } catch (Interpolation.SyntaxException e) {
            r.error("INVALID_REFERENCE", e.getMessage(), location, path);
        }
    }

    private static void checkDirectory(DocumentReader r, String value, Path base, SourceLocation location, String path) {
        String decoded = PathRules.decode(value);
        if (PathRules.isAbsolute(decoded) || PathRules.escapes(decoded)) {
            r.error("PATH_ESCAPE", "path '" + value + "' must stay inside the directory of the file defining the provisioner",
                    location, path);
        } else if (base != null && !java.nio.file.Files.isDirectory(base.resolve(PathRules.normalized(decoded)))) {
            r.error("PATH_NOT_FOUND", "manifests directory '" + value + "' does not exist", location, path);
        }
    }
}
