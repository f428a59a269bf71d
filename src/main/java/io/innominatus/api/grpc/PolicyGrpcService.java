package io.innominatus.api.grpc;

import io.innominatus.api.mapping.CatalogMapper;
import io.innominatus.api.mapping.PlanMapper;
import io.innominatus.api.policy.v1.*;
import io.innominatus.app.CallerProvider;
import io.innominatus.app.CatalogService;
import io.innominatus.app.PageRequest;
import io.innominatus.app.PlanningService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** {@code innominatus.policy.v1.PolicyService}. */
@GrpcService
public class PolicyGrpcService implements PolicyService {

    private final CatalogService catalog;
    private final PlanningService planning;
    private final CallerProvider callers;

    public PolicyGrpcService(CatalogService catalog, PlanningService planning, CallerProvider callers) {
        this.catalog = catalog;
        this.planning = planning;
        this.callers = callers;
    }

    @Override
    public Uni<GetPoliciesResponse> getPolicies(GetPoliciesRequest request) {
        return Uni.createFrom().item(() -> {
            var policies = catalog.active().policies();
            return GetPoliciesResponse.newBuilder()
                    .setPolicies(CatalogMapper.toProto(policies))
                    .addAllSources(CatalogMapper.sources(policies))
                    .build();
        });
    }

    @Override
    @Blocking
    public Uni<EvaluateDeploymentResponse> evaluateDeployment(EvaluateDeploymentRequest request) {
        return Uni.createFrom().item(() -> {
            var plan = planning.planDeployment(request.getScoreYaml(), request.getScoreFileName(), request.getEnvironment(), List.of(),
                    callers.current(),
                    "EvaluateDeployment").plan();
            return EvaluateDeploymentResponse.newBuilder()
                    .addAllViolations(plan.violations().stream().map(PlanMapper::toProto).toList())
                    .addAllExcluded(plan.excluded().stream().map(PlanMapper::toProto).toList())
                    .setRequiresApproval(plan.requiresApproval())
                    .setAllowed(plan.allowed())
                    .build();
        });
    }

    @Override
    public Uni<ListStepTypesResponse> listStepTypes(ListStepTypesRequest request) {
        return Uni.createFrom().item(() -> {
            var page = catalog.listStepTypes(new PageRequest(request.getPageSize(), request.getPageToken(), "step-types"));
            return ListStepTypesResponse.newBuilder()
                    .addAllStepTypes(page.items().stream().map(CatalogMapper::toProto).toList())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public Uni<ListEnvironmentsResponse> listEnvironments(ListEnvironmentsRequest request) {
        return Uni.createFrom().item(() -> {
            var page = catalog.listEnvironments(new PageRequest(request.getPageSize(), request.getPageToken(),
                    "environments"));
            return ListEnvironmentsResponse.newBuilder()
                    .addAllEnvironments(page.items().stream().map(CatalogMapper::toProto).toList())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    @Blocking
    public Uni<ReloadCatalogResponse> reloadCatalog(ReloadCatalogRequest request) {
        return Uni.createFrom().item(() -> {
            var result = catalog.reload(callers.current());
            var active = result.active();
            return ReloadCatalogResponse.newBuilder()
                    .setActivated(result.activated())
                    .addAllDiagnostics(CatalogMapper.diagnostics(result.diagnostics()))
                    .setPlatformWorkflowCount(active.platformWorkflowCount())
                    .setProductWorkflowCount(active.productWorkflowCount())
                    .setProductCount(active.productCount())
                    .setPolicyDocumentCount(active.policyDocumentCount())
                    .setCatalogDigest(active.digest())
                    .build();
        });
    }
}
