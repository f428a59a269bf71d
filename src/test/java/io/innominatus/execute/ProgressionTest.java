package io.innominatus.execute;

import static io.innominatus.execute.EngineHarness.plan;
import static io.innominatus.execute.EngineHarness.workflow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.model.WorkflowRun;
import io.innominatus.steps.spi.StepFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The executor's pure core, table-driven: a plan, where its workflows and steps stand, what conditions say,
 * and the decisions expected. No engine, no threads, no store.
 *
 * <p>Notation of the given states: {@code step=STATE}, or {@code workflow/step=STATE} when the plan has
 * several workflows; workflows as {@code wf:name=STATE}. Decisions: {@code wf+name} (with {@code phase+P}
 * before it when the phase starts), {@code start step}, {@code skip step: reason}, {@code fail step: reason},
 * {@code wf-name} (with {@code !} when it failed and {@code phase-P}/{@code phase-P!} when its phase ended),
 * and {@code end STATE}.
 */
class ProgressionTest {

    private static final WorkflowDefinition SEQUENCE = sequence("deploy", "deployment",
            "{name: prepare, type: fake}", "{name: migrate, type: fake}", "{name: publish, type: fake}",
            "{name: rollback, type: fake, when: on_failure}", "{name: cleanup, type: fake, when: always}");
    private static final WorkflowDefinition DAG = workflow("dag", "deployment", """
              steps:
                - {name: infra, type: fake}
                - {name: cache, type: fake}
                - {name: migrate, type: fake, dependsOn: [infra]}
                - {name: verify, type: fake, dependsOn: [migrate, cache]}
                - {name: rollback, type: fake, when: on_failure}
                - {name: cleanup, type: fake, when: always}
            """);
    private static final WorkflowDefinition TOLERANT = sequence("deploy", "deployment",
            "{name: optional, type: fake, continueOnError: true}", "{name: next, type: fake}");
    private static final WorkflowDefinition CONDITIONAL = sequence("deploy", "deployment",
            "{name: gate, type: fake, if: \"environment.name == 'production'\"}", "{name: after, type: fake}");
    private static final WorkflowDefinition PRE = sequence("pre", "pre-deployment", "{name: scan, type: fake}");
    private static final WorkflowDefinition POST = sequence("post", "post-deployment", "{name: notify, type: fake}");
    private static final WorkflowDefinition DEPLOY = sequence("deploy", "deployment", "{name: apply, type: fake}");
    private static final WorkflowDefinition DEPLOY_TOO = sequence("deploy-too", "deployment", "{name: apply, type: fake}");

    private record Case(String name, List<WorkflowDefinition> workflows, String given, Set<String> expired,
            Map<String, String> conditions, List<String> expected) {}

    private static Case row(String name, List<WorkflowDefinition> workflows, String given, String... expected) {
        return new Case(name, workflows, given, Set.of(), Map.of(), List.of(expected));
    }

