package io.innominatus.cli;

import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.WatchExecutionResponse;
import java.io.PrintWriter;
import java.time.Duration;

/** Events as JSON lines or YAML documents, each exactly once; interruptions go to standard error. */
final class StructuredWatchRenderer implements WatchRenderer {

    private final Printer printer;
    private final PrintWriter err;

    StructuredWatchRenderer(Printer printer, PrintWriter err) {
        this.printer = printer;
        this.err = err;
    }

    @Override
    public void started(Execution execution) {
    }

    @Override
    public void event(ExecutionEvent event) {
        // Exactly the messages WatchExecution sends.
        printer.streamed(WatchExecutionResponse.newBuilder().setEvent(event));
    }

    @Override
    public void interrupted(String reason, long lastSequence, Duration delay) {
        err.println("warning: event stream interrupted (" + reason + "); resuming after #" + lastSequence);
        err.flush();
    }

    @Override
    public void finished(Execution execution) {
    }
}
