package io.innominatus.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.innominatus.api.workflow.v1.WatchExecutionResponse;
import java.time.Duration;
import java.util.Iterator;

/**
 * Follows an execution's event stream to its end. A broken stream resumes from the last sequence seen
 * ({@code after_sequence}), so every event is shown exactly once; UNAVAILABLE is retried with exponential
 * backoff (0.5s doubling to 10s, eight times in a row at most).
 */
final class ExecutionWatcher {

    static final int MAX_CONSECUTIVE_RETRIES = 8;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Connection connection;
    private final CliEnvironment env;

    ExecutionWatcher(Connection connection, CliEnvironment env) {
        this.connection = connection;
        this.env = env;
    }

    /** Watches from after {@code afterSequence} to the terminal event and returns the final state of the execution. */
    Execution follow(String executionId, long afterSequence, WatchRenderer renderer) {
        // Interrupting the watch stops watching only: the execution goes on, and the user must know that.
        try (CliEnvironment.Interrupts.Registration note = env.interrupts().onInterrupt(() -> {
            env.err().println();
            env.err().println("Stopped watching. Execution " + executionId + " continues on the server.");
            env.err().println("Follow it again with: innominatus-ctl watch " + executionId);
            env.err().println("Cancel it with:       innominatus-ctl cancel " + executionId);
            env.err().flush();
        })) {
            return followUntilEnd(executionId, afterSequence, renderer);
        }
    }

    private Execution followUntilEnd(String executionId, long afterSequence, WatchRenderer renderer) {
        renderer.started(get(executionId));
        long last = afterSequence;
        int failures = 0;
        boolean ended = false;
        while (!ended) {
            try {
                Iterator<WatchExecutionResponse> stream = connection.streams().watchExecution(WatchExecutionRequest.newBuilder()
                        .setExecutionId(executionId).setAfterSequence(last).build());
                while (stream.hasNext()) {
                    ExecutionEvent event = stream.next().getEvent();
                    if (event.getSequence() <= last) {
                        continue; // already shown before the stream broke
                    }
                    last = event.getSequence();
                    failures = 0;
                    renderer.event(event);
                }
                // The server ends a stream only after the event that leaves the execution terminal now (a
                // terminal event of an earlier, retried run does not); anything else was a disconnect.
                Execution now = get(executionId);
                if (Text.terminal(now.getState()) && now.getLastSequence() <= last) {
                    ended = true;
                } else {
                    failures = backOff(renderer, failures, "the stream ended early", last, null);
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                    throw e;
                }
                failures = backOff(renderer, failures, "UNAVAILABLE: " + Text.orDash(e.getStatus().getDescription()), last, e);
            }
        }
        Execution done = get(executionId);
        renderer.finished(done);
        return done;
    }

    private int backOff(WatchRenderer renderer, int failures, String reason, long last, StatusRuntimeException cause) {
        if (failures >= MAX_CONSECUTIVE_RETRIES) {
            if (cause != null) {
                throw cause;
            }
            throw new CliException(ExitCodes.CONNECTION, "lost the event stream and could not resume it after "
                    + MAX_CONSECUTIVE_RETRIES + " attempts");
        }
        Duration delay = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures, 5));
        if (delay.compareTo(MAX_BACKOFF) > 0) {
            delay = MAX_BACKOFF;
        }
        renderer.interrupted(reason, last, delay);
        try {
            env.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.CONNECTION, "interrupted while waiting to resume the event stream");
        }
        return failures + 1;
    }

    private Execution get(String executionId) {
        return connection.workflows().getExecution(GetExecutionRequest.newBuilder().setExecutionId(executionId).build())
                .getExecution();
    }

    /** The exit code for an execution that was watched to its end. */
    static int exitCode(Execution execution) {
        return execution.getState() == ExecutionState.EXECUTION_STATE_SUCCEEDED ? ExitCodes.OK : ExitCodes.EXECUTION_FAILED;
    }
}
