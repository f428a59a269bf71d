package io.innominatus.parse;

import io.innominatus.model.AdminConfig;
import io.innominatus.model.Diagnostic;
import io.innominatus.model.HealthCheck;
import io.innominatus.model.PolicyRule;
import io.innominatus.model.PolicyRules;
import io.innominatus.model.SourceLocation;
import io.innominatus.model.StepTypeRegistration;
import io.innominatus.model.StepTypes;
import io.innominatus.support.CelExpressions;
import io.innominatus.support.EnvironmentReferences;
import io.innominatus.support.PathRules;
import io.innominatus.support.PlainValues;
import io.innominatus.support.YamlLoader;
import io.innominatus.support.YamlNode.Mapping;
import io.innominatus.support.YamlNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Parses {@code admin-config.yaml}. */
public final class AdminConfigParser {

    static final List<String> CORE_KEYS = List.of("admin", "resourceDefinitions", "publishedProvisioners", "policies",
            "workflowPolicies", "healthChecks", "stepTypes", "policyRules", "environments");
    /** Blocks for integrations that innominatus keeps as plain data. */
    static final List<String> INTEGRATION_KEYS = List.of("gitea", "argocd", "vault", "keycloak", "minio", "prometheus",
            "grafana", "kubernetesDashboard", "providers");
    private static final List<String> POLICIES_KEYS = List.of("enforceBackups", "allowedEnvironments");
    private static final List<String> HEALTH_KINDS = List.of("http", "tcp", "grpc");
    private static final List<String> STEP_TYPE_KEYS = List.of("description", "command", "webhook");
    private static final List<String> WEBHOOK_KEYS = List.of("url", "timeout", "headers");
    /** An HTTP header name (RFC 9110 token). */
    private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the HTTP client or the step protocol sets itself. */
    private static final Set<String> RESERVED_HEADERS = Set.of("connection", "content-length", "content-type", "expect",
            "host", "idempotency-key", "upgrade");
    public static final String DEFAULT_WORKFLOWS_ROOT = "./workflows";

    /** The parsed config (absent when the file could not be read at all) and every problem found. */
    public record Result(Optional<AdminConfig> config, List<Diagnostic> diagnostics) {
        public boolean hasErrors() {
            return Diagnostic.anyError(diagnostics);
        }
    }

    private AdminConfigParser() {}

    /**
     * Checks every {@code ${env:NAME}} in the admin values: a malformed reference is an error; a variable
     * the process does not have is a warning here (plans whose steps use the value are blocked).
     */
    private static void checkEnvironmentReferences(DocumentReader r, YamlNode node, String path) {
        if (node instanceof YamlNode.Mapping m) {
            for (YamlNode.Entry e : m.entries()) {
                checkEnvironmentReferences(r, e.value(), DocumentReader.child(path, e.key().value()));
            }
        } else if (node instanceof YamlNode.Sequence s) {
            for (int i = 0; i < s.items().size(); i++) {
                checkEnvironmentReferences(r, s.items().get(i), DocumentReader.index(path, i));
            }
        } else if (node instanceof YamlNode.Scalar scalar && EnvironmentReferences.contains(scalar.value())) {
            Optional<String> problem = EnvironmentReferences.problem(scalar.value());
            if (problem.isPresent()) {
                r.error("INVALID_ENV_REFERENCE", problem.get() + "; write ${env:NAME}", scalar.location(), path);
                return;
            }
            for (String name : EnvironmentReferences.unset(scalar.value(), System::getenv)) {
                r.warning("ENVIRONMENT_VARIABLE_UNSET", "environment variable " + name + " is not set; plans whose steps "
                        + "use ${" + path + "} are blocked until it is", scalar.location(), path);
            }
        }
    }

