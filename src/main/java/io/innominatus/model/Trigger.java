package io.innominatus.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** When a workflow is selected for a deployment; a workflow's triggers are OR-ed. */
public enum Trigger {
    ALL_DEPLOYMENTS("all_deployments"),
    PRODUCT_DEPLOYMENT("product_deployment"),
    FIRST_DEPLOYMENT("first_deployment"),
    MANUAL("manual");

    private final String yamlName;

    Trigger(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<Trigger> fromYaml(String value) {
        return Arrays.stream(values()).filter(t -> t.yamlName.equals(value)).findFirst();
    }

    public static List<String> yamlNames() {
        return Arrays.stream(values()).map(Trigger::yamlName).toList();
    }
}
