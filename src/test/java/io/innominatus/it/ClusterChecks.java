package io.innominatus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.innominatus.api.GrpcTestSupport;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.ListExecutionsRequest;
import io.innominatus.api.workflow.v1.ListExecutionsResponse;
import io.innominatus.api.workflow.v1.StepExecution;
import io.innominatus.api.workflow.v1.StepState;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.innominatus.api.workflow.v1.WatchExecutionResponse;
import io.innominatus.api.workflow.v1.WorkflowServiceGrpc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

/**
 * What the multi-replica tests check: complete histories, a subscriber's view of them, and the
 * cluster-wide limits replayed from the recorded times.
 */
final class ClusterChecks {

    private ClusterChecks() {}

    static final String SCORE = "apiVersion: score.dev/v1b1\nmetadata:\n  name: %s\ncontainers:\n  main:\n    image: busybox:1.36\n";

    static boolean terminal(ExecutionState state) {
        return state == ExecutionState.EXECUTION_STATE_SUCCEEDED || state == ExecutionState.EXECUTION_STATE_FAILED
                || state == ExecutionState.EXECUTION_STATE_CANCELLED || state == ExecutionState.EXECUTION_STATE_REJECTED;
    }

    /**
     * A subscriber attached to one replica: it watches every execution it is given from the start, and
     * resumes after the last event it saw if its stream breaks.
     */
    static final class Subscriber {
        private final WorkflowServiceGrpc.WorkflowServiceStub stub;
        final Map<String, List<ExecutionEvent>> seen = new ConcurrentHashMap<>();
        final Map<String, CompletableFuture<Void>> done = new ConcurrentHashMap<>();
        final AtomicInteger resumed = new AtomicInteger();

        Subscriber(ManagedChannel channel) {
            this.stub = WorkflowServiceGrpc.newStub(channel);
        }

        void watch(String executionId) {
            seen.put(executionId, new CopyOnWriteArrayList<>());
            done.put(executionId, new CompletableFuture<>());
            follow(executionId, 0);
        }

        private void follow(String executionId, long after) {
            stub.watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(executionId).setAfterSequence(after).build(),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(WatchExecutionResponse value) {
                            seen.get(executionId).add(value.getEvent());
                        }

                        @Override
                        public void onError(Throwable t) {
                            resumed.incrementAndGet();
                            List<ExecutionEvent> events = seen.get(executionId);
                            long last = events.isEmpty() ? 0 : events.get(events.size() - 1).getSequence();
                            CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS).execute(() -> follow(executionId, last));
                        }

