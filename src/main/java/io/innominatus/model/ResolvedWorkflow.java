package io.innominatus.model;

import java.util.List;
import java.util.stream.Stream;

/**
 * A workflow selected by resolution, before policy.
 *
 * @param planned the workflow with its steps in execution order
 * @param problems plan-time problems, such as references to Score metadata the application does not have
 */
public record ResolvedWorkflow(WorkflowDefinition definition, PlannedWorkflow planned, List<Diagnostic> problems) {

    public ResolvedWorkflow {
        problems = List.copyOf(problems);
    }

    public String id() {
        return definition.id();
    }

    /** Definition errors and plan-time errors together. */
    public List<Diagnostic> errors() {
        return Stream.concat(definition.diagnostics().stream(), problems.stream())
                .filter(Diagnostic::isError)
                .toList();
    }
}
