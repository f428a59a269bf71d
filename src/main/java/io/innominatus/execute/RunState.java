package io.innominatus.execute;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.Execution;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.WorkflowRun;
import io.innominatus.support.EnvironmentReferences;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one run knows of its execution: the header, the step and workflow rows, the secrets seen so far and
 * the values its steps produced. Changed only through the {@link Journal} (rows) and on the run's serial
 * executor (everything else), so it needs no locks.
 */
final class RunState {

    final String id;
    final DeploymentPlan plan;
    final Map<String, PlannedWorkflow> planned = new LinkedHashMap<>();
    final LinkedHashMap<StepKey, StepRun> steps = new LinkedHashMap<>();
    final LinkedHashMap<String, WorkflowRun> workflows = new LinkedHashMap<>();
    /** Workflows that ran longer than maxWorkflowDuration: their remaining steps are skipped. */
    final Set<String> expired = new HashSet<>();
    final Redactor redactor = new Redactor();
    private final Map<String, Map<String, String>> variables = new HashMap<>();
    private final Clock clock;
    Execution header;
    /** The sequence of the last event in the store. */
    long sequence;
    /** The run no longer drives its execution (it lost a race, was given up or hit an unrecoverable defect). */
    boolean halted;

    RunState(Execution execution, Clock clock) {
        this.id = execution.id();
        this.plan = execution.plan();
        this.header = execution;
        this.sequence = execution.lastSequence();
        this.clock = clock;
        plan.workflows().forEach(w -> planned.put(w.workflowId(), w));
        execution.steps().forEach(s -> steps.put(new StepKey(s.workflowId(), s.step()), s));
        execution.workflows().forEach(w -> workflows.put(w.workflowId(), w));
    }

    /** Whether the run still drives a RUNNING execution. */
    boolean driving() {
        return !halted && header.state() == io.innominatus.model.ExecutionState.RUNNING;
    }

    Execution current() {
        return new Execution(id, header.kind(), header.state(), plan, header.scoreYaml(), List.copyOf(steps.values()),
                List.copyOf(workflows.values()), header.requestedBy(), header.approvedBy(), header.decisionComment(),
                header.requestId(), header.dryRun(), header.error(), sequence, header.createTime(), header.startTime(),
                header.endTime(), header.requestedBySubject());
    }

    StepRun step(StepKey key) {
        return steps.get(key);
    }

    StepDefinition definition(StepKey key) {
        return planned.get(key.workflowId()).step(key.step()).definition();
    }

    /** The time, at the precision the store keeps, so that a live event and its stored copy are equal. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * A comment typed by a person, with every secret this execution could know masked: the values its steps
     * produced or read so far, and every admin value taken from an environment variable, even one no step has
     * read yet (a retry after a restart has read nothing).
     */
    String redacted(String comment) {
        if (comment == null || comment.isEmpty()) {
            return "";
        }
        registerAdminSecrets(plan.context().admin());
        return redactor.apply(comment);
    }

    private void registerAdminSecrets(Object value) {
        if (value instanceof String text && EnvironmentReferences.contains(text)) {
            try {
                EnvironmentReferences.resolve(text, System::getenv, redactor::add);
            } catch (IllegalArgumentException unset) {
                // A variable that is not set has no value to leak.
            }
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(this::registerAdminSecrets);
        } else if (value instanceof List<?> list) {
            list.forEach(this::registerAdminSecrets);
        }
    }

    /** The values a step's strings are interpolated with: outputs so far, resources, terraform, variables. */
    Interpolator.Scope scope(PlannedWorkflow workflow, PlannedStep step) {
        Map<String, Map<String, String>> stepOutputs = new LinkedHashMap<>();
        Map<String, StepState> stepStates = new LinkedHashMap<>();
        Map<String, String> terraform = Map.of();
        for (PlannedStep s : workflow.steps()) {
            StepRun run = steps.get(new StepKey(workflow.workflowId(), s.name()));
            stepStates.put(s.name(), run.state());
            if (run.state() == StepState.SUCCEEDED) {
                stepOutputs.put(s.name(), run.outputs());
                if (s.exports().terraform() && !s.name().equals(step.name())) {
                    terraform = run.outputs();
                }
            }
        }
        Map<String, Map<String, String>> resources = new LinkedHashMap<>();
        plan.workflows().forEach(w -> w.steps().stream().filter(s -> s.exports().resource() != null).forEach(s -> {
            StepRun run = steps.get(new StepKey(w.workflowId(), s.name()));
            if (run != null && run.state() == StepState.SUCCEEDED) {
                resources.put(s.exports().resource(), run.outputs());
            }
        }));
        Interpolator.Scope base = new Interpolator.Scope(id, plan.context(), Map.of(), stepOutputs, stepStates, resources,
                terraform, redactor::add, header.dryRun());
        Map<String, String> rendered = variables.computeIfAbsent(workflow.workflowId(), w -> {
            Map<String, String> values = new LinkedHashMap<>();
            workflow.variables().forEach((k, v) -> values.put(k, Interpolator.render(v, base)));
            return values;
        });
        return new Interpolator.Scope(id, plan.context(), rendered, stepOutputs, stepStates, resources, terraform,
                redactor::add, header.dryRun());
    }
}
