package io.innominatus.execute;

import io.innominatus.store.ExecutionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What the engine runs on. Production wires real threads and time; tests pass same-thread executors,
 * a manual scheduler, a fixed clock and a fake launcher to make runs deterministic.
 *
 * @param launchers finds how to start an attempt of a step type (its executor on the step threads)
 * @param engineExecutor runs the executions' state machines (and their store commits)
 * @param logFlushDelay how long log lines are collected before they are committed together
 */
public record EngineServices(
        ExecutionStore store,
        EventStreams streams,
        Function<String, Optional<StepLauncher>> launchers,
        Scheduler scheduler,
        Clock clock,
        Executor engineExecutor,
        Duration logFlushDelay) {}
