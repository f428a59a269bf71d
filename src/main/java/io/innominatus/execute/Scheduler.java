package io.innominatus.execute;

import java.time.Duration;

/** Runs a task after a delay; the engine's only source of timers, so tests can control time. */
public interface Scheduler {

    /** A scheduled task that can be called off. */
    interface Timer {
        void cancel();
    }

    Timer schedule(Duration delay, Runnable task);
}
