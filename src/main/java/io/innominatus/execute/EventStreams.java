package io.innominatus.execute;

import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.store.ExecutionStore;
import io.innominatus.store.StoreException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Event streams for watchers. The store is the source of truth; recently committed events are also
 * kept in a small ring per execution so that many live watchers do not each query the store. Every
 * watcher pulls at its own pace (a stalled watcher holds nothing but its position) and catches up from
 * the store when it falls behind the ring.
 */
public final class EventStreams {

    private static final Logger LOG = Logger.getLogger(EventStreams.class);

    /**
     * Told about every batch of committed events, in sequence order per execution, on the committing
     * thread: it must return quickly (hand work to its own thread) and never block the engine.
     */
    @FunctionalInterface
    public interface CommitObserver {
        void committed(String executionId, List<ExecutionEvent> events);
    }

    static final int RING_SIZE = 1024;
    static final int BATCH = 256;
    /** How long a caught-up watcher waits before checking the store again (covers writers in other processes). */
    static final Duration POLL = Duration.ofSeconds(5);
    /** Store reads retried while it is away (with pauses of up to 2 s): about two minutes. */
    static final int STORE_RETRIES = 60;
    /** Marks the end of a stream; a distinct instance, never equal by identity to an empty batch. */
    private static final List<ExecutionEvent> END = java.util.Collections.unmodifiableList(new ArrayList<>());

    private final ExecutionStore store;
    private final Executor reads;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final List<CommitObserver> observers = new CopyOnWriteArrayList<>();
    /** Other processes (replicas) commit events too, and announce them through {@link #wake}. */
    private volatile boolean otherWriters;
    /**
     * Counts rings dropped. A watcher that read the state before a drop may have registered its wait on a
     * fresh, empty ring that nobody will signal; seeing the count move, it looks at the store once more.
     */
    private final AtomicLong drops = new AtomicLong();

    public EventStreams(ExecutionStore store, Executor reads) {
        this.store = store;
        this.reads = reads;
    }

    /** Recently committed events of one execution and a signal for the next ones. */
    private static final class Channel {
        private final ExecutionEvent[] ring = new ExecutionEvent[RING_SIZE];
        private long first = 1;
        private long last;
        private CompletableFuture<Void> changed = new CompletableFuture<>();

        synchronized void publish(List<ExecutionEvent> events) {
            for (ExecutionEvent event : events) {
                if (event.sequence() != last + 1 && last != 0) {
                    // A gap means the ring missed events (another process wrote them): restart it here.
                    first = event.sequence();
                } else if (last == 0) {
                    first = event.sequence();
                }
                ring[(int) (event.sequence() % RING_SIZE)] = event;
                last = event.sequence();
                if (last - first >= RING_SIZE) {
                    first = last - RING_SIZE + 1;
                }
            }
            signal();
        }

        /** Wakes every watcher waiting on this channel. */
        synchronized void signal() {
            CompletableFuture<Void> previous = changed;
            changed = new CompletableFuture<>();
            previous.complete(null);
        }

        /** Events after {@code sequence} held in the ring, or null when the ring does not reach back that far. */
        synchronized List<ExecutionEvent> after(long sequence, int max) {
            if (last == 0 || sequence + 1 < first || sequence >= last) {
                return sequence >= last && last != 0 ? List.of() : null;
            }
            List<ExecutionEvent> events = new ArrayList<>();
            for (long s = sequence + 1; s <= last && events.size() < max; s++) {
                events.add(ring[(int) (s % RING_SIZE)]);
            }
            return events;
        }

        /** A private copy of the signal: a watcher that goes away cancels its copy, never the shared signal. */
        synchronized CompletableFuture<Void> changedAfter(long sequence) {
            return last > sequence ? CompletableFuture.completedFuture(null) : changed.copy();
        }
    }

    /** Called after events were committed, in sequence order. */
    public void publish(String executionId, List<ExecutionEvent> events) {
        if (!events.isEmpty()) {
            channels.computeIfAbsent(executionId, id -> new Channel()).publish(events);
            notifyObservers(executionId, events);
        }
    }

    /** Adds an observer of committed events (metrics, for example). */
    public void observe(CommitObserver observer) {
        observers.add(observer);
    }

    private void notifyObservers(String executionId, List<ExecutionEvent> events) {
        for (CommitObserver observer : observers) {
            try {
                observer.committed(executionId, events);
            } catch (RuntimeException e) {
                // An observer never stops the engine; the events are committed and published either way.
                LOG.warnf(e, "observer of committed events failed for execution %s", executionId);
            }
        }
    }

