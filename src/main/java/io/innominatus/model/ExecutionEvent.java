package io.innominatus.model;

import java.time.Instant;

/** One entry of an execution's append-only event log; {@code sequence} is gap-free and starts at 1. */
public record ExecutionEvent(String executionId, long sequence, Instant time, EventPayload payload) {

    /** True for the event that moves the execution to a state that ends a run. */
    public boolean endsRun() {
        return payload instanceof EventPayload.StateChanged changed && changed.to().terminal();
    }
}