    private static List<Case> table() {
        List<WorkflowDefinition> sequence = List.of(SEQUENCE);
        List<WorkflowDefinition> dag = List.of(DAG);
        List<WorkflowDefinition> phases = List.of(POST, PRE, DEPLOY);
        return List.of(
                row("a fresh sequence starts its phase, its workflow and its first step only", sequence, "",
                        "phase+DEPLOYMENT", "wf+deploy", "start prepare"),
                row("a running step holds the sequence", sequence, "wf:deploy=RUNNING prepare=RUNNING"),
                row("the next step starts when the one before succeeded", sequence,
                        "wf:deploy=RUNNING prepare=SUCCEEDED", "start migrate"),
                row("a failure skips on_success steps and runs on_failure, then always", sequence,
                        "wf:deploy=RUNNING prepare=SUCCEEDED migrate=FAILED",
                        "skip publish: skipped: an earlier step failed", "start rollback"),
                row("always runs after on_failure; the workflow then fails with the first error", sequence,
                        "wf:deploy=RUNNING prepare=SUCCEEDED migrate=FAILED publish=SKIPPED rollback=SUCCEEDED "
                                + "cleanup=SUCCEEDED",
                        "wf-deploy! step migrate: failed here", "phase-DEPLOYMENT!", "end FAILED"),
                row("on_failure is skipped when nothing failed", sequence,
                        "wf:deploy=RUNNING prepare=SUCCEEDED migrate=SUCCEEDED publish=SUCCEEDED",
                        "skip rollback: skipped: nothing failed", "start cleanup"),
                row("a workflow whose steps all ended succeeds and ends the execution", sequence,
                        "wf:deploy=RUNNING prepare=SUCCEEDED migrate=SUCCEEDED publish=SUCCEEDED rollback=SKIPPED "
                                + "cleanup=SUCCEEDED",
                        "wf-deploy", "phase-DEPLOYMENT", "end SUCCEEDED"),
                row("a DAG starts every step without dependencies together", dag, "",
                        "phase+DEPLOYMENT", "wf+dag", "start infra", "start cache"),
                row("a DAG step starts once its dependencies ended", dag,
                        "wf:dag=RUNNING infra=SUCCEEDED cache=RUNNING", "start migrate"),
                row("a DAG step waits for every dependency", dag,
                        "wf:dag=RUNNING infra=SUCCEEDED cache=RUNNING migrate=SUCCEEDED"),
                row("a failed dependency skips its dependents; on_failure waits for every on_success step", dag,
                        "wf:dag=RUNNING infra=FAILED cache=RUNNING",
                        "skip migrate: skipped: an earlier step failed"),
                row("once every on_success step ended, on_failure and always start together", dag,
                        "wf:dag=RUNNING infra=FAILED cache=SUCCEEDED migrate=SKIPPED",
                        "skip verify: skipped: an earlier step failed", "start rollback", "start cleanup"),
                row("a dependency skipped by its condition does not hold its dependents back", dag,
                        "wf:dag=RUNNING infra=SKIPPED cache=SUCCEEDED", "start migrate"),
                row("a cancelled dependency skips its dependents", dag,
                        "wf:dag=RUNNING infra=CANCELLED cache=RUNNING",
                        "skip migrate: skipped: an earlier step failed"),
                row("a step that may fail fails nothing else", List.of(TOLERANT),
                        "wf:deploy=RUNNING optional=FAILED", "start next"),
                row("phases run in order, whatever order the plan lists them in", phases, "",
                        "phase+PRE_DEPLOYMENT", "wf+pre", "start scan"),
                row("a finished phase opens the next one in the same pass", phases,
                        "wf:pre=RUNNING scan=SUCCEEDED",
                        "wf-pre", "phase-PRE_DEPLOYMENT", "phase+DEPLOYMENT", "wf+deploy", "start apply"),
                row("a failed workflow skips the later phases and ends the execution", phases,
                        "wf:pre=FAILED pre/scan=FAILED", "end FAILED"),
                row("the workflows of one phase run one after the other; the phase ends with the last", List.of(DEPLOY,
                        DEPLOY_TOO), "wf:deploy=RUNNING deploy/apply=SUCCEEDED",
                        "wf-deploy", "wf+deploy-too", "start apply"),
                new Case("an expired workflow skips what it has not started and fails", sequence,
                        "wf:deploy=RUNNING prepare=FAILED", Set.of("deploy"), Map.of(), List.of(
                                "skip migrate: skipped: workflow exceeded maxWorkflowDuration",
                                "skip publish: skipped: workflow exceeded maxWorkflowDuration",
                                "skip rollback: skipped: workflow exceeded maxWorkflowDuration",
                                "skip cleanup: skipped: workflow exceeded maxWorkflowDuration",
                                "wf-deploy! workflow exceeded maxWorkflowDuration", "phase-DEPLOYMENT!", "end FAILED")),
                new Case("a false condition skips the step and the next one starts in the same pass", List.of(CONDITIONAL),
                        "wf:deploy=RUNNING", Set.of(), Map.of("gate", "false"),
                        List.of("skip gate: skipped: condition is false", "start after")),
                new Case("a true condition runs the step", List.of(CONDITIONAL), "wf:deploy=RUNNING", Set.of(),
                        Map.of("gate", "true"), List.of("start gate")),
                new Case("a condition that cannot be evaluated fails the step, and the workflow skips the rest",
                        List.of(CONDITIONAL), "wf:deploy=RUNNING", Set.of(), Map.of("gate", "error"), List.of(
                                "fail gate: condition: no such key: deployment", "skip after: skipped: an earlier step failed",
                                "wf-deploy! step gate: condition: no such key: deployment", "phase-DEPLOYMENT!",
                                "end FAILED")));
    }