    /**
     * @param file the name shown in diagnostics
     * @param directory the directory the admin config is in; relative paths resolve against it
     */
    public static Result parse(String text, String file, Path directory, YamlLoader.Limits limits) {
        YamlLoader.Result loaded = YamlLoader.load(text, file, limits);
        DocumentReader r = new DocumentReader(file);
        r.addAll(loaded.diagnostics());
        if (loaded.documents().isEmpty()) {
            if (!r.hasErrors()) {
                r.error("EMPTY_DOCUMENT", "the admin config is empty", SourceLocation.ofFile(file), "");
            }
            return new Result(Optional.empty(), r.diagnostics());
        }
        if (loaded.documents().size() > 1) {
            r.error("MULTIPLE_DOCUMENTS", "the admin config must be a single YAML document",
                    loaded.documents().get(1).location(), "");
        }
        Optional<Mapping> root = r.mapping(loaded.documents().get(0), "");
        if (root.isEmpty()) {
            return new Result(Optional.empty(), r.diagnostics());
        }
        Mapping doc = root.get();
        List<String> known = new java.util.ArrayList<>(CORE_KEYS);
        known.addAll(INTEGRATION_KEYS);
        for (YamlNode.Entry entry : doc.entries()) {
            String key = entry.key().value();
            if (!known.contains(key)) {
                r.warning("UNKNOWN_KEY", "unknown top-level key '" + key + "' is ignored" + r.hint(key, known),
                        entry.key().location(), key);
            }
        }
        Map<String, Object> admin = doc.get("admin").flatMap(n -> r.mapping(n, "admin"))
                .map(PlainValues::plainMap).orElse(Map.of());
        doc.get("admin").ifPresent(n -> checkEnvironmentReferences(r, n, "admin"));
        List<io.innominatus.model.Provisioner> provisioners = doc.get("resourceDefinitions")
                .flatMap(n -> r.mapping(n, "resourceDefinitions"))
                .map(m -> ProvisionersParser.readAdminDefinitions(r, m, directory)).orElse(List.of());
        java.util.Set<String> published = new java.util.TreeSet<>(r.stringList(doc, "publishedProvisioners", "", false)
                .orElse(List.of()));

        List<String> allowedEnvironments = null;
        Optional<Mapping> policies = r.field(doc, "policies", "", false).flatMap(n -> r.mapping(n, "policies"));
        if (policies.isPresent()) {
            for (YamlNode.Entry entry : policies.get().entries()) {
                if (!POLICIES_KEYS.contains(entry.key().value())) {
                    r.warning("UNKNOWN_KEY", "unknown key '" + entry.key().value() + "' in policies is ignored"
                            + r.hint(entry.key().value(), POLICIES_KEYS), entry.key().location(),
                            "policies." + entry.key().value());
                }
            }
            r.bool(policies.get(), "enforceBackups", "policies", false);
            allowedEnvironments = r.stringList(policies.get(), "allowedEnvironments", "policies", false).orElse(null);
        }

        Path workflowsRoot = directory.resolve(DEFAULT_WORKFLOWS_ROOT).normalize();
        PolicyRules rules;
        Optional<Mapping> workflowPolicies = r.field(doc, "workflowPolicies", "", false)
                .flatMap(n -> r.mapping(n, "workflowPolicies"));
        if (workflowPolicies.isPresent()) {
            rules = PolicyRulesReader.read(r, workflowPolicies.get(), "workflowPolicies", file, List.of("workflowsRoot"),
                    allowedEnvironments);
            Optional<String> root0 = r.string(workflowPolicies.get(), "workflowsRoot", "workflowPolicies", false);
            if (root0.isPresent()) {
                if (PathRules.isUsable(root0.get())) {
                    workflowsRoot = directory.resolve(root0.get()).normalize();
                } else {
                    r.error("INVALID_PATH", "workflowsRoot '" + root0.get() + "' contains a character that cannot be part "
                            + "of a file name", workflowPolicies.get().get("workflowsRoot").orElseThrow().location(),
                            "workflowPolicies.workflowsRoot");
                }
            }
        } else {
            rules = new PolicyRules(file, null, null, null, null, null, null, null, null, allowedEnvironments, null,
                    null, null, null);
        }
        Map<String, HealthCheck> healthChecks = r.field(doc, "healthChecks", "", false)
                .flatMap(n -> r.mapping(n, "healthChecks")).map(m -> readHealthChecks(r, m)).orElse(Map.of());
        Map<String, StepTypeRegistration> stepTypes = r.field(doc, "stepTypes", "", false)
                .flatMap(n -> r.mapping(n, "stepTypes")).map(m -> readStepTypes(r, m)).orElse(Map.of());
        Map<String, Object> integrations = new LinkedHashMap<>();
        for (String key : INTEGRATION_KEYS) {
            doc.get(key).ifPresent(n -> integrations.put(key, PlainValues.plain(n)));
        }
        Map<String, PolicyRule> policyRules = r.field(doc, "policyRules", "", false)
                .flatMap(n -> r.mapping(n, "policyRules")).map(m -> readPolicyRules(r, m)).orElse(Map.of());
        Map<String, io.innominatus.model.EnvironmentDefinition> environments = r.field(doc, "environments", "", false)
                .flatMap(n -> r.mapping(n, "environments")).map(m -> EnvironmentsReader.read(r, m, directory))
                .orElse(Map.of());
        AdminConfig config = new AdminConfig(file, directory, admin, provisioners, published, rules, healthChecks, stepTypes,
                policyRules, workflowsRoot, integrations, environments);
        return new Result(Optional.of(config), r.diagnostics());
    }

