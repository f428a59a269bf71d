package io.innominatus.steps.spi;

import io.innominatus.model.StepErrorKind;

/**
 * A step failed for a reason worth showing to the people who run it (no stack trace, no class names),
 * with its {@link StepErrorKind}: the engine retries only the kinds another attempt can fix.
 */
public class StepFailure extends RuntimeException {

    private final StepErrorKind kind;

    /** The step's own work failed ({@link StepErrorKind#STEP_FAILED}). */
    public StepFailure(String message) {
        this(StepErrorKind.STEP_FAILED, message, null);
    }

    public StepFailure(String message, Throwable cause) {
        this(StepErrorKind.STEP_FAILED, message, cause);
    }

    public StepFailure(StepErrorKind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    /** The definition or the platform's set-up is wrong; another attempt fails the same way. */
    public static StepFailure configuration(String message) {
        return new StepFailure(StepErrorKind.CONFIGURATION, message, null);
    }

    /** Something the step depends on was briefly unavailable; another attempt may succeed. */
    public static StepFailure unavailable(String message, Throwable cause) {
        return new StepFailure(StepErrorKind.TRANSIENT, message, cause);
    }

    public StepErrorKind kind() {
        return kind;
    }
}
