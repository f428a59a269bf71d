package io.innominatus.steps;

/** A step failed for a reason worth showing to the people who run it (no stack trace, no class names). */
public class StepFailure extends RuntimeException {

    public StepFailure(String message) {
        super(message, null, false, false);
    }

    public StepFailure(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
