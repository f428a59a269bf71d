package io.innominatus.parse;

import io.innominatus.model.Diagnostic;
import io.innominatus.model.Phase;
import io.innominatus.model.PolicyDocument;
import io.innominatus.model.PolicyRules;
import io.innominatus.model.ReferenceSite;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.Tier;
import io.innominatus.model.Trigger;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.support.YamlLoader;
import io.innominatus.support.YamlNode.Mapping;
import io.innominatus.support.YamlNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses catalog documents ({@code apiVersion: workflow.dev/v1}): {@code PlatformWorkflow},
 * {@code ProductWorkflow} and {@code WorkflowPolicies}. A file may hold several documents.
 */
public final class WorkflowParser {

    public static final String API_VERSION = "workflow.dev/v1";
    public static final String PLATFORM_KIND = "PlatformWorkflow";
    public static final String PRODUCT_KIND = "ProductWorkflow";
    public static final String POLICIES_KIND = "WorkflowPolicies";
    public static final List<String> KINDS = List.of(PLATFORM_KIND, PRODUCT_KIND, POLICIES_KIND);
    private static final List<String> TOP_KEYS = List.of("apiVersion", "kind", "metadata", "spec");
    private static final List<String> PLATFORM_METADATA = List.of("name", "description", "owner", "phase");
    private static final List<String> PRODUCT_METADATA = List.of("name", "description", "owner", "phase", "product");
    private static final List<String> POLICY_METADATA = List.of("name", "description", "owner");
    private static final List<String> SPEC_KEYS = List.of("triggers", "steps", "variables");

    /**
     * Where a file comes from.
     *
     * @param file path shown in diagnostics (relative to the catalog root)
     * @param expectedKind the kind its directory requires, or null when any kind is accepted
     * @param productDirectory the product directory it is in, or null
     * @param baseDirectory its directory on disk, or null when it has none
     * @param admin admin-config's {@code admin:} block, or null to skip checking {@code ${admin.*}}
     */
    public record Source(String file, String expectedKind, String productDirectory, Path baseDirectory,
            Map<String, Object> admin) {}

