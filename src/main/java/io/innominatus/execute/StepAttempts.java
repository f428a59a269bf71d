package io.innominatus.execute;

import io.innominatus.model.EventPayload;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.PlannedStep;
import io.innominatus.model.PlannedWorkflow;
import io.innominatus.model.StepDefinition;
import io.innominatus.model.StepErrorKind;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.support.CelExpressions;
import io.innominatus.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The attempts of a run's steps: starting one (once the store knows it started), its timeout, its outcome,
 * and whether another attempt follows. A failure is retried only when the step's retry policy allows another
 * attempt and its {@link StepErrorKind} is retryable; configuration errors and cancellations are not.
 * Runs on the run's serial executor; attempts report back through {@link #tasks}.
 */
final class StepAttempts {

    private static final Logger LOG = Logger.getLogger(StepAttempts.class);

    private final RunState run;
    private final Journal journal;
    private final StepLogs logs;
    private final EngineServices services;
    private final Executor tasks;
    /** Called when a step has ended: the run decides what comes next. */
    private final Runnable onStepEnded;
    private final Map<StepKey, StepAttempt> current = new HashMap<>();
    /** The last attempt number of a step that runs again (after a retry or an interruption). */
    private final Map<StepKey, Integer> numberBase = new HashMap<>();
    /** Dry runs: why a step runs although its condition needs values only a real run produces (logged when it starts). */
    private final Map<StepKey, String> assumedConditions = new HashMap<>();

    StepAttempts(RunState run, Journal journal, StepLogs logs, EngineServices services, Executor tasks,
            Runnable onStepEnded) {
        this.run = run;
        this.journal = journal;
        this.logs = logs;
        this.services = services;
        this.tasks = tasks;
        this.onStepEnded = onStepEnded;
        // A step waiting to run again continues its attempt numbers, so that every attempt keeps its own
        // idempotency key whichever process runs it.
        run.steps.forEach((key, step) -> {
            if (step.state() == StepState.PENDING && step.attempt() > 0) {
                numberBase.put(key, step.attempt());
            }
        });
    }

    /** The step runs again later (a retry or an interrupted attempt): its next attempt follows its last one. */
    void continueNumbering(StepKey key, int lastAttempt) {
        numberBase.put(key, lastAttempt);
    }

    /** Starts the step's next attempt: recorded RUNNING first, its executor called once that is committed. */
    void start(StepKey key) {
        start(key, numberBase.getOrDefault(key, 0) + 1);
    }

    private void start(StepKey key, int number) {
        PlannedWorkflow workflow = run.planned.get(key.workflowId());
        PlannedStep step = workflow.step(key.step());
        Instant now = run.now();
        String idempotencyKey = run.id + "/" + key.workflowId() + "/" + key.step() + "/" + number;
        StepRun running = run.step(key).with(StepState.RUNNING, number, "", Map.of(), now, null);
        Change started = new Change(run).step(running).event(new EventPayload.StepStarted(key.workflowId(), key.step(),
                number, idempotencyKey, step.type()));
        String assumed = assumedConditions.remove(key);
        if (assumed != null) {
            for (String line : assumed.split("\n")) {
                started.event(new EventPayload.StepLog(key.workflowId(), key.step(), run.redactor.apply(line), "engine"));
            }
        }
        journal.record(started);
        StepAttempt attempt = new StepAttempt(key, number, now, idempotencyKey);
        current.put(key, attempt);
        journal.whenDurable(() -> invoke(workflow, step, attempt), () -> {});
    }

    private void invoke(PlannedWorkflow workflow, PlannedStep step, StepAttempt attempt) {
        if (current.get(attempt.key) != attempt || !attempt.recording()) {
            return;
        }
        StepContextImpl context;
        try {
            context = context(workflow, step, attempt);
        } catch (StepFailure e) {
            tasks.execute(() -> failed(attempt, e.kind(), e.getMessage()));
            return;
        }
        Optional<StepLauncher> launcher = services.launchers().apply(step.type());
        if (launcher.isEmpty()) {
            tasks.execute(() -> failed(attempt, StepErrorKind.CONFIGURATION,
                    "no executor is available for step type '" + step.type() + "'"));
            return;
        }
        Duration timeout = step.definition().timeout();
        if (timeout != null) {
            attempt.timeOutAfter(services.scheduler(), timeout, () -> tasks.execute(() -> {
                if (current.get(attempt.key) == attempt && attempt.recording()) {
                    attempt.cancellation.cancel("timed out");
                    failed(attempt, StepErrorKind.TIMEOUT, "timed out after " + Durations.format(timeout));
                }
            }));
        }
        CompletionStage<StepResult> work;
        try {
            work = launcher.get().launch(context, run.header.dryRun() ? StepMode.DRY_RUN : StepMode.APPLY);
        } catch (RuntimeException e) {
            tasks.execute(() -> failed(attempt, kind(e), message(e, step.type())));
            return;
        }
        // The executor stops through the attempt's Cancellation; its late result or failure reaches these
        // callbacks and is ignored there, because the attempt is no longer the step's current one.
        work.whenComplete((result, failure) -> tasks.execute(() -> {
            if (failure == null) {
                succeeded(attempt, result);
            } else {
                failed(attempt, kind(failure), message(failure, step.type()));
            }
        }));
    }

    private void succeeded(StepAttempt attempt, StepResult result) {
        if (current.get(attempt.key) != attempt || !attempt.recording()) {
            return;
        }
        current.remove(attempt.key);
        attempt.end();
        logs.flush();
        result.secretOutputs().forEach(k -> run.redactor.add(result.outputs().get(k)));
        Map<String, String> outputs = run.redactor.apply(result.outputs(), result.secretOutputs());
        Instant now = run.now();
        journal.record(new Change(run).finished(run.step(attempt.key).with(StepState.SUCCEEDED, attempt.number, "",
                outputs, attempt.start, now), now));
        onStepEnded.run();
    }

