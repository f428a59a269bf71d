package io.innominatus.steps.provisioning;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.PlanContext;
import io.innominatus.model.StepDefinition;
import io.innominatus.steps.spi.Cancellation;
import io.innominatus.steps.spi.StepContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The context of a step that runs inside another step (a step of a workflow provisioner): it shares
 * the outer step's execution, cancellation, secrets and log, with its own name, type and config.
 */
final class NestedStepContext implements StepContext {

    private final StepContext outer;
    private final StepDefinition step;
    private final Map<String, Object> config;
    private final String namespace;
    private final Path directory;
    private final UnaryOperator<String> fill;

    /**
     * @param config the nested step's config, already filled
     * @param directory the directory relative paths of the nested step resolve against
     * @param fill fills {@code ${...}} in text the nested step reads from files
     */
    NestedStepContext(StepContext outer, StepDefinition step, Map<String, Object> config, String namespace, Path directory,
            UnaryOperator<String> fill) {
        this.outer = outer;
        this.step = step;
        this.config = config;
        this.namespace = namespace;
        this.directory = directory;
        this.fill = fill;
    }

    @Override
    public String executionId() {
        return outer.executionId();
    }

    @Override
    public String workflowId() {
        return outer.workflowId();
    }

    @Override
    public String step() {
        return outer.step() + "." + step.name();
    }

    @Override
    public String type() {
        return step.type();
    }

    @Override
    public int attempt() {
        return outer.attempt();
    }

    @Override
    public String idempotencyKey() {
        return outer.idempotencyKey() + "/" + step.name();
    }

    @Override
    public boolean dryRun() {
        return outer.dryRun();
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
        return Optional.ofNullable(step.path()).map(fill);
    }

    @Override
    public Optional<Path> workflowDirectory() {
        return Optional.ofNullable(directory).or(outer::workflowDirectory);
    }

    @Override
    public PlanContext plan() {
        return outer.plan();
    }

    @Override
    public DeploymentPlan.ExecutionLimits limits() {
        return outer.limits();
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(step.timeout()).or(outer::timeout);
    }

    @Override
    public void log(String stream, String line) {
        outer.log(stream, "[" + step.name() + "] " + line);
    }

    @Override
    public void progress(int percent, String message) {
        outer.log("engine", "[" + step.name() + "] " + percent + "% " + message);
    }

    @Override
    public Cancellation cancellation() {
        return outer.cancellation();
    }

    @Override
    public void secret(String value) {
        outer.secret(value);
    }

    @Override
    public String interpolate(String text) {
        return fill.apply(text);
    }
}
