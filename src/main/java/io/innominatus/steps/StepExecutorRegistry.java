package io.innominatus.steps;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every step executor bean, by type. */
@ApplicationScoped
public class StepExecutorRegistry {

    private final Map<String, StepExecutor> byType;

    public StepExecutorRegistry(Instance<StepExecutor> executors) {
        Map<String, StepExecutor> types = new TreeMap<>();
        for (StepExecutor executor : executors) {
            StepExecutor previous = types.putIfAbsent(executor.type(), executor);
            if (previous != null) {
                throw new IllegalStateException("two executors for step type " + executor.type());
            }
        }
        this.byType = Collections.unmodifiableMap(types);
    }

    public Optional<StepExecutor> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public boolean has(String type) {
        return byType.containsKey(type);
    }
}