    /** An attempt failed: another one follows when the step's retry policy allows it and the kind is retryable. */
    private void failed(StepAttempt attempt, StepErrorKind kind, String message) {
        if (current.get(attempt.key) != attempt || !attempt.recording()) {
            return;
        }
        StepKey key = attempt.key;
        int number = attempt.number;
        logs.flush();
        String error = run.redactor.apply(message);
        StepDefinition definition = run.definition(key);
        int base = numberBase.getOrDefault(key, 0);
        int allowed = base + definition.retry().attempts();
        boolean policyAllows = number < allowed && !run.expired.contains(key.workflowId())
                && run.header.state() == ExecutionState.RUNNING;
        if (policyAllows && kind.retryable()) {
            Duration delay = definition.retry().delayBefore(number - base + 1);
            journal.record(new Change(run).event(new EventPayload.StepLog(key.workflowId(), key.step(), "attempt " + number
                    + " failed: " + error + "; retrying in " + Durations.format(delay) + " (attempt " + (number + 1) + " of "
                    + allowed + ")", "engine")));
            attempt.waitToRetry(services.scheduler(), delay, () -> tasks.execute(() -> {
                if (current.get(key) == attempt && run.driving()) {
                    current.remove(key);
                    attempt.end();
                    start(key, number + 1);
                }
            }));
            return;
        }
        if (policyAllows) {
            journal.record(new Change(run).event(new EventPayload.StepLog(key.workflowId(), key.step(), "attempt " + number
                    + " failed: " + error + "; not retried: " + describe(kind) + " fails the same way on every attempt",
                    "engine")));
        }
        current.remove(key);
        attempt.end();
        Instant now = run.now();
        journal.record(new Change(run).finished(run.step(key).with(StepState.FAILED, number, error, kind, Map.of(),
                attempt.start, now), now));
        onStepEnded.run();
    }

    /** Stops the attempts of the steps {@code which} selects and records them as FAILED, in one change. */
    void failRunning(Predicate<StepKey> which, String reason) {
        logs.flush();
        Change change = new Change(run);
        Instant now = run.now();
        for (StepAttempt attempt : List.copyOf(current.values())) {
            if (which.test(attempt.key)) {
                attempt.stop(reason);
                current.remove(attempt.key);
                change.finished(run.step(attempt.key).with(StepState.FAILED, attempt.number, reason, Map.of(),
                        attempt.start, now), now);
            }
        }
        if (!change.events.isEmpty()) {
            journal.record(change);
        }
    }

    /** Stops every attempt (running or waiting to retry) without recording anything. */
    void stopAll(String reason) {
        current.values().forEach(a -> a.stop(reason));
        current.clear();
    }

    /**
     * The step's {@code if}/{@code unless}. In a dry run, a condition that needs a value only a real run
     * produces is unknown: it takes the value that lets the step run, and the step's log says so.
     */
    Optional<Boolean> condition(PlannedWorkflow workflow, PlannedStep step) {
        StepDefinition d = step.definition();
        if (d.ifCondition() == null && d.unlessCondition() == null) {
            return Optional.empty();
        }
        Interpolator.Scope scope = run.scope(workflow, step);
        Map<String, Object> values = Interpolator.conditionVariables(scope);
        StepKey key = new StepKey(workflow.workflowId(), step.name());
        boolean runs = true;
        if (d.ifCondition() != null) {
            runs = evaluate("if", d.ifCondition(), values, scope, key, true);
        }
        if (runs && d.unlessCondition() != null) {
            runs = !evaluate("unless", d.unlessCondition(), values, scope, key, false);
        }
        return Optional.of(runs);
    }

    private boolean evaluate(String kind, String expression, Map<String, Object> values, Interpolator.Scope scope,
            StepKey key, boolean runsWhen) {
        try {
            return CelExpressions.evaluate(expression, CelExpressions.CONDITION_VARIABLES, values);
        } catch (IllegalArgumentException e) {
            if (!Interpolator.mayDependOnUnknowns(expression, scope)) {
                throw e;
            }
            assumedConditions.merge(key, "dry run: condition " + kind + " '" + expression + "' depends on a value known "
                    + "only after apply (" + e.getMessage() + "); it counts as " + runsWhen + ", so the step runs",
                    (a, b) -> a + "\n" + b);
            return runsWhen;
        }
    }

    private StepContextImpl context(PlannedWorkflow workflow, PlannedStep step, StepAttempt attempt) {
        Interpolator.Scope scope = run.scope(workflow, step);
        StepDefinition d = step.definition();
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) Interpolator.render(d.config(), scope);
        String namespace = Interpolator.render(d.namespace(), scope);
        String path = Interpolator.render(d.path(), scope);
        return new StepContextImpl(run, logs, attempt, step.type(), config, namespace, path, workflow.baseDirectory(),
                d.timeout(), scope);
    }

    private static String describe(StepErrorKind kind) {
        return kind == StepErrorKind.CANCELLED ? "a cancelled attempt" : "a configuration error";
    }

    /** The kind of an executor's failure; an unexpected exception counts as the step's own failure. */
    static StepErrorKind kind(Throwable failure) {
        return unwrapped(failure) instanceof StepFailure stepFailure ? stepFailure.kind() : StepErrorKind.STEP_FAILED;
    }

    static String message(Throwable failure, String type) {
        Throwable t = unwrapped(failure);
        if (t instanceof StepFailure) {
            return t.getMessage();
        }
        LOG.warnf(t, "step executor for type %s failed unexpectedly", type);
        return "the " + type + " executor failed unexpectedly" + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static Throwable unwrapped(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
