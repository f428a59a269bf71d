package io.innominatus.app;

import io.innominatus.execute.ExecutionEngine;
import io.innominatus.metrics.EngineMetrics;
import io.innominatus.model.CanonicalJson;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.model.DomainException;
import io.innominatus.model.Execution;
import io.innominatus.model.ExecutionEvent;
import io.innominatus.model.ExecutionState;
import io.innominatus.model.PlannedStep;
import io.innominatus.steps.StepExecutorRegistry;
import io.innominatus.store.ExecutionStore;
import io.innominatus.store.DeliveryInventory;
import io.innominatus.store.ResourceStore;
import io.innominatus.store.StoreException;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Execution use cases: start deployments and workflow runs, read them, watch them, and control them. */
@ApplicationScoped
@StoreBoundary
public class ExecutionService {

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern EXECUTION_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** A page of events and the token of the next page (empty at the end). */
    public record EventPage(List<ExecutionEvent> events, String nextPageToken) {}

    private final PlanningService planning;
    private final ExecutionEngine engine;
    private final ExecutionStore store;
    private final StepExecutorRegistry executors;
    private final ResourceStore resources;
    private final Authorization authorization;
    private final EngineMetrics metrics;
    private final DeliveryInventory inventory;

    public ExecutionService(PlanningService planning, ExecutionEngine engine, ExecutionStore store,
            StepExecutorRegistry executors, ResourceStore resources, Authorization authorization,
            EngineMetrics metrics, DeliveryInventory inventory) {
        this.inventory = inventory;
        this.planning = planning;
        this.engine = engine;
        this.store = store;
        this.executors = executors;
        this.resources = resources;
        this.authorization = authorization;
        this.metrics = metrics;
    }

    /**
     * Plans a deployment and starts it.
     *
     * @throws DomainException.PolicyBlocked when policy blocks the plan
     */
    public Execution startDeployment(String scoreYaml, String scoreFileName, String environment, String requestId,
            boolean dryRun, List<PlanningService.CandidateWorkflow> candidates, Caller caller) {
        checkRequestId(requestId);
        if (!candidates.isEmpty() && !dryRun) {
            throw DomainException.InvalidInput.field("extra_workflows", "candidate workflows only run as a dry run; a real "
                    + "deployment runs catalog workflows (get the workflow into the catalog first)");
        }
        DeploymentPlan plan = planning.planDeployment(scoreYaml, scoreFileName, environment, candidates).plan();
        authorization.checkExecutor(caller, "StartDeployment", "application/" + plan.application() + "/" + environment);
        return submit(plan, scoreYaml, requestId, dryRun, caller, List.of("deployment", environment, dryRun, scoreYaml,
                candidates.stream().map(c -> List.of(String.valueOf(c.fileName()), String.valueOf(c.yaml()))).toList()));
    }

    /** Plans a run of one catalog workflow and starts it. */
    public Execution runWorkflow(String workflowId, String scoreYaml, String scoreFileName, String environment,
            String requestId, boolean dryRun, Caller caller) {
        checkRequestId(requestId);
        DeploymentPlan plan = planning.planWorkflowRun(workflowId, scoreYaml, scoreFileName, environment).plan();
        authorization.checkExecutor(caller, "RunWorkflow", "application/" + plan.application() + "/" + environment);
        return submit(plan, scoreYaml, requestId, dryRun, caller,
                List.of("workflow", workflowId, environment, dryRun, scoreYaml));
    }

    /**
     * Plans the removal of an application from an environment and starts it.
     *
     * @throws DomainException.NotFound when the application was never deployed to the environment
     */
    public Execution undeploy(String application, String environment, String requestId, boolean dryRun, Caller caller) {
        checkRequestId(requestId);
        if (application == null || application.isBlank()) {
            throw DomainException.InvalidInput.field("application", "required: the Score file's metadata.name");
        }
        PlanningService.checkEnvironment(environment);
        authorization.checkExecutor(caller, "Undeploy", "application/" + application + "/" + environment);
        Execution deployment = latestDeployment(application, environment).orElseThrow(() ->
                new DomainException.NotFound("deployment", application + " in " + environment));
        List<String> recorded = resources.usedBy(application, environment).stream()
                .map(ResourceStore.Use::resourceName).toList();
        // A deployment that failed before it put anything anywhere left nothing to remove. (One that succeeded
        // before the inventory existed is removed by its labels.)
        if (recorded.isEmpty() && inventory.list(application, environment).isEmpty()
                && deployment.state() != ExecutionState.SUCCEEDED) {
            throw new DomainException.NotFound("deployment", application + " in " + environment);
        }
        DeploymentPlan plan = planning.planUndeployment(deployment.scoreYaml(), environment, recorded);
        return submit(plan, deployment.scoreYaml(), requestId, dryRun, caller,
                List.of("undeployment", application, environment, dryRun));
    }

