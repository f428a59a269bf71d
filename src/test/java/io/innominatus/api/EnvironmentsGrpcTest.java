package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.innominatus.api.policy.v1.Environment;
import io.innominatus.api.policy.v1.ListEnvironmentsRequest;
import io.innominatus.api.workflow.v1.*;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments as delivery targets, through gRPC, with a catalog of two products and four environments on
 * three targets (see {@code catalogs/environments/admin-config.yaml}): two Kubernetes API servers, one of
 * them holding two environments in separate namespaces, and a Git repository.
 */
@QuarkusTest
@TestProfile(EnvironmentsTestProfile.class)
class EnvironmentsGrpcTest extends GrpcTestSupport {

    private static final String TOKEN = "k8s-qa-token-7d3f9e21b4";
    private static final String ORDERS = resource("catalogs/environments/apps/orders.yaml");
    private static final String BILLING = resource("catalogs/environments/apps/billing-api.yaml");

    @TempDir
    Path clones;

    private Execution finish(Execution started) {
        workflows.withDeadlineAfter(120, TimeUnit.SECONDS).watchExecution(WatchExecutionRequest.newBuilder()
                .setExecutionId(started.getExecutionId()).build()).forEachRemaining(r -> { });
        return workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(started.getExecutionId()).build())
                .getExecution();
    }

    private Execution deploy(String score, String environment, boolean dryRun) {
        Execution execution = finish(workflows.startDeployment(StartDeploymentRequest.newBuilder().setScoreYaml(score)
                .setEnvironment(environment).setDryRun(dryRun).build()).getExecution());
        assertSucceeded(execution);
        return execution;
    }

    private Execution undeploy(String application, String environment) {
        Execution execution = finish(workflows.undeploy(UndeployRequest.newBuilder().setApplication(application)
                .setEnvironment(environment).build()).getExecution());
        assertSucceeded(execution);
        return execution;
    }

    private static void assertSucceeded(Execution execution) {
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, execution.getState(), () -> execution.getError() + " "
                + execution.getStepsList().stream().filter(s -> !s.getError().isEmpty()).map(s -> s.getStep() + ": "
                + s.getError()).toList());
    }

    private List<String> logs(Execution execution) {
        return history(workflows, execution.getExecutionId()).stream().filter(ExecutionEvent::hasStepLog)
                .map(e -> e.getStepLog().getLine()).toList();
    }

    private static Deployment deployment(KubernetesClient cluster, String namespace, String name) {
        return cluster.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    @Test
    void listEnvironmentsDescribesEachTargetWithoutCredentials() {
        List<Environment> environments = policies.listEnvironments(ListEnvironmentsRequest.getDefaultInstance())
                .getEnvironmentsList();
        assertEquals(List.of("development", "qa", "qa-eu", "staging", "sandbox"),
                environments.stream().map(Environment::getName).toList());
        Environment development = environments.get(0);
        assertEquals(TargetKind.TARGET_KIND_GITOPS, development.getTargetKind());
        assertTrue(development.getTarget().contains(EnvironmentsTestResource.gitops.toString()), development.getTarget());
        assertTrue(development.getTarget().contains("branch deploy"), development.getTarget());
        Environment qa = environments.get(1);
        assertEquals(TargetKind.TARGET_KIND_KUBERNETES, qa.getTargetKind());
        assertEquals("Kubernetes API http://127.0.0.1:" + EnvironmentsTestResource.clusterA.getPort(), qa.getTarget());
        assertEquals("${application.name}-${environment.name}", qa.getNamespacePattern());
        assertEquals("${application.product}-${application.name}-stg", environments.get(3).getNamespacePattern());
        assertTrue(environments.stream().allMatch(Environment::getAllowed));
        assertTrue(environments.stream().allMatch(e -> e.getUnsetVariablesList().isEmpty()));
        assertTrue(environments.stream().noneMatch(e -> e.toString().contains(TOKEN)), "no credential is shown");
    }

    @Test
    void anEnvironmentOutsideTheEnvironmentsBlockIsNotAllowed() {
        var status = expectStatus(io.grpc.Status.Code.FAILED_PRECONDITION, () -> workflows.startDeployment(
                StartDeploymentRequest.newBuilder().setScoreYaml(ORDERS).setEnvironment("production").build()));
        assertTrue(status.getMessage().contains("ENVIRONMENT_NOT_ALLOWED"), status.getMessage());
        assertEquals("POLICY_VIOLATION", detail(status, ErrorInfo.class).orElseThrow().getReason());
    }

    @Test
    void plansAndExecutionsNameTheirTargetAndNamespace() {
        DeploymentPlan qa = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(ORDERS)
                .setEnvironment("qa").build()).getPlan();
        assertEquals("orders-qa", qa.getNamespace());
        assertEquals(TargetKind.TARGET_KIND_KUBERNETES, qa.getTarget().getKind());
        assertTrue(qa.getTarget().getDescription().contains(":" + EnvironmentsTestResource.clusterA.getPort()));
        DeploymentPlan staging = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(ORDERS)
                .setEnvironment("staging").build()).getPlan();
        assertEquals("retail-orders-stg", staging.getNamespace());
        assertTrue(staging.getTarget().getDescription().contains(":" + EnvironmentsTestResource.clusterB.getPort()));
        DeploymentPlan development = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(ORDERS)
                .setEnvironment("development").build()).getPlan();
        assertEquals(TargetKind.TARGET_KIND_GITOPS, development.getTarget().getKind());
        assertTrue(development.getTarget().getDescription().contains("path clusters/dev/retail/orders"),
                development.getTarget().getDescription());
        assertFalse(qa.getPlanDigest().equals(staging.getPlanDigest()), "where it goes is part of what is approved");
    }

    @Test
    void environmentsOnTwoClustersNeverTouchEachOther() throws Exception {
        KubernetesClient a = EnvironmentsTestResource.clientA;
        KubernetesClient b = EnvironmentsTestResource.clientB;
        drain(EnvironmentsTestResource.clusterA);
        Execution ordersQa = deploy(ORDERS, "qa", false);
        assertEquals("orders-qa", ordersQa.getNamespace());
        assertTrue(drain(EnvironmentsTestResource.clusterA).stream().anyMatch(r -> ("Bearer " + TOKEN)
                .equals(r.getHeader("Authorization"))), "the cluster's token from ${env:...} is sent");
        assertTrue(logs(ordersQa).stream().noneMatch(l -> l.contains(TOKEN)), "and never logged");
        deploy(ORDERS, "qa-eu", false);
        deploy(ORDERS, "staging", false);
        deploy(BILLING, "qa", false);

        Deployment ordersInQa = deployment(a, "orders-qa", "orders");
        assertNotNull(ordersInQa);
        assertEquals("qa", ordersInQa.getMetadata().getLabels().get("innominatus.io/environment"));
        assertEquals("retail", ordersInQa.getMetadata().getLabels().get("innominatus.io/product"));
        assertEquals(ordersQa.getExecutionId(), ordersInQa.getMetadata().getLabels().get("innominatus.io/execution"));
        assertNotNull(deployment(a, "orders-qa-eu", "orders"));
        assertNotNull(deployment(a, "billing-api-qa", "billing-api"));
        assertNotNull(deployment(b, "retail-orders-stg", "orders"));
        assertNull(a.namespaces().withName("retail-orders-stg").get(), "staging lives on the other cluster");
        assertNull(b.namespaces().withName("orders-qa").get());
        ConfigMap settings = a.configMaps().inNamespace("orders-qa-eu").withName("storefront-settings").get();
        assertEquals(Map.of("APPLICATION", "orders", "ENVIRONMENT", "qa-eu", "NAMESPACE", "orders-qa-eu"), settings.getData());
        assertNotNull(a.apps().statefulSets().inNamespace("orders-qa").withName("orders-db").get());

        Execution removed = undeploy("orders", "qa");
        assertNull(deployment(a, "orders-qa", "orders"));
        assertNull(a.configMaps().inNamespace("orders-qa").withName("storefront-settings").get());
        assertNull(a.apps().statefulSets().inNamespace("orders-qa").withName("orders-db").get());
        assertNull(a.namespaces().withName("orders-qa").get(), "the namespace created for orders in qa is removed");
        assertTrue(logs(removed).stream().noneMatch(l -> l.contains("orders-qa-eu")), "nothing of qa-eu is touched");

        assertNotNull(deployment(a, "orders-qa-eu", "orders"), "orders in qa-eu is intact");
        assertNotNull(a.configMaps().inNamespace("orders-qa-eu").withName("storefront-settings").get());
        assertNotNull(a.apps().statefulSets().inNamespace("orders-qa-eu").withName("orders-db").get());
        assertNotNull(deployment(a, "billing-api-qa", "billing-api"), "billing-api in qa is intact");
        assertNotNull(deployment(b, "retail-orders-stg", "orders"), "orders in staging is intact");

        expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> workflows.undeploy(UndeployRequest.newBuilder()
                .setApplication("orders").setEnvironment("qa").build()));
    }

    @Test
    void aNamespaceSharedByTwoApplicationsStaysUntilTheLastOneLeaves() {
        KubernetesClient b = EnvironmentsTestResource.clientB;
        deploy(ORDERS, "sandbox", false);
        deploy(ORDERS.replace("name: orders", "name: carts"), "sandbox", false);
        assertNotNull(deployment(b, "retail-sandbox", "orders"));
        assertNotNull(deployment(b, "retail-sandbox", "carts"));

        Execution removed = undeploy("orders", "sandbox");
        assertTrue(logs(removed).contains("namespace retail-sandbox stays: carts still have objects in it"),
                logs(removed).toString());
        assertNull(deployment(b, "retail-sandbox", "orders"));
        assertNotNull(deployment(b, "retail-sandbox", "carts"), "the other application is intact");
        assertNotNull(b.namespaces().withName("retail-sandbox").get());

        undeploy("carts", "sandbox");
        assertNull(b.namespaces().withName("retail-sandbox").get(), "the last one out removes it");
    }

    @Test
    void readinessWaitsOutAnApiServersPassingErrorsButStopsAtOnceWhenItRefuses() {
        // Five failed reads of the deployment while waiting for it, more than the client's own two retries
        // absorb: the wait goes on and the deployment succeeds.
        EnvironmentsTestResource.clusterB.expect().get().withPath("/apis/apps/v1/namespaces/retail-flaky-stg/deployments/flaky")
                .andReturn(503, "{\"kind\":\"Status\",\"message\":\"etcd leader changed\"}").times(5);
        Execution flaky = deploy(ORDERS.replace("name: orders", "name: flaky"), "staging", false);
        assertTrue(logs(flaky).stream().anyMatch(l -> l.contains("reading Deployment/flaky failed") && l.contains("trying again")),
                logs(flaky).toString());

        // A refusal that asking again cannot change fails the step at once, naming the API server.
        EnvironmentsTestResource.clusterB.expect().get()
                .withPath("/apis/apps/v1/namespaces/retail-refused-stg/deployments/refused")
                .andReturn(403, "{\"kind\":\"Status\",\"message\":\"deployments.apps is forbidden\"}").always();
        Execution refused = finish(workflows.startDeployment(StartDeploymentRequest.newBuilder()
                .setScoreYaml(ORDERS.replace("name: orders", "name: refused")).setEnvironment("staging").build()).getExecution());
        assertEquals(ExecutionState.EXECUTION_STATE_FAILED, refused.getState());
        var failed = refused.getStepsList().stream().filter(s -> s.getState() == StepState.STEP_STATE_FAILED).findFirst()
                .orElseThrow();
        assertTrue(failed.getError().contains("HTTP 403") && failed.getError().contains(":" + EnvironmentsTestResource.clusterB
                .getPort()), failed.getError());
        assertEquals(io.innominatus.api.workflow.v1.StepErrorKind.STEP_ERROR_KIND_CONFIGURATION, failed.getErrorKind());
        assertEquals(1, failed.getAttempt());
    }

    @Test
    void aDeploymentThatFailedBeforeDeliveringAnythingLeavesNothingToUndeploy() {
        String unpinned = BILLING.replace("name: billing-api", "name: billing-latest").replace(":3.0.2", ":latest");
        Execution failed = finish(workflows.startDeployment(StartDeploymentRequest.newBuilder().setScoreYaml(unpinned)
                .setEnvironment("qa").build()).getExecution());
        assertEquals(ExecutionState.EXECUTION_STATE_FAILED, failed.getState());
        assertTrue(failed.getError().contains("pinned"), failed.getError());
        assertNull(EnvironmentsTestResource.clientA.namespaces().withName("billing-latest-qa").get());
        var status = expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> workflows.undeploy(UndeployRequest.newBuilder()
                .setApplication("billing-latest").setEnvironment("qa").build()));
        assertTrue(status.getMessage().contains("billing-latest"), status.getMessage());
    }

    @Test
    void gitOpsCommitsOneFilePerObjectAndOneCommitPerStep() throws Exception {
        Execution deployed = deploy(ORDERS, "development", false);
        deploy(BILLING, "development", false);
        Path clone = cloneRepository();
        Path orders = clone.resolve("clusters/dev/retail/orders");
        List<String> files = files(orders);
        assertTrue(files.containsAll(List.of("namespace-orders-development.yaml",
                "orders-development/deployment-orders.yaml", "orders-development/service-orders.yaml",
                "orders-development/statefulset-orders-db.yaml", "orders-development/secret-orders-db-credentials.yaml",
                "orders-development/configmap-storefront-settings.yaml")), files.toString());
        String deployment = Files.readString(orders.resolve("orders-development/deployment-orders.yaml"));
        assertTrue(deployment.contains("innominatus.io/environment: \"development\""), deployment);
        assertTrue(deployment.contains("namespace: \"orders-development\""), deployment);
        assertTrue(deployment.contains("cost-center: \"engineering\""), "the tagging step changed the files too");
        assertTrue(Files.isDirectory(clone.resolve("clusters/dev/billing/billing-api")));

        List<RevCommit> commits = commits(clone);
        List<RevCommit> ofOrders = commits.stream().filter(c -> c.getFullMessage().contains("Execution: "
                + deployed.getExecutionId())).toList();
        List<String> steps = ofOrders.stream().map(c -> c.getShortMessage()).toList();
        assertEquals(List.of("orders in development: platform/cost-monitoring / tag",
                "orders in development: applications/orders/app-deployment / deploy-application",
                "orders in development: applications/orders/app-deployment / provision-db",
                "orders in development: products/retail/storefront-config / settings"), steps,
                "one commit per step that changed files, newest first; the cost analysis changed none");
        RevCommit first = ofOrders.get(ofOrders.size() - 1);
        assertTrue(first.getFullMessage().contains("Workflow: products/retail/storefront-config\nStep: settings\n"
                + "Application: orders\nEnvironment: development"), first.getFullMessage());
        assertTrue(logs(deployed).stream().anyMatch(l -> l.startsWith("not waiting for readiness")));

        // A dry run reports the diff and commits nothing.
        int before = commits(cloneRepository()).size();
        Execution dryRun = deploy(ORDERS.replace("orders:1.4.0", "orders:1.5.0"), "development", true);
        assertEquals(before, commits(cloneRepository()).size(), "a dry run commits nothing");
        List<String> dryLogs = logs(dryRun);
        assertTrue(dryLogs.stream().anyMatch(l -> l.startsWith("dry run: would commit to Git repository")), dryLogs.toString());
        assertTrue(dryLogs.stream().anyMatch(l -> l.startsWith("+") && l.contains("image: \"ghcr.io/example/orders:1.5.0\"")),
                dryLogs.toString());
        assertTrue(dryLogs.stream().anyMatch(l -> l.startsWith("-") && l.contains("image: \"ghcr.io/example/orders:1.4.0\"")),
                dryLogs.toString());

        // Undeploy removes exactly the application's files, in commits of its own.
        undeploy("orders", "development");
        Path after = cloneRepository();
        assertFalse(Files.exists(after.resolve("clusters/dev/retail/orders")), files(after.resolve("clusters/dev")).toString());
        assertTrue(Files.exists(after.resolve("clusters/dev/billing/billing-api/billing-api-development/deployment-billing-api.yaml")));
        assertTrue(commits(after).get(0).getShortMessage().startsWith("orders in development: applications/orders/"
                + "app-undeployment / "));
    }

    private Path cloneRepository() throws Exception {
        Path directory = Files.createTempDirectory(clones, "clone-");
        try (Git git = Git.cloneRepository().setURI(EnvironmentsTestResource.gitops.toUri().toString())
                .setDirectory(directory.toFile()).setBranch("deploy").call()) {
            return directory;
        }
    }

    private static List<RevCommit> commits(Path clone) throws Exception {
        try (Git git = Git.open(clone.toFile())) {
            List<RevCommit> commits = new ArrayList<>();
            git.log().call().forEach(commits::add);
            return commits;
        }
    }

    private static List<String> files(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).map(f -> directory.relativize(f).toString()).sorted().toList();
        }
    }

    private static List<RecordedRequest> drain(io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server)
            throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            requests.add(request);
        }
        return requests;
    }
}
