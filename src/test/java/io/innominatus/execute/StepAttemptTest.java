package io.innominatus.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The attempt machine: its legal moves, the timers it owns, and the moves it refuses. */
class StepAttemptTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final StepAttempt attempt = new StepAttempt(new StepKey("platform/deploy", "migrate"), 1, Instant.EPOCH,
            "e/platform/deploy/migrate/1");

    @Test
    void waitingToRetryStopsTheTimeoutAndRunsTheNextAttemptWhenDue() {
        AtomicInteger timeouts = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        attempt.timeOutAfter(scheduler, Duration.ofSeconds(10), timeouts::incrementAndGet);
        attempt.waitToRetry(scheduler, Duration.ofSeconds(2), retries::incrementAndGet);
        assertEquals(StepAttempt.State.WAITING_TO_RETRY, attempt.state());
        assertFalse(attempt.recording(), "what the failed attempt logs afterwards is dropped");
        scheduler.advance(Duration.ofSeconds(30));
        assertEquals(0, timeouts.get());
        assertEquals(1, retries.get());
    }

    @Test
    void endingStopsEveryTimer() {
        AtomicInteger fired = new AtomicInteger();
        attempt.timeOutAfter(scheduler, Duration.ofSeconds(1), fired::incrementAndGet);
        attempt.end();
        scheduler.advance(Duration.ofSeconds(5));
        assertEquals(0, fired.get());
        assertEquals(List.of(), scheduler.pendingDelays());
    }

    @Test
    void stopCancelsTheExecutorOnceAndMayFollowAnEnd() {
        attempt.end();
        attempt.stop("cancelled by alice");
        assertTrue(attempt.cancellation.cancelled());
        assertEquals(StepAttempt.State.ENDED, attempt.state());
    }

    @Test
    void illegalMovesThrow() {
        attempt.waitToRetry(scheduler, Duration.ofSeconds(1), () -> {});
        assertThrows(IllegalStateException.class, () -> attempt.waitToRetry(scheduler, Duration.ofSeconds(1), () -> {}));
        assertThrows(IllegalStateException.class, () -> attempt.timeOutAfter(scheduler, Duration.ofSeconds(1), () -> {}));
        attempt.end();
        assertThrows(IllegalStateException.class, attempt::end);
    }
}
