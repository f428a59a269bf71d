package io.innominatus.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A workflow definition: a catalog workflow ({@code PlatformWorkflow} or {@code ProductWorkflow}),
 * a workflow embedded in a Score file, or the generated application workflow.
 *
 * @param product the product directory for product workflows, otherwise empty
 * @param application the application for application-tier workflows, otherwise empty
 * @param sourceFile file relative to the catalog root (or as named by the caller)
 * @param baseDirectory directory relative step paths resolve against and must stay inside; null
 *     when the workflow has no directory on disk
 * @param variables {@code spec.variables}
 * @param variableReferences {@code ${...}} references inside the variables
 * @param diagnostics problems found while loading; any error makes the workflow invalid
 */
public record WorkflowDefinition(
        Tier tier,
        String name,
        String product,
        String application,
        String description,
        String owner,
        Phase phase,
        List<Trigger> triggers,
        List<StepDefinition> steps,
        Map<String, String> variables,
        List<ReferenceSite> variableReferences,
        SourceLocation location,
        String sourceFile,
        Path baseDirectory,
        String yaml,
        List<Diagnostic> diagnostics) {

    public WorkflowDefinition {
        product = product == null ? "" : product;
        application = application == null ? "" : application;
        description = description == null ? "" : description;
        owner = owner == null ? "" : owner;
        triggers = List.copyOf(triggers);
        steps = List.copyOf(steps);
        variables = Immutables.orderedCopy(variables);
        variableReferences = List.copyOf(variableReferences);
        yaml = yaml == null ? "" : yaml;
        diagnostics = List.copyOf(diagnostics);
    }

    public String id() {
        return idOf(tier, name, product, application);
    }

    public static String idOf(Tier tier, String name, String product, String application) {
        return switch (tier) {
            case PLATFORM -> "platform/" + name;
            case PRODUCT -> "products/" + product + "/" + name;
            case APPLICATION -> "applications/" + application + "/" + name;
        };
    }

    public boolean valid() {
        return !Diagnostic.anyError(diagnostics);
    }

    /** True when some step declares {@code dependsOn}: the workflow is a DAG and may run steps in parallel. */
    public boolean parallel() {
        return steps.stream().anyMatch(s -> !s.dependsOn().isEmpty());
    }

    public WorkflowDefinition withDiagnostics(List<Diagnostic> replacement) {
        return new WorkflowDefinition(tier, name, product, application, description, owner, phase, triggers, steps,
                variables, variableReferences, location, sourceFile, baseDirectory, yaml, replacement);
    }
}
