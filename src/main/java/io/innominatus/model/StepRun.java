package io.innominatus.model;

import java.time.Instant;
import java.util.Map;

/**
 * The state of one planned step within an execution.
 *
 * @param attempt the current or last attempt, 0 while the step has never started
 * @param outputs outputs of the successful attempt (secret values already redacted where they must be)
 * @param errorKind why a failed step failed; null unless the step is FAILED
 */
public record StepRun(
        String workflowId,
        String step,
        String type,
        Phase phase,
        StepState state,
        int attempt,
        String error,
        Map<String, String> outputs,
        Instant startTime,
        Instant endTime,
        StepErrorKind errorKind) {

    public StepRun {
        error = error == null ? "" : error;
        outputs = Immutables.orderedCopy(outputs);
        errorKind = state != StepState.FAILED ? null : errorKind == null ? StepErrorKind.STEP_FAILED : errorKind;
    }

    /** A step run without an error kind of its own (a failed one counts as {@link StepErrorKind#STEP_FAILED}). */
    public StepRun(String workflowId, String step, String type, Phase phase, StepState state, int attempt, String error,
            Map<String, String> outputs, Instant startTime, Instant endTime) {
        this(workflowId, step, type, phase, state, attempt, error, outputs, startTime, endTime, null);
    }

    public StepRun with(StepState newState, int newAttempt, String newError, Map<String, String> newOutputs,
            Instant newStart, Instant newEnd) {
        return with(newState, newAttempt, newError, null, newOutputs, newStart, newEnd);
    }

    public StepRun with(StepState newState, int newAttempt, String newError, StepErrorKind newErrorKind,
            Map<String, String> newOutputs, Instant newStart, Instant newEnd) {
        return new StepRun(workflowId, step, type, phase, newState, newAttempt, newError, newOutputs, newStart, newEnd,
                newErrorKind);
    }
}
