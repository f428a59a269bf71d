package io.innominatus.execute;

import io.innominatus.model.EventPayload;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Event streams for watchers. The store is the source of truth; recently committed events are also
 * kept in a small ring per execution so that many live watchers do not each query the store. Every
 * watcher pulls at its own pace (a stalled watcher holds nothing but its position) and catches up from
 * the store when it falls behind the ring.
 *
 * <p>A ring that this process filled knows everything about its execution from the moment it was filled,
 * until another process writes to that execution (replicas announce it: {@link #wake}): the watchers of
 * an execution this process drives follow it from memory alone (no event reads, no state reads), and go
 * to the store only to replay what the ring does not reach back to, or once another process has written.
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

    /**
     * What a watcher can do next from memory alone: emit {@code events} (the end of the stream when it
     * is {@link #END}), or wait for {@code changed}.
     */
    private record FromMemory(List<ExecutionEvent> events, CompletableFuture<Void> changed) {}

    /** Recently committed events of one execution and a signal for the next ones. */
    private static final class Channel {
        private final ExecutionEvent[] ring = new ExecutionEvent[RING_SIZE];
        private long first = 1;
        private long last;
        private CompletableFuture<Void> changed = new CompletableFuture<>();
        /** Filled by this process's commits (not only created by a waiting watcher). */
        private boolean filled;
        /** The last event published ended the execution's run. */
        private boolean ended;
        /** Dropped from the map: nobody publishes here any more, but its watchers may still read it. */
        private boolean released;

        synchronized void publish(List<ExecutionEvent> events) {
            filled = true;
            for (ExecutionEvent event : events) {
                if (last != 0 && event.sequence() <= last) {
                    // Published late by a second writer of this process: the ring already holds what came after,
                    // and a watcher that needs this one finds it in the store (the ring starts after it).
                    continue;
                }
                if (event.payload() instanceof EventPayload.StateChanged) {
                    ended = event.endsRun();
                }
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

        /**
         * The next step of a watcher at {@code sequence} decided from this ring alone, or null when the store
         * must be asked: the ring was not filled here, does not reach back to {@code sequence}, or was
         * released before its run ended (halted, handed over).
         */
        synchronized FromMemory fromMemory(long sequence, int max) {
            if (!filled) {
                return null;
            }
            List<ExecutionEvent> events = after(sequence, max);
            if (events == null) {
                return null;
            }
            if (!events.isEmpty()) {
                return new FromMemory(events, null);
            }
            if (ended) {
                return new FromMemory(END, null);
            }
            return released ? null : new FromMemory(List.of(), changed.copy());
        }

        synchronized void release() {
            released = true;
            signal();
        }

        /** Another process wrote: what this ring holds may no longer be the latest, so the store decides. */
        synchronized void stale() {
            filled = false;
            signal();
        }

        synchronized boolean filled() {
            return filled;
        }

        /** Filled here up to and including {@code sequence}, and nothing later. */
        synchronized boolean filledUpTo(long sequence) {
            return filled && last == sequence;
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
        Channel channel = channels.remove(executionId);
        if (channel != null) {
            drops.incrementAndGet();
            channel.release();
        }
    }

    /**
     * Another process committed events of an execution: its watchers here read them from the store, and
     * the ring serves them alone again only after this process commits to it again.
     *
     * @param ended the execution ended: its ring is dropped as well
     */
    public void wake(String executionId, boolean ended) {
        if (ended) {
            release(executionId);
            return;
        }
        Channel channel = channels.get(executionId);
        if (channel != null) {
            channel.stale();
        }
    }

    /**
     * This process starts driving an execution whose last committed event is {@code lastSequence}, the
     * last of them {@code appended} by the claim itself: its watchers here follow the ring if the ring held
     * everything before those (a claim of an execution this process created), and the store otherwise (an
     * execution taken over from another process).
     */
    public void adopted(String executionId, long lastSequence, List<ExecutionEvent> appended) {
        Channel channel = channels.get(executionId);
        if (channel == null) {
            return;
        }
        if (channel.filledUpTo(lastSequence - appended.size())) {
            if (appended.isEmpty()) {
                channel.signal();
            } else {
                channel.publish(appended);
            }
        } else {
            channel.stale();
        }
    }

    /**
     * An execution was created, here or by another process (a creation is announced to every process):
     * watchers waiting on a ring this process did not fill look at the store.
     */
    public void created(String executionId) {
        Channel channel = channels.get(executionId);
        if (channel != null && !channel.filled()) {
            channel.signal();
        }
    }

    /** Other replicas write to the same store from now on. */
    void sharedWithOtherWriters() {
        otherWriters = true;
    }

    /** Changes may have been missed: every watcher checks the store. */
    public void wakeAll() {
        channels.values().forEach(Channel::stale);
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
        AtomicReference<Channel> held = new AtomicReference<>();
        return Multi.createBy().repeating()
                .uni(() -> next(executionId, cursor, held, status))
                .until(batch -> batch == END)
                .onItem().<ExecutionEvent>disjoint();
    }

    private Uni<List<ExecutionEvent>> next(String executionId, AtomicLong cursor, AtomicReference<Channel> held,
            Supplier<Optional<Execution>> status) {
        long dropsBefore = drops.get();
        Channel channel = channels.get(executionId);
        if (channel != null) {
            held.set(channel);
        } else {
            // Released when the run ended: the ring still holds the end for those who were following it.
            channel = held.get();
        }
        FromMemory local = channel == null ? null : channel.fromMemory(cursor.get(), BATCH);
        if (local != null) {
            if (local.changed() == null) {
                return Uni.createFrom().item(local.events() == END ? END : advance(local.events(), cursor));
            }
            return Uni.createFrom().completionStage(local.changed()).ifNoItem().after(POLL).recoverWithItem((Void) null)
                    .replaceWith(List.<ExecutionEvent>of());
        }
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
