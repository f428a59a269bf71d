package io.innominatus.model;

import java.util.Arrays;
import java.util.List;

/**
 * A parsed {@code ${...}} reference. The namespaces are the interpolation contexts of a step:
 * {@code application.name}, {@code application.product}, {@code metadata.<key>},
 * {@code environment.name}, {@code environment.namespace}, {@code admin.<key>}, {@code workflow.variables.<key>},
 * {@code resources.<name>.<output>}, {@code steps.<step>.outputs.<key>}, {@code terraform.<output>}
 * and {@code execution.id}.
 */
public sealed interface VariableRef {

    /** The expression between {@code ${} and {@code }}. */
    String expression();

    record ApplicationName(String expression) implements VariableRef {}

    record ApplicationProduct(String expression) implements VariableRef {}

    /** A Score metadata value; {@code path} may descend into nested maps. */
    record Metadata(String expression, List<String> path) implements VariableRef {}

    record EnvironmentName(String expression) implements VariableRef {}

    /** The application's namespace in the environment (the environment's namespace pattern, rendered). */
    record EnvironmentNamespace(String expression) implements VariableRef {}

    /** A value of admin-config's {@code admin:} block; {@code path} may descend into nested maps. */
    record Admin(String expression, List<String> path) implements VariableRef {}

    record WorkflowVariable(String expression, String key) implements VariableRef {}

    record ResourceOutput(String expression, String resource, String output) implements VariableRef {}

    record StepOutput(String expression, String step, String key) implements VariableRef {}

    record TerraformOutput(String expression, String output) implements VariableRef {}

    record ExecutionId(String expression) implements VariableRef {}

    /** Namespaces accepted in references, for error messages. */
    List<String> NAMESPACES = List.of(
            "application.name", "application.product", "metadata.<key>", "environment.name", "environment.namespace", "admin.<key>",
            "workflow.variables.<key>", "resources.<name>.<output>", "steps.<step>.outputs.<key>",
            "terraform.<output>", "execution.id");

    /**
     * Parses a reference expression.
     *
     * @throws IllegalArgumentException with a message naming the accepted forms when the expression
     *     is not a known reference
     */
    static VariableRef parse(String expression) {
        String trimmed = expression.trim();
        List<String> parts = Arrays.asList(trimmed.split("\\.", -1));
        if (trimmed.isEmpty() || parts.stream().anyMatch(String::isEmpty)) {
            throw unknown(expression);
        }
        String head = parts.get(0);
        int size = parts.size();
        switch (head) {
            case "application":
                if (size == 2 && parts.get(1).equals("name")) {
                    return new ApplicationName(trimmed);
                }
                if (size == 2 && parts.get(1).equals("product")) {
                    return new ApplicationProduct(trimmed);
                }
                break;
            case "metadata":
                if (size >= 2) {
                    return new Metadata(trimmed, List.copyOf(parts.subList(1, size)));
                }
                break;
            case "environment":
                if (size == 2 && parts.get(1).equals("name")) {
                    return new EnvironmentName(trimmed);
                }
                if (size == 2 && parts.get(1).equals("namespace")) {
                    return new EnvironmentNamespace(trimmed);
                }
                break;
            case "admin":
                if (size >= 2) {
                    return new Admin(trimmed, List.copyOf(parts.subList(1, size)));
                }
                break;
            case "workflow":
                if (size == 3 && parts.get(1).equals("variables")) {
                    return new WorkflowVariable(trimmed, parts.get(2));
                }
                break;
            case "resources":
                if (size == 3) {
                    return new ResourceOutput(trimmed, parts.get(1), parts.get(2));
                }
                break;
            case "steps":
                if (size == 4 && parts.get(2).equals("outputs")) {
                    return new StepOutput(trimmed, parts.get(1), parts.get(3));
                }
                break;
            case "terraform":
                if (size == 2) {
                    return new TerraformOutput(trimmed, parts.get(1));
                }
                break;
            case "execution":
                if (size == 2 && parts.get(1).equals("id")) {
                    return new ExecutionId(trimmed);
                }
                break;
            default:
                break;
        }
        throw unknown(expression);
    }

    private static IllegalArgumentException unknown(String expression) {
        return new IllegalArgumentException("unknown reference ${" + expression + "}; expected one of "
                + String.join(", ", NAMESPACES.stream().map(n -> "${" + n + "}").toList()));
    }
}
