package io.innominatus.steps.spi;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.PlanContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What an executor gets for one attempt of one step. All strings are already interpolated. */
public interface StepContext extends StepSink {

    String executionId();

    String workflowId();

    String step();

    String type();

    /** Attempt number, starting at 1. */
    int attempt();

    /** {@code <execution>/<workflow>/<step>/<attempt>}: lets the systems a step calls recognise a repeated attempt. */
    String idempotencyKey();

    boolean dryRun();

    /** The step's {@code config}, interpolated. */
    Map<String, Object> config();

    /** The step's {@code namespace}, interpolated. */
    Optional<String> namespace();

    /** The step's {@code path}, interpolated. */
    Optional<String> path();

    /** The directory of the workflow file; relative paths in the step resolve against it. */
    Optional<Path> workflowDirectory();

    /** Application, product, environment, Score metadata and admin values of the plan. */
    PlanContext plan();

    /** Policy limits (secret access) fixed with the plan. */
    DeploymentPlan.ExecutionLimits limits();

    /** The step's per-attempt timeout, if it has one. */
    Optional<Duration> timeout();

    Cancellation cancellation();

    /**
     * Fills {@code ${...}} references in text the step reads from files (manifests, templates) with the
     * same values its config was filled with.
     *
     * @throws StepFailure when a reference has no value
     */
    String interpolate(String text);

    // Typed access to config values, failing with a readable message when a value has the wrong type.

    default Optional<String> string(String key) {
        Object value = config().get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map || value instanceof List) {
            throw StepFailure.configuration("config." + key + " must be a single value");
        }
        return Optional.of(String.valueOf(value));
    }

    default String requiredString(String key) {
        return string(key).filter(s -> !s.isBlank())
                .orElseThrow(() -> StepFailure.configuration("config." + key + " is required for " + type() + " steps"));
    }

    @SuppressWarnings("unchecked")
    default List<Object> list(String key) {
        Object value = config().get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        return List.of(value);
    }

    default List<String> stringList(String key) {
        return list(key).stream().map(v -> {
            if (v instanceof Map || v instanceof List) {
                throw StepFailure.configuration("config." + key + " must be a list of values");
            }
            return String.valueOf(v);
        }).toList();
    }

    @SuppressWarnings("unchecked")
    default Map<String, Object> map(String key) {
        Object value = config().get(key);
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw StepFailure.configuration("config." + key + " must be a mapping");
    }

    default boolean flag(String key, boolean defaultValue) {
        Object value = config().get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = String.valueOf(value).trim().toLowerCase(java.util.Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw StepFailure.configuration("config." + key + " must be true or false");
    }
}
