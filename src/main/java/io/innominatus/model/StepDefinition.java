package io.innominatus.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A step of a workflow as written in its file.
 *
 * @param config type-specific settings: a tree of {@code Map<String,Object>}, {@code List<Object>},
 *     {@code String}, {@code Long}, {@code Double} and {@code Boolean}
 * @param namespace the kubernetes shortcut for {@code config.namespace}; may be null
 * @param path the terraform working-directory shortcut; may be null
 * @param dependsOn steps of the same workflow this one waits for; empty for sequential workflows
 * @param ifCondition CEL expression that must be true for the step to run; may be null
 * @param unlessCondition CEL expression that must be false for the step to run; may be null
 * @param timeout limit for one attempt; null for none
 * @param outputs output names the step promises to produce; empty when undeclared
 * @param references every {@code ${...}} in the step's strings, with its position
 */
public record StepDefinition(
        String name,
        String type,
        Map<String, Object> config,
        String namespace,
        String path,
        List<String> dependsOn,
        String ifCondition,
        String unlessCondition,
        When when,
        Duration timeout,
        RetryPolicy retry,
        boolean continueOnError,
        List<String> outputs,
        SourceLocation location,
        List<ReferenceSite> references) {

    public StepDefinition {
        config = Immutables.deepCopy(config);
        dependsOn = List.copyOf(dependsOn);
        outputs = List.copyOf(outputs);
        references = List.copyOf(references);
        when = when == null ? When.ON_SUCCESS : when;
        retry = retry == null ? RetryPolicy.NONE : retry;
    }
}
