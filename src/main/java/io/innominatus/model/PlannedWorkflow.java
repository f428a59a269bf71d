package io.innominatus.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A workflow as it will run, with its steps in execution order. */
public record PlannedWorkflow(
        String workflowId,
        Tier tier,
        String name,
        String product,
        Phase phase,
        List<Trigger> triggeredBy,
        boolean parallel,
        Map<String, String> variables,
        Path baseDirectory,
        String sourceFile,
        List<PlannedStep> steps) {

    public PlannedWorkflow {
        product = product == null ? "" : product;
        triggeredBy = List.copyOf(triggeredBy);
        variables = Immutables.orderedCopy(variables);
        steps = List.copyOf(steps);
    }

    public PlannedStep step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step " + name + " in " + workflowId));
    }
}
