package io.innominatus.execute;

import static io.innominatus.execute.EngineHarness.plan;
import static io.innominatus.execute.EngineHarness.workflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.DomainException;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.StepRun;
import io.innominatus.model.StepState;
import io.innominatus.model.WorkflowDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ExecutionEngineTest {

    private final EngineHarness h = new EngineHarness();

    private static WorkflowDefinition sequential(String name, String phase, String... steps) {
        StringBuilder yaml = new StringBuilder("  steps:\n");
        for (String step : steps) {
            yaml.append("    - ").append(step).append('\n');
        }
        return workflow(name, phase, yaml.toString());
    }

    private static StepState state(Execution e, String step) {
        return e.steps().stream().filter(s -> s.step().equals(step)).findFirst().orElseThrow().state();
    }

    private static StepRun step(Execution e, String step) {
        return e.steps().stream().filter(s -> s.step().equals(step)).findFirst().orElseThrow();
    }

    @Test
    void runsPhasesAndWorkflowsInOrderWithGapFreeEvents() {
        DeploymentPlan plan = plan("shop", "development", false, null,
                sequential("post", "post-deployment", "{name: report, type: fake}"),
                sequential("pre", "pre-deployment", "{name: scan, type: fake}", "{name: verify, type: fake}"),
                sequential("deploy", "deployment", "{name: apply, type: fake}"));
        Execution e = h.submit(plan);
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state());
        assertEquals(List.of("scan", "verify", "apply", "report"), h.fake.steps());
        assertEquals(List.of("state:QUEUED", "state:RUNNING",
                "phase+PRE_DEPLOYMENT", "wf+platform/pre", "step+scan#1", "step-scan:SUCCEEDED", "step+verify#1",
                "step-verify:SUCCEEDED", "wf-platform/pre", "phase-PRE_DEPLOYMENT",
                "phase+DEPLOYMENT", "wf+platform/deploy", "step+apply#1", "step-apply:SUCCEEDED", "wf-platform/deploy",
                "phase-DEPLOYMENT",
                "phase+POST_DEPLOYMENT", "wf+platform/post", "step+report#1", "step-report:SUCCEEDED", "wf-platform/post",
                "phase-POST_DEPLOYMENT", "state:SUCCEEDED"), h.trace(e.id()));
        List<ExecutionEvent> events = h.events(e.id());
        assertEquals(LongStream.rangeClosed(1, events.size()).boxed().toList(),
                events.stream().map(ExecutionEvent::sequence).toList());
        assertEquals(events.size(), done.lastSequence());
        assertTrue(h.store.hasSucceeded("shop", "development"));
        assertEquals(e.id() + "/platform/pre/scan/1", h.fake.calls.get(0).idempotencyKey());
    }

    @Test
    void aFailedStepSkipsTheRestButCleanupStillRuns() {
        DeploymentPlan plan = plan("shop", "development", false, null,
                sequential("deploy", "deployment",
                        "{name: prepare, type: fake}",
                        "{name: migrate, type: fake, config: {failures: 5}}",
                        "{name: publish, type: fake}",
                        "{name: rollback, type: fake, when: on_failure}",
                        "{name: cleanup, type: fake, when: always}"),
                sequential("post", "post-deployment", "{name: notify, type: fake}"));
        Execution done = h.get(h.submit(plan).id());
        assertEquals(ExecutionState.FAILED, done.state());
        assertEquals(List.of("prepare", "migrate", "rollback", "cleanup"), h.fake.steps());
        assertEquals(StepState.FAILED, state(done, "migrate"));
        assertEquals("planned failure 1 of migrate", step(done, "migrate").error());
        assertEquals(StepState.SKIPPED, state(done, "publish"));
        assertEquals(StepState.SUCCEEDED, state(done, "rollback"));
        assertEquals(StepState.SUCCEEDED, state(done, "cleanup"));
        assertEquals(StepState.SKIPPED, state(done, "notify"));
        assertEquals("platform/deploy: step migrate: planned failure 1 of migrate", done.error());
        List<String> trace = h.trace(done.id());
        assertTrue(trace.contains("wf-platform/deploy!"));
        assertTrue(trace.contains("phase-DEPLOYMENT!"));
        assertFalse(trace.contains("wf+platform/post"));
        assertEquals("state:FAILED", trace.get(trace.size() - 1));
        assertFalse(h.store.hasSucceeded("shop", "development"));
        // Every step ends exactly once.
        for (StepRun step : done.steps()) {
            assertEquals(1, h.events(done.id()).stream().filter(ev -> ev.payload() instanceof EventPayload.StepFinished f
                    && f.step().equals(step.step())).count(), step.step());
        }
    }

    @Test
    void continueOnErrorKeepsTheWorkflowGoing() {
        DeploymentPlan plan = plan("shop", "development", false, null, sequential("deploy", "deployment",
                "{name: optional, type: fake, continueOnError: true, config: {failures: 1}}", "{name: next, type: fake}"));
        Execution done = h.get(h.submit(plan).id());
        assertEquals(ExecutionState.SUCCEEDED, done.state());
        assertEquals(StepState.FAILED, state(done, "optional"));
        assertEquals(StepState.SUCCEEDED, state(done, "next"));
    }

    @Test
    void dagRunsIndependentStepsInParallelAndRespectsDependencies() {
        WorkflowDefinition dag = workflow("dag", "deployment", """
                  steps:
                    - {name: infra, type: fake, config: {hang: true}}
                    - {name: cache, type: fake, config: {hang: true}}
                    - {name: migrate, type: fake, dependsOn: [infra]}
                    - {name: verify, type: fake, dependsOn: [migrate, cache]}
                    - {name: cleanup, type: fake, when: always}
                """);
        Execution e = h.submit(plan("shop", "development", false, null, dag));
        assertEquals(List.of("infra", "cache"), h.fake.steps(), "independent steps start together");
        h.fake.complete("infra", Map.of());
        assertEquals(List.of("infra", "cache", "migrate"), h.fake.steps());
        h.fake.complete("cache", Map.of());
        assertEquals(List.of("infra", "cache", "migrate", "verify", "cleanup"), h.fake.steps(),
                "the always step waits for every on_success step");
        assertEquals(ExecutionState.SUCCEEDED, h.get(e.id()).state());
    }

    @Test
    void dagFailureSkipsDependentsAndRunsRollback() {
        WorkflowDefinition dag = workflow("dag", "deployment", """
                  steps:
                    - {name: infra, type: fake, config: {failures: 1}}
                    - {name: cache, type: fake}
                    - {name: migrate, type: fake, dependsOn: [infra]}
                    - {name: rollback, type: fake, when: on_failure}
                """);
        Execution done = h.get(h.submit(plan("shop", "development", false, null, dag)).id());
        assertEquals(ExecutionState.FAILED, done.state());
        assertEquals(StepState.SKIPPED, state(done, "migrate"));
        assertEquals(StepState.SUCCEEDED, state(done, "rollback"));
    }

    @Test
    void conditionsAndInterpolationUseTheContext() {
        WorkflowDefinition w = workflow("ctx", "deployment", """
                  variables:
                    greeting: hello ${application.name}
                  steps:
                    - {name: build, type: fake, outputs: [version], config: {outputs: {version: "1.4.2"}}}
                    - name: tf
                      type: terraform
                      if: "false"
                    - name: deploy
                      type: fake
                      if: "steps.build.outputs.version == '1.4.2' && environment.name == 'development'"
                      config:
                        image: "app:${steps.build.outputs.version}"
                        message: "${workflow.variables.greeting} in ${environment.name} (${execution.id}) $${literal}"
                        team: "${admin.team}"
                    - {name: production-only, type: fake, if: "environment.name == 'production'"}
                    - {name: unless-dev, type: fake, unless: "environment.name == 'development'"}
                """);
        Execution e = h.submit(plan("shop", "development", false, null, w));
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state(), done::error);
        FakeStepExecutor.Call deploy = h.fake.calls.get(1);
        assertEquals("deploy", deploy.step());
        assertEquals("app:1.4.2", deploy.config().get("image"));
        assertEquals("hello shop in development (" + e.id() + ") ${literal}", deploy.config().get("message"));
        assertEquals("platform", deploy.config().get("team"));
        assertEquals(StepState.SKIPPED, state(done, "tf"));
        assertEquals(StepState.SKIPPED, state(done, "production-only"));
        assertEquals("skipped: condition is false", step(done, "unless-dev").error());
        assertEquals(Map.of("version", "1.4.2"), step(done, "build").outputs());
    }

    @Test
    void aMissingOutputFailsTheStepInsteadOfLeavingText() {
        WorkflowDefinition w = workflow("missing", "deployment", """
                  steps:
                    - {name: build, type: fake}
                    - {name: deploy, type: fake, config: {image: "app:${steps.build.outputs.version}"}}
                """);
        Execution done = h.get(h.submit(plan("shop", "development", false, null, w)).id());
        assertEquals(StepState.FAILED, state(done, "deploy"));
        assertEquals("${steps.build.outputs.version} has no value for this step", step(done, "deploy").error());
        assertEquals(List.of("build"), h.fake.steps());
    }

    @Test
    void retriesWithExponentialBackoffAndNewIdempotencyKeys() {
        WorkflowDefinition w = sequential("flaky", "deployment",
                "{name: call, type: fake, retry: {attempts: 3, backoff: 1s}, config: {failures: 2}}");
        Execution e = h.submit(plan("shop", "development", false, null, w));
        assertEquals(List.of(Duration.ofSeconds(1)), h.scheduler.pendingDelays().stream()
                .filter(d -> d.compareTo(Duration.ofMillis(100)) > 0).toList());
        h.scheduler.advance(Duration.ofSeconds(1));
        assertEquals(List.of(Duration.ofSeconds(2)), h.scheduler.pendingDelays().stream()
                .filter(d -> d.compareTo(Duration.ofMillis(100)) > 0).toList());
        h.scheduler.advance(Duration.ofSeconds(2));
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state());
        assertEquals(3, step(done, "call").attempt());
        assertEquals(List.of(e.id() + "/platform/flaky/call/1", e.id() + "/platform/flaky/call/2",
                e.id() + "/platform/flaky/call/3"), h.fake.calls.stream().map(FakeStepExecutor.Call::idempotencyKey).toList());
        assertTrue(h.trace(e.id()).contains("log:call:attempt 1 failed: planned failure 1 of call; retrying in 1s "
                + "(attempt 2 of 3)"));
        assertEquals(1, h.trace(e.id()).stream().filter(t -> t.startsWith("step-call")).count());
    }

    @Test
    void timeoutsStopTheAttempt() {
        WorkflowDefinition w = sequential("slow", "deployment",
                "{name: hang, type: fake, timeout: 30s, config: {hang: true}}", "{name: cleanup, type: fake, when: always}");
        Execution e = h.submit(plan("shop", "development", false, null, w));
        assertEquals(ExecutionState.RUNNING, h.get(e.id()).state());
        h.scheduler.advance(Duration.ofSeconds(30));
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.FAILED, done.state());
        assertEquals("timed out after 30s", step(done, "hang").error());
        assertTrue(h.fake.cancelled.contains("hang"), "the attempt's work is told to stop");
        assertEquals(StepState.SUCCEEDED, state(done, "cleanup"));
    }

    @Test
    void maxWorkflowDurationFailsTheWorkflow() {
        WorkflowDefinition w = sequential("long", "deployment", "{name: hang, type: fake, config: {hang: true}}",
                "{name: after, type: fake}");
        Execution e = h.submit(plan("shop", "development", false, Duration.ofMinutes(1), w));
        h.scheduler.advance(Duration.ofSeconds(59));
        assertEquals(ExecutionState.RUNNING, h.get(e.id()).state());
        h.scheduler.advance(Duration.ofSeconds(1));
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.FAILED, done.state());
        assertEquals("workflow exceeded maxWorkflowDuration (1m)", step(done, "hang").error());
        assertEquals(StepState.SKIPPED, state(done, "after"));
        assertTrue(h.fake.cancelled.contains("hang"));
    }

    @Test
    void cancellationStopsRunningWork() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: hang, type: fake, config: {hang: true}}",
                "{name: after, type: fake}");
        Execution e = h.submit(plan("shop", "development", false, null, w));
        Execution cancelled = h.engine.cancel(e.id(), "bob", "wrong version").join();
        assertEquals(ExecutionState.CANCELLED, cancelled.state());
        assertEquals("cancelled by bob: wrong version", cancelled.error());
        assertTrue(h.fake.cancelled.contains("hang"));
        Execution stored = h.get(e.id());
        assertEquals(StepState.CANCELLED, state(stored, "hang"));
        assertEquals(StepState.CANCELLED, state(stored, "after"));
        CompletionException again = assertThrows(CompletionException.class,
                () -> h.engine.cancel(e.id(), "bob", "").join());
        assertTrue(again.getCause() instanceof DomainException.FailedPrecondition);
    }

    @Test
    void maxConcurrentWorkflowsQueuesTheRestInOrder() {
        h.maxConcurrent.set(1);
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: hang, type: fake, config: {hang: true}}");
        Execution first = h.submit(plan("app-one", "development", false, null, w));
        Execution second = h.submit(plan("app-two", "development", false, null, w));
        Execution third = h.submit(plan("app-three", "development", false, null, w));
        assertEquals(ExecutionState.RUNNING, h.get(first.id()).state());
        assertEquals(ExecutionState.QUEUED, h.get(second.id()).state());
        assertEquals(ExecutionState.QUEUED, h.get(third.id()).state());
        h.fake.complete("hang", Map.of());
        assertEquals(ExecutionState.SUCCEEDED, h.get(first.id()).state());
        assertEquals(ExecutionState.RUNNING, h.get(second.id()).state());
        assertEquals(ExecutionState.QUEUED, h.get(third.id()).state());
    }

    @Test
    void oneActiveExecutionPerApplicationAndEnvironment() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: hang, type: fake, config: {hang: true}}");
        Execution first = h.submit(plan("shop", "development", false, null, w));
        Execution second = h.submit(plan("shop", "development", false, null, w));
        Execution otherEnvironment = h.submit(plan("shop", "staging", false, null, w));
        assertEquals(ExecutionState.RUNNING, h.get(first.id()).state());
        assertEquals(ExecutionState.QUEUED, h.get(second.id()).state());
        assertEquals(ExecutionState.RUNNING, h.get(otherEnvironment.id()).state());
    }

    @Test
    void approvalBindsToThePlanDigestAndTheRequesterCannotApprove() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: apply, type: fake}");
        DeploymentPlan plan = plan("shop", "production", true, null, w);
        Execution e = h.submit(plan);
        assertEquals(ExecutionState.AWAITING_APPROVAL, e.state());
        assertEquals(List.of("state:AWAITING_APPROVAL", "approval?"), h.trace(e.id()));
        assertTrue(h.fake.calls.isEmpty());

        CompletionException wrongDigest = assertThrows(CompletionException.class,
                () -> h.engine.approve(e.id(), "carol", "", "0".repeat(64), "", true).join());
        assertEquals("PLAN_DIGEST_MISMATCH", ((DomainException) wrongDigest.getCause()).reason());
        CompletionException self = assertThrows(CompletionException.class,
                () -> h.engine.approve(e.id(), "alice", "", plan.planDigest(), "", true).join());
        assertEquals("SELF_APPROVAL", ((DomainException) self.getCause()).reason());

        Execution approved = h.engine.approve(e.id(), "carol", "", plan.planDigest(), "looks good", true).join();
        assertEquals("carol", approved.approvedBy());
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state());
        assertEquals("looks good", done.decisionComment());
        assertEquals(List.of("state:AWAITING_APPROVAL", "approval?", "approved", "state:QUEUED", "state:RUNNING"),
                h.trace(e.id()).subList(0, 5));
    }

    @Test
    void rejectionEndsTheExecutionWithoutRunningAnything() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: apply, type: fake}");
        Execution e = h.submit(plan("shop", "production", true, null, w));
        Execution rejected = h.engine.reject(e.id(), "carol", "", "", "not today", true).join();
        assertEquals(ExecutionState.REJECTED, rejected.state());
        assertEquals("rejected by carol: not today", rejected.error());
        assertTrue(h.fake.calls.isEmpty());
        assertTrue(h.trace(e.id()).containsAll(List.of("rejected", "state:REJECTED")));
        assertThrows(CompletionException.class, () -> h.engine.approve(e.id(), "carol", "", rejected.plan().planDigest(), "",
                true).join());
    }

    @Test
    void dryRunsUseTheDryRunPathAndNeedNoApproval() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: apply, type: fake}");
        Execution e = h.submit(plan("shop", "production", true, null, w), "alice", true);
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state());
        assertTrue(h.fake.calls.get(0).dryRun());
        assertEquals(Map.of("dryRun", "true"), step(done, "apply").outputs());
        assertFalse(h.store.hasSucceeded("shop", "production"), "dry runs are not deployments");
    }

    @Test
    void retryResumesFromTheFailedStepKeepingSuccessfulOnes() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: build, type: fake, config: {outputs: {v: '7'}}}",
                "{name: release, type: fake, config: {failures: 1, tag: '${steps.build.outputs.v}'}}");
        Execution e = h.submit(plan("shop", "development", false, null, w));
        assertEquals(ExecutionState.FAILED, h.get(e.id()).state());
        Execution retried = h.engine.retry(e.id(), "alice", "transient").join();
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state(), done::error);
        assertEquals(List.of("build", "release", "release"), h.fake.steps());
        assertEquals("7", h.fake.calls.get(2).config().get("tag"));
        assertEquals(2, step(done, "release").attempt());
        assertTrue(retried.steps().stream().anyMatch(s -> s.step().equals("build") && s.state() == StepState.SUCCEEDED));
        assertThrows(CompletionException.class, () -> h.engine.retry(e.id(), "alice", "").join());
    }

    @Test
    void aDefectWhileDrivingAnExecutionFailsItInsteadOfLeavingItRunning() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: first, type: fake}",
                "{name: second, type: fake}");
        h.engineDefect = new IllegalStateException("boom at com.example.Internal");
        Execution e = h.submit(plan("shop", "development", false, null, w));
        Execution failed = h.get(e.id());
        assertEquals(ExecutionState.FAILED, failed.state());
        assertTrue(failed.error().contains("internal error"), failed.error());
        assertFalse(failed.error().contains("com.example"), failed.error());
        assertEquals(StepState.FAILED, state(failed, "first"));
        assertEquals(StepState.SKIPPED, state(failed, "second"));
        assertEquals("state:FAILED", h.trace(e.id()).get(h.trace(e.id()).size() - 1));

        h.engine.retry(e.id(), "alice", "after the fix").join();
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state(), done::error);
        assertEquals(List.of("first", "second"), h.fake.steps());
    }

    @Test
    void unfinishedExecutionsResumeAfterARestart() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: first, type: fake}",
                "{name: hang, type: fake, config: {hang: true}}", "{name: last, type: fake}");
        Execution e = h.submit(plan("shop", "development", false, null, w));
        Execution queued = h.submit(plan("shop", "development", false, null, w));
        assertEquals(StepState.RUNNING, state(h.get(e.id()), "hang"));
        h.engine.shutdown();
        h.fake.hanging.clear();

        h.engine = h.newEngine();
        h.engine.recover();
        h.fake.complete("hang", Map.of());
        Execution done = h.get(e.id());
        assertEquals(ExecutionState.SUCCEEDED, done.state());
        assertEquals(2, step(done, "hang").attempt(), "the interrupted attempt runs again as a new attempt");
        assertTrue(h.trace(e.id()).contains("log:hang:attempt 1 was interrupted by a restart; the step runs again"));
        assertEquals(List.of("first", "hang", "hang", "last"), h.fake.steps().subList(0, 4));
        assertEquals(ExecutionState.RUNNING, h.get(queued.id()).state(), "the queue continues in order");
        List<ExecutionEvent> events = h.events(e.id());
        assertEquals(LongStream.rangeClosed(1, events.size()).boxed().toList(),
                events.stream().map(ExecutionEvent::sequence).toList());
    }

    @Test
    void logsAreRecordedAndSecretsRedacted() {
        WorkflowDefinition w = sequential("deploy", "deployment",
                "{name: token, type: fake, config: {secret: s3cr3t-value, log: ['using s3cr3t-value', plain], "
                        + "outputs: {password: hunter22, user: app}, secretOutputs: [password]}}",
                "{name: next, type: fake, config: {log: ['password was hunter22']}}");
        Execution e = h.submit(plan("shop", "development", false, null, w));
        Execution done = h.get(e.id());
        assertEquals(Map.of("password", Redactor.MASK, "user", "app"), step(done, "token").outputs());
        List<String> trace = h.trace(e.id());
        assertTrue(trace.contains("log:token:using ********"), trace::toString);
        assertTrue(trace.contains("log:token:plain"));
        assertTrue(trace.contains("log:next:password was ********"), trace::toString);
        assertFalse(trace.stream().anyMatch(t -> t.contains("s3cr3t-value") || t.contains("hunter22")));
    }

    @Test
    void stepTypesWithoutAnExecutorFailNamingTheType() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: plan, type: terraform}");
        Execution done = h.get(h.submit(plan("shop", "development", false, null, w)).id());
        assertEquals(ExecutionState.FAILED, done.state());
        assertEquals("no executor is available for step type 'terraform'", step(done, "plan").error());
    }

    @Test
    void watchersReplayThenFollowAndReconnectWithoutGaps() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: hang, type: fake, config: {hang: true}}",
                "{name: last, type: fake}");
        Execution e = h.submit(plan("shop", "development", false, null, w));
        var subscriber = h.engine.watch(e.id(), 0).subscribe()
                .withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.<ExecutionEvent>create(3));
        subscriber.awaitItems(3);
        assertEquals(List.of(1L, 2L, 3L), subscriber.getItems().stream().map(ExecutionEvent::sequence).toList());
        subscriber.cancel();
        long lastSeen = 3;
        var resumed = h.engine.watch(e.id(), lastSeen).subscribe()
                .withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.<ExecutionEvent>create(Long.MAX_VALUE));
        h.fake.complete("hang", Map.of());
        resumed.awaitCompletion();
        List<Long> sequences = resumed.getItems().stream().map(ExecutionEvent::sequence).toList();
        assertEquals(LongStream.rangeClosed(4, h.get(e.id()).lastSequence()).boxed().toList(), sequences);
        assertTrue(resumed.getItems().get(resumed.getItems().size() - 1).endsRun());

        var afterEnd = h.engine.watch(e.id(), h.get(e.id()).lastSequence()).subscribe()
                .withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.<ExecutionEvent>create(10));
        afterEnd.awaitCompletion();
        assertTrue(afterEnd.getItems().isEmpty());
    }
    @Test
    void aWatcherThatSawTheExecutionRunningJustBeforeItEndedStillEndsAtOnce() {
        WorkflowDefinition w = sequential("deploy", "deployment", "{name: hang, type: fake, config: {hang: true}}");
        Execution e = h.submit(plan("shop", "development", false, null, w));
        long seen = h.get(e.id()).lastSequence();
        // A watcher of a ring filled here follows from memory and never asks the store; this race is that of
        // a watcher that has to (the ring dropped, as after a restart).
        h.streams.release(e.id());
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        // The watcher reads the state as RUNNING; before it starts waiting, the execution ends and the
        // engine releases its event ring.
        java.util.function.Supplier<java.util.Optional<Execution>> status = () -> {
            java.util.Optional<Execution> current = h.store.find(e.id());
            if (first.getAndSet(false)) {
                h.fake.complete("hang", Map.of());
            }
            return current;
        };
        var watcher = h.streams.watch(e.id(), seen, status).subscribe()
                .withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.<ExecutionEvent>create(Long.MAX_VALUE));
        // Everything here runs on the calling thread: a watcher left waiting for a wake-up that never comes
        // would not have completed yet.
        watcher.assertCompleted();
        assertEquals(LongStream.rangeClosed(seen + 1, h.get(e.id()).lastSequence()).boxed().toList(),
                watcher.getItems().stream().map(ExecutionEvent::sequence).toList());
    }
}