    /** Reads a health check definition: exactly one of {@code http}, {@code tcp} and {@code grpc}. */
    public static Optional<HealthCheck> readHealthCheck(DocumentReader r, String name, Mapping m, String path,
            List<String> extraKeys) {
        List<String> allowed = new java.util.ArrayList<>(HEALTH_KINDS);
        allowed.addAll(extraKeys);
        r.checkKeys(m, path, allowed);
        List<String> present = HEALTH_KINDS.stream().filter(k -> m.get(k).isPresent()).toList();
        if (present.size() != 1) {
            r.error("INVALID_VALUE", "a health check needs exactly one of http, tcp and grpc", m.location(), path);
            return Optional.empty();
        }
        String kind = present.get(0);
        String kindPath = DocumentReader.child(path, kind);
        Optional<Mapping> spec = r.mapping(m.get(kind).orElseThrow(), kindPath);
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        Mapping s = spec.get();
        switch (kind) {
            case "http" -> {
                r.checkKeys(s, kindPath, List.of("url", "expectStatus"));
                Optional<String> url = r.string(s, "url", kindPath, true);
                int status = r.integer(s, "expectStatus", kindPath, false).map(Long::intValue).orElse(200);
                return url.map(u -> new HealthCheck.Http(name, u, status));
            }
            case "tcp" -> {
                r.checkKeys(s, kindPath, List.of("host", "port"));
                Optional<String> host = r.string(s, "host", kindPath, true);
                Optional<Long> port = r.integer(s, "port", kindPath, true);
                if (port.isPresent() && (port.get() < 1 || port.get() > 65535)) {
                    r.error("INVALID_VALUE", "port must be between 1 and 65535", s.location(), kindPath + ".port");
                    return Optional.empty();
                }
                return host.flatMap(h -> port.map(p -> new HealthCheck.Tcp(name, h, p.intValue())));
            }
            default -> {
                r.checkKeys(s, kindPath, List.of("target", "service"));
                Optional<String> target = r.string(s, "target", kindPath, true);
                String service = r.string(s, "service", kindPath, false).orElse("");
                return target.map(t -> new HealthCheck.Grpc(name, t, service));
            }
        }
    }

    private static Map<String, HealthCheck> readHealthChecks(DocumentReader r, Mapping m) {
        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        for (YamlNode.Entry entry : m.entries()) {
            String path = DocumentReader.child("healthChecks", entry.key().value());
            r.mapping(entry.value(), path)
                    .flatMap(spec -> readHealthCheck(r, entry.key().value(), spec, path, List.of()))
                    .ifPresent(check -> checks.put(entry.key().value(), check));
        }
        return checks;
    }

    /** {@code policyRules: {<name>: {expression, message}}}; every expression must compile. */
    private static Map<String, PolicyRule> readPolicyRules(DocumentReader r, Mapping m) {
        Map<String, PolicyRule> rules = new LinkedHashMap<>();
        for (YamlNode.Entry entry : m.entries()) {
            String name = entry.key().value();
            String path = DocumentReader.child("policyRules", name);
            r.mapping(entry.value(), path).ifPresent(spec -> {
                r.checkKeys(spec, path, List.of("expression", "message"));
                Optional<String> expression = r.string(spec, "expression", path, true);
                String message = r.string(spec, "message", path, false).orElse("policy rule " + name + " is violated");
                expression.ifPresent(e -> {
                    if (!r.spendOnExpression(e.length())) {
                        r.error("EXPRESSION_LIMIT", "the file holds more than " + DocumentReader.MAX_EXPRESSION_CHARS
                                + " characters of CEL expressions; this one is not checked",
                                spec.get("expression").orElseThrow().location(), path + ".expression");
                        return;
                    }
                    Optional<CelExpressions.Problem> problem = CelExpressions.check(e, CelExpressions.POLICY_VARIABLES);
                    if (problem.isPresent()) {
                        YamlNode node = spec.get("expression").orElseThrow();
                        r.error("INVALID_EXPRESSION", "policy rule " + name + ": " + problem.get().message(),
                                node.location(), path + ".expression");
                    } else {
                        rules.put(name, new PolicyRule(name, e, message));
                    }
                });
            });
        }
        return rules;
    }

