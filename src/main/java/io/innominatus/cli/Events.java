package io.innominatus.cli;

import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.StepExecution;
import io.innominatus.api.workflow.v1.StepState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** Sentences for events and executions, shared by the watch renderers and the commands. */
final class Events {

    private Events() {}

    /** One line describing an event, or null for a log line when logs are not shown. */
    static String describe(ExecutionEvent e, Style style, boolean logs) {
        return switch (e.getPayloadCase()) {
            case STATE_CHANGED -> "execution " + style.state(Text.state(e.getStateChanged().getTo()))
                    + (e.getStateChanged().getReason().isEmpty() ? "" : ": " + e.getStateChanged().getReason());
            case PHASE_STARTED -> "phase " + Text.phase(e.getPhaseStarted().getPhase()) + " started";
            case PHASE_FINISHED -> "phase " + Text.phase(e.getPhaseFinished().getPhase()) + " finished"
                    + (e.getPhaseFinished().getSucceeded() ? "" : ": " + style.red("failed"));
            case WORKFLOW_STARTED -> "workflow " + e.getWorkflowStarted().getWorkflowId() + " started";
            case WORKFLOW_FINISHED -> "workflow " + e.getWorkflowFinished().getWorkflowId() + " finished"
                    + (e.getWorkflowFinished().getSucceeded() ? "" : ": " + style.red("failed")
                            + (e.getWorkflowFinished().getError().isEmpty() ? "" : ": " + e.getWorkflowFinished().getError()));
            case STEP_STARTED -> "step " + e.getStepStarted().getWorkflowId() + "/" + e.getStepStarted().getStep() + " "
                    + style.state("RUNNING") + " (" + e.getStepStarted().getType() + ", attempt " + e.getStepStarted().getAttempt() + ")";
            case STEP_LOG -> logs ? logLine(e) : null;
            case STEP_PROGRESS -> "step " + e.getStepProgress().getWorkflowId() + "/" + e.getStepProgress().getStep() + " "
                    + e.getStepProgress().getPercent() + "%" + (e.getStepProgress().getMessage().isEmpty() ? ""
                            : ": " + e.getStepProgress().getMessage());
            case STEP_FINISHED -> {
                var f = e.getStepFinished();
                String state = Text.state(f.getState());
                String took = f.getState() == StepState.STEP_STATE_SKIPPED ? "" : " in " + Text.duration(Text.javaDuration(f.getDuration()));
                String error = f.getError();
                if (f.getState() == StepState.STEP_STATE_SKIPPED && error.startsWith("skipped: ")) {
                    error = error.substring("skipped: ".length());
                }
                yield "step " + f.getWorkflowId() + "/" + f.getStep() + " " + style.state(state) + took
                        + (f.getAttempt() > 1 ? " (attempt " + f.getAttempt() + ")" : "")
                        + (error.isEmpty() ? "" : ": " + error);
            }
            case APPROVAL_REQUESTED -> "approval requested for " + e.getApprovalRequested().getEnvironment() + " (plan digest "
                    + Text.shortDigest(e.getApprovalRequested().getPlanDigest()) + "): innominatus-ctl approve "
                    + e.getExecutionId();
            case APPROVAL_DECIDED -> (e.getApprovalDecided().getApproved() ? "approved" : "rejected") + " by "
                    + e.getApprovalDecided().getDecidedBy()
                    + (e.getApprovalDecided().getComment().isEmpty() ? "" : ": " + e.getApprovalDecided().getComment());
            default -> "event " + e.getPayloadCase().name().toLowerCase();
        };
    }

    /** How the failure is classified, where that changes what to do: a configuration error needs a fix, not a retry. */
    private static String errorKind(io.innominatus.api.workflow.v1.StepErrorKind kind) {
        return switch (kind) {
            case STEP_ERROR_KIND_CONFIGURATION -> " (configuration error, not retried: fix the step or the platform set-up)";
            case STEP_ERROR_KIND_TIMEOUT -> " (timed out)";
            case STEP_ERROR_KIND_TRANSIENT -> " (transient error)";
            default -> "";
        };
    }

    /** {@code [workflow/step] line}. */
    static String logLine(ExecutionEvent e) {
        return "[" + e.getStepLog().getWorkflowId() + "/" + e.getStepLog().getStep() + "] " + e.getStepLog().getLine();
    }

    /** The closing lines after watching: the outcome, failed steps and what to do next. */
    static void summary(PrintWriter out, Style style, Execution e) {
        String state = Text.state(e.getState());
        String took = Text.set(e.getStartTime()) && Text.set(e.getEndTime()) ? " in " + Text.duration(e.getStartTime(), e.getEndTime())
                : "";
        out.println("Execution " + e.getExecutionId() + " " + style.state(state) + took
                + (e.getError().isEmpty() ? "" : ": " + e.getError()));
        for (StepExecution s : e.getStepsList()) {
            if (s.getState() == StepState.STEP_STATE_FAILED) {
                out.println("  failed step " + s.getWorkflowId() + "/" + s.getStep() + errorKind(s.getErrorKind()) + ": "
                        + s.getError());
            }
        }
        switch (e.getState()) {
            case EXECUTION_STATE_FAILED, EXECUTION_STATE_CANCELLED -> out.println("Retry it with: innominatus-ctl retry "
                    + e.getExecutionId());
            default -> { }
        }
        out.flush();
    }

    /** Step outputs as {@code workflow/step: key=value} lines. */
    static Map<String, String> outputs(Execution e) {
        Map<String, String> lines = new TreeMap<>();
        for (StepExecution s : e.getStepsList()) {
            new TreeMap<>(s.getOutputsMap()).forEach((k, v) -> lines.put(s.getWorkflowId() + "/" + s.getStep() + " " + k, v));
        }
        return lines;
    }
}
