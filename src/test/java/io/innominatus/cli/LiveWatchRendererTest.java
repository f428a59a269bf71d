package io.innominatus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.innominatus.api.workflow.v1.DeploymentPlan;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionKind;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.Phase;
import io.innominatus.api.workflow.v1.PhaseFinished;
import io.innominatus.api.workflow.v1.PhaseStarted;
import io.innominatus.api.workflow.v1.PlannedPhase;
import io.innominatus.api.workflow.v1.PlannedStep;
import io.innominatus.api.workflow.v1.PlannedWorkflow;
import io.innominatus.api.workflow.v1.StateChanged;
import io.innominatus.api.workflow.v1.StepExecution;
import io.innominatus.api.workflow.v1.StepFinished;
import io.innominatus.api.workflow.v1.StepLog;
import io.innominatus.api.workflow.v1.StepStarted;
import io.innominatus.api.workflow.v1.StepState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live view drawn on terminals: progress bars per phase, step states and durations, redrawn in place. */
class LiveWatchRendererTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final String ID = "5f0e3c2a-1111-4222-8333-944455556666";

    private long sequence;

    private static Timestamp at(long millis) {
        Instant i = T0.plusMillis(millis);
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    private ExecutionEvent event(long millis, java.util.function.Consumer<ExecutionEvent.Builder> payload) {
        ExecutionEvent.Builder builder = ExecutionEvent.newBuilder().setExecutionId(ID).setSequence(++sequence).setEventTime(at(millis));
        payload.accept(builder);
        return builder.build();
    }

    private static Execution execution(ExecutionState state) {
        return Execution.newBuilder().setExecutionId(ID).setKind(ExecutionKind.EXECUTION_KIND_DEPLOYMENT).setApplication("shop").setEnvironment("staging")
                .setState(state)
                .setPlan(DeploymentPlan.newBuilder()
                        .addPhases(PlannedPhase.newBuilder().setPhase(Phase.PHASE_PRE_DEPLOYMENT)
                                .addWorkflows(PlannedWorkflow.newBuilder().setWorkflowId("platform/scan")
                                        .addSteps(PlannedStep.newBuilder().setName("scan").setType("exec"))))
                        .addPhases(PlannedPhase.newBuilder().setPhase(Phase.PHASE_DEPLOYMENT)
                                .addWorkflows(PlannedWorkflow.newBuilder().setWorkflowId("applications/shop/app-deployment")
                                        .addSteps(PlannedStep.newBuilder().setName("deploy").setType("exec"))
                                        .addSteps(PlannedStep.newBuilder().setName("smoke-test").setType("exec")))))
                .build();
    }

    @Test
    void showsPerPhaseProgressAndTheStepsOfTheRunningPhase() {
        StringWriter out = new StringWriter();
        LiveWatchRenderer view = new LiveWatchRenderer(new PrintWriter(out), new PrintWriter(new StringWriter()), Style.plain(), true,
                100, 30, () -> T0.plusSeconds(5), false);
        view.started(execution(ExecutionState.EXECUTION_STATE_QUEUED));
        view.event(event(0, e -> e.setStateChanged(StateChanged.newBuilder().setTo(ExecutionState.EXECUTION_STATE_RUNNING))));
        view.event(event(0, e -> e.setPhaseStarted(PhaseStarted.newBuilder().setPhase(Phase.PHASE_PRE_DEPLOYMENT))));
        view.event(event(1000, e -> e.setStepStarted(StepStarted.newBuilder().setWorkflowId("platform/scan").setStep("scan")
                .setAttempt(1))));
        assertEquals(List.of(
                "deployment " + ID + "  shop in staging  RUNNING  5.0s",
                "pre-deployment  [--------------------] 0/1",
                "  > platform/scan/scan  4.0s",
                "deployment      [--------------------] 0/2"), view.frame(false));

        view.event(event(2200, e -> e.setStepFinished(StepFinished.newBuilder().setWorkflowId("platform/scan").setStep("scan")
                .setState(StepState.STEP_STATE_SUCCEEDED).setAttempt(1).setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(200_000_000)))));
        view.event(event(2300, e -> e.setPhaseFinished(PhaseFinished.newBuilder().setPhase(Phase.PHASE_PRE_DEPLOYMENT)
                .setSucceeded(true))));
        view.event(event(2300, e -> e.setPhaseStarted(PhaseStarted.newBuilder().setPhase(Phase.PHASE_DEPLOYMENT))));
        view.event(event(2400, e -> e.setStepStarted(StepStarted.newBuilder().setWorkflowId("applications/shop/app-deployment")
                .setStep("deploy").setAttempt(2))));
        view.event(event(2500, e -> e.setStepLog(StepLog.newBuilder().setWorkflowId("applications/shop/app-deployment")
                .setStep("deploy").setLine("rolling out 3 replicas"))));
        assertEquals(List.of(
                "deployment " + ID + "  shop in staging  RUNNING  5.0s",
                "pre-deployment  [####################] 1/1",
                "deployment      [--------------------] 0/2",
                "  > applications/shop/app-deployment/deploy  2.6s  attempt 2",
                "  . applications/shop/app-deployment/smoke-test"), view.frame(false));
        // The log line scrolls above the view: the view is cleared (cursor up, erase down), the line printed, the view drawn again.
        String text = out.toString();
        int log = text.indexOf("[applications/shop/app-deployment/deploy] rolling out 3 replicas\n");
        assertTrue(log > 0, text);
        assertTrue(text.substring(0, log).endsWith("\u001b[5F\u001b[J"), "the view is cleared before the log line");
        assertTrue(text.substring(log).contains("\u001b[2Kdeployment      [--------------------] 0/2\n"), text);

        view.event(event(4000, e -> e.setStepFinished(StepFinished.newBuilder().setWorkflowId("applications/shop/app-deployment")
                .setStep("deploy").setState(StepState.STEP_STATE_FAILED).setAttempt(2).setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(600_000_000))
                .setError("exit 1"))));
        view.event(event(4000, e -> e.setStepFinished(StepFinished.newBuilder().setWorkflowId("applications/shop/app-deployment")
                .setStep("smoke-test").setState(StepState.STEP_STATE_SKIPPED).setError("skipped: an earlier step failed"))));
        view.event(event(4100, e -> e.setStateChanged(StateChanged.newBuilder().setTo(ExecutionState.EXECUTION_STATE_FAILED))));
        Execution failed = execution(ExecutionState.EXECUTION_STATE_FAILED).toBuilder().setStartTime(at(0)).setEndTime(at(4100))
                .setError("applications/shop/app-deployment: step deploy: exit 1")
                .addSteps(StepExecution.newBuilder().setWorkflowId("platform/scan").setStep("scan").setPhase(Phase.PHASE_PRE_DEPLOYMENT)
                        .setState(StepState.STEP_STATE_SUCCEEDED).setAttempt(1).setStartTime(at(1000)).setEndTime(at(2200)))
                .addSteps(StepExecution.newBuilder().setWorkflowId("applications/shop/app-deployment").setStep("deploy")
                        .setPhase(Phase.PHASE_DEPLOYMENT).setState(StepState.STEP_STATE_FAILED).setAttempt(2).setError("exit 1")
                        .setStartTime(at(2400)).setEndTime(at(4000)))
                .addSteps(StepExecution.newBuilder().setWorkflowId("applications/shop/app-deployment").setStep("smoke-test")
                        .setPhase(Phase.PHASE_DEPLOYMENT).setState(StepState.STEP_STATE_SKIPPED))
                .build();
        view.finished(failed);
        assertEquals(List.of(
                "deployment " + ID + "  shop in staging  FAILED  4.1s",
                "pre-deployment  [####################] 1/1",
                "  + platform/scan/scan  succeeded 1.2s",
                "deployment      [####################] 2/2  1 failed",
                "  x applications/shop/app-deployment/deploy  failed 1.6s  attempt 2",
                "  - applications/shop/app-deployment/smoke-test  skipped"), view.frame(true));
        assertTrue(out.toString().endsWith("Execution " + ID + " FAILED in 4.1s: applications/shop/app-deployment: step deploy: "
                + "exit 1\n  failed step applications/shop/app-deployment/deploy: exit 1\nRetry it with: innominatus-ctl retry "
                + ID + "\n"), out.toString());
    }

    @Test
    void coloursAndSymbolsOnlyWhenTheTerminalAllowsThem() {
        StringWriter out = new StringWriter();
        LiveWatchRenderer view = new LiveWatchRenderer(new PrintWriter(out), new PrintWriter(new StringWriter()), new Style(true, true),
                false, 100, 30, () -> T0, false);
        view.started(execution(ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL));
        List<String> frame = view.frame(false);
        assertEquals("\u001b[33mwaiting for approval: innominatus-ctl approve " + ID + "\u001b[0m", frame.get(frame.size() - 1));
        assertTrue(frame.get(1).contains("\u001b[2m░░░░░░░░░░░░░░░░░░░░\u001b[0m"), frame::toString);

        Path cwd = Path.of(".");
        PrintWriter sink = new PrintWriter(new StringWriter());
        CliEnvironment terminal = new CliEnvironment(Map.of(), cwd, sink, sink, true, d -> { });
        assertTrue(terminal.colours(false));
        assertFalse(terminal.colours(true), "--no-color");
        assertFalse(new CliEnvironment(Map.of("NO_COLOR", "1"), cwd, sink, sink, true, d -> { }).colours(false), "NO_COLOR");
        assertFalse(new CliEnvironment(Map.of(), cwd, sink, sink, false, d -> { }).colours(false), "not a terminal");
    }

    @Test
    void longLinesAreCutSoTheyNeverWrap() {
        LiveWatchRenderer view = new LiveWatchRenderer(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                Style.plain(), false, 40, 30, () -> T0, false);
        view.started(execution(ExecutionState.EXECUTION_STATE_RUNNING));
        List<String> frame = view.frame(true);
        for (String line : frame.subList(1, frame.size())) {
            assertTrue(Table.visibleLength(line) < 40, line);
        }
        assertTrue(view.frame(true).stream().anyMatch(l -> l.endsWith("…")), view.frame(true)::toString);
    }
}
