package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.innominatus.api.policy.v1.EffectivePolicies;
import io.innominatus.api.policy.v1.EvaluateDeploymentRequest;
import io.innominatus.api.policy.v1.GetPoliciesRequest;
import io.innominatus.api.policy.v1.ListStepTypesRequest;
import io.innominatus.api.policy.v1.ReloadCatalogRequest;
import io.innominatus.api.policy.v1.ReloadCatalogResponse;
import io.innominatus.api.policy.v1.StepType;
import io.innominatus.api.workflow.v1.CancelExecutionRequest;
import io.innominatus.api.workflow.v1.DeploymentPlan;
import io.innominatus.api.workflow.v1.Diagnostic;
import io.innominatus.api.workflow.v1.Execution;
import io.innominatus.api.workflow.v1.ExecutionEvent;
import io.innominatus.api.workflow.v1.ExecutionState;
import io.innominatus.api.workflow.v1.GetExecutionRequest;
import io.innominatus.api.workflow.v1.ListProductsRequest;
import io.innominatus.api.workflow.v1.PlanDeploymentRequest;
import io.innominatus.api.workflow.v1.PlannedStep;
import io.innominatus.api.workflow.v1.Product;
import io.innominatus.api.workflow.v1.RetryExecutionRequest;
import io.innominatus.api.workflow.v1.RunWorkflowRequest;
import io.innominatus.api.workflow.v1.StartDeploymentRequest;
import io.innominatus.api.workflow.v1.StepExecution;
import io.innominatus.api.workflow.v1.StepState;
import io.innominatus.api.workflow.v1.WatchExecutionRequest;
import io.innominatus.api.workflow.v1.WatchExecutionResponse;
import io.innominatus.steps.kubernetes.MockKubelet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A platform team's own catalog (two products, three environments) through gRPC: the combinations the
 * bundled examples never exercise — allow-list patterns of several sources, excluded workflows run by id,
 * workflow provisioners with outputs, dry runs of steps that use other steps' outputs and conditions on
 * them, catalogs that keep playbooks next to their workflows, and watching a retried execution.
 */
@QuarkusTest
@TestProfile(PlatformTeamCatalogProfile.class)
@WithKubernetesTestServer(crud = true)
class PlatformTeamCatalogGrpcTest extends GrpcTestSupport {

    private static final String BILLING_API = PlatformTeamCatalogProfile.read("apps/billing-api.yaml");
    private static final String SHIPPING_WEB = PlatformTeamCatalogProfile.read("apps/shipping-web.yaml");

    @Inject
    KubernetesClient kube;

    private ScheduledExecutorService kubelet;

    @BeforeEach
    void startKubelet() {
        kubelet = Executors.newSingleThreadScheduledExecutor();
        kubelet.scheduleWithFixedDelay(() -> MockKubelet.markWorkloadsReady(kube), 100, 100, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stopKubelet() {
        kubelet.shutdownNow();
    }

    private Execution finish(Execution started) {
        workflows.withDeadlineAfter(120, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(started.getExecutionId()).build()).forEachRemaining(r -> { });
        return get(started.getExecutionId());
    }

    private Execution get(String id) {
        return workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(id).build()).getExecution();
    }

    private Execution run(String workflowId, String score, boolean dryRun) {
        return finish(workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId(workflowId).setScoreYaml(score)
                .setEnvironment("staging").setDryRun(dryRun).build()).getExecution());
    }

