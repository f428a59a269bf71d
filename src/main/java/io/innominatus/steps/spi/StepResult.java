package io.innominatus.steps.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a successful step produced.
 *
 * @param outputs values later steps can use as {@code ${steps.<step>.outputs.<key>}}
 * @param secretOutputs keys of outputs whose values are secret: redacted wherever they are shown
 */
public record StepResult(Map<String, String> outputs, Set<String> secretOutputs) {

    public static final StepResult EMPTY = new StepResult(Map.of(), Set.of());

    public StepResult {
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        secretOutputs = Set.copyOf(secretOutputs);
    }

    public static StepResult of(Map<String, String> outputs) {
        return new StepResult(outputs, Set.of());
    }
}
