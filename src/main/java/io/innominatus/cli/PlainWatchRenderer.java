package io.innominatus.cli;

import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import java.io.PrintWriter;
import java.time.Duration;

/** One line per event, for logs and pipes: {@code #<sequence> <what happened>}; step logs with --verbose. */
final class PlainWatchRenderer implements WatchRenderer {

    private final PrintWriter out;
    private final PrintWriter err;
    private final Style style;
    private final boolean logs;

    PlainWatchRenderer(PrintWriter out, PrintWriter err, Style style, boolean logs) {
        this.out = out;
        this.err = err;
        this.style = style;
        this.logs = logs;
    }

    @Override
    public void started(Execution e) {
        out.println("Watching " + Text.kind(e.getKind()) + (e.getDryRun() ? " (dry run)" : "") + " " + e.getExecutionId() + " ("
                + e.getApplication() + " in " + e.getEnvironment() + ")");
        out.flush();
    }

    @Override
    public void event(ExecutionEvent event) {
        String line = Events.describe(event, style, logs);
        if (line != null) {
            out.println("#" + event.getSequence() + " " + line);
            out.flush();
        }
    }

    @Override
    public void interrupted(String reason, long lastSequence, Duration delay) {
        out.flush();
        err.println("warning: event stream interrupted (" + reason + "); resuming after #" + lastSequence + " in "
                + Text.duration(delay));
        err.flush();
    }

    @Override
    public void finished(Execution execution) {
        Events.summary(out, style, execution);
    }
}
