package io.innominatus.model;

import java.util.List;

/**
 * A step as it will run.
 *
 * @param dependsOn effective dependencies: the declared ones for DAG workflows, the previous step
 *     for sequential ones
 * @param exports what the step's outputs feed besides its own outputs (null in plans stored before plans
 *     recorded it: inferred as the engine of that time did)
 */
public record PlannedStep(StepDefinition definition, List<String> dependsOn, String sourceFile, StepExports exports) {

    public PlannedStep {
        dependsOn = List.copyOf(dependsOn);
        exports = exports != null ? exports : StepExports.of(definition.type(), definition.name());
    }

    public String name() {
        return definition.name();
    }

    public String type() {
        return definition.type();
    }
}
