package io.innominatus.execute;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A scheduler and clock under the test's control: time moves only when the test advances it. */
final class ManualScheduler implements Scheduler {

    private final List<Task> tasks = new ArrayList<>();
    private Instant now = Instant.parse("2026-11-26T09:00:00Z");
    private long order;

    private final class Task implements Timer {
        final Instant due;
        final long seq = order++;
        final Runnable action;
        boolean cancelled;

        Task(Instant due, Runnable action) {
            this.due = due;
            this.action = action;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
            }
        }
    }

    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            synchronized (ManualScheduler.this) {
                return now;
            }
        }
    };

    @Override
    public synchronized Timer schedule(Duration delay, Runnable task) {
        Task t = new Task(now.plus(delay), task);
        tasks.add(t);
        return t;
    }

    /** Moves time forward, running every task that falls due, in due order. */
    void advance(Duration duration) {
        Instant target;
        synchronized (this) {
            target = now.plus(duration);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.cancelled && !t.due.isAfter(target))
                        .min(Comparator.comparing((Task t) -> t.due).thenComparing(t -> t.seq)).orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            next.action.run();
        }
    }

    /** Runs tasks already due without moving time (log flushes scheduled with no delay). */
    void runDue() {
        advance(Duration.ZERO);
    }

    synchronized List<Duration> pendingDelays() {
        return tasks.stream().filter(t -> !t.cancelled).map(t -> Duration.between(now, t.due)).sorted().toList();
    }
}
