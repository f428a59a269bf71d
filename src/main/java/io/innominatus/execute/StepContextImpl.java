package io.innominatus.execute;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.PlanContext;
import io.innominatus.steps.spi.Cancellation;
import io.innominatus.steps.spi.StepContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The context of one attempt: its interpolated definition, and its log, progress and secrets going to its run. */
final class StepContextImpl implements StepContext {

    private final RunState run;
    private final StepLogs logs;
    private final StepAttempt attempt;
    private final String type;
    private final Map<String, Object> config;
    private final String namespace;
    private final String path;
    private final Path workflowDirectory;
    private final Duration timeout;
    private final Interpolator.Scope scope;
    private final boolean dryRun;

    StepContextImpl(RunState run, StepLogs logs, StepAttempt attempt, String type, Map<String, Object> config,
            String namespace, String path, Path workflowDirectory, Duration timeout, Interpolator.Scope scope) {
        this.run = run;
        this.logs = logs;
        this.attempt = attempt;
        this.type = type;
        this.config = config;
        this.namespace = namespace;
        this.path = path;
        this.workflowDirectory = workflowDirectory;
        this.timeout = timeout;
        this.scope = scope;
        this.dryRun = run.header.dryRun();
    }

    @Override
    public String interpolate(String text) {
        return Interpolator.render(text, scope);
    }

    @Override
    public String executionId() {
        return run.id;
    }

    @Override
    public String workflowId() {
        return attempt.key.workflowId();
    }

    @Override
    public String step() {
        return attempt.key.step();
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public int attempt() {
        return attempt.number;
    }

    @Override
    public String idempotencyKey() {
        return attempt.idempotencyKey;
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
        return run.plan.context();
    }

    @Override
    public DeploymentPlan.ExecutionLimits limits() {
        return run.plan.limits();
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void log(String stream, String line) {
        logs.log(attempt, stream, line);
    }

    @Override
    public void progress(int percent, String message) {
        logs.progress(attempt, percent, message);
    }

    @Override
    public Cancellation cancellation() {
        return attempt.cancellation;
    }

    @Override
    public void secret(String value) {
        run.redactor.add(value);
    }
}
