package io.innominatus.steps.spi;

/** Whether an attempt does the step's work or only describes it. */
public enum StepMode {
    /** Does the work: creates, changes or calls what the step names. */
    APPLY,
    /** Describes what {@link #APPLY} would change, as log lines and outputs, and changes nothing. */
    DRY_RUN;

    public boolean dryRun() {
        return this == DRY_RUN;
    }
}
