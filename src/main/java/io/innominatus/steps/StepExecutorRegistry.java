package io.innominatus.steps;

import io.innominatus.model.StepTypeRegistration;
import io.innominatus.steps.custom.CommandStepExecutor;
import io.innominatus.steps.custom.WebhookStepExecutor;
import io.innominatus.steps.spi.StepExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the executor of a step type: a built-in executor bean, or an executor for a type registered in
 * admin-config (created from its current registration).
 */
@ApplicationScoped
public class StepExecutorRegistry {

    private final Map<String, StepExecutor> builtIn;
    private final RegisteredStepTypes registered;
    private final Map<StepTypeRegistration, StepExecutor> custom = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public StepExecutorRegistry(Instance<StepExecutor> executors, RegisteredStepTypes registered) {
        Map<String, StepExecutor> types = new TreeMap<>();
        for (StepExecutor executor : executors) {
            StepExecutor previous = types.putIfAbsent(executor.type(), executor);
            if (previous != null) {
                throw new IllegalStateException("two executors for step type " + executor.type());
            }
        }
        this.builtIn = Collections.unmodifiableMap(types);
        this.registered = registered;
    }

    public Optional<StepExecutor> find(String type) {
        StepExecutor executor = builtIn.get(type);
        if (executor != null) {
            return Optional.of(executor);
        }
        return registered.find(type).map(registration -> custom.computeIfAbsent(registration, r -> r.isCommand()
                ? new CommandStepExecutor(r, registered.adminDirectory()) : new WebhookStepExecutor(r, http)));
    }

    public boolean has(String type) {
        return find(type).isPresent();
    }
}
