package io.innominatus.steps.checks;

import io.innominatus.model.Diagnostic;
import io.innominatus.model.PolicyRule;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.steps.tools.ExecStepExecutor;
import io.innominatus.support.CelExpressions;
import io.innominatus.support.PlainValues;
import io.innominatus.support.YamlLoader;
import io.innominatus.support.YamlNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code policy}: evaluates CEL rules over the application's Score spec and its rendered Kubernetes
 * manifests. {@code config.rules} lists inline rules ({@code {name, expression, message}}) and names of
 * centrally defined rules; {@code config.manifests} is a directory (or file) of YAML manifests relative
 * to the workflow file, or multi-document YAML text. Every rule is evaluated; the step fails listing each
 * rule that does not hold, and fails clearly for a rule that does not compile or cannot be evaluated.
 * Evaluation changes nothing, so a dry run evaluates the same way and fails on the same violations.
 * Rules may use CEL's standard macros ({@code has}, {@code all}, {@code exists}, {@code filter}...).
 */
@ApplicationScoped
public class PolicyStepExecutor implements StepExecutor {

    /** The variables policy rules see. */
    public static final List<String> VARIABLES = CelExpressions.POLICY_VARIABLES;
    private static final int MAX_MANIFEST_FILES = 1000;

    private final Function<String, Optional<PolicyRule>> named;

    /** Named rules come from the {@link NamedPolicyRules} bean; without one, only inline rules can be used. */
    @Inject
    public PolicyStepExecutor(Instance<NamedPolicyRules> named) {
        this.named = name -> named.isResolvable() ? named.get().find(name) : Optional.empty();
    }

    PolicyStepExecutor(NamedPolicyRules named) {
        this.named = named::find;
    }

    @Override
    public String type() {
        return "policy";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        boolean dryRun = mode.dryRun();
        List<PolicyRule> rules = rules(context);
        List<Object> manifests = manifests(context);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("score", celValue(context.plan().score()));
        values.put("manifests", manifests);
        values.put("application", Map.of("name", context.plan().application(), "product", context.plan().product()));
        values.put("environment", Map.of("name", context.plan().environment()));
        values.put("metadata", celValue(context.plan().metadata()));
        String prefix = dryRun ? "dry run: " : "";
        context.log(prefix + "evaluating " + rules.size() + " policy rule(s) over the Score spec and " + manifests.size()
                + " manifest(s)");

        List<String> violations = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int passed = 0;
        for (PolicyRule rule : rules) {
            context.cancellation().check();
            Optional<CelExpressions.Problem> problem = CelExpressions.check(rule.expression(), VARIABLES);
            if (problem.isPresent()) {
                String error = "policy rule " + rule.name() + " does not compile (column " + problem.get().column() + ": "
                        + problem.get().message() + ")";
                context.log(prefix + error);
                errors.add(error);
                continue;
            }
            boolean holds;
            try {
                holds = CelExpressions.evaluate(rule.expression(), VARIABLES, values);
            } catch (IllegalArgumentException e) {
                String error = "policy rule " + rule.name() + " cannot be evaluated: " + e.getMessage();
                context.log(prefix + error);
                errors.add(error);
                continue;
            }
            if (holds) {
                passed++;
                context.log(prefix + "policy rule " + rule.name() + " passed");
            } else {
                violations.add(rule.name() + ": " + rule.message());
                context.log(prefix + "policy rule " + rule.name() + " failed: " + rule.message());
            }
        }
        int failed = violations.size() + errors.size();
        context.log(prefix + passed + " policy rule(s) passed, " + failed + " failed");
        if (failed > 0) {
            List<String> parts = new ArrayList<>();
            if (!violations.isEmpty()) {
                parts.add(violations.size() + " of " + rules.size() + " policy rule(s) failed: " + String.join("; ", violations));
            }
            if (!errors.isEmpty()) {
                parts.add(String.join("; ", errors));
            }
            throw new StepFailure(String.join("; ", parts));
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        if (dryRun) {
            outputs.put("dryRun", "true");
        }
        outputs.put("rulesPassed", Integer.toString(passed));
        outputs.put("rulesFailed", "0");
        return StepResult.of(outputs);
    }

    private List<PolicyRule> rules(StepContext context) {
        List<Object> raw = context.list("rules");
        if (raw.isEmpty()) {
            throw new StepFailure("a policy step needs config.rules: inline {name, expression, message} rules or rule names");
        }
        List<PolicyRule> rules = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Object item = raw.get(i);
            String where = "config.rules[" + i + "]";
            if (item instanceof Map<?, ?> map) {
                Object expression = map.get("expression");
                if (expression == null || String.valueOf(expression).isBlank()) {
                    throw new StepFailure(where + ".expression is required");
                }
                String name = map.get("name") == null ? "rule-" + (i + 1) : String.valueOf(map.get("name"));
                String message = map.get("message") == null ? "expected " + expression : String.valueOf(map.get("message"));
                rules.add(new PolicyRule(name, String.valueOf(expression), message));
            } else if (item instanceof List) {
                throw new StepFailure(where + " must be a rule name or a mapping {name, expression, message}");
            } else {
                String name = String.valueOf(item);
                rules.add(named.apply(name).orElseThrow(() -> new StepFailure("policy rule '" + name
                        + "' is not defined; write it inline as {name, expression, message} or ask the platform team to define it")));
            }
        }
        return rules;
    }

