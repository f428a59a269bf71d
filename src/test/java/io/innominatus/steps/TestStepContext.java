package io.innominatus.steps;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.Interpolation;
import io.innominatus.model.PlanContext;
import io.innominatus.steps.spi.Cancellation;
import io.innominatus.steps.spi.StepContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A step context for executor tests: config, workflow directory, plan context and limits are set by the
 * test; log lines (unredacted, so tests can prove executors never write secrets themselves), progress
 * and registered secrets are recorded.
 */
public final class TestStepContext implements StepContext {

    /** A log line as the executor wrote it. */
    public record Line(String stream, String text) {}

    public final List<Line> lines = new CopyOnWriteArrayList<>();
    public final List<String> secrets = new CopyOnWriteArrayList<>();
    public final List<String> progress = new CopyOnWriteArrayList<>();
    /** Values of {@code ${...}} references {@link #interpolate} fills, besides application and environment names. */
    public final Map<String, String> values = new java.util.concurrent.ConcurrentHashMap<>();
    public final Cancellation cancellation = new Cancellation();
    private final String type;
    private Map<String, Object> config = new LinkedHashMap<>();
    private Path workflowDirectory;
    private String path;
    private String namespace;
    private boolean dryRun;
    private Duration timeout;
    private PlanContext plan = plan("shop", "retail", "staging", Map.of());
    private DeploymentPlan.ExecutionLimits limits = DeploymentPlan.ExecutionLimits.NONE;

    public TestStepContext(String type) {
        this.type = type;
    }

    /** A plan context for {@code application} with the given Score document (containers, metadata...). */
    public static PlanContext plan(String application, String product, String environment, Map<String, Object> score) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", application);
        if (!product.isEmpty()) {
            metadata.put("product", product);
        }
        if (score.get("metadata") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> metadata.put(String.valueOf(k), v));
        }
        return new PlanContext(application, product, environment, metadata, Map.of(), Map.of(), Map.of(), score,
                "sha256:test");
    }

    public TestStepContext config(String key, Object value) {
        config.put(key, value);
        return this;
    }

    public TestStepContext config(Map<String, Object> values) {
        config = new LinkedHashMap<>(values);
        return this;
    }

    public TestStepContext workflowDirectory(Path directory) {
        this.workflowDirectory = directory;
        return this;
    }

    public TestStepContext namespace(String value) {
        this.namespace = value;
        return this;
    }

    public TestStepContext path(String value) {
        this.path = value;
        return this;
    }

    public TestStepContext plan(PlanContext value) {
        this.plan = value;
        return this;
    }

    public TestStepContext limits(DeploymentPlan.ExecutionLimits value) {
        this.limits = value;
        return this;
    }

    public TestStepContext dryRun(boolean value) {
        this.dryRun = value;
        return this;
    }

    public TestStepContext timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    /** Every line's text, in order. */
    public List<String> texts() {
        List<String> texts = new ArrayList<>();
        lines.forEach(l -> texts.add(l.text()));
        return texts;
    }

    public String log() {
        return String.join("\n", texts());
    }

    public boolean logged(String fragment) {
        return lines.stream().anyMatch(l -> l.text().contains(fragment));
    }

    @Override
    public String executionId() {
        return "exec-1";
    }

    @Override
    public String workflowId() {
        return "platform/test";
    }

    @Override
    public String step() {
        return "step-1";
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public String idempotencyKey() {
        return "exec-1/platform/test/step-1/1";
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
        return Optional.ofNullable(path);
    }

    @Override
    public Optional<Path> workflowDirectory() {
        return Optional.ofNullable(workflowDirectory);
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
        lines.add(new Line(stream, line));
    }

    @Override
    public void progress(int percent, String message) {
        progress.add(percent + "% " + message);
    }

    @Override
    public Cancellation cancellation() {
        return cancellation;
    }

    @Override
    public void secret(String value) {
        secrets.add(value);
    }

    @Override
    public String interpolate(String text) {
        return Interpolation.render(text, expression -> switch (expression) {
            case "application.name", "metadata.name" -> Optional.of(plan.application());
            case "environment.name" -> Optional.of(plan.environment());
            default -> Optional.ofNullable(values.get(expression));
        });
    }
}
