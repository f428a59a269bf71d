package io.innominatus.app;

/** Tells whether an executor is available for a step type. */
public interface StepExecutorAvailability {

    boolean hasExecutor(String type);
}
