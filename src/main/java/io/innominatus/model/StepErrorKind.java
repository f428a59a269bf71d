package io.innominatus.model;

/**
 * Why a step attempt failed, as far as retrying is concerned. A step's {@code retry} policy retries
 * only the kinds that another attempt can fix; a configuration error fails the same way every time, so
 * it ends the step at once.
 */
public enum StepErrorKind {
    /** The step's own work failed: a program exited non-zero, a check found problems. Retryable. */
    STEP_FAILED(true),
    /** Something the step depends on was briefly unavailable: a network error, HTTP 5xx or 429. Retryable. */
    TRANSIENT(true),
    /** The attempt ran out of its {@code timeout}. Retryable. */
    TIMEOUT(true),
    /**
     * The step's definition or the platform's set-up is wrong: a missing or invalid setting, an unknown
     * variable, a missing tool or step executor, an API request refused as invalid or forbidden. Not retried.
     */
    CONFIGURATION(false),
    /** The attempt was stopped because the execution was cancelled. Not retried. */
    CANCELLED(false);

    private final boolean retryable;

    StepErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether another attempt may succeed, so that a {@code retry} policy applies. */
    public boolean retryable() {
        return retryable;
    }
}
