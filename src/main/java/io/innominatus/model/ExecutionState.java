package io.innominatus.model;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Lifecycle of an execution, with the transitions the engine may make. {@code SUCCEEDED},
 * {@code FAILED}, {@code CANCELLED} and {@code REJECTED} end a run; a failed or cancelled execution
 * may be queued again by a retry.
 */
public enum ExecutionState {
    QUEUED,
    AWAITING_APPROVAL,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    REJECTED;

    private static final Map<ExecutionState, Set<ExecutionState>> TRANSITIONS = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED),
            AWAITING_APPROVAL, EnumSet.of(QUEUED, REJECTED, CANCELLED),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED),
            SUCCEEDED, EnumSet.noneOf(ExecutionState.class),
            FAILED, EnumSet.of(QUEUED),
            CANCELLED, EnumSet.of(QUEUED),
            REJECTED, EnumSet.noneOf(ExecutionState.class));

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == REJECTED;
    }

    public boolean canMoveTo(ExecutionState next) {
        return TRANSITIONS.get(this).contains(next);
    }
}
