package io.innominatus.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Drives asynchronous calls: at saturation (a fixed number in flight) or at a constant arrival rate. */
final class Load {

    private Load() {}

    /**
     * Keeps {@code inFlight} calls outstanding for {@code length} and returns completed calls per second:
     * the throughput at saturation.
     */
    static double saturated(Supplier<ListenableFuture<?>> call, int inFlight, Duration length) throws InterruptedException {
        AtomicLong completed = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        CountDownLatch chains = new CountDownLatch(inFlight);
        for (int i = 0; i < inFlight; i++) {
            next(call, end, completed, failure, chains);
        }
        if (!chains.await(length.toSeconds() + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls did not complete");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a call failed", failure.get());
        }
        return completed.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void next(Supplier<ListenableFuture<?>> call, long end, AtomicLong completed,
            AtomicReference<Throwable> failure, CountDownLatch chains) {
        if (System.nanoTime() >= end || failure.get() != null) {
            chains.countDown();
            return;
        }
        Futures.addCallback(call.get(), new FutureCallback<Object>() {
            @Override
            public void onSuccess(Object result) {
                completed.incrementAndGet();
                next(call, end, completed, failure, chains);
            }

            @Override
            public void onFailure(Throwable t) {
                failure.compareAndSet(null, t);
                chains.countDown();
            }
        }, MoreExecutors.directExecutor());
    }

    /**
     * Starts calls at a constant rate for {@code length}, whatever earlier calls do, and records each
     * call's latency from the moment it was due (not from when it was actually sent), so a stall is
     * counted against every call it delayed: no coordinated omission. Microseconds.
     */
    static Histogram constantRate(Supplier<ListenableFuture<?>> call, double perSecond, Duration length)
            throws InterruptedException {
        Histogram histogram = new ConcurrentHistogram(3);
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
        int total = (int) (length.toNanos() / interval);
        CountDownLatch done = new CountDownLatch(total);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Futures.addCallback(call.get(), new FutureCallback<Object>() {
                @Override
                public void onSuccess(Object result) {
                    histogram.recordValue(Math.max(1, (System.nanoTime() - due) / 1000));
                    done.countDown();
                }

                @Override
                public void onFailure(Throwable t) {
                    failure.compareAndSet(null, t);
                    done.countDown();
                }
            }, MoreExecutors.directExecutor());
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls did not complete");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a call failed", failure.get());
        }
        return histogram;
    }
}
