package io.innominatus.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.store.ExecutionStore;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Where watchers read from: a ring this process filled serves its watchers alone; the store only
 * replays what the ring does not hold, and decides the end when other processes write too.
 */
class EventStreamsTest {

    private static final String ID = "e1";

    /** Counts store reads; holds the events given to it as the store's. */
    private final List<ExecutionEvent> stored = new ArrayList<>();
    private final AtomicInteger eventReads = new AtomicInteger();
    private final AtomicInteger stateReads = new AtomicInteger();
    private final ExecutionStore store = (ExecutionStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ExecutionStore.class}, (proxy, method, args) -> {
                if (!method.getName().equals("events")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                eventReads.incrementAndGet();
                long after = (Long) args[1];
                return stored.stream().filter(e -> e.sequence() > after).limit((Integer) args[2]).toList();
            });
    private final EventStreams streams = new EventStreams(store, Runnable::run);
    /** The state the store would report: RUNNING until a test says otherwise. */
    private volatile ExecutionState storedState = ExecutionState.RUNNING;
    private final Supplier<Optional<Execution>> status = () -> {
        stateReads.incrementAndGet();
        return Optional.of(new Execution(ID, DeploymentPlan.Kind.DEPLOYMENT, storedState, null, "", List.of(), List.of(), "", "",
                "", "", false, "", stored.size(), Instant.EPOCH, null, null));
    };

    private long sequence;

    /** Commits events as the journal does: to the store, then published. */
    private void commit(EventPayload... payloads) {
        List<ExecutionEvent> events = new ArrayList<>();
        for (EventPayload payload : payloads) {
            events.add(new ExecutionEvent(ID, ++sequence, Instant.EPOCH, payload));
        }
        stored.addAll(events);
        streams.publish(ID, events);
    }

    /** An event written to the store and not (yet) published here: by another process, or published later. */
    private ExecutionEvent writtenElsewhere(EventPayload payload) {
        ExecutionEvent event = new ExecutionEvent(ID, ++sequence, Instant.EPOCH, payload);
        stored.add(event);
        return event;
    }

    /** A watcher of the execution from after {@code sequence}, requesting everything. */
    private AssertSubscriber<ExecutionEvent> watch(long after) {
        return streams.watch(ID, after, status).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
    }

    private static EventPayload state(ExecutionState from, ExecutionState to) {
        return new EventPayload.StateChanged(from, to, "");
    }

    @Test
    void aWatcherArrivingAfterTheRunEndedReplaysFromTheStore() {
        commit(state(null, ExecutionState.RUNNING), state(ExecutionState.RUNNING, ExecutionState.SUCCEEDED));
        streams.release(ID);
        storedState = ExecutionState.SUCCEEDED;
        AssertSubscriber<ExecutionEvent> watcher = watch(0);
        watcher.assertCompleted();
        assertEquals(2, watcher.getItems().size());
        assertTrue(eventReads.get() > 0);
    }

    @Test
    void aRingReleasedBeforeTheEndHandsItsWatchersToTheStore() {
        commit(state(null, ExecutionState.RUNNING));
        AssertSubscriber<ExecutionEvent> watcher = watch(0);
        assertEquals(0, eventReads.get());
        streams.release(ID); // halted here, say, and driven on elsewhere
        assertTrue(eventReads.get() > 0, "woken by the release, the watcher asks the store");
        watcher.assertNotTerminated();
        writtenElsewhere(state(ExecutionState.RUNNING, ExecutionState.SUCCEEDED));
        storedState = ExecutionState.SUCCEEDED;
        streams.wakeAll();
        watcher.assertCompleted();
        assertEquals(2, watcher.getItems().size());
    }

    @Test
    void theEndOfTheRunEndsTheStreamWithoutAskingTheStore() {
        commit(state(null, ExecutionState.QUEUED), state(ExecutionState.QUEUED, ExecutionState.RUNNING));
        AssertSubscriber<ExecutionEvent> watcher = watch(0);
        commit(new EventPayload.StepStarted("w", "s", 1, "k", "fake"));
        commit(state(ExecutionState.RUNNING, ExecutionState.SUCCEEDED));
        streams.release(ID);

        watcher.assertCompleted();
        assertEquals(List.of(1L, 2L, 3L, 4L), watcher.getItems().stream().map(ExecutionEvent::sequence).toList());
        assertEquals(0, eventReads.get());
        assertEquals(0, stateReads.get(), "no state read");
    }

