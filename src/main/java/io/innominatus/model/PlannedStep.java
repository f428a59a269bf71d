package io.innominatus.model;

import java.util.List;

/**
 * A step as it will run.
 *
 * @param dependsOn effective dependencies: the declared ones for DAG workflows, the previous step
 *     for sequential ones
 */
public record PlannedStep(StepDefinition definition, List<String> dependsOn, String sourceFile) {

    public PlannedStep {
        dependsOn = List.copyOf(dependsOn);
    }

    public String name() {
        return definition.name();
    }

    public String type() {
        return definition.type();
    }
}
