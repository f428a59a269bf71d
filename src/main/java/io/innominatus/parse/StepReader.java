package io.innominatus.parse;

import io.innominatus.model.Diagnostic;
import io.innominatus.model.Interpolation;
import io.innominatus.model.ReferenceSite;
import io.innominatus.model.RetryPolicy;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.VariableRef;
import io.innominatus.model.When;
import io.innominatus.support.CelExpressions;
import io.innominatus.support.PathRules;
import io.innominatus.support.PlainValues;
import io.innominatus.support.YamlNode.Mapping;
import io.innominatus.support.YamlNode.Scalar;
import io.innominatus.support.YamlNode.Sequence;
import io.innominatus.support.YamlNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks the steps of one workflow: names, types, dependencies (unknown targets and
 * cycles), conditions, timeouts, retries, {@code ${...}} references that can be checked without an
 * application, and file paths, which must stay inside the workflow's directory.
 */
public final class StepReader {

    public static final List<String> STEP_KEYS = List.of("name", "type", "config", "namespace", "path", "dependsOn",
            "if", "unless", "when", "timeout", "retry", "continueOnError", "outputs");
    private static final List<String> RETRY_KEYS = List.of("attempts", "backoff");
    /** Config keys whose values are file paths relative to the workflow's directory. */
    static final Set<String> PATH_KEYS = Set.of("manifests", "workingDir", "migrationPath", "migrationsPath", "playbook",
            "outputFile", "schema", "script", "chart", "valuesFile", "directory", "file", "inventory");
    public static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern TYPE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    static final int MAX_ATTEMPTS = 100;
    /**
     * The most steps a workflow may have, whatever the policies allow: dependency and reference checks
     * grow with the square of the step count, and no real workflow comes near it.
     */
    public static final int MAX_STEPS = 1000;

    /**
     * What the steps may refer to.
     *
     * @param baseDirectory directory relative paths resolve against, or null when there is none on disk
     * @param pathsAvailable false when the workflow has no directory at all (embedded in a Score file)
     * @param admin admin-config's {@code admin:} block for checking {@code ${admin.*}}, or null to skip
     */
    /**
     * Where steps are read.
     *
     * @param provisioner the steps of a workflow provisioner, which may also use the resource they
     *     provision: {@code ${resource.*}} and {@code ${namespace}}
     */
    public record Scope(Path baseDirectory, boolean pathsAvailable, Map<String, Object> admin, boolean provisioner) {

        public Scope(Path baseDirectory, boolean pathsAvailable, Map<String, Object> admin) {
            this(baseDirectory, pathsAvailable, admin, false);
        }
    }

    /** The forms of {@code ${resource.*}} a provisioner's templates and steps may use. */
    private static final java.util.regex.Pattern RESOURCE_REFERENCE = java.util.regex.Pattern.compile(
            "resource\\.(name|type|class|id|key|params(\\.[^.\\s]+)+|outputs\\.[^.\\s]+)");

    private final DocumentReader r;
    private final Scope scope;
    /** Where each step's name and dependencies are written, for precise positions in later checks. */
    private final Map<StepDefinition, StepNodes> nodes = new java.util.IdentityHashMap<>();

    private record StepNodes(SourceLocation name, SourceLocation dependsOnKey, List<SourceLocation> dependsOnItems) {}

    public StepReader(DocumentReader reader, Scope scope) {
        this.r = reader;
        this.scope = scope;
    }

