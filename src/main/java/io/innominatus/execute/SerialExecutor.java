package io.innominatus.execute;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: every state change of one
 * execution happens on it, so the state machine needs no locks. A task that throws is a defect; it is
 * handed to {@code onFailure} (still in order, before the next task) so its owner can end cleanly instead of
 * waiting for a result that never comes.
 */
final class SerialExecutor implements Executor {

    private static final Logger LOG = Logger.getLogger(SerialExecutor.class);
    private final Executor delegate;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final Consumer<Throwable> onFailure;
    private boolean draining;

    SerialExecutor(Executor delegate, Consumer<Throwable> onFailure) {
        this.delegate = delegate;
        this.onFailure = onFailure;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        delegate.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                try {
                    onFailure.accept(e);
                } catch (RuntimeException | Error second) {
                    second.addSuppressed(e);
                    LOG.error("execution task failed, and so did handling its failure", second);
                }
            }
        }
    }
}
