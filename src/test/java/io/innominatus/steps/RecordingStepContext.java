package io.innominatus.steps;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.Interpolation;
import io.innominatus.model.PlanContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A step context for executor tests: set what the step sees, read what it logged and registered. */
final class RecordingStepContext implements StepContext {

    final List<String> lines = new CopyOnWriteArrayList<>();
    final Set<String> secrets = ConcurrentHashMap.newKeySet();
    final Cancellation cancellation = new Cancellation();
    final Map<String, String> values = new HashMap<>();
    Map<String, Object> config = Map.of();
    String namespace;
    Path directory;
    PlanContext plan = plan("shop", Map.of());
    DeploymentPlan.ExecutionLimits limits = DeploymentPlan.ExecutionLimits.NONE;
    boolean dryRun;
    Duration timeout;

    static PlanContext plan(String application, Map<String, Object> score) {
        return new PlanContext(application, "ecommerce", "development", Map.of("name", application), Map.of(), Map.of(), Map.of(),
                score, "digest");
    }

    RecordingStepContext config(Map<String, Object> config) {
        this.config = config;
        return this;
    }

    @Override
    public String executionId() {
        return "00000000-0000-0000-0000-000000000001";
    }

    @Override
    public String workflowId() {
        return "platform/test";
    }

    @Override
    public String step() {
        return "step";
    }

    @Override
    public String type() {
        return "test";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public String idempotencyKey() {
        return executionId() + "/platform/test/step/1";
    }

    @Override
    public boolean dryRun() {
        return dryRun;
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    @Override
    public Optional<String> path() {
        return Optional.empty();
    }

    @Override
    public Optional<Path> workflowDirectory() {
        return Optional.ofNullable(directory);
    }

    @Override
    public PlanContext plan() {
        return plan;
    }

    @Override
    public DeploymentPlan.ExecutionLimits limits() {
        return limits;
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void log(String stream, String line) {
        lines.add(line);
    }

    @Override
    public void progress(int percent, String message) {
    }

    @Override
    public Cancellation cancellation() {
        return cancellation;
    }

    @Override
    public void secret(String value) {
        secrets.add(value);
    }

    /** Fills references from {@link #values} plus application and environment names. */
    @Override
    public String interpolate(String text) {
        return Interpolation.render(text, expression -> switch (expression) {
            case "application.name", "metadata.name" -> Optional.of(plan.application());
            case "environment.name" -> Optional.of(plan.environment());
            default -> Optional.ofNullable(values.get(expression));
        });
    }
}
