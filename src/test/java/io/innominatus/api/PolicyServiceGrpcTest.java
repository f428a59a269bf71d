package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.innominatus.api.policy.v1.*;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PolicyServiceGrpcTest extends GrpcTestSupport {

    @Test
    void getPoliciesMergesAdminConfigAndPolicyDocuments() {
        GetPoliciesResponse response = policies.getPolicies(GetPoliciesRequest.getDefaultInstance());
        EffectivePolicies p = response.getPolicies();
        assertEquals(List.of("cost-monitoring", "security-scan"), p.getRequiredPlatformWorkflowsList());
        assertEquals(List.of("analytics/data-pipeline", "ecommerce/database-setup", "ecommerce/payment-integration"),
                p.getAllowedProductWorkflowsList());
        assertEquals(1800, p.getMaxWorkflowDuration().getSeconds());
        assertEquals(10, p.getMaxConcurrentWorkflows());
        assertEquals(List.of("production"), p.getRequireApprovalList());
        assertEquals(io.innominatus.api.policy.v1.VaultAccess.VAULT_ACCESS_READ_ONLY, p.getSecretsAccess().getVault());
        assertEquals(List.of("admin-config.yaml", "policies/organization-policies.yaml"),
                response.getSourcesList().stream().map(PolicySource::getFile).toList());
        assertEquals(List.of(io.innominatus.api.policy.v1.PolicySourceKind.POLICY_SOURCE_KIND_ADMIN_CONFIG,
                        io.innominatus.api.policy.v1.PolicySourceKind.POLICY_SOURCE_KIND_WORKFLOW_POLICIES),
                response.getSourcesList().stream().map(PolicySource::getKind).toList());
        assertEquals(io.innominatus.api.policy.v1.KubernetesAccess.KUBERNETES_ACCESS_NAMESPACE_SCOPED,
                p.getSecretsAccess().getKubernetes());
    }

    @Test
    void evaluateDeploymentReportsExclusionsAndApproval() {
        EvaluateDeploymentResponse response = policies.evaluateDeployment(EvaluateDeploymentRequest.newBuilder()
                .setScoreYaml(example("ecommerce-web.yaml")).setEnvironment("production").build());
        assertTrue(response.getAllowed());
        assertTrue(response.getRequiresApproval());
        assertEquals("products/ecommerce/fraud-screening", response.getExcluded(0).getWorkflowId());
        EvaluateDeploymentResponse sandbox = policies.evaluateDeployment(EvaluateDeploymentRequest.newBuilder()
                .setScoreYaml(example("ecommerce-web.yaml")).setEnvironment("sandbox").build());
        assertFalse(sandbox.getAllowed());
        assertEquals("ENVIRONMENT_NOT_ALLOWED", sandbox.getViolations(0).getRuleId());
    }

    @Test
    void listStepTypesShowsBuiltInTypes() {
        ListStepTypesResponse response = policies.listStepTypes(ListStepTypesRequest.getDefaultInstance());
        List<String> types = response.getStepTypesList().stream().map(StepType::getType).toList();
        assertTrue(types.containsAll(List.of("exec", "validation", "kubernetes", "terraform", "resource-provisioning")));
        assertTrue(response.getStepTypesList().stream().allMatch(StepType::getAllowed));
        assertEquals(io.innominatus.api.policy.v1.StepTypeSource.STEP_TYPE_SOURCE_BUILT_IN, response.getStepTypes(0).getSource());
    }

    @Test
    void reloadCatalogActivatesTheBundledCatalog() {
        ReloadCatalogResponse response = policies.reloadCatalog(ReloadCatalogRequest.getDefaultInstance());
        assertTrue(response.getActivated());
        assertEquals(6, response.getPlatformWorkflowCount());
        assertEquals(4, response.getProductWorkflowCount());
        assertEquals(2, response.getProductCount());
        assertEquals(1, response.getPolicyDocumentCount());
        assertEquals(64, response.getCatalogDigest().length());
    }

    @Test
    void healthAndReflectionRunOnTheSamePort() throws Exception {
        HealthOuterClass.HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                .check(HealthOuterClass.HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthOuterClass.HealthCheckResponse.ServingStatus.SERVING, health.getStatus());

        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        services.complete(value.getListServicesResponse().getServiceList().stream()
                                .map(s -> s.getName()).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> names = services.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertTrue(names.containsAll(List.of("innominatus.workflow.v1.WorkflowService",
                "innominatus.policy.v1.PolicyService", "grpc.health.v1.Health")), names::toString);

        HttpResponse<String> ready = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(baseUrl + "q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode());
        assertTrue(ready.body().contains("\"catalog\""), ready.body());
        assertTrue(ready.body().contains("\"errors\": 0"), ready.body());
    }
}
