package io.innominatus.metrics;

import io.innominatus.execute.EventStreams;
import io.innominatus.execute.ExecutionEngine;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.StepState;
import io.innominatus.model.Violation;
import io.innominatus.store.ExecutionStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The engine's metrics, derived from committed events. The engine hands each batch of events to
 * {@link #committed} on its own thread; only state changes and finished steps and workflows are kept,
 * and they are counted on one metrics thread, so a metric never delays an execution. The labels an
 * event does not carry (kind, product, step type) come from the stored execution, read once per
 * execution on that thread.
 *
 * <p>Label values stay bounded: tiers, kinds, states and rule ids are fixed sets, step types come from
 * the catalog, and products are limited to {@link #MAX_PRODUCTS} distinct values (then {@code other}),
 * since a Score file may name any product.
 */
@Startup(ObserverMethod.DEFAULT_PRIORITY - 100) // before the engine resumes unfinished executions
@ApplicationScoped
public class EngineMetrics {

    static final int MAX_PRODUCTS = 200;
    static final String NO_PRODUCT = "none";
    static final String OTHER_PRODUCT = "other";
    private static final int QUEUE = 10_000;
    private static final int CACHED_EXECUTIONS = 10_000;
    private static final Logger LOG = Logger.getLogger(EngineMetrics.class);
    private static final Duration[] STEP_BUCKETS = seconds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800);
    private static final Duration[] EXECUTION_BUCKETS = seconds(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600);

    private final MeterRegistry registry;
    private final ExecutionStore store;
    private final AtomicInteger watchStreams = new AtomicInteger();
    private final Set<String> products = ConcurrentHashMap.newKeySet();
    private final Counter dropped;
    private final Counter watchEvents;
    private final ThreadPoolExecutor worker;
    /** Labels of executions seen recently; touched by the metrics thread only. */
    private final Map<String, Labels> executions = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Labels> eldest) {
            return size() > CACHED_EXECUTIONS;
        }
    };

    /** What events do not say about their execution. */
    private record Labels(String kind, String product, Map<String, String> stepTypes) {
        String type(String workflowId, String step) {
            return stepTypes.getOrDefault(workflowId + "\n" + step, "unknown");
        }
    }

    public EngineMetrics(MeterRegistry registry, EventStreams streams, ExecutionEngine engine, ExecutionStore store) {
        this.registry = registry;
        this.store = store;
        this.dropped = Counter.builder("innominatus.metrics.dropped")
                .description("Batches of engine events not counted because the metrics thread fell behind")
                .register(registry);
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), runnable -> {
            Thread thread = new Thread(runnable, "innominatus-metrics");
            thread.setDaemon(true);
            return thread;
        }, (task, executor) -> dropped.increment());
        Gauge.builder("innominatus.executions.queued", engine, ExecutionEngine::queuedCount)
                .description("Executions waiting for a free slot or for their application's earlier execution")
                .register(registry);
        Gauge.builder("innominatus.executions.running", engine, ExecutionEngine::runningCount)
                .description("Executions this instance is running")
                .register(registry);
        Gauge.builder("innominatus.watch.streams", watchStreams, AtomicInteger::get)
                .description("Open WatchExecution streams")
                .register(registry);
        this.watchEvents = Counter.builder("innominatus.watch.events")
                .description("Events handed to WatchExecution streams (each is read only as fast as its client reads)")
                .register(registry);
        streams.observe(this::committed);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    /** Counts the blocking violations of a plan that policy kept from running. */
    public void blocked(DeploymentPlan plan) {
        String kind = kind(plan.kind());
        String product = product(plan.product());
        plan.blockingViolations().stream().map(Violation::ruleId).distinct().forEach(rule -> Counter
                .builder("innominatus.policy.blocked")
                .description("Submissions policy blocked, by the rule of each blocking violation")
                .tags("rule", rule, "kind", kind, "product", product)
                .register(registry).increment());
    }

    /** {@code stream}, counted in the open watch streams while it is subscribed. */
    public <T> Multi<T> watching(Multi<T> stream) {
        return Multi.createFrom().deferred(() -> {
            watchStreams.incrementAndGet();
            AtomicBoolean open = new AtomicBoolean(true);
            return stream.onItem().invoke(item -> watchEvents.increment()).onTermination().invoke(() -> {
                if (open.compareAndSet(true, false)) {
                    watchStreams.decrementAndGet();
                }
            });
        });
    }

    /** The engine's observer: keeps what is counted and hands it to the metrics thread. */
    void committed(String executionId, List<ExecutionEvent> events) {
        List<EventPayload> counted = null;
        for (ExecutionEvent event : events) {
            EventPayload payload = event.payload();
            if (payload instanceof EventPayload.StateChanged || payload instanceof EventPayload.StepFinished
                    || payload instanceof EventPayload.WorkflowFinished) {
                if (counted == null) {
                    counted = new ArrayList<>(2);
                }
                counted.add(payload);
            }
        }
        if (counted != null) {
            List<EventPayload> batch = counted;
            worker.execute(() -> record(executionId, batch));
        }
    }

    private void record(String executionId, List<EventPayload> events) {
        try {
            Labels labels = labels(executionId);
            for (EventPayload event : events) {
                if (event instanceof EventPayload.StateChanged changed) {
                    stateChanged(executionId, labels, changed);
                } else if (event instanceof EventPayload.StepFinished step) {
                    stepFinished(labels, step);
                } else if (event instanceof EventPayload.WorkflowFinished workflow) {
                    Counter.builder("innominatus.workflows")
                            .description("Workflows that ended, by result")
                            .tags("tier", tier(workflow.workflowId()), "product", labels.product(),
                                    "result", workflow.succeeded() ? "succeeded" : "failed")
                            .register(registry).increment();
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "metrics of execution %s not recorded", executionId);
        }
    }

    private void stateChanged(String executionId, Labels labels, EventPayload.StateChanged changed) {
        String state = changed.to().name();
        Counter.builder("innominatus.executions")
                .description("Executions that entered each state (a retried execution enters QUEUED again)")
                .tags("kind", labels.kind(), "product", labels.product(), "state", state)
                .register(registry).increment();
        if (changed.to().terminal()) {
            executions.remove(executionId);
            Optional<Execution> ended = store.find(executionId);
            if (ended.isPresent() && ended.get().startTime() != null && ended.get().endTime() != null) {
                Timer.builder("innominatus.execution.duration")
                        .description("Run time of executions that started, from the first step to the end")
                        .tags("kind", labels.kind(), "product", labels.product(), "state", state)
                        .serviceLevelObjectives(EXECUTION_BUCKETS)
                        .register(registry)
                        .record(Duration.between(ended.get().startTime(), ended.get().endTime()));
            }
        }
    }

    private void stepFinished(Labels labels, EventPayload.StepFinished step) {
        Tags tags = Tags.of("tier", tier(step.workflowId()), "product", labels.product(),
                "type", labels.type(step.workflowId(), step.step()), "state", step.state().name());
        Counter.builder("innominatus.steps")
                .description("Steps that reached a final state")
                .tags(tags)
                .register(registry).increment();
        if (step.attempt() > 0 && step.state() != StepState.SKIPPED) {
            Timer.builder("innominatus.step.duration")
                    .description("Duration of the last attempt of steps that ran")
                    .tags(tags)
                    .serviceLevelObjectives(STEP_BUCKETS)
                    .register(registry)
                    .record(Duration.ofMillis(step.durationMs()));
        }
    }

    private Labels labels(String executionId) {
        Labels known = executions.get(executionId);
        if (known != null) {
            return known;
        }
        Optional<Execution> execution = store.find(executionId);
        if (execution.isEmpty()) {
            return new Labels("unknown", NO_PRODUCT, Map.of());
        }
        DeploymentPlan plan = execution.get().plan();
        Map<String, String> types = new HashMap<>();
        plan.workflows().forEach(w -> w.steps().forEach(s -> types.put(w.workflowId() + "\n" + s.name(), s.type())));
        Labels labels = new Labels(kind(execution.get().kind()), product(plan.product()), types);
        executions.put(executionId, labels);
        return labels;
    }

    /** {@code platform}, {@code product} or {@code application}, from a workflow id such as {@code products/shop/build}. */
    static String tier(String workflowId) {
        int slash = workflowId == null ? -1 : workflowId.indexOf('/');
        String prefix = slash < 0 ? "" : workflowId.substring(0, slash);
        return switch (prefix) {
            case "platform" -> "platform";
            case "products" -> "product";
            case "applications" -> "application";
            default -> "unknown";
        };
    }

    private static String kind(DeploymentPlan.Kind kind) {
        return kind == null ? "unknown" : kind.name().toLowerCase(Locale.ROOT);
    }

    /** The product as a label value: at most {@link #MAX_PRODUCTS} distinct ones, {@code none} without a product. */
    String product(String product) {
        if (product == null || product.isBlank()) {
            return NO_PRODUCT;
        }
        if (products.contains(product)) {
            return product;
        }
        synchronized (products) {
            if (products.size() < MAX_PRODUCTS) {
                products.add(product);
                return product;
            }
        }
        return products.contains(product) ? product : OTHER_PRODUCT;
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos((long) (values[i] * 1_000_000_000L));
        }
        return durations;
    }
}