    /** The manifests as plain data: from inline YAML, a list in the config, or YAML files under the workflow directory. */
    private static List<Object> manifests(StepContext context) {
        Object raw = context.config().get("manifests");
        List<Object> manifests = new ArrayList<>();
        if (raw == null) {
            return manifests;
        }
        if (raw instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof Map)) {
                    throw new StepFailure("config.manifests as a list must hold manifests (mappings)");
                }
                add(manifests, celValue(item));
            }
            return manifests;
        }
        if (raw instanceof Map) {
            add(manifests, celValue(raw));
            return manifests;
        }
        String value = String.valueOf(raw);
        if (value.contains("\n")) {
            parse(value, "config.manifests", manifests);
            return manifests;
        }
        Path base = context.workflowDirectory().orElseThrow(() -> new StepFailure(
                "config.manifests '" + value + "' needs a workflow directory; this workflow has none"));
        Path target = ExecStepExecutor.inside(base, value, "config.manifests");
        List<Path> files;
        if (Files.isDirectory(target)) {
            try (Stream<Path> walk = Files.walk(target)) {
                files = walk.filter(Files::isRegularFile).filter(p -> {
                    String name = p.getFileName().toString();
                    return name.endsWith(".yaml") || name.endsWith(".yml");
                }).sorted().toList();
            } catch (IOException e) {
                throw new StepFailure("cannot read config.manifests '" + value + "': " + e.getMessage());
            }
        } else if (Files.isRegularFile(target)) {
            files = List.of(target);
        } else {
            throw new StepFailure("config.manifests '" + value + "' does not exist");
        }
        if (files.size() > MAX_MANIFEST_FILES) {
            throw new StepFailure("config.manifests '" + value + "' holds more than " + MAX_MANIFEST_FILES + " YAML files");
        }
        for (Path file : files) {
            ExecStepExecutor.inside(base, base.relativize(file).toString(), "config.manifests");
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new StepFailure("cannot read manifest " + base.relativize(file) + ": " + e.getMessage());
            }
            parse(text, base.relativize(file).toString(), manifests);
        }
        return manifests;
    }

    private static void parse(String text, String file, List<Object> manifests) {
        YamlLoader.Result result = YamlLoader.load(text, file);
        if (result.hasErrors()) {
            Diagnostic first = result.diagnostics().stream().filter(Diagnostic::isError).findFirst().orElseThrow();
            throw new StepFailure("manifest " + first.location() + ": " + first.message());
        }
        for (YamlNode document : result.documents()) {
            Object plain = PlainValues.plain(document);
            if (plain == null) {
                continue;
            }
            if (!(plain instanceof Map)) {
                throw new StepFailure("manifest " + document.location() + ": a manifest must be a mapping");
            }
            add(manifests, celValue(plain));
        }
    }

    /** Adds a manifest; the items of a Kubernetes {@code List} are added one by one. */
    private static void add(List<Object> manifests, Object manifest) {
        if (manifest instanceof Map<?, ?> map && "List".equals(map.get("kind")) && map.get("items") instanceof List<?> items) {
            items.forEach(item -> add(manifests, item));
        } else if (manifest != null) {
            manifests.add(manifest);
        }
    }

    /**
     * Plain data in the forms CEL evaluates: string keys, {@code long} integers, {@code double} decimals.
     * Null values are left out, so {@code has(x.field)} is false for them as for absent fields.
     */
    static Object celValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v != null) {
                    copy.put(String.valueOf(k), celValue(v));
                }
            });
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.stream().filter(v -> v != null).forEach(v -> copy.add(celValue(v)));
            return copy;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
        }
        if (value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean) {
            return value;
        }
        return String.valueOf(value);
    }
}
