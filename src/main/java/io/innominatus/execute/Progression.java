package io.innominatus.execute;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.Phase;
import io.innominatus.model.PlannedPhase;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.When;
import io.innominatus.model.WorkflowRun;
import io.innominatus.steps.spi.StepFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pure core of the executor: given the plan and where every workflow and step of a RUNNING execution
 * stands, what happens next. No threads, no store, no clock; {@link ExecutionRun} applies the decisions in
 * order and the table-driven {@code ProgressionTest} pins the semantics.
 *
 * <p>Phases run in order; the workflows of a phase one after another (in plan order); a workflow's steps in
 * file order, or as a DAG when any step declares {@code dependsOn}. A failed step fails its workflow and the
 * execution: later {@code on_success} steps are skipped, {@code on_failure} and {@code always} steps still
 * run (in a DAG after every {@code on_success} step of the workflow has ended), later workflows are skipped.
 * A step with {@code continueOnError} that fails fails nothing else. A workflow that exceeded
 * maxWorkflowDuration skips what it has not started.
 */
final class Progression {

    /** One thing to do, in the order returned. */
    sealed interface Decision permits StartWorkflow, StartAttempt, SettleStep, FinishWorkflow, FinishExecution {}

    /** The workflow starts; {@code phaseStarts} when it is the first of its phase to start. */
    record StartWorkflow(Phase phase, String workflowId, boolean phaseStarts) implements Decision {}

    /** The step's next attempt starts. */
    record StartAttempt(StepKey step) implements Decision {}

    /** The step ends without an attempt: SKIPPED, or FAILED when its condition could not be evaluated. */
    record SettleStep(StepKey step, StepState state, String reason) implements Decision {}

    /**
     * Every step of the workflow has ended.
     *
     * @param phaseSucceeded empty while other workflows of the phase have not ended; otherwise whether all succeeded
     */
    record FinishWorkflow(Phase phase, String workflowId, boolean succeeded, String error,
            Optional<Boolean> phaseSucceeded) implements Decision {}

    /** The execution ends; steps and workflows that never ran are skipped. */
    record FinishExecution(ExecutionState outcome) implements Decision {}

    /** Evaluates a step's {@code if}/{@code unless}: empty when it has none, false when it is to be skipped. */
    @FunctionalInterface
    interface Conditions {
        /** @throws IllegalArgumentException or StepFailure when the condition cannot be evaluated */
        Optional<Boolean> evaluate(PlannedWorkflow workflow, PlannedStep step);
    }

    private final DeploymentPlan plan;
    private final Set<String> expired;
    private final Conditions conditions;
    private final Map<StepKey, StepState> stepStates = new HashMap<>();
    private final Map<StepKey, String> stepErrors = new HashMap<>();
    private final Map<String, StepState> workflowStates = new HashMap<>();
    private final List<Decision> decisions = new ArrayList<>();

    private Progression(DeploymentPlan plan, Map<StepKey, StepRun> steps, Map<String, WorkflowRun> workflows,
            Set<String> expired, Conditions conditions) {
        this.plan = plan;
        this.expired = expired;
        this.conditions = conditions;
        steps.forEach((key, run) -> {
            stepStates.put(key, run.state());
            stepErrors.put(key, run.error());
        });
        workflows.forEach((id, run) -> workflowStates.put(id, run.state()));
    }

    /**
     * What happens next. The decisions build on each other (a settled step may make the next one ready), as
     * if each were applied before the next was made.
     *
     * @param expired workflows that exceeded maxWorkflowDuration
     */
    static List<Decision> next(DeploymentPlan plan, Map<StepKey, StepRun> steps, Map<String, WorkflowRun> workflows,
            Set<String> expired, Conditions conditions) {
        Progression progression = new Progression(plan, steps, workflows, expired, conditions);
        progression.decide();
        return List.copyOf(progression.decisions);
    }

    private void decide() {
        boolean executionFailed = workflowStates.values().stream().anyMatch(s -> s == StepState.FAILED);
        for (PlannedPhase phase : plan.phases()) {
            for (PlannedWorkflow workflow : phase.workflows()) {
                StepState state = workflowStates.get(workflow.workflowId());
                if (state.terminal()) {
                    continue;
                }
                if (executionFailed) {
                    decisions.add(new FinishExecution(ExecutionState.FAILED));
                    return;
                }
                if (state == StepState.PENDING) {
                    boolean phaseStarts = phase.workflows().stream()
                            .allMatch(w -> workflowStates.get(w.workflowId()) == StepState.PENDING);
                    decisions.add(new StartWorkflow(phase.phase(), workflow.workflowId(), phaseStarts));
                    workflowStates.put(workflow.workflowId(), StepState.RUNNING);
                }
                startReadySteps(workflow);
                if (!workflow.steps().stream().allMatch(s -> state(workflow, s).terminal())) {
                    return;
                }
                boolean succeeded = !failing(workflow);
                workflowStates.put(workflow.workflowId(), succeeded ? StepState.SUCCEEDED : StepState.FAILED);
                Optional<Boolean> phaseSucceeded = phase.workflows().stream()
                        .allMatch(w -> workflowStates.get(w.workflowId()).terminal())
                        ? Optional.of(phase.workflows().stream()
                                .allMatch(w -> workflowStates.get(w.workflowId()) == StepState.SUCCEEDED))
                        : Optional.empty();
                decisions.add(new FinishWorkflow(phase.phase(), workflow.workflowId(), succeeded,
                        succeeded ? "" : firstError(workflow), phaseSucceeded));
                executionFailed = !succeeded;
            }
        }
        decisions.add(new FinishExecution(executionFailed ? ExecutionState.FAILED : ExecutionState.SUCCEEDED));
    }

