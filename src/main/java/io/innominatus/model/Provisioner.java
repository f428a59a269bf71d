package io.innominatus.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How a Score resource type is provisioned. Matched by {@code type} and, when set, {@code resourceClass}
 * and {@code id}; the first match wins. Exactly one way of provisioning is set: a built-in provisioner,
 * a template of Kubernetes manifests with outputs, an external command, or a workflow of steps.
 *
 * @param product the product whose directory defines it, or empty for admin-config definitions
 * @param published whether applications of other products may use a product-scoped provisioner
 * @param builtIn the name of a built-in provisioner ({@link #BUILT_IN}), or null
 * @param manifests template manifests: inline YAML, or a directory relative to {@code baseDirectory}
 * @param outputs template outputs, by name (may use {@code ${resource.*}} and secret references)
 * @param command program and arguments of a command provisioner
 * @param steps the steps of a workflow provisioner
 * @param deleteSteps steps a workflow provisioner runs to remove the resource
 * @param source file and line that defined it
 */
public record Provisioner(
        String type,
        String resourceClass,
        String id,
        String product,
        boolean published,
        String description,
        String builtIn,
        String manifests,
        Map<String, String> outputs,
        List<String> command,
        List<StepDefinition> steps,
        List<StepDefinition> deleteSteps,
        Path baseDirectory,
        SourceLocation source) {

    /** Provisioners that work on any cluster without cloud accounts. */
    public static final List<String> BUILT_IN = List.of("postgres", "redis", "volume", "route", "dns", "environment");

    public Provisioner {
        product = product == null ? "" : product;
        description = description == null ? "" : description;
        outputs = Immutables.orderedCopy(outputs);
        command = command == null ? List.of() : List.copyOf(command);
        steps = steps == null ? List.of() : List.copyOf(steps);
        deleteSteps = deleteSteps == null ? List.of() : List.copyOf(deleteSteps);
    }

    /** The built-in provisioner of a type, usable by everyone. */
    public static Provisioner builtIn(String type) {
        return new Provisioner(type, null, null, "", true, "built-in " + type + " provisioner", type, null, Map.of(), List.of(),
                List.of(), List.of(), null, SourceLocation.ofFile("built-in"));
    }

    public boolean matches(ScoreWorkload.ResourceRequest resource) {
        return type.equals(resource.type())
                && (resourceClass == null || resourceClass.equals(resource.resourceClass() == null ? "default"
                : resource.resourceClass()))
                && (id == null || id.equals(resource.id()));
    }

    /** Whether an application of {@code applicationProduct} may use it. */
    public boolean availableTo(String applicationProduct) {
        return product.isEmpty() || published || product.equals(applicationProduct);
    }

    public String kind() {
        if (builtIn != null) {
            return "built-in";
        }
        if (!command.isEmpty()) {
            return "command";
        }
        // Workflow provisioners may declare outputs too: their steps decide, not the outputs.
        return steps.isEmpty() && deleteSteps.isEmpty() ? "template" : "workflow";
    }
}
