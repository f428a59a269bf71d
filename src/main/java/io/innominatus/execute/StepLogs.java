package io.innominatus.execute;

import io.innominatus.model.EventPayload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The log lines and progress of a run's attempts. Executors write from their own threads; lines are
 * collected for {@link EngineServices#logFlushDelay} and recorded together as one change. Each attempt
 * records at most {@link #MAX_LINES_PER_ATTEMPT} lines and {@link #MAX_BYTES_PER_ATTEMPT} of text, which
 * bounds what one step adds to the store.
 */
final class StepLogs {

    static final int MAX_LINES_PER_ATTEMPT = 10_000;
    static final long MAX_BYTES_PER_ATTEMPT = 1024 * 1024;
    /** Longest log line recorded; longer ones are cut. */
    static final int MAX_LINE_CHARS = 4096;

    private final RunState run;
    private final Journal journal;
    private final EngineServices services;
    private final Executor tasks;
    private final List<EventPayload> pending = new ArrayList<>();
    private boolean flushScheduled;

    /** @param tasks the run's serial tasks, where buffered lines are recorded */
    StepLogs(RunState run, Journal journal, EngineServices services, Executor tasks) {
        this.run = run;
        this.journal = journal;
        this.services = services;
        this.tasks = tasks;
    }

    /** Called from executor threads: buffers a line of a running attempt. */
    void log(StepAttempt attempt, String stream, String line) {
        if (!attempt.recording()) {
            return;
        }
        StepKey key = attempt.key;
        synchronized (pending) {
            if (attempt.lines > MAX_LINES_PER_ATTEMPT) {
                return;
            }
            String recorded = line.length() <= MAX_LINE_CHARS ? line
                    : line.substring(0, MAX_LINE_CHARS) + " … (line cut at " + MAX_LINE_CHARS + " characters)";
            if (attempt.lines == MAX_LINES_PER_ATTEMPT || attempt.logChars + recorded.length() > MAX_BYTES_PER_ATTEMPT) {
                attempt.lines = MAX_LINES_PER_ATTEMPT + 1;
                pending.add(new EventPayload.StepLog(key.workflowId(), key.step(), "log truncated: further output of this "
                        + "attempt is not recorded (at most " + MAX_LINES_PER_ATTEMPT + " lines and "
                        + MAX_BYTES_PER_ATTEMPT / 1024 + " KiB per attempt)", "engine"));
                scheduleFlush();
                return;
            }
            attempt.lines++;
            attempt.logChars += recorded.length();
            pending.add(new EventPayload.StepLog(key.workflowId(), key.step(), recorded, stream));
            scheduleFlush();
        }
    }

    /** Called from executor threads: buffers a progress report of a running attempt. */
    void progress(StepAttempt attempt, int percent, String message) {
        if (!attempt.recording()) {
            return;
        }
        synchronized (pending) {
            pending.add(new EventPayload.StepProgress(attempt.key.workflowId(), attempt.key.step(),
                    Math.max(0, Math.min(100, percent)), message == null ? "" : message));
            scheduleFlush();
        }
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            services.scheduler().schedule(services.logFlushDelay(), () -> tasks.execute(this::flush));
        }
    }

    /** Records what is buffered, redacted, as one change. Runs on the run's serial executor. */
    void flush() {
        List<EventPayload> batch;
        synchronized (pending) {
            flushScheduled = false;
            if (pending.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(pending);
            pending.clear();
        }
        if (run.halted) {
            return;
        }
        Change change = new Change(run);
        for (EventPayload event : batch) {
            if (event instanceof EventPayload.StepLog log) {
                change.event(new EventPayload.StepLog(log.workflowId(), log.step(), run.redactor.apply(log.line()),
                        log.stream()));
            } else if (event instanceof EventPayload.StepProgress progress) {
                change.event(new EventPayload.StepProgress(progress.workflowId(), progress.step(), progress.percent(),
                        run.redactor.apply(progress.message())));
            }
        }
        journal.record(change);
    }
}
