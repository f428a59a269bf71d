package io.innominatus.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.Status.Code;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthGrpc;
import io.innominatus.api.GrpcTestSupport;
import io.innominatus.api.audit.v1.AuditDecision;
import io.innominatus.api.audit.v1.AuditEvent;
import io.innominatus.api.audit.v1.AuditServiceGrpc;
import io.innominatus.api.audit.v1.ListAuditEventsRequest;
import io.innominatus.api.policy.v1.PolicyServiceGrpc;
import io.innominatus.api.policy.v1.ReloadCatalogRequest;
import io.innominatus.api.workflow.v1.*;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Authentication and authorization through gRPC with real signed tokens: no token, wrong role, product
 * ownership, executor groups, four-eyes approval, permission before existence, and the audit trail.
 */
@QuarkusTest
@TestProfile(SecuredTestProfile.class)
class SecurityGrpcTest extends GrpcTestSupport {

    // Users of the test: groups as the identity provider would send them.
    private static final String VIEWER = TokenIssuer.token("vera", List.of("viewer"));
    private static final String DEPLOYER = TokenIssuer.token("dora", List.of("/deployer", "platform-team"));
    private static final String OUTSIDE_DEPLOYER = TokenIssuer.token("ollie", List.of("deployer", "contractors"));
    private static final String APPROVER = TokenIssuer.token("alex", List.of("approver"));
    private static final String DEPLOYING_APPROVER = TokenIssuer.token("dana", List.of("deployer", "approver", "platform-team"));
    private static final String ADMIN = TokenIssuer.token("ada", List.of("admin"));
    private static final String PRODUCT_MEMBER = TokenIssuer.token("pat", List.of("ecommerce-infrastructure-team"));

    private WorkflowServiceGrpc.WorkflowServiceBlockingStub as(String token) {
        return workflows.withCallCredentials(TokenIssuer.bearer(token));
    }

    private AuditServiceGrpc.AuditServiceBlockingStub audit(String token) {
        return AuditServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withCallCredentials(TokenIssuer.bearer(token));
    }

    private static String reason(Status status) {
        return detail(status, ErrorInfo.class).orElseThrow().getReason();
    }

    private static String score(String application, String product) {
        return example("hello-world.yaml").replace("name: hello-world", "name: " + application
                + (product == null ? "" : "\n  product: " + product));
    }