                        @Override
                        public void onCompleted() {
                            done.get(executionId).complete(null);
                        }
                    });
        }

        /** Waits for every watched stream to end. */
        void awaitAll(long seconds) {
            CompletableFuture.allOf(done.values().toArray(CompletableFuture[]::new)).orTimeout(seconds, TimeUnit.SECONDS).join();
        }
    }

    static Execution get(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, String id) {
        return stub.getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution();
    }

    /** Every execution in the store (acknowledged or not), through one replica. */
    static List<Execution> all(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub) {
        List<Execution> executions = new ArrayList<>();
        String token = "";
        do {
            ListExecutionsResponse page = stub.listExecutions(ListExecutionsRequest.newBuilder().setPageSize(200)
                    .setPageToken(token).build());
            executions.addAll(page.getExecutionsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return executions;
    }

    /** Waits until every execution in the store has ended, and returns them. */
    static List<Execution> awaitAllEnded(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, int seconds)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(seconds);
        List<Execution> executions = List.of();
        while (Instant.now().isBefore(deadline)) {
            try {
                executions = all(stub);
                if (executions.stream().allMatch(e -> terminal(e.getState()))) {
                    return executions;
                }
            } catch (StatusRuntimeException e) {
                // the replica is still reconnecting to its store
            }
            Thread.sleep(250);
        }
        List<String> open = executions.stream().filter(e -> !terminal(e.getState()))
                .map(e -> e.getExecutionId() + " " + e.getState()).toList();
        throw new AssertionError(open.size() + " execution(s) did not end: " + open);
    }

    /**
     * Checks that an execution succeeded with a complete history in which every transition happened
     * exactly once, and returns the history.
     */
    static List<ExecutionEvent> verify(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, String id) {
        Execution execution = get(stub, id);
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, execution.getState(), id + ": " + execution.getError());
        List<ExecutionEvent> events = GrpcTestSupport.history(stub, id);
        assertEquals(LongStream.rangeClosed(1, execution.getLastSequence()).boxed().toList(),
                events.stream().map(ExecutionEvent::getSequence).toList(), id + ": the history has gaps");
        List<String> states = events.stream().filter(ExecutionEvent::hasStateChanged)
                .map(e -> e.getStateChanged().getFrom() + ">" + e.getStateChanged().getTo()).toList();
        assertEquals(List.of("EXECUTION_STATE_UNSPECIFIED>EXECUTION_STATE_QUEUED",
                "EXECUTION_STATE_QUEUED>EXECUTION_STATE_RUNNING", "EXECUTION_STATE_RUNNING>EXECUTION_STATE_SUCCEEDED"),
                states, id + ": state changes");
        for (StepExecution step : execution.getStepsList()) {
            assertEquals(StepState.STEP_STATE_SUCCEEDED, step.getState(), id + "/" + step.getStep());
            long finished = events.stream().filter(e -> e.hasStepFinished() && e.getStepFinished().getStep()
                    .equals(step.getStep())).count();
            assertEquals(1, finished, id + "/" + step.getStep() + " finished " + finished + " times");
            List<Integer> attempts = events.stream().filter(e -> e.hasStepStarted() && e.getStepStarted().getStep()
                    .equals(step.getStep())).map(e -> e.getStepStarted().getAttempt()).toList();
            assertEquals(java.util.stream.IntStream.rangeClosed(1, step.getAttempt()).boxed().toList(), attempts,
                    id + "/" + step.getStep() + ": every attempt started once, in order");
        }
        for (String kind : List.of("workflow_started", "workflow_finished", "phase_started", "phase_finished")) {
            Map<String, Long> counts = new TreeMap<>();
            for (ExecutionEvent e : events) {
                String key = switch (kind) {
                    case "workflow_started" -> e.hasWorkflowStarted() ? e.getWorkflowStarted().getWorkflowId() : null;
                    case "workflow_finished" -> e.hasWorkflowFinished() ? e.getWorkflowFinished().getWorkflowId() : null;
                    case "phase_started" -> e.hasPhaseStarted() ? e.getPhaseStarted().getPhase().name() : null;
                    default -> e.hasPhaseFinished() ? e.getPhaseFinished().getPhase().name() : null;
                };
                if (key != null) {
                    counts.merge(key, 1L, Long::sum);
                }
            }
            assertTrue(!counts.isEmpty() && counts.values().stream().allMatch(c -> c == 1), id + ": " + kind + " " + counts);
        }
        return events;
    }

    /** The subscriber saw exactly the stored history: every event, once, in order. */
    static void verifySeen(Subscriber subscriber, String id, List<ExecutionEvent> history) {
        assertEquals(history, subscriber.seen.get(id), id + ": what the subscriber saw differs from the history");
    }

    /**
     * Replays the recorded start (claim) and end times of every execution and checks that at most
     * {@code maxConcurrent} ran at any moment, and never two of one application and environment.
     */
    static void verifyLimits(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, Collection<Execution> executions,
            int maxConcurrent) {
        record Span(String id, String key, Instant start, Instant end) {}
        List<Span> spans = new ArrayList<>();
        for (Execution e : executions) {
            Instant start = null;
            Instant end = null;
            for (ExecutionEvent event : GrpcTestSupport.history(stub, e.getExecutionId())) {
                if (event.hasStateChanged()) {
                    Instant at = Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos());
                    if (event.getStateChanged().getTo() == ExecutionState.EXECUTION_STATE_RUNNING) {
                        start = at;
                    } else if (terminal(event.getStateChanged().getTo())) {
                        end = at;
                    }
                }
            }
            if (start != null) {
                spans.add(new Span(e.getExecutionId(), e.getApplication() + "/" + e.getEnvironment(), start, end));
            }
        }
        int most = 0;
        for (Span span : spans) {
            List<Span> together = spans.stream().filter(o -> !o.start().isAfter(span.start()) && o.end().isAfter(span.start()))
                    .toList();
            most = Math.max(most, together.size());
            assertTrue(together.size() <= maxConcurrent, "more than " + maxConcurrent + " executions ran together: " + together);
            Map<String, Long> perKey = new HashMap<>();
            together.forEach(o -> perKey.merge(o.key(), 1L, Long::sum));
            assertTrue(perKey.values().stream().allMatch(c -> c == 1), "two executions of one application and environment "
                    + "ran together: " + together);
        }
        assertTrue(most > 1, "executions never ran side by side; the limits were not exercised");
    }

    /**
     * Item 4 of the scale-out contract, as a replica reports it: the catalog digest it serves (its
     * readiness data), the digests every live replica serves, and the digest each execution was planned
     * with. Every replica here serves the same catalog, so all of them must be that one.
     */
    static void verifyCatalogDigests(ServiceProcess replica, WorkflowServiceGrpc.WorkflowServiceBlockingStub stub,
            Collection<Execution> executions) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + replica.port()
                        + "/q/health/ready")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        com.fasterxml.jackson.databind.JsonNode checks = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(response.body()).path("checks");
        Map<String, com.fasterxml.jackson.databind.JsonNode> byName = new HashMap<>();
        checks.forEach(check -> byName.put(check.path("name").asText(), check.path("data")));
        assertTrue(byName.containsKey("cluster"), "no cluster readiness check: " + response.body());
        String served = byName.get("catalog").path("digest").asText();
        com.fasterxml.jackson.databind.JsonNode cluster = byName.get("cluster");
        assertTrue(!served.isEmpty(), "the replica reports no catalog digest: " + response.body());
        assertEquals(served, cluster.path("catalogDigest").asText(), "the digest the replica serves");
        assertEquals(served, cluster.path("liveCatalogDigests").asText(), "the digests live replicas serve");
        assertTrue(cluster.path("leaseHeld").asBoolean(), "the surviving replica holds no lease: " + cluster);
        for (Execution listed : executions) {
            Execution e = get(stub, listed.getExecutionId());
            assertEquals(served, e.getPlan().getCatalogDigest(), e.getExecutionId() + ": the digest it was planned with");
        }
    }
}
