package io.innominatus.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Deployment phases, declared in the order they run. */
public enum Phase {
    PRE_DEPLOYMENT("pre-deployment"),
    DEPLOYMENT("deployment"),
    POST_DEPLOYMENT("post-deployment");

    private final String yamlName;

    Phase(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The spelling used in workflow files. */
    public String yamlName() {
        return yamlName;
    }

    public static Optional<Phase> fromYaml(String value) {
        return Arrays.stream(values()).filter(p -> p.yamlName.equals(value)).findFirst();
    }

    public static List<String> yamlNames() {
        return Arrays.stream(values()).map(Phase::yamlName).toList();
    }
}