    /** Drops the ring of an execution that will not change soon (watchers fall back to the store). */
    public void release(String executionId) {
        if (channels.remove(executionId) != null) {
            drops.incrementAndGet();
        }
    }

    /**
     * Another process committed events of an execution: its watchers here read them from the store.
     *
     * @param ended the execution ended: its ring is dropped as well
     */
    public void wake(String executionId, boolean ended) {
        Channel channel = ended ? channels.remove(executionId) : channels.get(executionId);
        if (channel != null) {
            if (ended) {
                drops.incrementAndGet();
            }
            channel.signal();
        }
    }

    /** Other replicas write to the same store from now on. */
    void sharedWithOtherWriters() {
        otherWriters = true;
    }

    /** Changes may have been missed: every watcher checks the store. */
    public void wakeAll() {
        channels.values().forEach(Channel::signal);
    }

    /**
     * The events after {@code afterSequence}, replayed and then followed live, ending after the event
     * that leaves the execution terminal now (at once if the execution has already ended and everything
     * was replayed). A terminal event of an earlier run (cancelled, then retried) does not end the stream.
     *
     * @param status reads the execution's current state from the store
     */
    public Multi<ExecutionEvent> watch(String executionId, long afterSequence, Supplier<Optional<Execution>> status) {
        AtomicLong cursor = new AtomicLong(afterSequence);
        return Multi.createBy().repeating()
                .uni(() -> next(executionId, cursor, status))
                .until(batch -> batch == END)
                .onItem().<ExecutionEvent>disjoint();
    }

    private Uni<List<ExecutionEvent>> next(String executionId, AtomicLong cursor, Supplier<Optional<Execution>> status) {
        long dropsBefore = drops.get();
        Channel channel = channels.get(executionId);
        List<ExecutionEvent> cached = channel == null ? null : channel.after(cursor.get(), BATCH);
        Uni<List<ExecutionEvent>> batch = cached != null && !cached.isEmpty()
                ? Uni.createFrom().item(cached)
                : read(() -> store.events(executionId, cursor.get(), BATCH, null));
        return batch.flatMap(events -> {
            if (!events.isEmpty()) {
                return Uni.createFrom().item(advance(events, cursor));
            }
            return read(status).flatMap(current -> {
                if (current.isEmpty() || (current.get().state().terminal() && current.get().lastSequence() <= cursor.get())) {
                    return Uni.createFrom().item(END);
                }
                CompletableFuture<Void> changed = channels.computeIfAbsent(executionId, id -> new Channel())
                        .changedAfter(cursor.get());
                if (!otherWriters && drops.get() == dropsBefore) {
                    return Uni.createFrom().completionStage(changed).ifNoItem().after(POLL).recoverWithItem((Void) null)
                            .replaceWith(List.<ExecutionEvent>of());
                }
                // Events another process committed after the read above and before the wait began woke nobody,
                // and neither did events whose ring was dropped meanwhile: look once more now that the wake-up
                // is registered.
                return read(() -> store.events(executionId, cursor.get(), BATCH, null)).flatMap(late -> late.isEmpty()
                        ? Uni.createFrom().completionStage(changed).ifNoItem().after(POLL).recoverWithItem((Void) null)
                                .replaceWith(List.<ExecutionEvent>of())
                        : Uni.createFrom().item(advance(late, cursor)));
            });
        });
    }

    /** A store read off the caller's thread; a store that is briefly away delays watchers instead of ending them. */
    private <T> Uni<T> read(Supplier<T> query) {
        return Uni.createFrom().item(query).runSubscriptionOn(reads)
                .onFailure(StoreException.Unavailable.class).retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .atMost(STORE_RETRIES);
    }

    /**
     * Moves the cursor past {@code events}, cutting the batch after an event that ends a run: whether the
     * stream ends there is decided by the execution's current state (a retry may have started it again).
     */
    private static List<ExecutionEvent> advance(List<ExecutionEvent> events, AtomicLong cursor) {
        List<ExecutionEvent> emitted = new ArrayList<>();
        for (ExecutionEvent event : events) {
            if (event.sequence() != cursor.get() + 1) {
                continue;
            }
            emitted.add(event);
            cursor.set(event.sequence());
            if (event.endsRun()) {
                break;
            }
        }
        return emitted;
    }
}
