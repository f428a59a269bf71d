package io.innominatus.api.grpc;

import io.innominatus.api.mapping.CatalogMapper;
import io.innominatus.api.mapping.PlanMapper;
import io.innominatus.api.workflow.v1.*;
import io.innominatus.app.CatalogService;
import io.innominatus.app.PageRequest;
import io.innominatus.app.PlanningService;
import io.innominatus.model.DomainException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** {@code innominatus.workflow.v1.WorkflowService}. */
@GrpcService
public class WorkflowGrpcService implements WorkflowService {

    private final CatalogService catalog;
    private final PlanningService planning;

    public WorkflowGrpcService(CatalogService catalog, PlanningService planning) {
        this.catalog = catalog;
        this.planning = planning;
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
            var result = catalog.validate(request.getYaml(), request.getFileName());
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
            var candidates = request.getExtraWorkflowsList().stream()
                    .map(w -> new PlanningService.CandidateWorkflow(w.getFileName(), w.getYaml())).toList();
            var outcome = planning.planDeployment(request.getScoreYaml(), request.getEnvironment(), candidates);
            return PlanDeploymentResponse.newBuilder()
                    .setPlan(PlanMapper.toProto(outcome.plan()))
                    .addAllDiagnostics(CatalogMapper.diagnostics(outcome.diagnostics()))
                    .build();
        });
    }

    @Override
    public Uni<StartDeploymentResponse> startDeployment(StartDeploymentRequest request) {
        return notYet();
    }

    @Override
    public Uni<RunWorkflowResponse> runWorkflow(RunWorkflowRequest request) {
        return notYet();
    }

    @Override
    public Uni<GetExecutionResponse> getExecution(GetExecutionRequest request) {
        return notYet();
    }

    @Override
    public Uni<ListExecutionsResponse> listExecutions(ListExecutionsRequest request) {
        return notYet();
    }

    @Override
    public Uni<ListExecutionEventsResponse> listExecutionEvents(ListExecutionEventsRequest request) {
        return notYet();
    }

    @Override
    public Multi<WatchExecutionResponse> watchExecution(WatchExecutionRequest request) {
        return Multi.createFrom().failure(new DomainException.Unavailable("NOT_IMPLEMENTED", "executions are not available"));
    }

    @Override
    public Uni<CancelExecutionResponse> cancelExecution(CancelExecutionRequest request) {
        return notYet();
    }

    @Override
    public Uni<ApproveExecutionResponse> approveExecution(ApproveExecutionRequest request) {
        return notYet();
    }

    @Override
    public Uni<RejectExecutionResponse> rejectExecution(RejectExecutionRequest request) {
        return notYet();
    }

    @Override
    public Uni<RetryExecutionResponse> retryExecution(RetryExecutionRequest request) {
        return notYet();
    }

    private static <T> Uni<T> notYet() {
        return Uni.createFrom().failure(new DomainException.Unavailable("NOT_IMPLEMENTED", "executions are not available"));
    }
}