    private static Map<String, StepTypeRegistration> readStepTypes(DocumentReader r, Mapping m) {
        Map<String, StepTypeRegistration> types = new LinkedHashMap<>();
        for (YamlNode.Entry entry : m.entries()) {
            String type = entry.key().value();
            String path = DocumentReader.child("stepTypes", type);
            if (!StepReader.NAME.matcher(type).matches()) {
                r.error("INVALID_NAME", "step type '" + type + "' must be a lowercase name (a-z, 0-9, '-')",
                        entry.key().location(), path);
                continue;
            }
            if (StepTypes.isBuiltIn(type)) {
                r.error("INVALID_NAME", "step type '" + type + "' is built in and cannot be registered again",
                        entry.key().location(), path);
                continue;
            }
            Optional<Mapping> spec = r.mapping(entry.value(), path);
            if (spec.isEmpty()) {
                continue;
            }
            Mapping s = spec.get();
            r.checkKeys(s, path, STEP_TYPE_KEYS);
            String description = r.string(s, "description", path, false).orElse("");
            boolean hasCommand = s.get("command").isPresent();
            boolean hasWebhook = s.get("webhook").isPresent();
            if (hasCommand == hasWebhook) {
                r.error("INVALID_VALUE", "a step type needs exactly one of command and webhook", s.location(), path);
                continue;
            }
            if (hasCommand) {
                r.stringList(s, "command", path, true).filter(c -> {
                    if (c.isEmpty()) {
                        r.error("INVALID_VALUE", "command needs at least the program", s.location(), path + ".command");
                    }
                    return !c.isEmpty();
                }).ifPresent(c -> types.put(type, new StepTypeRegistration(type, description, c, null, null)));
            } else {
                String webhookPath = path + ".webhook";
                r.mapping(s.get("webhook").orElseThrow(), webhookPath).ifPresent(w -> {
                    r.checkKeys(w, webhookPath, WEBHOOK_KEYS);
                    Optional<String> url = r.string(w, "url", webhookPath, true);
                    Duration timeout = r.duration(w, "timeout", webhookPath, false).orElse(Duration.ofSeconds(30));
                    Map<String, String> headers = webhookHeaders(r, w, webhookPath);
                    url.ifPresent(u -> {
                        if (!u.startsWith("http://") && !u.startsWith("https://")) {
                            r.error("INVALID_VALUE", "webhook url must be http:// or https://",
                                    w.get("url").orElseThrow().location(), webhookPath + ".url");
                        } else {
                            types.put(type, new StepTypeRegistration(type, description, List.of(), u, timeout, headers));
                        }
                    });
                });
            }
        }
        return types;
    }

    /** {@code webhook.headers}: names are HTTP tokens, values text that may use {@code ${admin.<key>}}. */
    private static Map<String, String> webhookHeaders(DocumentReader r, Mapping webhook, String webhookPath) {
        String path = webhookPath + ".headers";
        Map<String, String> headers = r.stringMap(webhook, "headers", webhookPath, false).orElse(Map.of());
        Map<String, String> valid = new java.util.LinkedHashMap<>();
        webhook.get("headers").filter(n -> n instanceof Mapping).ifPresent(n -> ((Mapping) n).entries().forEach(e -> {
            String name = e.key().value();
            String entryPath = DocumentReader.child(path, name);
            String value = headers.get(name);
            if (!HEADER_NAME.matcher(name).matches()) {
                r.error("INVALID_NAME", "'" + name + "' is not a valid HTTP header name", e.key().location(), entryPath);
            } else if (RESERVED_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                r.error("INVALID_NAME", "header " + name + " is set by innominatus itself", e.key().location(), entryPath);
            } else if (value != null) {
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    r.error("INVALID_VALUE", "a header value must be one line", e.value().location(), entryPath);
                    return;
                }
                try {
                    for (io.innominatus.model.Interpolation.Occurrence occurrence
                            : io.innominatus.model.Interpolation.references(value)) {
                        String expression = occurrence.expression().trim();
                        if (!expression.startsWith("admin.")) {
                            r.error("UNKNOWN_VARIABLE", "${" + expression + "} is not available in a webhook header; "
                                    + "use ${admin.<key>} (whose value may come from ${env:NAME})", e.value().location(),
                                    entryPath);
                        }
                    }
                } catch (io.innominatus.model.Interpolation.SyntaxException ex) {
                    r.error("INVALID_REFERENCE", ex.getMessage(), e.value().location(), entryPath);
                }
                valid.put(name, value);
            }
        }));
        return valid;
    }
}
