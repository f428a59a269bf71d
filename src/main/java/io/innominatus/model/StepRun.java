package io.innominatus.model;

import java.time.Instant;
import java.util.Map;

/**
 * The state of one planned step within an execution.
 *
 * @param attempt the current or last attempt, 0 while the step has never started
 * @param outputs outputs of the successful attempt (secret values already redacted where they must be)
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
        Instant endTime) {

    public StepRun {
        error = error == null ? "" : error;
        outputs = Immutables.orderedCopy(outputs);
    }

    public StepRun with(StepState newState, int newAttempt, String newError, Map<String, String> newOutputs,
            Instant newStart, Instant newEnd) {
        return new StepRun(workflowId, step, type, phase, newState, newAttempt, newError, newOutputs, newStart, newEnd);
    }
}
