package io.innominatus.execute;

import io.innominatus.steps.StepExecutor;
import io.innominatus.store.ExecutionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What the engine runs on. Production wires real threads and time; tests pass same-thread executors,
 * a manual scheduler and a fixed clock to make runs deterministic.
 *
 * @param registry finds the executor of a step type
 * @param engineExecutor runs the executions' state machines (and their store commits)
 * @param stepExecutor where step attempts are subscribed
 * @param logFlushDelay how long log lines are collected before they are committed together
 */
public record EngineServices(
        ExecutionStore store,
        EventStreams streams,
        Function<String, Optional<StepExecutor>> registry,
        Scheduler scheduler,
        Clock clock,
        Executor engineExecutor,
        Executor stepExecutor,
        Duration logFlushDelay) {}
