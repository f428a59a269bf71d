package io.innominatus.steps.provisioning;

import io.innominatus.model.Interpolation;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.support.PlainValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fills provisioner templates: {@code ${resource.name|type|class|id|key}}, {@code ${resource.params.<key>}}
 * (already filled), {@code ${resource.outputs.<key>}} (when removing: what provisioning recorded),
 * {@code ${namespace}}, {@code ${steps.<step>.outputs.<key>}} of a workflow provisioner's own steps, and
 * everything a step may use ({@code ${application.name}}, {@code ${environment.name}}, …).
 */
final class ProvisionerTemplates {

    private ProvisionerTemplates() {}

    static String render(String text, ProvisioningTarget target, Map<String, Map<String, String>> stepOutputs) {
        if (text == null) {
            return null;
        }
        try {
            return Interpolation.render(text, expression -> lookup(expression, target, stepOutputs));
        } catch (Interpolation.UnresolvedException e) {
            throw new StepFailure("provisioner of '" + target.resource().type() + "': ${" + e.expression().trim()
                    + "} has no value");
        } catch (Interpolation.SyntaxException e) {
            throw new StepFailure("provisioner of '" + target.resource().type() + "': " + e.getMessage());
        }
    }

    /** Fills every string in a tree of maps and lists. */
    @SuppressWarnings("unchecked")
    static Object renderTree(Object value, ProvisioningTarget target, Map<String, Map<String, String>> stepOutputs) {
        if (value instanceof String s) {
            return render(s, target, stepOutputs);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> rendered = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> rendered.put(k, renderTree(v, target, stepOutputs)));
            return rendered;
        }
        if (value instanceof List<?> list) {
            List<Object> rendered = new ArrayList<>(list.size());
            list.forEach(v -> rendered.add(renderTree(v, target, stepOutputs)));
            return rendered;
        }
        return value;
    }

    /** Outputs of the provisioner's own steps: a dry run that did not produce one does not know it yet. */
    private static Optional<String> orUnknown(String value, ProvisioningTarget target) {
        if (value == null && target.dryRun()) {
            return Optional.of(io.innominatus.model.Interpolation.KNOWN_AFTER_APPLY);
        }
        return Optional.ofNullable(value);
    }

    private static Optional<String> lookup(String expression, ProvisioningTarget target,
            Map<String, Map<String, String>> stepOutputs) {
        List<String> parts = Arrays.asList(expression.split("\\."));
        if (expression.equals("namespace")) {
            return Optional.of(target.namespace());
        }
        if (parts.get(0).equals("resource")) {
            if (parts.size() == 2) {
                return switch (parts.get(1)) {
                    case "name" -> Optional.of(target.resource().name());
                    case "type" -> Optional.of(target.resource().type());
                    case "class" -> Optional.of(target.resource().resourceClass() == null ? "default"
                            : target.resource().resourceClass());
                    case "id" -> Optional.ofNullable(target.resource().id());
                    case "key" -> Optional.of(target.objectName());
                    default -> Optional.empty();
                };
            }
            if (parts.size() >= 3 && parts.get(1).equals("params")) {
                return PlainValues.lookup(target.context().map("params"), parts.subList(2, parts.size()))
                        .map(String::valueOf);
            }
            if (parts.size() == 3 && parts.get(1).equals("outputs")) {
                return orUnknown(target.recordedOutputs().get(parts.get(2)), target);
            }
            return Optional.empty();
        }
        if (parts.size() == 4 && parts.get(0).equals("steps") && parts.get(2).equals("outputs")) {
            Map<String, String> outputs = stepOutputs.get(parts.get(1));
            return orUnknown(outputs == null ? null : outputs.get(parts.get(3)), target);
        }
        return Optional.of(target.context().interpolate("${" + expression + "}"));
    }
}