    private Execution run(String token, String workflow, String application, String environment) {
        return as(token).runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId(workflow)
                .setScoreYaml(score(application, null)).setEnvironment(environment).build()).getExecution();
    }

    private List<AuditEvent> auditOf(String target) {
        return audit(ADMIN).listAuditEvents(ListAuditEventsRequest.newBuilder().setTarget(target).build()).getEventsList();
    }

    @Test
    void callsWithoutAValidTokenAreUnauthenticatedButHealthIsPublic() {
        Status none = expectStatus(Code.UNAUTHENTICATED, () -> workflows.listProducts(ListProductsRequest.getDefaultInstance()));
        assertEquals("UNAUTHENTICATED", reason(none));
        io.grpc.StatusRuntimeException forged = org.junit.jupiter.api.Assertions.assertThrows(
                io.grpc.StatusRuntimeException.class, () -> as("not.a.token").listProducts(ListProductsRequest.getDefaultInstance()));
        assertEquals(Code.UNAUTHENTICATED, forged.getStatus().getCode());
        String foreign = io.smallrye.jwt.build.Jwt.issuer(TokenIssuer.ISSUER).upn("mallory").groups("admin")
                .sign(generatedKey());
        assertEquals(Code.UNAUTHENTICATED, org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                () -> as(foreign).listProducts(ListProductsRequest.getDefaultInstance())).getStatus().getCode());
        assertEquals("SERVING", HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance())
                .getStatus().name());
    }

    @Test
    void rolesAreRequiredPerRpc() {
        assertTrue(as(VIEWER).listProducts(ListProductsRequest.getDefaultInstance()).getProductsCount() > 0);
        as(VIEWER).listExecutions(ListExecutionsRequest.getDefaultInstance());
        Status denied = expectStatus(Code.PERMISSION_DENIED, () -> run(VIEWER, "platform/failure-drill", "viewer-app",
                "development"));
        assertEquals("ROLE_REQUIRED", reason(denied));
        assertEquals("deployer", detail(denied, ErrorInfo.class).orElseThrow().getMetadataMap().get("required_role"));
        expectStatus(Code.PERMISSION_DENIED, () -> PolicyServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(TokenIssuer.bearer(DEPLOYER)).reloadCatalog(ReloadCatalogRequest.getDefaultInstance()));
        expectStatus(Code.PERMISSION_DENIED, () -> audit(DEPLOYER).listAuditEvents(ListAuditEventsRequest.getDefaultInstance()));
        // A product team member without a role sees the catalog and lists its own product's executions (below);
        // someone with neither a role nor a team lists nothing.
        as(PRODUCT_MEMBER).listWorkflows(ListWorkflowsRequest.getDefaultInstance());
        assertEquals("ROLE_REQUIRED", reason(expectStatus(Code.PERMISSION_DENIED,
                () -> as(TokenIssuer.token("nobody", List.of("bystanders"))).listExecutions(
                        ListExecutionsRequest.getDefaultInstance()))));
    }

    @Test
    void productTeamsValidateAndPlanTheirOwnProductOnly() {
        String shop = example("ecommerce-web.yaml");
        DeploymentPlan plan = as(PRODUCT_MEMBER).planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(shop)
                .setEnvironment("development").build()).getPlan();
        assertEquals("ecommerce", plan.getProduct());
        assertTrue(as(PRODUCT_MEMBER).validateWorkflow(ValidateWorkflowRequest.newBuilder()
                .setFileName("products/ecommerce/payment-integration.yaml")
                .setYaml(read("workflows/products/ecommerce/payment-integration.yaml")).build()).getValid());

        Status otherProduct = expectStatus(Code.PERMISSION_DENIED, () -> as(PRODUCT_MEMBER).planDeployment(PlanDeploymentRequest
                .newBuilder().setScoreYaml(example("analytics-dashboard.yaml")).setEnvironment("development").build()));
        assertEquals("NOT_PRODUCT_MEMBER", reason(otherProduct));
        expectStatus(Code.PERMISSION_DENIED, () -> as(PRODUCT_MEMBER).validateWorkflow(ValidateWorkflowRequest.newBuilder()
                .setFileName("products/analytics/new.yaml").setYaml(read("workflows/products/ecommerce/payment-integration.yaml")
                        .replace("product: ecommerce", "product: analytics")).build()));
        // A candidate of another product cannot ride along with an allowed plan either.
        expectStatus(Code.PERMISSION_DENIED, () -> as(PRODUCT_MEMBER).planDeployment(PlanDeploymentRequest.newBuilder()
                .setScoreYaml(shop).setEnvironment("development").addExtraWorkflows(WorkflowFile.newBuilder()
                        .setFileName("platform/extra.yaml").setYaml(read("workflows/platform/diagnostics.yaml")
                                .replace("name: diagnostics", "name: extra"))).build()));
        // Viewers plan anything.
        as(VIEWER).planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(example("analytics-dashboard.yaml"))
                .setEnvironment("development").build());
    }

    @Test
    void deployingRequiresMembershipOfTheAllowedExecutors() {
        Status refused = expectStatus(Code.PERMISSION_DENIED, () -> run(OUTSIDE_DEPLOYER, "platform/failure-drill",
                "outside-app", "development"));
        assertEquals("EXECUTOR_NOT_ALLOWED", reason(refused));
        Execution started = run(DEPLOYER, "platform/failure-drill", "team-app-" + UUID.randomUUID().toString().substring(0, 6),
                "development");
        assertEquals("dora", started.getRequestedBy());
    }

    @Test
    void theRequesterCannotRejectTheirOwnExecutionEither() {
        Execution waiting = run(DEPLOYING_APPROVER, "platform/failure-drill", "own-reject-" + UUID.randomUUID().toString()
                .substring(0, 6), "production");
        RejectExecutionRequest reject = RejectExecutionRequest.newBuilder().setExecutionId(waiting.getExecutionId())
                .setComment("not today").build();
        assertEquals("SELF_REJECTION", reason(expectStatus(Code.PERMISSION_DENIED, () -> as(DEPLOYING_APPROVER).rejectExecution(reject))));
        assertEquals(ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL, as(VIEWER).getExecution(GetExecutionRequest.newBuilder()
                .setExecutionId(waiting.getExecutionId()).build()).getExecution().getState());
        assertEquals(ExecutionState.EXECUTION_STATE_REJECTED, as(APPROVER).rejectExecution(reject).getExecution().getState());
    }

    @Test
    void theFourEyesRuleComparesTheTokensSubjectNotItsName() {
        Execution waiting = run(DEPLOYING_APPROVER, "platform/failure-drill", "sub-" + UUID.randomUUID().toString()
                .substring(0, 6), "production");
        String digest = waiting.getPlan().getPlanDigest();
        // The requester (sub "dana") under another name is still the requester.
        String renamed = TokenIssuer.token("dana.smith", "dana", List.of("approver"));
        ApproveExecutionRequest approve = ApproveExecutionRequest.newBuilder().setExecutionId(waiting.getExecutionId())
                .setPlanDigest(digest).build();
        RejectExecutionRequest reject = RejectExecutionRequest.newBuilder().setExecutionId(waiting.getExecutionId()).build();
        assertEquals("SELF_APPROVAL", reason(expectStatus(Code.PERMISSION_DENIED, () -> as(renamed).approveExecution(approve))));
        assertEquals("SELF_REJECTION", reason(expectStatus(Code.PERMISSION_DENIED, () -> as(renamed).rejectExecution(reject))));
        List<AuditEvent> trail = auditOf("execution/" + waiting.getExecutionId());
        assertEquals(List.of("dana.smith", "dana.smith"), trail.stream().limit(2).map(AuditEvent::getPrincipal).toList());
        assertTrue(trail.stream().limit(2).allMatch(e -> e.getDecision() == AuditDecision.AUDIT_DECISION_DENIED), trail.toString());

        // Another person (another sub) who happens to carry the requester's name is not the requester.
        String namesake = TokenIssuer.token("dana", "dana-from-finance", List.of("approver"));
        Execution approved = as(namesake).approveExecution(approve).getExecution();
        assertEquals("dana", approved.getApprovedBy());
        assertTrue(approved.getState() != ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL, approved.getState().toString());
    }

    @Test
    void productionApprovalNeedsASecondPersonWithTheApproverRole() throws InterruptedException {
        Execution waiting = run(DEPLOYING_APPROVER, "platform/failure-drill", "four-eyes-" + UUID.randomUUID().toString()
                .substring(0, 6), "production");
        assertEquals(ExecutionState.EXECUTION_STATE_AWAITING_APPROVAL, waiting.getState());
        String digest = waiting.getPlan().getPlanDigest();
        ApproveExecutionRequest approve = ApproveExecutionRequest.newBuilder().setExecutionId(waiting.getExecutionId())
                .setPlanDigest(digest).setComment("looks good").build();

        Status self = expectStatus(Code.PERMISSION_DENIED, () -> as(DEPLOYING_APPROVER).approveExecution(approve));
        assertEquals("SELF_APPROVAL", reason(self));
        assertEquals("ROLE_REQUIRED", reason(expectStatus(Code.PERMISSION_DENIED, () -> as(DEPLOYER).approveExecution(approve))));

        Execution approved = as(APPROVER).approveExecution(approve).getExecution();
        assertEquals("alex", approved.getApprovedBy());
        assertEquals("looks good", approved.getDecisionComment());
        ExecutionEvent decision = as(VIEWER).listExecutionEvents(ListExecutionEventsRequest.newBuilder()
                .setExecutionId(waiting.getExecutionId()).build()).getEventsList().stream()
                .filter(ExecutionEvent::hasApprovalDecided).findFirst().orElseThrow();
        assertEquals("alex", decision.getApprovalDecided().getDecidedBy());
        assertEquals(digest, decision.getApprovalDecided().getPlanDigest());
        assertTrue(decision.hasEventTime());

        // The trail has the request, the refused self-approval and the approval, oldest last.
        List<AuditEvent> trail = auditOf("execution/" + waiting.getExecutionId());
        assertEquals(List.of("ApproveExecution", "ApproveExecution", "RunWorkflow"), trail.stream().map(AuditEvent::getAction)
                .toList());
        assertEquals(List.of(AuditDecision.AUDIT_DECISION_ALLOWED, AuditDecision.AUDIT_DECISION_DENIED,
                AuditDecision.AUDIT_DECISION_ALLOWED), trail.stream().map(AuditEvent::getDecision).toList());
        assertEquals(List.of("alex", "dana", "dana"), trail.stream().map(AuditEvent::getPrincipal).toList());
        assertTrue(trail.get(0).getReason().contains(digest) && trail.get(0).getReason().contains("looks good"));
        assertTrue(trail.get(1).getReason().startsWith("SELF_APPROVAL"));
    }

    @Test
    void executionsOfOtherProductsAreDeniedWhetherOrNotTheyExist() {
        Execution shop = as(DEPLOYER).startDeployment(StartDeploymentRequest.newBuilder().setDryRun(true)
                .setScoreYaml(example("ecommerce-web.yaml")).setEnvironment("development").build()).getExecution();
        Execution analytics = as(DEPLOYER).startDeployment(StartDeploymentRequest.newBuilder().setDryRun(true)
                .setScoreYaml(example("analytics-dashboard.yaml")).setEnvironment("development").build()).getExecution();

        assertEquals(shop.getExecutionId(), as(PRODUCT_MEMBER).getExecution(GetExecutionRequest.newBuilder()
                .setExecutionId(shop.getExecutionId()).build()).getExecution().getExecutionId());
        Status foreign = expectStatus(Code.PERMISSION_DENIED, () -> as(PRODUCT_MEMBER).getExecution(GetExecutionRequest
                .newBuilder().setExecutionId(analytics.getExecutionId()).build()));
        Status missing = expectStatus(Code.PERMISSION_DENIED, () -> as(PRODUCT_MEMBER).getExecution(GetExecutionRequest
                .newBuilder().setExecutionId(UUID.randomUUID().toString()).build()));
        assertEquals(reason(foreign), reason(missing));
        assertEquals(foreign.getMessage(), missing.getMessage());
        // Listing shows the team its own product's executions, and only those.
        List<Execution> listed = as(PRODUCT_MEMBER).listExecutions(ListExecutionsRequest.newBuilder().setPageSize(500)
                .build()).getExecutionsList();
        assertTrue(listed.stream().anyMatch(e -> e.getExecutionId().equals(shop.getExecutionId())), listed::toString);
        assertTrue(listed.stream().allMatch(e -> e.getProduct().equals("ecommerce")), listed::toString);
        assertTrue(as(PRODUCT_MEMBER).listExecutions(ListExecutionsRequest.newBuilder().setApplication("ecommerce-web")
                .build()).getExecutionsList().stream().anyMatch(e -> e.getExecutionId().equals(shop.getExecutionId())));
        expectStatus(Code.PERMISSION_DENIED, () -> as(PRODUCT_MEMBER).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(analytics.getExecutionId()).build()).forEachRemaining(r -> { }));
        // Viewers see everything, including that an id does not exist.
        expectStatus(Code.NOT_FOUND, () -> as(VIEWER).getExecution(GetExecutionRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString()).build()));
    }

    @Test
    void deniedCallsAreAudited() {
        Instant before = Instant.now();
        expectStatus(Code.PERMISSION_DENIED, () -> run(VIEWER, "platform/failure-drill", "audited-app", "development"));
        expectStatus(Code.UNAUTHENTICATED, () -> workflows.listExecutions(ListExecutionsRequest.getDefaultInstance()));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        List<AuditEvent> denials;
        do {
            denials = audit(ADMIN).listAuditEvents(ListAuditEventsRequest.newBuilder()
                    .setDecision(AuditDecision.AUDIT_DECISION_DENIED).build()).getEventsList().stream()
                    .filter(e -> e.getEventTime().getSeconds() >= before.getEpochSecond() - 1).toList();
        } while (denials.size() < 2 && Instant.now().isBefore(deadline));
        assertTrue(denials.stream().anyMatch(e -> e.getPrincipal().equals("vera") && e.getAction().equals("RunWorkflow")
                && e.getReason().startsWith("ROLE_REQUIRED")), denials::toString);
        assertTrue(denials.stream().anyMatch(e -> e.getPrincipal().equals("anonymous") && e.getAction().equals("ListExecutions")
                && e.getReason().startsWith("UNAUTHENTICATED")), denials::toString);
        assertFalse(denials.stream().anyMatch(e -> e.getReason().contains("Exception")));
    }

    private static io.grpc.CallCredentials header(String value) {
        return new io.grpc.CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, java.util.concurrent.Executor executor, MetadataApplier applier) {
                io.grpc.Metadata headers = new io.grpc.Metadata();
                headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), value);
                applier.apply(headers);
            }
        };
    }

    @Test
    void anEmptyBearerHeaderIsUnauthenticated() {
        for (String value : List.of("Bearer ", "Bearer", "Bearer    ", "bearer x", "Bearer a.b")) {
            io.grpc.StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    io.grpc.StatusRuntimeException.class, () -> workflows.withCallCredentials(header(value))
                            .listProducts(ListProductsRequest.getDefaultInstance()));
            assertEquals(Code.UNAUTHENTICATED, refused.getStatus().getCode(), value);
            assertFalse(String.valueOf(refused.getStatus().getDescription()).contains("Exception"), refused::toString);
        }
    }

    @Test
    void callsWithForgedOrExpiredTokensAreAudited() {
        Instant before = Instant.now();
        String forged = io.smallrye.jwt.build.Jwt.issuer(TokenIssuer.ISSUER).upn("mallory").groups("admin").sign(generatedKey());
        String expired = TokenIssuer.expiredToken("eve", List.of("admin"));
        for (String token : List.of(forged, expired, "not.a.token")) {
            assertEquals(Code.UNAUTHENTICATED, org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                    () -> as(token).listExecutions(ListExecutionsRequest.getDefaultInstance())).getStatus().getCode());
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        List<AuditEvent> denials;
        do {
            denials = audit(ADMIN).listAuditEvents(ListAuditEventsRequest.newBuilder()
                    .setDecision(AuditDecision.AUDIT_DECISION_DENIED).build()).getEventsList().stream()
                    .filter(e -> e.getEventTime().getSeconds() >= before.getEpochSecond() - 1)
                    .filter(e -> e.getAction().equals("ListExecutions") && e.getReason().contains("token was rejected")).toList();
        } while (denials.size() < 3 && Instant.now().isBefore(deadline));
        assertEquals(3, denials.size(), denials::toString);
        assertTrue(denials.stream().allMatch(e -> e.getPrincipal().equals("anonymous")), denials::toString);
    }

    /** Group names are compared exactly (apart from a leading slash of a group path): padding makes another group. */
    @Test
    void groupsThatOnlyLookLikeAConfiguredGroupGrantNothing() {
        for (String group : List.of("admin\u0000", " admin", "admin ", "admin\t", "/admin\n")) {
            String token = TokenIssuer.token("imposter", List.of(group));
            Status status = expectStatus(Code.PERMISSION_DENIED, () -> audit(token).listAuditEvents(
                    ListAuditEventsRequest.getDefaultInstance()));
            assertEquals("ROLE_REQUIRED", reason(status), group);
        }
        // The leading slash of a group path is still not part of the name.
        audit(TokenIssuer.token("admin-by-path", List.of("/admin"))).listAuditEvents(ListAuditEventsRequest.getDefaultInstance());
    }

    private static String read(String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static java.security.PrivateKey generatedKey() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
