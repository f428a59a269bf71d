package io.innominatus.model;

/** Lifecycle of a step within an execution. */
public enum StepState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    SKIPPED,
    CANCELLED;

    public boolean terminal() {
        return this != PENDING && this != RUNNING;
    }
}
