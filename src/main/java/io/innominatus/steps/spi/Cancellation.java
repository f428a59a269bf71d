package io.innominatus.steps.spi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fires once when a step attempt must stop (cancelled execution, timeout, exceeded workflow duration).
 * Executors register what stops their work: destroying a process, aborting a request.
 */
public final class Cancellation {

    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile String reason;

    public boolean cancelled() {
        return reason != null;
    }

    public String reason() {
        return reason;
    }

    /** Runs {@code callback} when cancellation fires, or now if it already has. */
    public void onCancel(Runnable callback) {
        callbacks.add(callback);
        if (cancelled() && callbacks.remove(callback)) {
            callback.run();
        }
    }

    public void cancel(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
        }
        for (Runnable callback : callbacks) {
            if (callbacks.remove(callback)) {
                try {
                    callback.run();
                } catch (RuntimeException ignored) {
                    // One failing callback must not keep the others from stopping their work.
                }
            }
        }
    }

    /** @throws StepFailure when cancellation has fired */
    public void check() {
        if (cancelled()) {
            throw new StepFailure(io.innominatus.model.StepErrorKind.CANCELLED, "cancelled: " + reason, null);
        }
    }
}
