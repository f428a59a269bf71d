package io.innominatus.execute;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.PlanContext;
import io.innominatus.steps.Cancellation;
import io.innominatus.steps.StepContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The context of one attempt, backed by its run. */
final class StepContextImpl implements StepContext {

    private final ExecutionRun run;
    private final String workflowId;
    private final String step;
    private final String type;
    private final int attempt;
    private final String idempotencyKey;
    private final boolean dryRun;
    private final Map<String, Object> config;
    private final String namespace;
    private final String path;
    private final Path workflowDirectory;
    private final DeploymentPlan plan;
    private final Duration timeout;
    private final Cancellation cancellation;
    private final ExecutionRun.Attempt attemptHandle;
    private final Interpolator.Scope scope;

    StepContextImpl(ExecutionRun run, String workflowId, String step, String type, int attempt, String idempotencyKey,
            boolean dryRun, Map<String, Object> config, String namespace, String path, Path workflowDirectory,
            DeploymentPlan plan, Duration timeout, Cancellation cancellation, ExecutionRun.Attempt attemptHandle,
            Interpolator.Scope scope) {
        this.run = run;
        this.workflowId = workflowId;
        this.step = step;
        this.type = type;
        this.attempt = attempt;
        this.idempotencyKey = idempotencyKey;
        this.dryRun = dryRun;
        this.config = config;
        this.namespace = namespace;
        this.path = path;
        this.workflowDirectory = workflowDirectory;
        this.plan = plan;
        this.timeout = timeout;
        this.cancellation = cancellation;
        this.attemptHandle = attemptHandle;
        this.scope = scope;
    }

    @Override
    public String interpolate(String text) {
        return Interpolator.render(text, scope);
    }

    @Override
    public String executionId() {
        return run.id();
    }

    @Override
    public String workflowId() {
        return workflowId;
    }

    @Override
    public String step() {
        return step;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public String idempotencyKey() {
        return idempotencyKey;
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
        return plan.context();
    }

    @Override
    public DeploymentPlan.ExecutionLimits limits() {
        return plan.limits();
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void log(String stream, String line) {
        run.log(attemptHandle, workflowId, step, stream, line);
    }

    @Override
    public void progress(int percent, String message) {
        run.progress(attemptHandle, workflowId, step, percent, message);
    }

    @Override
    public Cancellation cancellation() {
        return cancellation;
    }

    @Override
    public void secret(String value) {
        run.secret(value);
    }
}