    /** Reads the steps list at {@code path} and checks it as a whole. */
    public List<StepDefinition> readSteps(YamlNode node, String path, Map<String, String> variables) {
        Optional<Sequence> sequence = r.sequence(node, path);
        if (sequence.isEmpty()) {
            return List.of();
        }
        if (sequence.get().items().isEmpty()) {
            r.error("MISSING_FIELD", "a workflow needs at least one step", node.location(), path);
        }
        List<StepDefinition> steps = new ArrayList<>();
        List<String> stepPaths = new ArrayList<>();
        int count = sequence.get().items().size();
        if (count > MAX_STEPS) {
            r.error("STEP_LIMIT", "a workflow may have at most " + MAX_STEPS + " steps; this one has " + count
                    + " (the steps from here on are not read)", sequence.get().items().get(MAX_STEPS).location(),
                    DocumentReader.index(path, MAX_STEPS));
            count = MAX_STEPS;
        }
        for (int i = 0; i < count; i++) {
            String stepPath = DocumentReader.index(path, i);
            readStep(sequence.get().items().get(i), stepPath).ifPresent(step -> {
                steps.add(step);
                stepPaths.add(stepPath);
            });
        }
        checkNames(steps, stepPaths);
        checkDependencies(steps, stepPaths);
        checkReferences(steps, stepPaths, variables);
        return steps;
    }

