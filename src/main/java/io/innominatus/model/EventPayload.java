package io.innominatus.model;

import java.util.Map;

/** What an execution event records. Every variant is immutable plain data. */
public sealed interface EventPayload {

    /** The execution moved from one state to another. */
    record StateChanged(ExecutionState from, ExecutionState to, String reason) implements EventPayload {}

    record PhaseStarted(Phase phase) implements EventPayload {}

    record PhaseFinished(Phase phase, boolean succeeded) implements EventPayload {}

    record WorkflowStarted(String workflowId, Phase phase) implements EventPayload {}

    record WorkflowFinished(String workflowId, boolean succeeded, String error) implements EventPayload {}

    /** An attempt of a step began; {@code idempotencyKey} is {@code <execution>/<workflow>/<step>/<attempt>}. */
    record StepStarted(String workflowId, String step, int attempt, String idempotencyKey, String type)
            implements EventPayload {}

    /** A line a step wrote; {@code stream} is {@code stdout}, {@code stderr} or {@code engine}. */
    record StepLog(String workflowId, String step, String line, String stream) implements EventPayload {}

    record StepProgress(String workflowId, String step, int percent, String message) implements EventPayload {}

    /** @param errorKind why a FAILED step failed (STEP_FAILED for stored events from before kinds were kept); null otherwise */
    record StepFinished(String workflowId, String step, StepState state, Map<String, String> outputs, String error,
            int attempt, long durationMs, StepErrorKind errorKind) implements EventPayload {
        public StepFinished {
            outputs = Immutables.orderedCopy(outputs);
            error = error == null ? "" : error;
            errorKind = state != StepState.FAILED ? null : errorKind == null ? StepErrorKind.STEP_FAILED : errorKind;
        }

        public StepFinished(String workflowId, String step, StepState state, Map<String, String> outputs, String error,
                int attempt, long durationMs) {
            this(workflowId, step, state, outputs, error, attempt, durationMs, null);
        }
    }

    record ApprovalRequested(String planDigest, String environment, String requestedBy) implements EventPayload {}

    record ApprovalDecided(boolean approved, String decidedBy, String comment, String planDigest) implements EventPayload {}
}
