package io.innominatus.execute;

import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake of the engine's step port for engine tests: it answers at once or when the test says, on the
 * test's thread, so runs are deterministic. Driven by the step's config: driven by the step's config: {@code outputs} (map) become outputs,
 * {@code failures: N} fails the first N attempts, {@code hang: true} waits until the test completes the
 * attempt (or it is cancelled), {@code log: [lines]} writes lines, {@code secret: value} registers a secret.
 */
final class FakeStepExecutor implements StepLauncher {

    /** A call the executor received. */
    record Call(String step, int attempt, String idempotencyKey, Map<String, Object> config, boolean dryRun) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Map<String, CompletableFuture<StepResult>> hanging = new ConcurrentHashMap<>();
    final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<StepResult> launch(StepContext context, StepMode mode) {
        if (mode.dryRun()) {
            calls.add(new Call(context.step(), context.attempt(), context.idempotencyKey(), context.config(), true));
            return CompletableFuture.completedFuture(StepResult.of(Map.of("dryRun", "true")));
        }
        calls.add(new Call(context.step(), context.attempt(), context.idempotencyKey(), context.config(), false));
        context.stringList("log").forEach(line -> context.log("stdout", line));
        context.string("secret").ifPresent(context::secret);
        int failFirst = context.string("failures").map(Integer::parseInt).orElse(0);
        int failed = failures.merge(context.step(), 1, Integer::sum);
        if (failed <= failFirst) {
            return CompletableFuture.failedFuture(new StepFailure("planned failure " + failed + " of " + context.step()));
        }
        Map<String, String> outputs = new java.util.LinkedHashMap<>();
        context.map("outputs").forEach((k, v) -> outputs.put(k, String.valueOf(v)));
        StepResult result = new StepResult(outputs, context.stringList("secretOutputs").stream().collect(java.util.stream.Collectors.toSet()));
        if (context.flag("hang", false)) {
            CompletableFuture<StepResult> future = new CompletableFuture<>();
            hanging.put(context.step(), future);
            context.cancellation().onCancel(() -> {
                cancelled.add(context.step());
                future.completeExceptionally(new StepFailure("stopped"));
            });
            return future;
        }
        return CompletableFuture.completedFuture(result);
    }

    List<String> steps() {
        return calls.stream().map(Call::step).toList();
    }

    void complete(String step, Map<String, String> outputs) {
        hanging.remove(step).complete(StepResult.of(outputs));
    }

    void fail(String step, String message) {
        hanging.remove(step).completeExceptionally(new StepFailure(message));
    }
}