    @Test
    void aTerminalEventFollowedByARetryDoesNotEndTheStream() {
        commit(state(null, ExecutionState.RUNNING), state(ExecutionState.RUNNING, ExecutionState.FAILED),
                state(ExecutionState.FAILED, ExecutionState.QUEUED));
        AssertSubscriber<ExecutionEvent> watcher = watch(0);
        assertEquals(3, watcher.getItems().size());
        watcher.assertNotTerminated();
        commit(state(ExecutionState.QUEUED, ExecutionState.SUCCEEDED));
        watcher.assertCompleted();
        assertEquals(0, stateReads.get(), "no state read");
    }

    @Test
    void aWatcherBehindTheRingReplaysFromTheStoreThenFollowsFromMemory() {
        commit(state(null, ExecutionState.RUNNING));
        for (int i = 0; i < EventStreams.RING_SIZE + 10; i++) {
            commit(new EventPayload.StepLog("w", "s", "line " + i, "stdout"));
        }
        AssertSubscriber<ExecutionEvent> watcher = watch(0);
        int replayReads = eventReads.get();
        assertTrue(replayReads > 0);
        assertEquals(EventStreams.RING_SIZE + 11, watcher.getItems().size());

        commit(state(ExecutionState.RUNNING, ExecutionState.SUCCEEDED));
        watcher.assertCompleted();
        assertEquals(replayReads, eventReads.get(), "once caught up, nothing more from the store");
        assertEquals(0, stateReads.get(), "no state read");
    }

    @Test
    void anotherProcessWritingHandsTheWatchersToTheStore() {
        streams.sharedWithOtherWriters();
        commit(state(null, ExecutionState.RUNNING));
        AssertSubscriber<ExecutionEvent> watcher = watch(0);
        streams.created(ID); // the announcement of this process's own creation
        assertEquals(0, eventReads.get(), "this process's own execution is followed from memory");

        // Another replica writes: this process hears of it through its change notifications only.
        writtenElsewhere(new EventPayload.StepStarted("w", "s", 1, "k", "fake"));
        streams.wake(ID, false);
        assertEquals(2, watcher.getItems().size());
        assertTrue(eventReads.get() > 0);
        writtenElsewhere(state(ExecutionState.RUNNING, ExecutionState.SUCCEEDED));
        storedState = ExecutionState.SUCCEEDED;
        streams.wake(ID, true);
        watcher.assertCompleted();
        assertEquals(3, watcher.getItems().size());
    }

    @Test
    void claimingAnExecutionThisProcessCreatedKeepsItsWatchersInMemoryTakingOneOverDoesNot() {
        streams.sharedWithOtherWriters();
        commit(state(null, ExecutionState.QUEUED));
        AssertSubscriber<ExecutionEvent> watcher = watch(0);
        // The claim committed event 2 itself, and hands it over with the execution.
        ExecutionEvent claimed = writtenElsewhere(state(ExecutionState.QUEUED, ExecutionState.RUNNING));
        streams.adopted(ID, 2, List.of(claimed));
        assertEquals(0, eventReads.get(), "claimed as created: the ring is current");
        assertEquals(2, watcher.getItems().size());

        // Taken over after another replica wrote event 3, which this process never published.
        writtenElsewhere(new EventPayload.StepStarted("w", "s", 1, "k", "fake"));
        streams.adopted(ID, 3, List.of());
        assertTrue(eventReads.get() > 0);
        assertEquals(3, watcher.getItems().size());
        watcher.cancel();
    }

    @Test
    void eventsPublishedOutOfOrderNeverHideTheLaterOnes() {
        commit(state(null, ExecutionState.RUNNING));
        ExecutionEvent second = writtenElsewhere(new EventPayload.StepStarted("w", "s", 1, "k", "fake"));
        ExecutionEvent third = writtenElsewhere(new EventPayload.StepLog("w", "s", "x", "stdout"));
        // Two writers of this process committed 2 and 3 in that order, but published them the other way round.
        streams.publish(ID, List.of(third));
        streams.publish(ID, List.of(second));
        AssertSubscriber<ExecutionEvent> watcher = watch(1);
        assertEquals(List.of(2L, 3L), watcher.getItems().stream().map(ExecutionEvent::sequence).toList());
        watcher.cancel();
    }

    @Test
    void missedNotificationsHandEveryWatcherToTheStore() {
        streams.sharedWithOtherWriters();
        commit(state(null, ExecutionState.RUNNING));
        AssertSubscriber<ExecutionEvent> watcher = watch(0);
        writtenElsewhere(state(ExecutionState.RUNNING, ExecutionState.FAILED));
        storedState = ExecutionState.FAILED;
        streams.wakeAll(); // the listener reconnected: what happened meanwhile is unknown
        watcher.assertCompleted();
        assertEquals(2, watcher.getItems().size());
    }
}