    private Optional<StepDefinition> readStep(YamlNode node, String path) {
        Optional<Mapping> mapping = r.mapping(node, path);
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        Mapping m = mapping.get();
        r.checkKeys(m, path, STEP_KEYS);
        String name = r.string(m, "name", path, true).orElse("");
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            r.error("INVALID_NAME", "step name '" + name + "' must be a lowercase RFC 1123 label (a-z, 0-9, '-')",
                    m.get("name").orElseThrow().location(), DocumentReader.child(path, "name"));
        }
        String type = r.string(m, "type", path, true).orElse("");
        if (!type.isEmpty() && !TYPE.matcher(type).matches()) {
            r.error("INVALID_NAME", "step type '" + type + "' must be a lowercase name (a-z, 0-9, '-')",
                    m.get("type").orElseThrow().location(), DocumentReader.child(path, "type"));
        }
        List<ReferenceSite> references = new ArrayList<>();
        Map<String, Object> config = Map.of();
        Optional<YamlNode> configNode = r.field(m, "config", path, false);
        if (configNode.isPresent()) {
            String configPath = DocumentReader.child(path, "config");
            Optional<Mapping> configMap = r.mapping(configNode.get(), configPath);
            if (configMap.isPresent()) {
                config = PlainValues.plainMap(configMap.get());
                scanStrings(configMap.get(), configPath, references, null);
            }
        }
        String namespace = r.string(m, "namespace", path, false).orElse(null);
        m.get("namespace").ifPresent(n -> scanStrings(n, DocumentReader.child(path, "namespace"), references, null));
        String stepPath = r.string(m, "path", path, false).orElse(null);
        m.get("path").ifPresent(n -> scanStrings(n, DocumentReader.child(path, "path"), references, "path"));
        List<String> dependsOn = r.stringList(m, "dependsOn", path, false).orElse(List.of());
        String ifCondition = condition(m, "if", path);
        String unlessCondition = condition(m, "unless", path);
        When when = r.field(m, "when", path, false)
                .flatMap(n -> r.enumValue(n, DocumentReader.child(path, "when"), When::fromYaml, When.yamlNames()))
                .orElse(When.ON_SUCCESS);
        Duration timeout = r.duration(m, "timeout", path, false).orElse(null);
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            r.error("INVALID_VALUE", "timeout must be positive", m.get("timeout").orElseThrow().location(),
                    DocumentReader.child(path, "timeout"));
            timeout = null;
        }
        RetryPolicy retry = r.field(m, "retry", path, false).map(n -> readRetry(n, DocumentReader.child(path, "retry")))
                .orElse(RetryPolicy.NONE);
        boolean continueOnError = r.bool(m, "continueOnError", path, false).orElse(false);
        List<String> outputs = r.stringList(m, "outputs", path, false).orElse(List.of());
        StepDefinition step = new StepDefinition(name, type, config, namespace, stepPath, dependsOn, ifCondition,
                unlessCondition, when, timeout, retry, continueOnError, outputs, m.location(), references);
        SourceLocation nameLocation = m.get("name").map(YamlNode::location).orElse(m.location());
        SourceLocation dependsOnKey = m.entry("dependsOn").map(e -> e.key().location()).orElse(m.location());
        List<SourceLocation> items = m.get("dependsOn")
                .map(n -> n instanceof Sequence s ? s.items().stream().map(YamlNode::location).toList() : List.of(n.location()))
                .orElse(List.of());
        nodes.put(step, new StepNodes(nameLocation, dependsOnKey, items));
        return Optional.of(step);
    }

    private SourceLocation dependsOnItem(StepDefinition step, int index) {
        List<SourceLocation> items = nodes.get(step).dependsOnItems();
        return index < items.size() ? items.get(index) : nodes.get(step).dependsOnKey();
    }

    /** A CEL condition, compiled now so that its errors are reported with the document's other problems. */
    private String condition(Mapping m, String key, String path) {
        Optional<String> expression = r.string(m, key, path, false);
        expression.ifPresent(e -> {
            SourceLocation location = m.get(key).orElseThrow().location();
            if (!r.spendOnExpression(e.length())) {
                r.error("EXPRESSION_LIMIT", "the file holds more than " + DocumentReader.MAX_EXPRESSION_CHARS
                        + " characters of CEL expressions; this one is not checked", location, DocumentReader.child(path, key));
                return;
            }
            CelExpressions.check(e, CelExpressions.CONDITION_VARIABLES).ifPresent(problem ->
                    r.error("INVALID_CONDITION", "'" + key + "' is not a valid CEL boolean expression: " + problem.message()
                            + " (at " + problem.line() + ":" + problem.column() + " of the expression)",
                            location, DocumentReader.child(path, key)));
        });
        return expression.orElse(null);
    }

    private RetryPolicy readRetry(YamlNode node, String path) {
        if (node instanceof Scalar) {
            return r.integer(node, path).map(a -> attempts(a, node, DocumentReader.child(path, "attempts")))
                    .map(a -> new RetryPolicy(a, RetryPolicy.NONE.backoff())).orElse(RetryPolicy.NONE);
        }
        Optional<Mapping> mapping = r.mapping(node, path);
        if (mapping.isEmpty()) {
            return RetryPolicy.NONE;
        }
        r.checkKeys(mapping.get(), path, RETRY_KEYS);
        int attempts = r.integer(mapping.get(), "attempts", path, true)
                .map(a -> attempts(a, mapping.get().get("attempts").orElseThrow(), DocumentReader.child(path, "attempts")))
                .orElse(1);
        Duration backoff = r.duration(mapping.get(), "backoff", path, false).orElse(RetryPolicy.NONE.backoff());
        return new RetryPolicy(attempts, backoff);
    }

    private int attempts(long value, YamlNode node, String path) {
        if (value < 1 || value > MAX_ATTEMPTS) {
            r.error("INVALID_VALUE", "attempts must be between 1 and " + MAX_ATTEMPTS, node.location(), path);
            return 1;
        }
        return (int) value;
    }

    private static final java.util.regex.Pattern REMOTE = java.util.regex.Pattern.compile(
            "(https?|oci|git|git\\+https|git\\+ssh|ssh|s3|gs)://[^\\s]+$");

    /** Collects the references of every string under {@code node} and checks path-valued strings. */
    private void scanStrings(YamlNode node, String path, List<ReferenceSite> references, String key) {
        if (node instanceof Mapping m) {
            for (YamlNode.Entry e : m.entries()) {
                scanStrings(e.value(), DocumentReader.child(path, e.key().value()), references, e.key().value());
            }
        } else if (node instanceof Sequence s) {
            // Items of a path-valued list (manifests: [a, b]) are paths as well.
            String itemKey = key != null && (key.equals("path") || PATH_KEYS.contains(key)) ? key : null;
            for (int i = 0; i < s.items().size(); i++) {
                scanStrings(s.items().get(i), DocumentReader.index(path, i), references, itemKey);
            }
        } else if (node instanceof Scalar scalar && !scalar.isNull()) {
            collectReferences(scalar, path, references);
            boolean pathField = key != null && (key.equals("path") || PATH_KEYS.contains(key));
            String value = scalar.value();
            if (pathField && (key.equals("migrationPath") || key.equals("migrationsPath")) && value.startsWith("filesystem:")) {
                value = value.substring("filesystem:".length());
            }
            if ("inventory".equals(key) && value.contains(",")) {
                // An inline host list such as "localhost," rather than an inventory file.
                pathField = false;
            }
            checkPath(value, scalar.location(), path, pathField, !"outputFile".equals(key));
        }
    }

    /** Adds the {@code ${...}} references in a scalar, reporting malformed ones. */
    void collectReferences(Scalar scalar, String path, List<ReferenceSite> references) {
        try {
            for (Interpolation.Occurrence occurrence : Interpolation.references(scalar.value())) {
                references.add(new ReferenceSite(occurrence.expression().trim(), scalar.location(), path));
            }
        } catch (Interpolation.SyntaxException e) {
            r.error("INVALID_REFERENCE", e.getMessage() + " in '" + scalar.value() + "' (write $${ for a literal ${)",
                    scalar.location(), path);
        }
    }

    /** @param existing whether the path names something that must exist before the step runs (not a file it writes) */
    private void checkPath(String value, SourceLocation location, String fieldPath, boolean pathField, boolean existing) {
        // Remote references (a chart or module URL) are no paths; anything else with "://" or a line break is checked.
        if (value.contains("${") || REMOTE.matcher(value).lookingAt()) {
            return;
        }
        // Line breaks are shown escaped: a diagnostic is one line.
        String shown = value.replace("\n", "\\n").replace("\r", "\\r");
        String decoded = PathRules.decode(value);
        boolean relativeMarker = PathRules.looksRelative(decoded);
        if (!pathField && !relativeMarker) {
            // Any other string that climbs out with ".." segments (sub/../../x, a program path) is an escape too.
            if (PathRules.hasParentSegment(decoded) && !PathRules.isAbsolute(decoded) && PathRules.escapes(decoded)) {
                r.error("PATH_ESCAPE", "path '" + shown + "' leaves the workflow's directory", location, fieldPath);
            }
            return;
        }
        if (!PathRules.isUsable(decoded)) {
            r.error("INVALID_PATH", "path '" + shown + "' contains a character that cannot be part of a file name",
                    location, fieldPath);
            return;
        }
        if (PathRules.isAbsolute(decoded)) {
            r.error("PATH_ESCAPE", "absolute path '" + shown + "' is not allowed; use a path relative to the "
                    + "workflow file's directory", location, fieldPath);
            return;
        }
        if (PathRules.escapes(decoded)) {
            r.error("PATH_ESCAPE", "path '" + shown + "' leaves the workflow's directory", location, fieldPath);
            return;
        }
        if (!scope.pathsAvailable()) {
            r.error("PATH_UNAVAILABLE", "relative path '" + shown + "' cannot be used here: workflows embedded in a "
                    + "Score file have no directory", location, fieldPath);
            return;
        }
        if (scope.baseDirectory() != null) {
            Path target = scope.baseDirectory().resolve(PathRules.normalized(decoded)).normalize();
            if (PathRules.leavesThroughLinks(scope.baseDirectory(), target)) {
                r.error("PATH_ESCAPE", "path '" + shown + "' resolves (through a symbolic link) outside the "
                        + "workflow's directory", location, fieldPath);
            } else if (!Files.exists(target) && existing) {
                r.warning("PATH_NOT_FOUND", "path '" + shown + "' does not exist in " + scope.baseDirectory().getFileName(),
                        location, fieldPath);
            }
        }
    }

    private void checkNames(List<StepDefinition> steps, List<String> paths) {
        Map<String, StepDefinition> seen = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition step = steps.get(i);
            if (step.name().isEmpty()) {
                continue;
            }
            StepDefinition first = seen.putIfAbsent(step.name(), step);
            if (first != null) {
                r.error("DUPLICATE_STEP", "step name '" + step.name() + "' is already used at line "
                        + nodes.get(first).name().line(), nodes.get(step).name(), DocumentReader.child(paths.get(i), "name"));
            }
        }
    }

    private void checkDependencies(List<StepDefinition> steps, List<String> paths) {
        Set<String> names = new LinkedHashSet<>();
        steps.forEach(s -> names.add(s.name()));
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition step = steps.get(i);
            for (int j = 0; j < step.dependsOn().size(); j++) {
                String target = step.dependsOn().get(j);
                String path = DocumentReader.index(DocumentReader.child(paths.get(i), "dependsOn"), j);
                if (target.equals(step.name())) {
                    r.error("DEPENDENCY_CYCLE", "step '" + step.name() + "' depends on itself", dependsOnItem(step, j), path);
                } else if (!names.contains(target)) {
                    r.error("UNKNOWN_DEPENDENCY", "step '" + step.name() + "' depends on unknown step '" + target + "'"
                            + r.hint(target, names), dependsOnItem(step, j), path);
                }
            }
        }
        for (List<String> cycle : StepGraph.cycles(steps)) {
            StepDefinition first = steps.stream().filter(s -> s.name().equals(cycle.get(0))).findFirst().orElseThrow();
            int index = steps.indexOf(first);
            r.error("DEPENDENCY_CYCLE", "dependency cycle: " + String.join(" -> ", cycle),
                    nodes.get(first).dependsOnKey(), DocumentReader.child(paths.get(index), "dependsOn"));
        }
    }

    private void checkReferences(List<StepDefinition> steps, List<String> paths, Map<String, String> variables) {
        Map<String, StepDefinition> byName = new LinkedHashMap<>();
        steps.forEach(s -> byName.putIfAbsent(s.name(), s));
        boolean parallel = steps.stream().anyMatch(s -> !s.dependsOn().isEmpty());
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition step = steps.get(i);
            int index = i;
            // Only references to other steps need to know which steps run before; computed once, when needed.
            java.util.function.Supplier<Set<String>> before = new java.util.function.Supplier<>() {
                private Set<String> value;

                @Override
                public Set<String> get() {
                    if (value == null) {
                        value = parallel ? StepGraph.ancestors(steps, step.name()) : previous(steps, index);
                    }
                    return value;
                }
            };
            for (ReferenceSite site : step.references()) {
                if (scope.provisioner() && provisionerReference(site)) {
                    continue;
                }
                VariableRef ref;
                try {
                    ref = VariableRef.parse(site.expression());
                } catch (IllegalArgumentException e) {
                    r.error("UNKNOWN_VARIABLE", e.getMessage(), site.location(), site.fieldPath());
                    continue;
                }
                checkStaticReference(ref, site, step, byName, before, variables);
            }
        }
    }

    /** Checks a provisioner's own reference ({@code resource.*}, {@code namespace}); false for any other. */
    private boolean provisionerReference(ReferenceSite site) {
        String expression = site.expression().trim();
        if (expression.equals("namespace")) {
            return true;
        }
        if (!expression.equals("resource") && !expression.startsWith("resource.")) {
            return false;
        }
        if (!RESOURCE_REFERENCE.matcher(expression).matches()) {
            r.error("UNKNOWN_VARIABLE", "${" + expression + "} is not a reference to the resource; use "
                    + "resource.<name|type|class|id|key|params.<key>|outputs.<key>>", site.location(), site.fieldPath());
        }
        return true;
    }

    private void checkStaticReference(VariableRef ref, ReferenceSite site, StepDefinition step,
            Map<String, StepDefinition> byName, java.util.function.Supplier<Set<String>> before,
            Map<String, String> variables) {
        if (ref instanceof VariableRef.WorkflowVariable v && !variables.containsKey(v.key())) {
            r.error("UNKNOWN_VARIABLE", "${" + site.expression() + "}: workflow variable '" + v.key()
                    + "' is not declared in spec.variables" + r.hint(v.key(), variables.keySet()),
                    site.location(), site.fieldPath());
        } else if (ref instanceof VariableRef.StepOutput o) {
            StepDefinition source = byName.get(o.step());
            if (source == null) {
                r.error("UNKNOWN_VARIABLE", "${" + site.expression() + "}: no step named '" + o.step() + "'"
                        + r.hint(o.step(), byName.keySet()), site.location(), site.fieldPath());
            } else if (!before.get().contains(o.step())) {
                r.error("UNKNOWN_VARIABLE", "${" + site.expression() + "}: step '" + o.step()
                        + "' does not run before step '" + step.name() + "'" + (step.dependsOn().isEmpty() ? ""
                        : " (add it to dependsOn)"), site.location(), site.fieldPath());
            } else if (!source.outputs().isEmpty() && !source.outputs().contains(o.key())) {
                r.error("UNKNOWN_VARIABLE", "${" + site.expression() + "}: step '" + o.step() + "' declares no output '"
                        + o.key() + "'" + r.hint(o.key(), source.outputs()), site.location(), site.fieldPath());
            }
        } else if (ref instanceof VariableRef.TerraformOutput) {
            boolean terraformBefore = before.get().stream().map(byName::get)
                    .anyMatch(s -> s != null && s.type().equals("terraform"));
            if (!terraformBefore) {
                r.error("UNKNOWN_VARIABLE", "${" + site.expression() + "}: no terraform step runs before step '"
                        + step.name() + "'", site.location(), site.fieldPath());
            }
        } else if (ref instanceof VariableRef.Admin a && scope.admin() != null && PlainValues.lookup(scope.admin(), a.path()).isEmpty()) {
            r.error("UNKNOWN_VARIABLE", "${" + site.expression() + "}: admin-config has no admin." + String.join(".", a.path())
                    + r.hint(a.path().get(0), scope.admin().keySet()), site.location(), site.fieldPath());
        }
    }

    /** Checks references inside {@code spec.variables}, which may only use application-level values. */
    public void checkVariableReferences(List<ReferenceSite> sites) {
        for (ReferenceSite site : sites) {
            VariableRef ref;
            try {
                ref = VariableRef.parse(site.expression());
            } catch (IllegalArgumentException e) {
                r.error("UNKNOWN_VARIABLE", e.getMessage(), site.location(), site.fieldPath());
                continue;
            }
            if (ref instanceof VariableRef.WorkflowVariable || ref instanceof VariableRef.StepOutput
                    || ref instanceof VariableRef.TerraformOutput) {
                r.error("INVALID_REFERENCE", "${" + site.expression() + "} is not available in spec.variables; "
                        + "variables may use application, metadata, environment, admin, resources and execution values",
                        site.location(), site.fieldPath());
            } else if (ref instanceof VariableRef.Admin a && scope.admin() != null && PlainValues.lookup(scope.admin(), a.path()).isEmpty()) {
                r.error("UNKNOWN_VARIABLE", "${" + site.expression() + "}: admin-config has no admin."
                        + String.join(".", a.path()), site.location(), site.fieldPath());
            }
        }
    }

    /** Reads {@code spec.variables} (scalar values), collecting their references. */
    public Map<String, String> readVariables(YamlNode node, String path, List<ReferenceSite> references) {
        Map<String, String> variables = new LinkedHashMap<>();
        r.mapping(node, path).ifPresent(m -> {
            for (YamlNode.Entry entry : m.entries()) {
                String key = entry.key().value();
                String entryPath = DocumentReader.child(path, key);
                if (!key.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
                    r.error("INVALID_NAME", "variable name '" + key + "' must start with a letter or '_' and contain "
                            + "only letters, digits, '_' and '-'", entry.key().location(), entryPath);
                }
                r.string(entry.value(), entryPath).ifPresent(value -> {
                    variables.put(key, value);
                    collectReferences((Scalar) entry.value(), entryPath, references);
                });
            }
        });
        return variables;
    }

    private static Set<String> previous(List<StepDefinition> steps, int index) {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < index; i++) {
            names.add(steps.get(i).name());
        }
        return names;
    }

    public List<Diagnostic> diagnostics() {
        return r.diagnostics();
    }
}