    private static StepExecution step(Execution execution, String name) {
        return execution.getStepsList().stream().filter(s -> s.getStep().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + execution));
    }

    private List<String> logs(Execution execution, String step) {
        return history(workflows, execution.getExecutionId()).stream()
                .filter(e -> e.hasStepLog() && e.getStepLog().getStep().equals(step))
                .map(e -> e.getStepLog().getLine()).toList();
    }

    private static void assertSucceeded(Execution execution) {
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, execution.getState(), execution::toString);
    }

    // ---- item 1: allow-lists intersected by meaning, and shown as they are in force ----

    @Test
    void allowListPatternsIntersectByMeaningAndThePoliciesShowWhatIsInForce() {
        EffectivePolicies p = policies.getPolicies(GetPoliciesRequest.getDefaultInstance()).getPolicies();
        // billing/* (admin-config) and billing/api-smoke (policy document): billing/api-smoke.
        assertEquals(List.of("billing/api-smoke", "shipping/label-printer"), p.getAllowedProductWorkflowsList());
        // * (policy document) and the admin list: the admin list.
        assertEquals(List.of("change-ticket", "exec", "kubernetes", "monitoring", "resource-provisioning", "terraform"),
                p.getAllowedStepTypesList());
        assertEquals(List.of("development", "production", "staging"), p.getAllowedEnvironmentsList());
        // Nobody restricts the executors: the pattern that allows everyone, not an empty list.
        assertEquals(List.of("*"), p.getAllowedExecutorsList());

        Map<String, Product> products = workflows.listProducts(ListProductsRequest.getDefaultInstance()).getProductsList()
                .stream().collect(Collectors.toMap(Product::getName, x -> x));
        assertEquals(2, products.get("billing").getWorkflowCount());
        assertEquals(1, products.get("billing").getAllowedWorkflowCount());
        assertEquals(1, products.get("shipping").getAllowedWorkflowCount());

        StepType change = policies.listStepTypes(ListStepTypesRequest.getDefaultInstance()).getStepTypesList().stream()
                .filter(t -> t.getType().equals("change-ticket")).findFirst().orElseThrow();
        assertTrue(change.getAllowed() && change.getRegistered(), change::toString);

        DeploymentPlan plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(BILLING_API)
                .setEnvironment("development").build()).getPlan();
        assertTrue(plan.getPhasesList().stream().flatMap(ph -> ph.getWorkflowsList().stream())
                .anyMatch(w -> w.getWorkflowId().equals("products/billing/api-smoke")), plan::toString);
    }

    // ---- items 2 and 18: an excluded workflow is refused by id, naming every list that leaves it out ----

    @Test
    void runningAWorkflowTheAllowListExcludesIsRefusedNamingTheListsThatExcludeIt() {
        Status refused = expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.runWorkflow(
                RunWorkflowRequest.newBuilder().setWorkflowId("products/billing/rogue-export").setScoreYaml(BILLING_API)
                        .setEnvironment("staging").build()));
        assertEquals("PRODUCT_WORKFLOW_NOT_ALLOWED", detail(refused, ErrorInfo.class).orElseThrow().getReason());
        // admin-config's billing/* allows it; only the policy document leaves it out.
        assertEquals("product workflow 'billing/rogue-export' is not in allowedProductWorkflows of WorkflowPolicies "
                + "team-policies (policies/team-policies.yaml); it does not run", refused.getMessage());

        DeploymentPlan plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(SHIPPING_WEB)
                .setEnvironment("development").build()).getPlan();
        String customs = plan.getExcludedList().stream().filter(e -> e.getWorkflowId().equals("products/shipping/customs"))
                .findFirst().orElseThrow(() -> new AssertionError(plan.toString())).getMessage();
        assertEquals("product workflow 'shipping/customs' is not in allowedProductWorkflows of admin-config.yaml and of "
                + "WorkflowPolicies team-policies (policies/team-policies.yaml); each must list it; it does not run", customs);
    }

    // ---- items 3, 4 and 16: workflow provisioners with outputs; the Score file's own name ----

    @Test
    void workflowProvisionersRunTheirStepsAndTheApplicationTierNamesTheScoreFile() {
        DeploymentPlan plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(BILLING_API)
                .setScoreFileName("apps/billing-api.yaml").setEnvironment("development").build()).getPlan();
        List<PlannedStep> application = plan.getPhasesList().stream().flatMap(ph -> ph.getWorkflowsList().stream())
                .filter(w -> w.getWorkflowId().startsWith("applications/")).flatMap(w -> w.getStepsList().stream()).toList();
        assertFalse(application.isEmpty(), plan::toString);
        application.forEach(s -> assertEquals("apps/billing-api.yaml", s.getSourceFile(), s::toString));

        Execution deployed = finish(workflows.startDeployment(StartDeploymentRequest.newBuilder().setScoreYaml(BILLING_API)
                .setScoreFileName("apps/billing-api.yaml").setEnvironment("development").build()).getExecution());
        assertSucceeded(deployed);
        assertEquals("amqp://mq.billing/invoices", step(deployed, "provision-jobs").getOutputsMap().get("queue"));
        assertEquals("idx-invoices", step(deployed, "provision-search").getOutputsMap().get("index"));

        Status invalid = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.planDeployment(
                PlanDeploymentRequest.newBuilder().setScoreYaml(BILLING_API.replace("image:", "imgae:"))
                        .setScoreFileName("apps/billing-api.yaml").setEnvironment("development").build()));
        assertTrue(invalid.getMessage().contains("apps/billing-api.yaml"), invalid::toString);
        assertFalse(invalid.toString().contains("score.yaml"), invalid::toString);

        Status named = expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> policies.evaluateDeployment(
                EvaluateDeploymentRequest.newBuilder().setScoreYaml(BILLING_API.replace("image:", "imgae:"))
                        .setScoreFileName("billing.yaml").setEnvironment("development").build()));
        assertTrue(named.getMessage().contains("billing.yaml"), named::toString);
    }

    // ---- item 8: an unknown product is named in the plan ----

    @Test
    void anUnknownProductIsNamedInThePlan() {
        var planned = workflows.planDeployment(PlanDeploymentRequest.newBuilder()
                .setScoreYaml(SHIPPING_WEB.replace("product: shipping", "product: nosuch")).setEnvironment("development")
                .build());
        Diagnostic note = planned.getDiagnosticsList().stream().filter(d -> d.getCode().equals("PRODUCT_NOT_FOUND"))
                .findFirst().orElseThrow(() -> new AssertionError(planned.toString()));
        assertTrue(note.getMessage().contains("'nosuch'") && note.getMessage().contains("billing, shipping"), note::toString);
    }

    // ---- item 9: dry runs and values known only after a real run ----

    @Test
    void aDryRunRendersStepOutputsAsKnownAfterApplyAndAssumesConditionsOnThemHold() {
        Execution dry = run("platform/usage-report", BILLING_API, true);
        assertSucceeded(dry);
        assertTrue(logs(dry, "report").stream().anyMatch(l -> l.contains("usage of billing-api: (known after apply) records")),
                () -> logs(dry, "report").toString());
        // Conditions on unknown values count as true: the steps run (their dry-run paths), and say why.
        assertEquals(StepState.STEP_STATE_SUCCEEDED, step(dry, "alert-on-usage").getState());
        assertEquals(StepState.STEP_STATE_SUCCEEDED, step(dry, "quiet-when-three").getState());
        assertTrue(logs(dry, "alert-on-usage").stream().anyMatch(l -> l.startsWith("dry run: condition if "
                + "'int(steps.collect.outputs.count) > 0' depends on a value known only after apply")),
                () -> logs(dry, "alert-on-usage").toString());
        assertTrue(logs(dry, "quiet-when-three").stream().anyMatch(l -> l.contains("it counts as false, so the step runs")),
                () -> logs(dry, "quiet-when-three").toString());

        Execution real = run("platform/usage-report", BILLING_API, false);
        assertSucceeded(real);
        assertTrue(logs(real, "report").contains("usage of billing-api: 3 records"), () -> logs(real, "report").toString());
        assertEquals(StepState.STEP_STATE_SUCCEEDED, step(real, "alert-on-usage").getState());
        assertEquals(StepState.STEP_STATE_SKIPPED, step(real, "quiet-when-three").getState());
    }

    @Test
    void aDryRunDoesNotKnowTerraformOutputsButARealRunDoes() {
        Execution dry = run("platform/infra", BILLING_API, true);
        assertSucceeded(dry);
        assertTrue(logs(dry, "announce").stream().anyMatch(l -> l.contains("bucket (known after apply)")),
                () -> logs(dry, "announce").toString());
        Execution real = run("platform/infra", BILLING_API, false);
        assertSucceeded(real);
        assertTrue(logs(real, "announce").contains("bucket shop-assets"), () -> logs(real, "announce").toString());
    }

    @Test
    void aDryRunDeploymentKnowsNoProvisionerStepOutputs() {
        Execution dry = finish(workflows.startDeployment(StartDeploymentRequest.newBuilder().setScoreYaml(BILLING_API)
                .setEnvironment("production").setDryRun(true).build()).getExecution());
        assertSucceeded(dry);
        assertEquals("(known after apply)", step(dry, "provision-jobs").getOutputsMap().get("queue"));
        assertEquals("(known after apply)", step(dry, "provision-search").getOutputsMap().get("index"));
    }

    // ---- item 17: the alert rule of an application ----

    @Test
    void theAlertRuleOfAnApplicationIsNamedAfterItOnce() {
        Execution dry = run("platform/alerts", BILLING_API, true);
        assertSucceeded(dry);
        assertEquals("billing-api-alerts", step(dry, "rule").getOutputsMap().get("rule"));
    }

    // ---- items 6 and 7: what a reload accepts ----

    @Test
    void playbooksAndManifestsNextToWorkflowsAreNotWorkflowsButAnAllowedTypeWithoutExecutorFailsTheReload()
            throws IOException {
        ReloadCatalogResponse reloaded = policies.reloadCatalog(ReloadCatalogRequest.getDefaultInstance());
        assertTrue(reloaded.getActivated(), reloaded::toString);
        assertTrue(reloaded.getDiagnosticsList().stream().noneMatch(d -> d.getSeverity()
                == io.innominatus.api.workflow.v1.Severity.SEVERITY_ERROR), reloaded::toString);
        assertTrue(reloaded.getDiagnosticsList().stream().anyMatch(d -> d.getCode().equals("NOT_A_WORKFLOW")
                && d.getFile().equals("platform/site.yml")), reloaded::toString);
        assertEquals(6, reloaded.getPlatformWorkflowCount(), reloaded::toString);

        Path admin = PlatformTeamCatalogProfile.file("admin-config.yaml");
        String original = Files.readString(admin);
        String withoutRegistration = original.substring(0, original.indexOf("stepTypes:\n"));
        try {
            Files.writeString(admin, withoutRegistration);
            ReloadCatalogResponse refused = policies.reloadCatalog(ReloadCatalogRequest.getDefaultInstance());
            assertFalse(refused.getActivated(), refused::toString);
            Diagnostic missing = refused.getDiagnosticsList().stream().filter(d -> d.getCode().equals("STEP_EXECUTOR_MISSING"))
                    .findFirst().orElseThrow(() -> new AssertionError(refused.toString()));
            assertEquals(io.innominatus.api.workflow.v1.Severity.SEVERITY_ERROR, missing.getSeverity());
            assertTrue(missing.getMessage().contains("'change-ticket'") && missing.getMessage().contains("platform/change"),
                    missing::toString);
            // The previous catalog stays active: the type is still registered.
            assertTrue(policies.listStepTypes(ListStepTypesRequest.getDefaultInstance()).getStepTypesList().stream()
                    .anyMatch(t -> t.getType().equals("change-ticket") && t.getRegistered()));
        } finally {
            Files.writeString(admin, original);
            assertTrue(policies.reloadCatalog(ReloadCatalogRequest.getDefaultInstance()).getActivated());
        }
    }

    // ---- typed step failures: only retryable ones are retried ----

    @Test
    void aStepsRetryPolicyRetriesItsOwnFailuresButNotAConfigurationError() {
        Execution done = run("platform/retries", SHIPPING_WEB, false);
        assertEquals(ExecutionState.EXECUTION_STATE_FAILED, done.getState());

        StepExecution failing = step(done, "exits-non-zero");
        assertEquals(StepState.STEP_STATE_FAILED, failing.getState());
        assertEquals(2, failing.getAttempt(), "a non-zero exit is the step's own failure: its retry policy applies");
        assertEquals(io.innominatus.api.workflow.v1.StepErrorKind.STEP_ERROR_KIND_STEP_FAILED, failing.getErrorKind());

        StepExecution misconfigured = step(done, "misconfigured");
        assertEquals(StepState.STEP_STATE_FAILED, misconfigured.getState());
        assertEquals(1, misconfigured.getAttempt(), "a configuration error fails the same way every time: not retried");
        assertEquals(io.innominatus.api.workflow.v1.StepErrorKind.STEP_ERROR_KIND_CONFIGURATION,
                misconfigured.getErrorKind());
        assertTrue(misconfigured.getError().contains("no-such-directory"), misconfigured.getError());
        assertTrue(logs(done, "misconfigured").stream().anyMatch(line -> line.contains("not retried: a configuration error")),
                logs(done, "misconfigured").toString());

        // The step's own event says the same, for watchers.
        List<ExecutionEvent> finished = history(workflows, done.getExecutionId()).stream()
                .filter(e -> e.hasStepFinished() && e.getStepFinished().getState() == StepState.STEP_STATE_FAILED).toList();
        assertEquals(2, finished.size(), finished.toString());
        assertTrue(finished.stream().anyMatch(e -> e.getStepFinished().getStep().equals("misconfigured")
                && e.getStepFinished().getErrorKind() == io.innominatus.api.workflow.v1.StepErrorKind.STEP_ERROR_KIND_CONFIGURATION));
        assertEquals(io.innominatus.api.workflow.v1.StepErrorKind.STEP_ERROR_KIND_UNSPECIFIED,
                step(done, "start").getErrorKind(), "a step that did not fail has no error kind");
    }

    // ---- items 11 and 14: a cancelled, then retried execution ----

    @Test
    void watchingARetriedExecutionFromTheStartEndsOnlyWhenItIsTerminalNow() throws IOException {
        Path gate = PlatformTeamCatalogProfile.file("gate");
        Files.deleteIfExists(gate);
        Execution started = workflows.runWorkflow(RunWorkflowRequest.newBuilder().setWorkflowId("platform/gated")
                .setScoreYaml(SHIPPING_WEB).setEnvironment("development").build()).getExecution();
        String id = started.getExecutionId();
        awaitStepRunning(id, 1);
        Execution cancelled = finish(workflows.cancelExecution(CancelExecutionRequest.newBuilder().setExecutionId(id).build())
                .getExecution());
        assertEquals(ExecutionState.EXECUTION_STATE_CANCELLED, cancelled.getState());
        workflows.retryExecution(RetryExecutionRequest.newBuilder().setExecutionId(id).build());
        awaitStepRunning(id, 2);

        Iterator<WatchExecutionResponse> stream = workflows.withDeadlineAfter(120, TimeUnit.SECONDS)
                .watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(id).setAfterSequence(0).build());
        boolean sawCancelled = false;
        boolean sawSecondAttempt = false;
        while (!sawSecondAttempt) {
            assertTrue(stream.hasNext(), "the stream ended although the execution is running again");
            ExecutionEvent event = stream.next().getEvent();
            sawCancelled |= event.hasStateChanged()
                    && event.getStateChanged().getTo() == ExecutionState.EXECUTION_STATE_CANCELLED;
            sawSecondAttempt = event.hasStepStarted() && event.getStepStarted().getAttempt() == 2;
        }
        assertTrue(sawCancelled);
        Files.writeString(gate, "open");
        ExecutionEvent last = null;
        while (stream.hasNext()) {
            last = stream.next().getEvent();
        }
        assertTrue(last != null && last.hasStateChanged(), String.valueOf(last));
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, last.getStateChanged().getTo());

        // The retry's duration starts with the retry, not with the first run.
        Execution done = get(id);
        assertTrue(Timestamps.compare(done.getStartTime(), cancelled.getEndTime()) >= 0,
                () -> "start " + done.getStartTime() + " is before the first run ended at " + cancelled.getEndTime());
    }

    private void awaitStepRunning(String id, int attempt) {
        org.awaitility.Awaitility.await("wait-for-gate running its attempt " + attempt).atMost(java.time.Duration.ofSeconds(30))
                .until(() -> {
                    StepExecution s = step(get(id), "wait-for-gate");
                    return s.getState() == StepState.STEP_STATE_RUNNING && s.getAttempt() == attempt;
                });
    }
}
