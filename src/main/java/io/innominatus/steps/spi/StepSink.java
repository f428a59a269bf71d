package io.innominatus.steps.spi;

/**
 * Where an attempt reports while it runs: its log, its progress and the secrets it learns. Helpers that
 * only report (a process runner streaming output, for example) take this instead of the whole context.
 * Safe to call from any thread; what an attempt reports after it ended is dropped.
 */
public interface StepSink {

    /** Writes a line to the step's log ({@code stdout}, {@code stderr} or {@code engine}). */
    void log(String stream, String line);

    default void log(String line) {
        log("engine", line);
    }

    /** Reports how far the attempt is, 0 to 100, with a short message. */
    void progress(int percent, String message);

    /** Registers a secret value: it is redacted in logs, errors and outputs from now on. */
    void secret(String value);
}
