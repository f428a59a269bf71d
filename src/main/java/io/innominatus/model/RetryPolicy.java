package io.innominatus.model;

import java.time.Duration;

/**
 * How often a step is attempted and how long to wait between attempts. The wait doubles after every
 * attempt ({@code backoff}, 2×, 4×, …) and is capped at {@link #MAX_BACKOFF}.
 */
public record RetryPolicy(int attempts, Duration backoff) {

    public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ofSeconds(1));

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }

    /** The wait before attempt {@code nextAttempt} (2 for the first retry). */
    public Duration delayBefore(int nextAttempt) {
        long factor = 1L << Math.min(30, Math.max(0, nextAttempt - 2));
        Duration delay = backoff.multipliedBy(factor);
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }
}