    @TestFactory
    Stream<DynamicTest> decisions() {
        return table().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> assertEquals(c.expected(), decide(c))));
    }

    private static List<String> decide(Case c) {
        DeploymentPlan plan = plan("shop", "development", false, null, c.workflows().toArray(WorkflowDefinition[]::new));
        Map<StepKey, StepRun> steps = new LinkedHashMap<>();
        Map<String, WorkflowRun> workflows = new LinkedHashMap<>();
        for (PlannedWorkflow w : plan.workflows().toList()) {
            workflows.put(w.workflowId(), new WorkflowRun(w.workflowId(), w.phase(), StepState.PENDING));
            for (PlannedStep s : w.steps()) {
                steps.put(new StepKey(w.workflowId(), s.name()), new StepRun(w.workflowId(), s.name(), s.type(), w.phase(),
                        StepState.PENDING, 0, "", Map.of(), null, null));
            }
        }
        for (String entry : c.given().isBlank() ? new String[0] : c.given().trim().split("\\s+")) {
            String[] parts = entry.split("=");
            StepState state = StepState.valueOf(parts[1]);
            if (parts[0].startsWith("wf:")) {
                String id = workflowId(plan, parts[0].substring(3));
                workflows.put(id, new WorkflowRun(id, workflows.get(id).phase(), state));
                continue;
            }
            StepKey key = stepKey(plan, parts[0]);
            steps.put(key, steps.get(key).with(state, state == StepState.PENDING ? 0 : 1,
                    state == StepState.FAILED ? "failed here" : "", Map.of(), null, null));
        }
        Progression.Conditions conditions = (workflow, step) -> {
            String outcome = c.conditions().get(step.name());
            if (outcome == null) {
                return Optional.empty();
            }
            if (outcome.equals("error")) {
                throw StepFailure.configuration("no such key: deployment");
            }
            return Optional.of(Boolean.parseBoolean(outcome));
        };
        List<String> described = new ArrayList<>();
        for (Progression.Decision d : Progression.next(plan, steps, workflows, c.expired().stream()
                .map(w -> workflowId(plan, w)).collect(java.util.stream.Collectors.toSet()), conditions)) {
            described.addAll(describe(d));
        }
        return described;
    }

    private static List<String> describe(Progression.Decision d) {
        if (d instanceof Progression.StartWorkflow s) {
            return s.phaseStarts() ? List.of("phase+" + s.phase(), "wf+" + name(s.workflowId())) : List.of("wf+"
                    + name(s.workflowId()));
        }
        if (d instanceof Progression.StartAttempt s) {
            return List.of("start " + s.step().step());
        }
        if (d instanceof Progression.SettleStep s) {
            return List.of((s.state() == StepState.SKIPPED ? "skip " : "fail ") + s.step().step() + ": " + s.reason());
        }
        if (d instanceof Progression.FinishWorkflow f) {
            List<String> out = new ArrayList<>(List.of("wf-" + name(f.workflowId()) + (f.succeeded() ? "" : "! " + f.error())));
            f.phaseSucceeded().ifPresent(ok -> out.add("phase-" + f.phase() + (ok ? "" : "!")));
            return out;
        }
        return List.of("end " + ((Progression.FinishExecution) d).outcome());
    }

    private static String name(String workflowId) {
        return workflowId.substring(workflowId.lastIndexOf('/') + 1);
    }

    private static String workflowId(DeploymentPlan plan, String name) {
        return plan.workflows().map(PlannedWorkflow::workflowId).filter(id -> name(id).equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workflow " + name));
    }

    /** {@code step} when one workflow has it, {@code workflow/step} otherwise. */
    private static StepKey stepKey(DeploymentPlan plan, String reference) {
        String[] parts = reference.split("/");
        List<StepKey> matches = plan.workflows()
                .filter(w -> parts.length == 1 || name(w.workflowId()).equals(parts[0]))
                .flatMap(w -> w.steps().stream().filter(s -> s.name().equals(parts[parts.length - 1]))
                        .map(s -> new StepKey(w.workflowId(), s.name())))
                .toList();
        if (matches.size() != 1) {
            throw new IllegalArgumentException("step " + reference + " matches " + matches);
        }
        return matches.get(0);
    }

    private static WorkflowDefinition sequence(String name, String phase, String... steps) {
        return workflow(name, phase, "  steps:\n" + Arrays.stream(steps).map(s -> "    - " + s + "\n")
                .reduce("", String::concat));
    }
}
