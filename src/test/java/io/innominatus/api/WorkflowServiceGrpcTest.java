package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;
import com.google.rpc.Status;
import io.innominatus.api.workflow.v1.*;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WorkflowServiceGrpcTest extends GrpcTestSupport {

    private static final String FRAUD_CHECK = GrpcTestSupport.resource("candidates/fraud-check.yaml");

    @Test
    void listProductsCountsWorkflowsAndOwners() {
        ListProductsResponse response = workflows.listProducts(ListProductsRequest.getDefaultInstance());
        assertEquals(List.of("analytics", "ecommerce"), response.getProductsList().stream().map(Product::getName).toList());
        Product ecommerce = response.getProducts(1);
        assertEquals(3, ecommerce.getWorkflowCount());
        assertEquals(2, ecommerce.getAllowedWorkflowCount());
        assertEquals(List.of("ecommerce-infrastructure-team", "ecommerce-risk-team"), ecommerce.getOwnersList());
        assertEquals("", response.getNextPageToken());
    }

    @Test
    void listWorkflowsFiltersAndPages() {
        ListWorkflowsResponse products = workflows.listWorkflows(ListWorkflowsRequest.newBuilder()
                .setTier(Tier.TIER_PRODUCT).setProduct("ecommerce").build());
        assertEquals(List.of("products/ecommerce/database-setup", "products/ecommerce/fraud-screening",
                "products/ecommerce/payment-integration"),
                products.getWorkflowsList().stream().map(Workflow::getWorkflowId).toList());
        Workflow fraud = products.getWorkflows(1);
        assertFalse(fraud.getAllowed());
        assertTrue(fraud.getDisallowedReasons(0).startsWith("PRODUCT_WORKFLOW_NOT_ALLOWED"));

        ListWorkflowsResponse first = workflows.listWorkflows(ListWorkflowsRequest.newBuilder().setPageSize(5).build());
        assertEquals(5, first.getWorkflowsCount());
        assertFalse(first.getNextPageToken().isEmpty());
        ListWorkflowsResponse second = workflows.listWorkflows(ListWorkflowsRequest.newBuilder()
                .setPageSize(5).setPageToken(first.getNextPageToken()).build());
        assertEquals(5, second.getWorkflowsCount());
        assertEquals("", second.getNextPageToken());
        assertEquals(List.of("platform/announce-release", "platform/cost-monitoring", "platform/diagnostics",
                "platform/failure-drill", "platform/maintenance-window"),
                first.getWorkflowsList().stream().map(Workflow::getWorkflowId).toList());

        ListWorkflowsResponse pre = workflows.listWorkflows(ListWorkflowsRequest.newBuilder()
                .setPhase(Phase.PHASE_PRE_DEPLOYMENT).build());
        assertEquals(List.of("platform/security-scan", "products/analytics/data-pipeline", "products/ecommerce/database-setup"),
                pre.getWorkflowsList().stream().map(Workflow::getWorkflowId).toList());

        Status status = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.listWorkflows(
                ListWorkflowsRequest.newBuilder().setPageToken(first.getNextPageToken()).setTier(Tier.TIER_PLATFORM).build()));
        assertEquals("page_token", detail(status, BadRequest.class).orElseThrow().getFieldViolations(0).getField());
        expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.listWorkflows(
                ListWorkflowsRequest.newBuilder().setPageToken("not-a-token!").build()));
    }

    @Test
    void getWorkflowReturnsDefinitionAndYaml() {
        Workflow w = workflows.getWorkflow(GetWorkflowRequest.newBuilder()
                .setWorkflowId("products/ecommerce/payment-integration").build()).getWorkflow();
        assertEquals(Tier.TIER_PRODUCT, w.getTier());
        assertEquals("ecommerce", w.getProduct());
        assertEquals(Phase.PHASE_DEPLOYMENT, w.getPhase());
        assertEquals(List.of(Trigger.TRIGGER_PRODUCT_DEPLOYMENT), w.getTriggersList());
        assertEquals(List.of("setup-payment-vault", "configure-payment-gateway", "verify-payment-connectivity"),
                w.getStepsList().stream().map(WorkflowStep::getName).toList());
        assertEquals("products/ecommerce/payment-integration.yaml", w.getSourceFile());
        assertTrue(w.getAllowed());
        assertTrue(w.getYaml().contains("kind: ProductWorkflow"));
    }

    @Test
    void unknownWorkflowIsNotFoundWithResourceInfo() {
        Status status = expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> workflows.getWorkflow(
                GetWorkflowRequest.newBuilder().setWorkflowId("platform/does-not-exist").build()));
        assertEquals("WORKFLOW_NOT_FOUND", detail(status, ErrorInfo.class).orElseThrow().getReason());
        assertEquals("platform/does-not-exist", detail(status, ResourceInfo.class).orElseThrow().getResourceName());
    }

    @Test
    void validateWorkflowReportsEveryProblemWithPositions() {
        String broken = FRAUD_CHECK.replace("type: exec", "type: teleport").replace("phase: deployment", "phase: soon")
                .replace("    - name: score-risk", "    - name: score-risk\n      dependsOn: [ghost]");
        ValidateWorkflowResponse response = workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder()
                .setYaml(broken).setFileName("products/ecommerce/fraud-check.yaml").build());
        assertFalse(response.getValid());
        List<String> found = response.getDiagnosticsList().stream()
                .map(d -> d.getCode() + "@" + d.getFile() + ":" + d.getLine() + ":" + d.getColumn()).toList();
        assertTrue(found.contains("INVALID_ENUM@products/ecommerce/fraud-check.yaml:8:10"), found::toString);
        assertTrue(found.contains("UNKNOWN_DEPENDENCY@products/ecommerce/fraud-check.yaml:13:19"), found::toString);
        assertTrue(found.contains("STEP_TYPE_UNKNOWN@products/ecommerce/fraud-check.yaml:12:7"), found::toString);
        assertTrue(found.stream().anyMatch(f -> f.startsWith("PRODUCT_WORKFLOW_NOT_ALLOWED@")), found::toString);
    }

    @Test
    void validateWorkflowAcceptsAGoodCandidateButWarnsItIsNotAllowListed() {
        ValidateWorkflowResponse response = workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder()
                .setYaml(FRAUD_CHECK).setFileName("products/ecommerce/fraud-check.yaml").build());
        assertTrue(response.getValid(), response::toString);
        assertEquals("products/ecommerce/fraud-check", response.getWorkflow().getWorkflowId());
        Diagnostic warning = response.getDiagnosticsList().stream()
                .filter(d -> d.getCode().equals("PRODUCT_WORKFLOW_NOT_ALLOWED")).findFirst().orElseThrow();
        assertEquals(Severity.SEVERITY_WARNING, warning.getSeverity());
    }

    @Test
    void validateWorkflowRejectsHostileInputQuickly() {
        String laughs = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
        ValidateWorkflowResponse response = workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder()
                .setYaml(laughs).setFileName("platform/laughs.yaml").build());
        assertFalse(response.getValid());
        assertEquals("ALIAS_LIMIT", response.getDiagnostics(0).getCode());

        ValidateWorkflowResponse tag = workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder()
                .setYaml("kind: !!java.lang.ProcessBuilder [[id]]\n").build());
        assertEquals("UNSAFE_TAG", tag.getDiagnostics(0).getCode());

        ValidateWorkflowResponse deep = workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder()
                .setYaml("a: " + "[".repeat(1000) + "]".repeat(1000)).build());
        assertEquals("NESTING_TOO_DEEP", deep.getDiagnostics(0).getCode());

        ValidateWorkflowResponse huge = workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder()
                .setYaml("a: " + "x".repeat(2 * 1024 * 1024)).build());
        assertEquals("DOCUMENT_TOO_LARGE", huge.getDiagnostics(0).getCode());

        io.grpc.StatusRuntimeException tooBig = org.junit.jupiter.api.Assertions.assertThrows(
                io.grpc.StatusRuntimeException.class, () -> workflows.validateWorkflow(ValidateWorkflowRequest.newBuilder()
                        .setYaml("a: " + "x".repeat(5 * 1024 * 1024)).build()));
        assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, tooBig.getStatus().getCode());
        assertTrue(workflows.listProducts(ListProductsRequest.getDefaultInstance()).getProductsCount() > 0,
                "the server keeps serving after an oversized message");
    }

    @Test
    void validateWorkflowRejectsBadRequests() {
        Status empty = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT,
                () -> workflows.validateWorkflow(ValidateWorkflowRequest.getDefaultInstance()));
        assertEquals("yaml", detail(empty, BadRequest.class).orElseThrow().getFieldViolations(0).getField());
        for (String name : List.of("../../etc/passwd.yaml", "/etc/x.yaml", "products/%2e%2e/%2e%2e/x.yaml", "notes.txt")) {
            Status traversal = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.validateWorkflow(
                    ValidateWorkflowRequest.newBuilder().setYaml(FRAUD_CHECK).setFileName(name).build()));
            assertEquals("file_name", detail(traversal, BadRequest.class).orElseThrow().getFieldViolations(0).getField());
        }
    }

    @Test
    void ecommercePlanIsPinned() {
        DeploymentPlan plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder()
                .setScoreYaml(example("ecommerce-web.yaml")).setEnvironment("development").build()).getPlan();
        assertEquals("ecommerce-web", plan.getApplication());
        assertEquals("ecommerce", plan.getProduct());
        assertTrue(plan.getAllowed(), plan::toString);
        assertEquals(3, plan.getPhasesCount());
        assertPhase(plan.getPhases(0), Phase.PHASE_PRE_DEPLOYMENT,
                List.of("platform/security-scan:2", "products/ecommerce/database-setup:3"));
        assertPhase(plan.getPhases(1), Phase.PHASE_DEPLOYMENT,
                List.of("products/ecommerce/payment-integration:3", "applications/ecommerce-web/app-deployment:3"));
        assertPhase(plan.getPhases(2), Phase.PHASE_POST_DEPLOYMENT, List.of("platform/cost-monitoring:2"));
        assertEquals(List.of("provision-database", "provision-payments", "deploy-application"),
                plan.getPhases(1).getWorkflows(1).getStepsList().stream().map(PlannedStep::getName).toList());
        assertEquals(1, plan.getExcludedCount());
        assertEquals("products/ecommerce/fraud-screening", plan.getExcluded(0).getWorkflowId());
        assertEquals("PRODUCT_WORKFLOW_NOT_ALLOWED", plan.getExcluded(0).getRuleId());
        assertFalse(plan.getRequiresApproval());
        assertEquals(64, plan.getPlanDigest().length());
        PlannedStep first = plan.getPhases(0).getWorkflows(0).getSteps(0);
        assertEquals("platform/security-scan.yaml", first.getSourceFile());
        assertEquals(14, first.getSourceLine());
    }

    @Test
    void planIsDeterministic() {
        PlanDeploymentRequest request = PlanDeploymentRequest.newBuilder()
                .setScoreYaml(example("ecommerce-web.yaml")).setEnvironment("production").build();
        DeploymentPlan a = workflows.planDeployment(request).getPlan();
        DeploymentPlan b = workflows.planDeployment(request).getPlan();
        assertEquals(a, b);
        assertTrue(a.getRequiresApproval());
    }

    @Test
    void applicationsWithoutProductGetOnlyPlatformAndOwnWorkflows() {
        DeploymentPlan plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder()
                .setScoreYaml(example("hello-world.yaml")).setEnvironment("staging").build()).getPlan();
        assertEquals(List.of("platform/security-scan", "applications/hello-world/app-deployment", "platform/cost-monitoring"),
                plan.getPhasesList().stream().flatMap(p -> p.getWorkflowsList().stream()).map(PlannedWorkflow::getWorkflowId)
                        .toList());
        DeploymentPlan analytics = workflows.planDeployment(PlanDeploymentRequest.newBuilder()
                .setScoreYaml(example("analytics-dashboard.yaml")).setEnvironment("staging").build()).getPlan();
        PlannedWorkflow pipeline = analytics.getPhases(0).getWorkflows(1);
        assertEquals("products/analytics/data-pipeline", pipeline.getWorkflowId());
        assertTrue(pipeline.getParallel());
    }

    @Test
    void blockedPlansCarryTheirRuleIds() {
        DeploymentPlan sandbox = workflows.planDeployment(PlanDeploymentRequest.newBuilder()
                .setScoreYaml(example("hello-world.yaml")).setEnvironment("sandbox").build()).getPlan();
        assertFalse(sandbox.getAllowed());
        assertEquals("ENVIRONMENT_NOT_ALLOWED", sandbox.getViolations(0).getRuleId());

        String ansibleOnly = FRAUD_CHECK.replace("type: exec", "type: teleport");
        DeploymentPlan unknownType = workflows.planDeployment(PlanDeploymentRequest.newBuilder()
                .setScoreYaml(example("ecommerce-web.yaml")).setEnvironment("development")
                .addExtraWorkflows(WorkflowFile.newBuilder().setFileName("platform/fraud-check.yaml")
                        .setYaml(ansibleOnly.replace("ProductWorkflow", "PlatformWorkflow").replace("  product: ecommerce\n", "")
                                .replace("product_deployment", "all_deployments")))
                .build()).getPlan();
        assertFalse(unknownType.getAllowed());
        Violation violation = unknownType.getViolationsList().stream()
                .filter(v -> v.getRuleId().equals("STEP_TYPE_UNKNOWN")).findFirst().orElseThrow();
        assertEquals("platform/fraud-check", violation.getWorkflowId());
        assertEquals("score-risk", violation.getStep());
        assertTrue(violation.getBlocking());

        String renamedScan = example("../platform/security-scan.yaml").replace("name: security-scan", "name: security-scan-v2");
        DeploymentPlan missing = workflows.planDeployment(PlanDeploymentRequest.newBuilder()
                .setScoreYaml(example("hello-world.yaml")).setEnvironment("development")
                .addExtraWorkflows(WorkflowFile.newBuilder().setFileName("platform/security-scan.yaml").setYaml(renamedScan))
                .build()).getPlan();
        assertFalse(missing.getAllowed());
        assertEquals(List.of("REQUIRED_PLATFORM_WORKFLOW_MISSING"),
                missing.getViolationsList().stream().map(Violation::getRuleId).toList());
    }

    @Test
    void candidateProductWorkflowIsExcludedUntilAllowListed() {
        DeploymentPlan plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder()
                .setScoreYaml(example("ecommerce-web.yaml")).setEnvironment("development")
                .addExtraWorkflows(WorkflowFile.newBuilder().setFileName("products/ecommerce/fraud-check.yaml")
                        .setYaml(FRAUD_CHECK))
                .build()).getPlan();
        assertTrue(plan.getExcludedList().stream().anyMatch(e -> e.getWorkflowId().equals("products/ecommerce/fraud-check")
                && e.getRuleId().equals("PRODUCT_WORKFLOW_NOT_ALLOWED")));
        assertTrue(plan.getPhasesList().stream().flatMap(p -> p.getWorkflowsList().stream())
                .noneMatch(w -> w.getWorkflowId().equals("products/ecommerce/fraud-check")));
    }

    @Test
    void malformedScoreIsInvalidArgumentWithPositions() {
        String score = "apiVersion: score.dev/v1b1\nmetadata:\n  name: shop\ncontainers:\n  web:\n    imgae: nginx\n";
        Status status = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.planDeployment(
                PlanDeploymentRequest.newBuilder().setScoreYaml(score).setEnvironment("development").build()));
        BadRequest badRequest = detail(status, BadRequest.class).orElseThrow();
        List<String> descriptions = badRequest.getFieldViolationsList().stream()
                .map(BadRequest.FieldViolation::getDescription).toList();
        assertTrue(descriptions.contains("score.yaml:6:5: UNKNOWN_KEY: unknown key 'imgae' (did you mean 'image'?); allowed "
                + "keys: image, command, args, variables, files, volumes, resources, livenessProbe, readinessProbe"),
                descriptions::toString);
        assertEquals("score_yaml:containers.web.imgae", badRequest.getFieldViolations(0).getField());
        expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.planDeployment(
                PlanDeploymentRequest.newBuilder().setScoreYaml(example("hello-world.yaml")).build()));
        expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.planDeployment(
                PlanDeploymentRequest.newBuilder().setScoreYaml(example("hello-world.yaml")).setEnvironment("../prod").build()));
    }

    private static void assertPhase(PlannedPhase phase, Phase expected, List<String> workflowsWithStepCounts) {
        assertEquals(expected, phase.getPhase());
        assertEquals(workflowsWithStepCounts, phase.getWorkflowsList().stream()
                .map(w -> w.getWorkflowId() + ":" + w.getStepsCount()).toList());
    }
}
