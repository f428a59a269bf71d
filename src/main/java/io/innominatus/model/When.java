package io.innominatus.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Whether a step runs depending on the outcome of the steps before it. */
public enum When {
    /** Runs only while nothing in the workflow has failed (the default). */
    ON_SUCCESS("on_success"),
    /** Runs only after a failure in the workflow: rollback. */
    ON_FAILURE("on_failure"),
    /** Runs whatever happened before: cleanup. */
    ALWAYS("always");

    private final String yamlName;

    When(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<When> fromYaml(String value) {
        return Arrays.stream(values()).filter(w -> w.yamlName.equals(value)).findFirst();
    }

    public static List<String> yamlNames() {
        return Arrays.stream(values()).map(When::yamlName).toList();
    }
}