    private void startReadySteps(PlannedWorkflow workflow) {
        boolean progressed = true;
        while (progressed) {
            progressed = false;
            for (int i = 0; i < workflow.steps().size(); i++) {
                PlannedStep step = workflow.steps().get(i);
                StepKey key = new StepKey(workflow.workflowId(), step.name());
                if (stepStates.get(key) != StepState.PENDING || !ready(workflow, i)) {
                    continue;
                }
                progressed = true;
                Optional<String> skip = skipReason(workflow, step);
                if (skip.isPresent()) {
                    settle(key, StepState.SKIPPED, skip.get());
                    continue;
                }
                Optional<Boolean> condition;
                try {
                    condition = conditions.evaluate(workflow, step);
                } catch (IllegalArgumentException | StepFailure e) {
                    settle(key, StepState.FAILED, "condition: " + e.getMessage());
                    continue;
                }
                if (condition.isPresent() && !condition.get()) {
                    settle(key, StepState.SKIPPED, "skipped: condition is false");
                    continue;
                }
                decisions.add(new StartAttempt(key));
                stepStates.put(key, StepState.RUNNING);
                if (!workflow.parallel()) {
                    return;
                }
            }
        }
    }

    private void settle(StepKey key, StepState state, String reason) {
        decisions.add(new SettleStep(key, state, reason));
        stepStates.put(key, state);
        stepErrors.put(key, reason);
    }

    /**
     * Sequential workflows: every earlier step has ended. DAGs: every dependency has ended, and for
     * {@code on_failure}/{@code always} steps also every {@code on_success} step of the workflow.
     */
    private boolean ready(PlannedWorkflow workflow, int index) {
        PlannedStep step = workflow.steps().get(index);
        if (!workflow.parallel()) {
            for (int i = 0; i < index; i++) {
                if (!state(workflow, workflow.steps().get(i)).terminal()) {
                    return false;
                }
            }
            return true;
        }
        for (String dependency : step.dependsOn()) {
            if (!stepStates.get(new StepKey(workflow.workflowId(), dependency)).terminal()) {
                return false;
            }
        }
        if (step.definition().when() != When.ON_SUCCESS) {
            return workflow.steps().stream().filter(s -> s.definition().when() == When.ON_SUCCESS)
                    .allMatch(s -> state(workflow, s).terminal());
        }
        return true;
    }

    private Optional<String> skipReason(PlannedWorkflow workflow, PlannedStep step) {
        if (expired.contains(workflow.workflowId())) {
            return Optional.of("skipped: workflow exceeded maxWorkflowDuration");
        }
        boolean failure = failing(workflow);
        boolean dependencyFailed = step.dependsOn().stream().anyMatch(d -> {
            StepState state = stepStates.get(new StepKey(workflow.workflowId(), d));
            return (state == StepState.FAILED && !workflow.step(d).definition().continueOnError())
                    || state == StepState.CANCELLED;
        });
        return switch (step.definition().when()) {
            case ON_SUCCESS -> failure || dependencyFailed
                    ? Optional.of("skipped: an earlier step failed") : Optional.empty();
            case ON_FAILURE -> failure ? Optional.empty() : Optional.of("skipped: nothing failed");
            case ALWAYS -> Optional.empty();
        };
    }

    private boolean failing(PlannedWorkflow workflow) {
        return expired.contains(workflow.workflowId()) || workflow.steps().stream().anyMatch(s ->
                state(workflow, s) == StepState.FAILED && !s.definition().continueOnError());
    }

    private String firstError(PlannedWorkflow workflow) {
        if (expired.contains(workflow.workflowId())) {
            return "workflow exceeded maxWorkflowDuration";
        }
        return workflow.steps().stream()
                .filter(s -> state(workflow, s) == StepState.FAILED && !s.definition().continueOnError())
                .map(s -> "step " + s.name() + ": " + stepErrors.get(new StepKey(workflow.workflowId(), s.name())))
                .findFirst().orElse("failed");
    }

    private StepState state(PlannedWorkflow workflow, PlannedStep step) {
        return stepStates.get(new StepKey(workflow.workflowId(), step.name()));
    }
}
