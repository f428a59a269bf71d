package io.innominatus.execute;

import io.innominatus.steps.spi.Cancellation;
import java.time.Duration;
import java.time.Instant;

/**
 * One attempt of one step, as a small state machine that owns its timers:
 * {@code RUNNING → ENDED} when its outcome is decided, {@code RUNNING → WAITING_TO_RETRY → ENDED} when it
 * failed and another attempt follows after a delay. Any other move is a defect and throws. Only the run's
 * serial executor moves it; executor threads read {@link #recording} to drop what they log too late.
 */
final class StepAttempt {

    enum State {
        RUNNING,
        WAITING_TO_RETRY,
        ENDED
    }

    final StepKey key;
    final int number;
    final Instant start;
    final String idempotencyKey;
    final Cancellation cancellation = new Cancellation();
    private volatile State state = State.RUNNING;
    private Scheduler.Timer timeout;
    private Scheduler.Timer retry;
    /** Log lines and characters recorded so far; guarded by the run's log buffer. */
    int lines;
    long logChars;

    StepAttempt(StepKey key, int number, Instant start, String idempotencyKey) {
        this.key = key;
        this.number = number;
        this.start = start;
        this.idempotencyKey = idempotencyKey;
    }

    State state() {
        return state;
    }

    /** Whether what the executor logs is still recorded: only while the attempt runs. */
    boolean recording() {
        return state == State.RUNNING;
    }

    /** Arms the attempt's timeout; {@code onTimeout} runs (on the scheduler's thread) unless the attempt ends first. */
    void timeOutAfter(Scheduler scheduler, Duration limit, Runnable onTimeout) {
        require(State.RUNNING, "arm a timeout");
        timeout = scheduler.schedule(limit, onTimeout);
    }

    /** The attempt failed and another follows after {@code delay}: {@code next} runs then unless the attempt ends first. */
    void waitToRetry(Scheduler scheduler, Duration delay, Runnable next) {
        require(State.RUNNING, "wait to retry");
        cancel(timeout);
        state = State.WAITING_TO_RETRY;
        retry = scheduler.schedule(delay, next);
    }

    /** The attempt's outcome is decided (or its retry is due): its timers stop, late output is dropped. */
    void end() {
        if (state == State.ENDED) {
            throw new IllegalStateException("attempt " + number + " of " + key + " has already ended");
        }
        state = State.ENDED;
        cancel(timeout);
        cancel(retry);
    }

    /** Ends the attempt and tells its executor to stop. */
    void stop(String reason) {
        if (state != State.ENDED) {
            end();
        }
        cancellation.cancel(reason);
    }

    private void require(State expected, String what) {
        if (state != expected) {
            throw new IllegalStateException("cannot " + what + " for attempt " + number + " of " + key + ": it is " + state);
        }
    }

    private static void cancel(Scheduler.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