    /** One document of a file: a workflow, a policy document, or neither when it could not be identified. */
    public record ParsedDocument(Optional<WorkflowDefinition> workflow, Optional<PolicyDocument> policy,
            List<Diagnostic> diagnostics) {
        public ParsedDocument {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    private WorkflowParser() {}

    public static List<ParsedDocument> parse(String text, Source source, YamlLoader.Limits limits) {
        YamlLoader.Result loaded = YamlLoader.load(text, source.file(), limits);
        if (loaded.documents().isEmpty()) {
            List<Diagnostic> diagnostics = new ArrayList<>(loaded.diagnostics());
            if (diagnostics.isEmpty()) {
                diagnostics.add(Diagnostic.error("EMPTY_DOCUMENT", "the file contains no YAML document",
                        SourceLocation.ofFile(source.file()), ""));
            }
            return List.of(new ParsedDocument(Optional.empty(), Optional.empty(), diagnostics));
        }
        List<ParsedDocument> parsed = new ArrayList<>();
        DocumentReader first = new DocumentReader(source.file());
        for (int i = 0; i < loaded.documents().size(); i++) {
            DocumentReader reader = i == 0 ? first : first.sibling();
            if (i == 0) {
                reader.addAll(loaded.diagnostics());
            }
            parsed.add(parseDocument(loaded.documents().get(i), text, source, reader));
        }
        return parsed;
    }

    private static ParsedDocument parseDocument(YamlNode node, String text, Source source, DocumentReader r) {
        Optional<Mapping> root = r.mapping(node, "");
        if (root.isEmpty()) {
            return new ParsedDocument(Optional.empty(), Optional.empty(), r.diagnostics());
        }
        Mapping doc = root.get();
        r.checkKeys(doc, "", TOP_KEYS);
        r.string(doc, "apiVersion", "", true).ifPresent(v -> {
            if (!v.equals(API_VERSION)) {
                r.error("INVALID_VALUE", "apiVersion must be " + API_VERSION + " but is '" + v + "'",
                        doc.get("apiVersion").orElseThrow().location(), "apiVersion");
            }
        });
        Optional<String> kind = doc.get("kind").isPresent()
                ? doc.get("kind").flatMap(n -> r.enumValue(n, "kind", k -> Optional.of(k).filter(KINDS::contains), KINDS))
                : Optional.empty();
        if (doc.get("kind").isEmpty()) {
            r.error("MISSING_FIELD", "required field 'kind' is missing (one of " + String.join(", ", KINDS) + ")",
                    doc.location(), "kind");
        }
        if (kind.isEmpty()) {
            return new ParsedDocument(Optional.empty(), Optional.empty(), r.diagnostics());
        }
        if (source.expectedKind() != null && !kind.get().equals(source.expectedKind())) {
            r.error("KIND_MISMATCH", "a " + kind.get() + " does not belong in this directory; expected "
                    + source.expectedKind(), doc.get("kind").orElseThrow().location(), "kind");
        }
        if (kind.get().equals(POLICIES_KIND)) {
            return parsePolicies(doc, source, r);
        }
        Tier tier = kind.get().equals(PLATFORM_KIND) ? Tier.PLATFORM : Tier.PRODUCT;
        return parseWorkflow(doc, text, source, tier, r);
    }

    private static ParsedDocument parseWorkflow(Mapping doc, String text, Source source, Tier tier, DocumentReader r) {
        Optional<Mapping> metadata = r.field(doc, "metadata", "", true).flatMap(n -> r.mapping(n, "metadata"));
        String name = "";
        String description = "";
        String owner = "";
        String product = "";
        Phase phase = Phase.DEPLOYMENT;
        if (metadata.isPresent()) {
            Mapping m = metadata.get();
            r.checkKeys(m, "metadata", tier == Tier.PLATFORM ? PLATFORM_METADATA : PRODUCT_METADATA);
            name = r.string(m, "name", "metadata", true).orElse("");
            if (!name.isEmpty() && !StepReader.NAME.matcher(name).matches()) {
                r.error("INVALID_NAME", "workflow name '" + name + "' must be a lowercase RFC 1123 label "
                        + "(a-z, 0-9, '-', at most 63 characters)", m.get("name").orElseThrow().location(), "metadata.name");
            }
            description = r.string(m, "description", "metadata", false).orElse("");
            owner = r.string(m, "owner", "metadata", false).orElse("");
            if (owner.isEmpty()) {
                r.warning("MISSING_OWNER", "metadata.owner is not set; owners are shown to product teams and "
                        + "decide who may change the workflow", m.location(), "metadata.owner");
            }
            phase = r.field(m, "phase", "metadata", true)
                    .flatMap(n -> r.enumValue(n, "metadata.phase", Phase::fromYaml, Phase.yamlNames()))
                    .orElse(Phase.DEPLOYMENT);
            if (tier == Tier.PRODUCT) {
                product = r.string(m, "product", "metadata", true).orElse("");
                if (!product.isEmpty() && source.productDirectory() != null && !product.equals(source.productDirectory())) {
                    r.error("PRODUCT_MISMATCH", "metadata.product is '" + product + "' but the file is in products/"
                            + source.productDirectory() + "/", m.get("product").orElseThrow().location(), "metadata.product");
                }
                if (product.isEmpty() && source.productDirectory() != null) {
                    product = source.productDirectory();
                }
            }
        }
        if (name.isEmpty()) {
            return new ParsedDocument(Optional.empty(), Optional.empty(), r.diagnostics());
        }
        List<Trigger> triggers = List.of();
        List<StepDefinition> steps = List.of();
        java.util.Map<String, String> variables = java.util.Map.of();
        List<ReferenceSite> variableReferences = new ArrayList<>();
        Optional<Mapping> spec = r.field(doc, "spec", "", true).flatMap(n -> r.mapping(n, "spec"));
        if (spec.isPresent()) {
            Mapping s = spec.get();
            r.checkKeys(s, "spec", SPEC_KEYS);
            triggers = readTriggers(r, s);
            StepReader steps0 = new StepReader(r, new StepReader.Scope(source.baseDirectory(), true, source.admin()));
            variables = s.get("variables").map(n -> steps0.readVariables(n, "spec.variables", variableReferences))
                    .orElse(java.util.Map.of());
            steps0.checkVariableReferences(variableReferences);
            Map<String, String> declared = variables;
            steps = r.field(s, "steps", "spec", true).map(n -> steps0.readSteps(n, "spec.steps", declared)).orElse(List.of());
        }
        SourceLocation location = metadata.flatMap(m -> m.get("name")).map(YamlNode::location).orElse(doc.location());
        WorkflowDefinition workflow = new WorkflowDefinition(tier, name, product, "", description, owner, phase, triggers,
                steps, variables, variableReferences, location, source.file(), source.baseDirectory(), text,
                r.diagnostics());
        return new ParsedDocument(Optional.of(workflow), Optional.empty(), r.diagnostics());
    }

    static List<Trigger> readTriggers(DocumentReader r, Mapping spec) {
        Optional<YamlNode> node = r.field(spec, "triggers", "spec", true);
        if (node.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<Trigger> triggers = new LinkedHashSet<>();
        Optional<YamlNode.Sequence> sequence = node.get() instanceof YamlNode.Scalar
                ? Optional.of(new YamlNode.Sequence(List.of(node.get()), node.get().location()))
                : r.sequence(node.get(), "spec.triggers");
        sequence.ifPresent(seq -> {
            if (seq.items().isEmpty()) {
                r.error("MISSING_FIELD", "a workflow needs at least one trigger (" + String.join(", ", Trigger.yamlNames())
                        + ")", seq.location(), "spec.triggers");
            }
            for (int i = 0; i < seq.items().size(); i++) {
                r.enumValue(seq.items().get(i), DocumentReader.index("spec.triggers", i), Trigger::fromYaml,
                        Trigger.yamlNames()).ifPresent(triggers::add);
            }
        });
        return List.copyOf(triggers);
    }

    private static ParsedDocument parsePolicies(Mapping doc, Source source, DocumentReader r) {
        Optional<Mapping> metadata = r.field(doc, "metadata", "", true).flatMap(n -> r.mapping(n, "metadata"));
        String name = "";
        String description = "";
        String owner = "";
        if (metadata.isPresent()) {
            r.checkKeys(metadata.get(), "metadata", POLICY_METADATA);
            name = r.string(metadata.get(), "name", "metadata", true).orElse("");
            description = r.string(metadata.get(), "description", "metadata", false).orElse("");
            owner = r.string(metadata.get(), "owner", "metadata", false).orElse("");
        }
        Optional<Mapping> spec = r.field(doc, "spec", "", true).flatMap(n -> r.mapping(n, "spec"));
        PolicyRules rules = spec.map(s -> PolicyRulesReader.read(r, s, "spec", source.file(), List.of("resources"), null))
                .orElse(PolicyRules.none(source.file()));
        PolicyDocument policy = new PolicyDocument(name, description, owner, source.file(), rules);
        return new ParsedDocument(Optional.empty(), Optional.of(policy), r.diagnostics());
    }
}