    /**
     * The latest deployment (not a dry run) of the application to the environment, whatever its outcome;
     * empty when there is none or a successful undeployment came after it.
     */
    private Optional<Execution> latestDeployment(String application, String environment) {
        String token = "";
        do {
            ExecutionStore.Page page = store.list(new ExecutionStore.Query(application, environment, null), 100, token);
            for (Execution e : page.executions()) {
                if (e.dryRun()) {
                    continue;
                }
                if (e.kind() == DeploymentPlan.Kind.DEPLOYMENT) {
                    return Optional.of(e);
                }
                if (e.kind() == DeploymentPlan.Kind.UNDEPLOYMENT && e.state() == ExecutionState.SUCCEEDED) {
                    return Optional.empty();
                }
            }
            token = page.nextPageToken();
        } while (!token.isEmpty());
        return Optional.empty();
    }

    private Execution submit(DeploymentPlan plan, String scoreYaml, String requestId, boolean dryRun, Caller caller,
            List<Object> request) {
        if (!plan.allowed()) {
            metrics.blocked(plan);
            throw new DomainException.PolicyBlocked("policy blocks this " + switch (plan.kind()) {
                        case WORKFLOW -> "workflow run";
                        case UNDEPLOYMENT -> "undeployment";
                        case DEPLOYMENT -> "deployment";
                    } + ": " + String.join("; ", plan.blockingViolations().stream()
                    .map(v -> v.ruleId() + ": " + v.message()).toList()), plan.blockingViolations());
        }
        TreeSet<String> missing = new TreeSet<>();
        plan.workflows().flatMap(w -> w.steps().stream()).map(PlannedStep::type)
                .filter(type -> !executors.has(type)).forEach(missing::add);
        if (!missing.isEmpty()) {
            throw new DomainException.FailedPrecondition("STEP_EXECUTOR_MISSING", "no executor is available for step type(s) "
                    + String.join(", ", missing) + " used by this plan; nothing was started",
                    Map.of("step_types", String.join(",", missing)));
        }
        String hash = CanonicalJson.sha256(request);
        try {
            return engine.submit(new ExecutionEngine.Submission(plan, scoreYaml, caller.principal(),
                    requestId == null ? "" : requestId, hash, dryRun, caller.subject())).execution();
        } catch (StoreException.RequestConflict e) {
            throw new DomainException.AlreadyExists("REQUEST_ID_REUSED", e.getMessage(),
                    Map.of("request_id", requestId, "execution_id", e.existingExecutionId()));
        }
    }

    /**
     * The execution, when memory alone can answer (see {@link ExecutionStore#findInMemory}) for a caller who may
     * read every execution; empty when the store has to be asked, or the request is one {@link #get} refuses.
     * Never blocks, so that a read can be answered where it arrives.
     */
    public Optional<Execution> getFromMemory(String executionId, Caller caller) {
        if (!isExecutionId(executionId) || !authorization.readsEveryExecution(caller)) {
            return Optional.empty();
        }
        return store.findInMemory(executionId);
    }

    public Execution get(String executionId, Caller caller) {
        checkExecutionId(executionId);
        return authorization.checkExecutionAccess(caller, "GetExecution", executionId)
                .or(() -> store.find(executionId)).orElseThrow(() -> new DomainException.NotFound("execution", executionId));
    }

    /** Executions newest first; a caller without the viewer role sees those of its own products' teams only. */
    public PageRequest.Page<Execution> list(String application, String environment, ExecutionState state, int pageSize,
            String pageToken, Caller caller) {
        if (pageSize < 0) {
            throw DomainException.InvalidInput.field("page_size", "must not be negative");
        }
        int size = pageSize == 0 ? PageRequest.DEFAULT_SIZE : Math.min(pageSize, PageRequest.MAX_SIZE);
        java.util.Set<String> products = authorization.readableProducts(caller, "ListExecutions").orElse(null);
        List<String> filters = java.util.Arrays.asList("executions", application, environment, state == null ? "" : state.name());
        String position = PageTokens.position(filters, pageToken);
        ExecutionStore.Page page = store.list(new ExecutionStore.Query(application, environment, state, products), size,
                position);
        return new PageRequest.Page<>(page.executions(), PageTokens.issue(filters, page.nextPageToken()));
    }

