package io.innominatus.execute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.innominatus.model.Interpolation;
import io.innominatus.model.PlanContext;
import io.innominatus.model.StepState;
import io.innominatus.model.VariableRef;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.support.EnvironmentReferences;
import io.innominatus.support.PlainValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fills in {@code ${...}} references of a step at run time and builds the variables of its CEL
 * conditions, from the plan's context and what earlier steps produced. A reference without a value
 * fails the step with a message naming it; it is never left as literal text.
 */
final class Interpolator {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a step can see.
     *
     * @param variables the workflow's variables, already rendered
     * @param stepOutputs outputs of the steps of the same workflow, by step
     * @param stepStates states of the steps of the same workflow, by step
     * @param resourceOutputs outputs of the resources provisioned so far, by resource
     * @param terraform outputs of the latest terraform step before this one
     * @param secrets receives values that must be masked wherever text leaves the engine (admin values
     *     taken from environment variables)
     * @param dryRun values only a real run produces are unknown: they render as
     *     {@link Interpolation#KNOWN_AFTER_APPLY} instead of failing the step
     */
    record Scope(String executionId, PlanContext plan, Map<String, String> variables,
            Map<String, Map<String, String>> stepOutputs, Map<String, StepState> stepStates,
            Map<String, Map<String, String>> resourceOutputs, Map<String, String> terraform,
            Consumer<String> secrets, boolean dryRun) {}

    /** Namespaces of values a real run produces, which a dry run may not know. */
    private static final java.util.regex.Pattern RUN_VALUES = java.util.regex.Pattern.compile(
            "\\b(steps|terraform|resources)\\s*\\.");

    private Interpolator() {}

    static Optional<String> lookup(String expression, Scope scope) {
        VariableRef ref;
        try {
            ref = VariableRef.parse(expression);
        } catch (IllegalArgumentException e) {
            throw StepFailure.configuration(e.getMessage());
        }
        PlanContext plan = scope.plan();
        if (ref instanceof VariableRef.ApplicationName) {
            return Optional.of(plan.application());
        }
        if (ref instanceof VariableRef.ApplicationProduct) {
            return Optional.of(plan.product());
        }
        if (ref instanceof VariableRef.EnvironmentName) {
            return Optional.of(plan.environment());
        }
        if (ref instanceof VariableRef.EnvironmentNamespace) {
            return Optional.of(plan.namespace());
        }
        if (ref instanceof VariableRef.ExecutionId) {
            return Optional.of(scope.executionId());
        }
        if (ref instanceof VariableRef.Metadata m) {
            return PlainValues.lookup(plan.metadata(), m.path()).map(Interpolator::text);
        }
        if (ref instanceof VariableRef.Admin a) {
            Optional<String> value = PlainValues.lookup(plan.admin(), a.path()).map(Interpolator::text);
            try {
                return value.map(v -> EnvironmentReferences.resolve(v, System::getenv, scope.secrets()));
            } catch (EnvironmentReferences.UnsetException e) {
                throw StepFailure.configuration("${" + expression + "} takes its value from environment variable " + e.variable()
                        + ", which is not set where innominatus runs");
            }
        }
        if (ref instanceof VariableRef.WorkflowVariable v) {
            return Optional.ofNullable(scope.variables().get(v.key()));
        }
        if (ref instanceof VariableRef.StepOutput o) {
            Map<String, String> outputs = scope.stepOutputs().get(o.step());
            if (outputs == null && !scope.dryRun()) {
                throw StepFailure.configuration("${" + expression + "}: step '" + o.step() + "' has not produced outputs");
            }
            return orUnknown(outputs == null ? null : outputs.get(o.key()), scope);
        }
        if (ref instanceof VariableRef.ResourceOutput r) {
            Map<String, String> outputs = scope.resourceOutputs().get(r.resource());
            if (outputs == null && !scope.dryRun()) {
                throw StepFailure.configuration("${" + expression + "}: resource '" + r.resource() + "' has not been provisioned");
            }
            return orUnknown(outputs == null ? null : outputs.get(r.output()), scope);
        }
        VariableRef.TerraformOutput t = (VariableRef.TerraformOutput) ref;
        return orUnknown(scope.terraform().get(t.output()), scope);
    }

    /** A value a run produces; in a dry run that did not produce it, unknown rather than missing. */
    private static Optional<String> orUnknown(String value, Scope scope) {
        if (value == null && scope.dryRun()) {
            return Optional.of(Interpolation.KNOWN_AFTER_APPLY);
        }
        return Optional.ofNullable(value);
    }

    /**
     * Whether a condition that could not be evaluated in a dry run depends on values only a real run
     * produces (step, terraform or resource outputs), so that it counts as true instead of failing.
     */
    static boolean mayDependOnUnknowns(String condition, Scope scope) {
        return scope.dryRun() && condition != null && RUN_VALUES.matcher(condition).find();
    }

    /** Renders every string in a tree of maps and lists. */
    @SuppressWarnings("unchecked")
    static Object render(Object value, Scope scope) {
        if (value instanceof String s) {
            return render(s, scope);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> rendered = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> rendered.put(k, render(v, scope)));
            return rendered;
        }
        if (value instanceof List<?> list) {
            List<Object> rendered = new ArrayList<>(list.size());
            list.forEach(v -> rendered.add(render(v, scope)));
            return rendered;
        }
        return value;
    }

    static String render(String text, Scope scope) {
        if (text == null) {
            return null;
        }
        try {
            return Interpolation.render(text, expression -> lookup(expression, scope));
        } catch (Interpolation.UnresolvedException e) {
            throw StepFailure.configuration("${" + e.expression().trim() + "} has no value for this step");
        } catch (Interpolation.SyntaxException e) {
            throw StepFailure.configuration(e.getMessage() + " in '" + text + "'");
        }
    }

    /** The variables of CEL conditions: the interpolation contexts as maps. */
    static Map<String, Object> conditionVariables(Scope scope) {
        Map<String, Object> steps = new LinkedHashMap<>();
        scope.stepStates().forEach((name, state) -> steps.put(name, Map.of(
                "state", state.name().toLowerCase(Locale.ROOT),
                "outputs", scope.stepOutputs().getOrDefault(name, Map.of()))));
        PlanContext plan = scope.plan();
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("application", Map.of("name", plan.application(), "product", plan.product()));
        variables.put("environment", Map.of("name", plan.environment(), "namespace", plan.namespace()));
        variables.put("metadata", plan.metadata());
        variables.put("admin", plan.admin());
        variables.put("workflow", Map.of("variables", scope.variables()));
        variables.put("resources", scope.resourceOutputs());
        variables.put("steps", steps);
        variables.put("terraform", scope.terraform());
        variables.put("execution", Map.of("id", scope.executionId()));
        return variables;
    }

    static String text(Object value) {
        if (value instanceof Map || value instanceof List) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                return String.valueOf(value);
            }
        }
        return String.valueOf(value);
    }
}
