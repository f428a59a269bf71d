package io.innominatus.api.grpc;

import io.innominatus.api.mapping.CatalogMapper;
import io.innominatus.api.mapping.ExecutionMapper;
import io.innominatus.api.mapping.PlanMapper;
import io.innominatus.api.workflow.v1.*;
import io.innominatus.app.Caller;
import io.innominatus.app.CallerProvider;
import io.innominatus.app.CatalogService;
import io.innominatus.app.ExecutionService;
import io.innominatus.app.PageRequest;
import io.innominatus.app.PlanningService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** {@code innominatus.workflow.v1.WorkflowService}. */
@GrpcService
public class WorkflowGrpcService implements WorkflowService {

    private final CatalogService catalog;
    private final PlanningService planning;
    private final ExecutionService executions;
    private final CallerProvider callers;

    public WorkflowGrpcService(CatalogService catalog, PlanningService planning, ExecutionService executions,
            CallerProvider callers) {
        this.catalog = catalog;
        this.planning = planning;
        this.executions = executions;
        this.callers = callers;
    }

    @Override
    public Uni<ListProductsResponse> listProducts(ListProductsRequest request) {
        return Uni.createFrom().item(() -> {
            var page = catalog.listProducts(new PageRequest(request.getPageSize(), request.getPageToken(), "products"));
            return ListProductsResponse.newBuilder()
                    .addAllProducts(page.items().stream().map(CatalogMapper::toProto).toList())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public Uni<ListWorkflowsResponse> listWorkflows(ListWorkflowsRequest request) {
        return Uni.createFrom().item(() -> {
            var query = "workflows/" + request.getTier() + "/" + request.getProduct() + "/" + request.getPhase();
            var page = catalog.listWorkflows(CatalogMapper.tierFilter(request.getTier(), "tier"), request.getProduct(),
                    CatalogMapper.phaseFilter(request.getPhase(), "phase"),
                    new PageRequest(request.getPageSize(), request.getPageToken(), query));
            return ListWorkflowsResponse.newBuilder()
                    .addAllWorkflows(page.items().stream().map(v -> CatalogMapper.toProto(v, false)).toList())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public Uni<GetWorkflowResponse> getWorkflow(GetWorkflowRequest request) {
        return Uni.createFrom().item(() -> GetWorkflowResponse.newBuilder()
                .setWorkflow(CatalogMapper.toProto(catalog.getWorkflow(request.getWorkflowId()), true))
                .build());
    }

    @Override
    @Blocking
    public Uni<ValidateWorkflowResponse> validateWorkflow(ValidateWorkflowRequest request) {
        return Uni.createFrom().item(() -> {
            var result = catalog.validate(request.getYaml(), request.getFileName(), callers.current());
            var response = ValidateWorkflowResponse.newBuilder()
                    .setValid(result.valid())
                    .addAllDiagnostics(CatalogMapper.diagnostics(result.diagnostics()));
            result.workflow().ifPresent(w -> response.setWorkflow(CatalogMapper.toProto(w, false)));
            return response.build();
        });
    }

    @Override
    @Blocking
    public Uni<PlanDeploymentResponse> planDeployment(PlanDeploymentRequest request) {
        return Uni.createFrom().item(() -> {
            var outcome = planning.planDeployment(request.getScoreYaml(), request.getScoreFileName(), request.getEnvironment(),
                    candidates(request.getExtraWorkflowsList()), callers.current(), "PlanDeployment");
            return PlanDeploymentResponse.newBuilder()
                    .setPlan(PlanMapper.toProto(outcome.plan()))
                    .addAllDiagnostics(CatalogMapper.diagnostics(outcome.diagnostics()))
                    .build();
        });
    }

    @Override
    @Blocking
    public Uni<StartDeploymentResponse> startDeployment(StartDeploymentRequest request) {
        return Uni.createFrom().item(() -> StartDeploymentResponse.newBuilder()
                .setExecution(ExecutionMapper.toProto(executions.startDeployment(request.getScoreYaml(),
                        request.getScoreFileName(), request.getEnvironment(), request.getRequestId(), request.getDryRun(),
                        candidates(request.getExtraWorkflowsList()), callers.current())))
                .build());
    }

    @Override
    @Blocking
    public Uni<UndeployResponse> undeploy(UndeployRequest request) {
        return Uni.createFrom().item(() -> UndeployResponse.newBuilder()
                .setExecution(ExecutionMapper.toProto(executions.undeploy(request.getApplication(), request.getEnvironment(),
                        request.getRequestId(), request.getDryRun(), callers.current())))
                .build());
    }

    @Override
    @Blocking
    public Uni<RunWorkflowResponse> runWorkflow(RunWorkflowRequest request) {
        return Uni.createFrom().item(() -> RunWorkflowResponse.newBuilder()
                .setExecution(ExecutionMapper.toProto(executions.runWorkflow(request.getWorkflowId(), request.getScoreYaml(),
                        request.getScoreFileName(), request.getEnvironment(), request.getRequestId(), request.getDryRun(), callers.current())))
                .build());
    }

    /** Answered where the call arrives (the event loop) when memory can; otherwise on a worker, from the store. */
    @Override
    public Uni<GetExecutionResponse> getExecution(GetExecutionRequest request) {
        Caller caller = callers.current();
        boolean full = request.getView() != ExecutionView.EXECUTION_VIEW_BASIC;
        return executions.getFromMemory(request.getExecutionId(), caller)
                .map(execution -> Uni.createFrom().item(() -> getExecutionResponse(execution, full)))
                .orElseGet(() -> Uni.createFrom().item(() -> getExecutionResponse(executions.get(request.getExecutionId(),
                                caller), full))
                        .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool()));
    }

    private static GetExecutionResponse getExecutionResponse(io.innominatus.model.Execution execution, boolean full) {
        return GetExecutionResponse.newBuilder().setExecution(ExecutionMapper.toProto(execution, full)).build();
    }

    @Override
    @Blocking
    public Uni<ListExecutionsResponse> listExecutions(ListExecutionsRequest request) {
        return Uni.createFrom().item(() -> {
            var page = executions.list(request.getApplication(), request.getEnvironment(),
                    ExecutionMapper.stateFilter(request.getState(), "state"), request.getPageSize(), request.getPageToken(),
                    callers.current());
            return ListExecutionsResponse.newBuilder()
                    .addAllExecutions(page.items().stream().map(e -> ExecutionMapper.toProto(e,
                            request.getView() == ExecutionView.EXECUTION_VIEW_FULL)).toList())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    @Blocking
    public Uni<ListExecutionEventsResponse> listExecutionEvents(ListExecutionEventsRequest request) {
        return Uni.createFrom().item(() -> {
            var page = executions.events(request.getExecutionId(), request.getAfterSequence(), request.getStep(),
                    request.getPageSize(), request.getPageToken(), callers.current());
            return ListExecutionEventsResponse.newBuilder()
                    .addAllEvents(page.events().stream().map(ExecutionMapper::toProto).toList())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public Multi<WatchExecutionResponse> watchExecution(WatchExecutionRequest request) {
        Caller caller = callers.current();
        StreamReadiness.Gate transport = StreamReadiness.current();
        return Uni.createFrom().item(() -> executions.watch(request.getExecutionId(), request.getAfterSequence(), caller))
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .onItem().transformToMulti(events -> events)
                .map(event -> WatchExecutionResponse.newBuilder().setEvent(ExecutionMapper.toProto(event)).build())
                .onItem().call(transport::ready);
    }

    @Override
    @Blocking
    public Uni<CancelExecutionResponse> cancelExecution(CancelExecutionRequest request) {
        return Uni.createFrom().item(() -> CancelExecutionResponse.newBuilder()
                .setExecution(ExecutionMapper.toProto(executions.cancel(request.getExecutionId(), request.getComment(),
                        callers.current())))
                .build());
    }

    @Override
    @Blocking
    public Uni<ApproveExecutionResponse> approveExecution(ApproveExecutionRequest request) {
        return Uni.createFrom().item(() -> ApproveExecutionResponse.newBuilder()
                .setExecution(ExecutionMapper.toProto(executions.approve(request.getExecutionId(), request.getPlanDigest(),
                        request.getComment(), callers.current())))
                .build());
    }

    @Override
    @Blocking
    public Uni<RejectExecutionResponse> rejectExecution(RejectExecutionRequest request) {
        return Uni.createFrom().item(() -> RejectExecutionResponse.newBuilder()
                .setExecution(ExecutionMapper.toProto(executions.reject(request.getExecutionId(), request.getPlanDigest(),
                        request.getComment(), callers.current())))
                .build());
    }

    @Override
    @Blocking
    public Uni<RetryExecutionResponse> retryExecution(RetryExecutionRequest request) {
        return Uni.createFrom().item(() -> RetryExecutionResponse.newBuilder()
                .setExecution(ExecutionMapper.toProto(executions.retry(request.getExecutionId(), request.getComment(),
                        callers.current())))
                .build());
    }

    private static java.util.List<PlanningService.CandidateWorkflow> candidates(java.util.List<WorkflowFile> files) {
        return files.stream().map(w -> new PlanningService.CandidateWorkflow(w.getFileName(), w.getYaml())).toList();
    }
}
