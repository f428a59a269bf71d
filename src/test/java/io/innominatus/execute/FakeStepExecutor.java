package io.innominatus.execute;

import io.innominatus.steps.StepContext;
import io.innominatus.steps.StepExecutor;
import io.innominatus.steps.StepFailure;
import io.innominatus.steps.StepResult;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A step executor for engine tests, driven by the step's config: {@code outputs} (map) become outputs,
 * {@code failures: N} fails the first N attempts, {@code hang: true} waits until the test completes the
 * attempt (or it is cancelled), {@code log: [lines]} writes lines, {@code secret: value} registers a secret.
 */
final class FakeStepExecutor implements StepExecutor {

    /** A call the executor received. */
    record Call(String step, int attempt, String idempotencyKey, Map<String, Object> config, boolean dryRun) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Map<String, CompletableFuture<StepResult>> hanging = new ConcurrentHashMap<>();
    final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "fake";
    }

    @Override
    @SuppressWarnings("unchecked")
    public Uni<StepResult> execute(StepContext context) {
        calls.add(new Call(context.step(), context.attempt(), context.idempotencyKey(), context.config(), false));
        context.stringList("log").forEach(line -> context.log("stdout", line));
        context.string("secret").ifPresent(context::secret);
        int failFirst = context.string("failures").map(Integer::parseInt).orElse(0);
        int failed = failures.merge(context.step(), 1, Integer::sum);
        if (failed <= failFirst) {
            return Uni.createFrom().failure(new StepFailure("planned failure " + failed + " of " + context.step()));
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
            return Uni.createFrom().completionStage(future);
        }
        return Uni.createFrom().item(result);
    }

    @Override
    public Uni<StepResult> dryRun(StepContext context) {
        calls.add(new Call(context.step(), context.attempt(), context.idempotencyKey(), context.config(), true));
        return Uni.createFrom().item(StepResult.of(Map.of("dryRun", "true")));
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
