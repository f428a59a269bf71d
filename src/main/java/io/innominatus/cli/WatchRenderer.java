package io.innominatus.cli;

import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import java.time.Duration;

/** Shows an execution being watched: live on a terminal, one line per event otherwise, or JSON/YAML. */
interface WatchRenderer {

    /** The execution as it was when watching began. */
    void started(Execution execution);

    /** The next event, in sequence order, each exactly once. */
    void event(ExecutionEvent event);

    /** The stream broke; watching resumes after {@code lastSequence} in {@code delay}. */
    void interrupted(String reason, long lastSequence, Duration delay);

    /** The execution reached a terminal state. */
    void finished(Execution execution);
}
