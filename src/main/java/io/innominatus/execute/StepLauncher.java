package io.innominatus.execute;

import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * How the engine starts an attempt without waiting for it: the returned stage completes with the
 * attempt's result or failure. Step types are synchronous {@link StepExecutor}s run on the step threads
 * ({@link #onThreads}); engine tests plug in a fake that completes when the test says so.
 */
@FunctionalInterface
public interface StepLauncher {

    CompletionStage<StepResult> launch(StepContext context, StepMode mode);

    /** Runs a synchronous step executor on {@code threads}, a pool meant for blocking work. */
    static StepLauncher onThreads(StepExecutor executor, Executor threads) {
        return (context, mode) -> CompletableFuture.supplyAsync(() -> executor.run(context, mode), threads);
    }
}