    /** Stored events in sequence order, optionally of one step; pages continue after the last sequence returned. */
    public EventPage events(String executionId, long afterSequence, String step, int pageSize, String pageToken,
            Caller caller) {
        if (afterSequence < 0) {
            throw DomainException.InvalidInput.field("after_sequence", "must not be negative");
        }
        get(executionId, caller);
        long after = afterSequence;
        // The token carries the position; after_sequence only places the first page.
        List<String> filters = java.util.Arrays.asList("events", executionId, step);
        String position = PageTokens.position(filters, pageToken);
        if (!position.isEmpty()) {
            try {
                after = Long.parseLong(position);
            } catch (NumberFormatException e) {
                throw DomainException.InvalidInput.field("page_token", "malformed page token");
            }
        }
        int size = pageSize <= 0 ? 500 : Math.min(pageSize, 5000);
        long from = after;
        List<ExecutionEvent> events = store.events(executionId, from, size + 1, step);
        boolean more = events.size() > size;
        List<ExecutionEvent> page = more ? events.subList(0, size) : events;
        return new EventPage(page, more ? PageTokens.issue(filters, Long.toString(page.get(page.size() - 1).sequence())) : "");
    }

    /**
     * The execution's events after {@code afterSequence}, replayed and followed.
     *
     * @throws DomainException.NotFound when the execution does not exist
     */
    public Multi<ExecutionEvent> watch(String executionId, long afterSequence, Caller caller) {
        if (afterSequence < 0) {
            throw DomainException.InvalidInput.field("after_sequence", "must not be negative");
        }
        if (getFromMemory(executionId, caller).isEmpty()) {
            get(executionId, caller); // it exists, and the caller may read it
        }
        return metrics.watching(engine.watch(executionId, afterSequence));
    }

    public Execution cancel(String executionId, String comment, Caller caller) {
        checkExecutionId(executionId);
        authorization.checkExecutor(caller, "CancelExecution", "execution/" + executionId);
        return await(() -> engine.cancel(executionId, caller.principal(), comment));
    }

    public Execution approve(String executionId, String planDigest, String comment, Caller caller) {
        checkExecutionId(executionId);
        if (planDigest == null || planDigest.isBlank()) {
            throw DomainException.InvalidInput.field("plan_digest", "required: the plan_digest of the plan being approved");
        }
        authorization.checkNotRequester(caller, "ApproveExecution", get(executionId, caller));
        return await(() -> engine.approve(executionId, caller.principal(), caller.subject(), planDigest, comment,
                caller.authenticated()));
    }

    public Execution reject(String executionId, String planDigest, String comment, Caller caller) {
        checkExecutionId(executionId);
        authorization.checkNotRequester(caller, "RejectExecution", get(executionId, caller));
        return await(() -> engine.reject(executionId, caller.principal(), caller.subject(), planDigest, comment,
                caller.authenticated()));
    }

    public Execution retry(String executionId, String comment, Caller caller) {
        checkExecutionId(executionId);
        authorization.checkExecutor(caller, "RetryExecution", "execution/" + executionId);
        return await(() -> engine.retry(executionId, caller.principal(), comment));
    }

    private static void checkRequestId(String requestId) {
        if (requestId != null && !requestId.isEmpty() && !REQUEST_ID.matcher(requestId).matches()) {
            throw DomainException.InvalidInput.field("request_id", "at most 128 characters of letters, digits and . _ : -");
        }
    }

    private static boolean isExecutionId(String executionId) {
        return executionId != null && EXECUTION_ID.matcher(executionId).matches();
    }

    private static void checkExecutionId(String executionId) {
        if (executionId == null || executionId.isBlank()) {
            throw DomainException.InvalidInput.field("execution_id", "required");
        }
        if (!isExecutionId(executionId)) {
            throw DomainException.InvalidInput.field("execution_id", "'" + executionId + "' is not an execution id (a UUID)");
        }
    }

    /** Waits for an engine command; its failure leaves as the exception that caused it. */
    private static Execution await(Supplier<CompletableFuture<Execution>> command) {
        try {
            return command.get().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
