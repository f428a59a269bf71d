package io.innominatus.execute;

import io.innominatus.TestWorkflows;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.EventPayload;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.PlanAssembly;
import io.innominatus.model.ResolvedDeployment;
import io.innominatus.model.Tier;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.policy.PolicyEvaluator;
import io.innominatus.resolve.Resolver;
import io.innominatus.store.ExecutionStore;
import io.innominatus.store.JdbcExecutionStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/**
 * An engine on a real (in-memory H2) store with same-thread executors, a manual scheduler and the fake
 * step executor, so every test runs deterministically.
 */
final class EngineHarness {

    final ManualScheduler scheduler = new ManualScheduler();
    final FakeStepExecutor fake = new FakeStepExecutor();
    final JdbcExecutionStore store;
    final EventStreams streams;
    final AtomicInteger maxConcurrent = new AtomicInteger();
    /** Thrown once by the next step-executor lookup: stands for a defect inside the engine. */
    volatile RuntimeException engineDefect;
    ExecutionEngine engine;

    EngineHarness() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:engine-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        Flyway.configure().dataSource(dataSource).load().migrate();
        store = new JdbcExecutionStore(dataSource);
        streams = new EventStreams(store, Runnable::run);
        engine = newEngine();
    }

    /** A second engine on the same store, as after a restart. */
    ExecutionEngine newEngine() {
        return newEngine(store);
    }

    /** An engine on {@code over} (a store that wraps this harness's one), as after a restart. */
    ExecutionEngine newEngine(ExecutionStore over) {
        EngineServices services = new EngineServices(over, streams,
                type -> {
                    RuntimeException defect = engineDefect;
                    if (defect != null) {
                        engineDefect = null;
                        throw defect;
                    }
                    return type.equals("fake") ? Optional.of(fake) : Optional.empty();
                }, scheduler, scheduler.clock,
                Runnable::run, Duration.ofMillis(20));
        return new ExecutionEngine(services, maxConcurrent::get);
    }

    static WorkflowDefinition workflow(String name, String phase, String steps) {
        return TestWorkflows.workflow("apiVersion: workflow.dev/v1\nkind: PlatformWorkflow\nmetadata: {name: " + name
                + ", phase: " + phase + ", owner: t}\nspec:\n  triggers: [all_deployments]\n" + steps, "platform/" + name
                + ".yaml", null);
    }

    /** A plan of the given workflows (without the generated application workflow). */
    static DeploymentPlan plan(String application, String environment, boolean approval, Duration maxDuration,
            WorkflowDefinition... workflows) {
        ResolvedDeployment all = Resolver.resolveDeployment(new Resolver.DeploymentRequest(TestWorkflows.score(application,
                null), environment, Arrays.asList(workflows), List.of(), Map.of("team", "platform"), List.of(), false));
        ResolvedDeployment resolved = new ResolvedDeployment(all.kind(), all.context(), all.workflows().stream()
                .filter(w -> w.definition().tier() != Tier.APPLICATION).toList());
        var policies = TestWorkflows.with(TestWorkflows.permissive(), b -> approval ? b.approval(environment) : b);
        return PlanAssembly.assemble(resolved, PolicyEvaluator.evaluate(resolved, policies, Set.of("fake")), "catalog",
                new DeploymentPlan.ExecutionLimits(maxDuration, "read-only", "namespace-scoped"));
    }

    Execution submit(DeploymentPlan plan) {
        return submit(plan, "alice", false);
    }

    Execution submit(DeploymentPlan plan, String requester, boolean dryRun) {
        return engine.submit(new ExecutionEngine.Submission(plan, "score", requester, "", "", dryRun)).execution();
    }

    Execution get(String id) {
        scheduler.runDue();
        return store.find(id).orElseThrow();
    }

    List<ExecutionEvent> events(String id) {
        return store.events(id, 0, 10_000, null);
    }

    /** Events as short strings, for asserting order. */
    List<String> trace(String id) {
        return events(id).stream().map(e -> describe(e.payload())).toList();
    }

    static String describe(EventPayload p) {
        if (p instanceof EventPayload.StateChanged e) {
            return "state:" + e.to();
        }
        if (p instanceof EventPayload.PhaseStarted e) {
            return "phase+" + e.phase();
        }
        if (p instanceof EventPayload.PhaseFinished e) {
            return "phase-" + e.phase() + (e.succeeded() ? "" : "!");
        }
        if (p instanceof EventPayload.WorkflowStarted e) {
            return "wf+" + e.workflowId();
        }
        if (p instanceof EventPayload.WorkflowFinished e) {
            return "wf-" + e.workflowId() + (e.succeeded() ? "" : "!");
        }
        if (p instanceof EventPayload.StepStarted e) {
            return "step+" + e.step() + "#" + e.attempt();
        }
        if (p instanceof EventPayload.StepFinished e) {
            return "step-" + e.step() + ":" + e.state();
        }
        if (p instanceof EventPayload.StepLog e) {
            return "log:" + e.step() + ":" + e.line();
        }
        if (p instanceof EventPayload.StepProgress e) {
            return "progress:" + e.step();
        }
        if (p instanceof EventPayload.ApprovalRequested) {
            return "approval?";
        }
        EventPayload.ApprovalDecided d = (EventPayload.ApprovalDecided) p;
        return d.approved() ? "approved" : "rejected";
    }
}
