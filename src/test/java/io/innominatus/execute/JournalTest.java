package io.innominatus.execute;

import static io.innominatus.execute.EngineHarness.plan;
import static io.innominatus.execute.EngineHarness.workflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.StepState;
import io.innominatus.store.ExecutionStore;
import io.innominatus.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The journal through a store outage, on same-thread executors and the manual scheduler: a commit that
 * meets an outage waits on the {@link Scheduler} without holding the engine thread (were it held, these
 * tests would never return), nothing is published or started before it lands, and a commit whose outcome
 * was lost is recognised instead of being made twice.
 */
@Timeout(60)
class JournalTest {

    /** The harness's store with an outage switch; {@code landThenFail} commits but reports the outage. */
    static final class FlakyStore implements ExecutionStore {
        final ExecutionStore delegate;
        volatile boolean down;
        volatile boolean landThenFail;
        volatile int refused;

        FlakyStore(ExecutionStore delegate) {
            this.delegate = delegate;
        }

        private void check() {
            if (down) {
                refused++;
                throw new StoreException.Unavailable("store is down (test)", null);
            }
        }

        @Override
        public Created create(NewExecution execution) {
            check();
            return delegate.create(execution);
        }

        @Override
        public Optional<Execution> find(String executionId) {
            check();
            return delegate.find(executionId);
        }

        @Override
        public Optional<Execution> findInMemory(String executionId) {
            return delegate.findInMemory(executionId);
        }

        @Override
        public Page list(Query query, int pageSize, String pageToken) {
            check();
            return delegate.list(query, pageSize, pageToken);
        }

        @Override
        public List<ExecutionEvent> events(String executionId, long afterSequence, int limit, String step) {
            check();
            return delegate.events(executionId, afterSequence, limit, step);
        }

        @Override
        public List<Execution> unfinished() {
            check();
            return delegate.unfinished();
        }

        @Override
        public boolean hasSucceeded(String application, String environment) {
            check();
            return delegate.hasSucceeded(application, environment);
        }

        @Override
        public long commit(Transition transition) {
            check();
            long committed = delegate.commit(transition);
            if (landThenFail) {
                landThenFail = false;
                down = true;
                throw new StoreException.Unavailable("connection lost after the commit (test)", null);
            }
            return committed;
        }
    }

    private final EngineHarness h = new EngineHarness();
    private final FlakyStore flaky = new FlakyStore(h.store);
    private final List<ExecutionEvent> published = new CopyOnWriteArrayList<>();

    JournalTest() {
        h.engine = h.newEngine(flaky);
        h.streams.observe((id, events) -> published.addAll(events));
    }

    private Execution submitTwoSteps() {
        return h.submit(plan("shop", "development", false, null, workflow("deploy", "deployment", """
                  steps:
                    - {name: migrate, type: fake, config: {hang: true}}
                    - {name: publish, type: fake}
                """)));
    }

    private StepState stored(String id, String step) {
        return h.store.find(id).orElseThrow().steps().stream().filter(s -> s.step().equals(step)).findFirst().orElseThrow()
                .state();
    }

    @Test
    void anOutageHoldsCommitsOnTheSchedulerAndNothingStartsOrIsPublishedBeforeTheyLand() {
        Execution e = submitTwoSteps();
        assertEquals(List.of("migrate"), h.fake.steps());
        int publishedBefore = published.size();
        flaky.down = true;
        h.fake.complete("migrate", Map.of());
        // The engine thread (this thread) is free again although the commit did not land.
        assertEquals(StepState.RUNNING, stored(e.id(), "migrate"));
        assertEquals(List.of("migrate"), h.fake.steps(), "the next attempt waits until its start is stored");
        assertEquals(publishedBefore, published.size(), "nothing is published before it is committed");
        assertEquals(List.of(Duration.ofMillis(100)), h.scheduler.pendingDelays());
        h.scheduler.advance(Duration.ofMillis(100));
        assertEquals(List.of(Duration.ofMillis(200)), h.scheduler.pendingDelays(), "the wait doubles while it lasts");
        flaky.down = false;
        h.scheduler.advance(Duration.ofMillis(200));
        assertEquals(List.of("migrate", "publish"), h.fake.steps());
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state());
        assertGapFree(done);
        assertTrue(flaky.refused >= 2);
    }

    @Test
    void aCommitWhoseOutcomeWasLostIsRecognisedAndNotMadeTwice() {
        Execution e = submitTwoSteps();
        flaky.landThenFail = true;
        h.fake.complete("migrate", Map.of());
        assertEquals(StepState.SUCCEEDED, stored(e.id(), "migrate"), "the commit landed");
        assertEquals(List.of("migrate"), h.fake.steps(), "but the engine cannot know yet");
        flaky.down = false;
        h.scheduler.advance(Duration.ofMillis(100));
        assertEquals(List.of("migrate", "publish"), h.fake.steps());
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state());
        assertGapFree(done);
        assertEquals(1, h.events(e.id()).stream().filter(ev -> ev.payload() instanceof EventPayload.StepFinished f
                && f.step().equals("migrate")).count());
    }

    @Test
    void aCancelDuringAnOutageAnswersOnceItIsStored() {
        Execution e = submitTwoSteps();
        flaky.down = true;
        var answer = h.engine.cancel(e.id(), "alice", "stop");
        assertFalse(answer.isDone(), "a command answers only once its change is stored");
        flaky.down = false;
        h.scheduler.advance(Duration.ofMillis(100));
        assertEquals(ExecutionState.CANCELLED, answer.join().state());
        assertEquals(ExecutionState.CANCELLED, h.store.find(e.id()).orElseThrow().state());
    }

    private void assertGapFree(Execution done) {
        List<ExecutionEvent> events = h.events(done.id());
        assertEquals(LongStream.rangeClosed(1, events.size()).boxed().toList(),
                events.stream().map(ExecutionEvent::sequence).toList());
        assertEquals(events.size(), done.lastSequence());
    }
}
