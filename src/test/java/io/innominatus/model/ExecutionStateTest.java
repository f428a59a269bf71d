package io.innominatus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The execution lifecycle's transition table, pair by pair: the engine refuses every move not listed. */
class ExecutionStateTest {

    private static final Map<ExecutionState, Set<ExecutionState>> ALLOWED = Map.of(
            ExecutionState.QUEUED, EnumSet.of(ExecutionState.RUNNING, ExecutionState.CANCELLED),
            ExecutionState.AWAITING_APPROVAL, EnumSet.of(ExecutionState.QUEUED, ExecutionState.REJECTED,
                    ExecutionState.CANCELLED),
            ExecutionState.RUNNING, EnumSet.of(ExecutionState.SUCCEEDED, ExecutionState.FAILED, ExecutionState.CANCELLED),
            ExecutionState.SUCCEEDED, EnumSet.noneOf(ExecutionState.class),
            ExecutionState.FAILED, EnumSet.of(ExecutionState.QUEUED),
            ExecutionState.CANCELLED, EnumSet.of(ExecutionState.QUEUED),
            ExecutionState.REJECTED, EnumSet.noneOf(ExecutionState.class));

    @Test
    void everyPairIsAllowedExactlyWhenTheLifecycleSaysSo() {
        for (ExecutionState from : ExecutionState.values()) {
            for (ExecutionState to : ExecutionState.values()) {
                assertEquals(ALLOWED.get(from).contains(to), from.canMoveTo(to), from + " -> " + to);
            }
        }
    }

    @Test
    void onlyTheEndStatesAreTerminalAndOnlyFailedAndCancelledCanBeRetried() {
        for (ExecutionState state : ExecutionState.values()) {
            boolean terminal = EnumSet.of(ExecutionState.SUCCEEDED, ExecutionState.FAILED, ExecutionState.CANCELLED,
                    ExecutionState.REJECTED).contains(state);
            assertEquals(terminal, state.terminal(), state.name());
            assertEquals(state == ExecutionState.FAILED || state == ExecutionState.CANCELLED,
                    terminal && state.canMoveTo(ExecutionState.QUEUED), state.name());
        }
    }
}
