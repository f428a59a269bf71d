package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.innominatus.model.DeploymentPlan;
import io.innominatus.score.ScoreParser;
import io.innominatus.steps.StepTests;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kubernetes step against the fabric8 mock API server in CRUD mode (it runs no controllers). */
@EnableKubernetesMockClient(crud = true)
class KubernetesStepExecutorTest {

    static KubernetesClient client;

    private KubernetesStepExecutor executor() {
        return new KubernetesStepExecutor(client, new ScoreWorkloadRenderer());
    }

    private static TestStepContext context(Map<String, Object> config) {
        TestStepContext context = new TestStepContext("test").config(config);
        context.workflowDirectory(Path.of("workflows/products/ecommerce").toAbsolutePath());
        return context;
    }

    @Test
    void appliesAManifestDirectoryIntoANewNamespace() {
        TestStepContext context = context(Map.of("manifests", "./k8s/payment-gateway"));
        context.namespace("shop-payment");
        StepResult result = executor().run(context, StepMode.APPLY);
        assertEquals("shop-payment", result.outputs().get("namespace"));
        assertEquals("Deployment/payment-gateway,Service/payment-gateway", result.outputs().get("applied"));
        assertNotNull(client.namespaces().withName("shop-payment").get());
        Deployment deployment = client.apps().deployments().inNamespace("shop-payment").withName("payment-gateway").get();
        assertEquals("innominatus", deployment.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
        assertEquals("shop", deployment.getMetadata().getLabels().get("innominatus.io/application"));
        assertEquals(context.executionId(), deployment.getMetadata().getLabels().get("innominatus.io/execution"));
        assertNotNull(client.services().inNamespace("shop-payment").withName("payment-gateway").get());
        assertTrue(context.texts().contains("applied Deployment/payment-gateway in shop-payment"));
        // Applying again converges instead of failing.
        executor().run(context(Map.of("manifests", "./k8s/payment-gateway")), StepMode.APPLY);
    }

    @Test
    void inlineManifestsAreInterpolatedAndSecretsRegistered() {
        String yaml = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: ${application.name}-settings
                data:
                  environment: ${environment.name}
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: api-token
                stringData:
                  token: very-secret-token
                """;
        TestStepContext context = context(Map.of("manifests", yaml));
        executor().run(context, StepMode.APPLY);
        ConfigMap settings = client.configMaps().inNamespace("shop").withName("shop-settings").get();
        assertEquals("staging", settings.getData().get("environment"));
        assertTrue(context.secrets.contains("very-secret-token"));
    }

    @Test
    void namespaceScopedAccessRefusesClusterObjectsAndOtherNamespaces() {
        String yaml = """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata:
                  name: escalate
                rules: []
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: elsewhere
                  namespace: kube-system
                """;
        StepFailure failure = assertThrows(StepFailure.class, () -> executor().run(context(Map.of("manifests", yaml)), StepMode.APPLY));
        assertTrue(failure.getMessage().contains("ClusterRole/escalate (cluster-scoped)"), failure.getMessage());
        assertTrue(failure.getMessage().contains("ConfigMap/elsewhere (namespace kube-system)"), failure.getMessage());
        assertNull(client.rbac().clusterRoles().withName("escalate").get(), "nothing was applied");

        TestStepContext cluster = context(Map.of("manifests", yaml.substring(0, yaml.indexOf("---"))));
        cluster.limits(new DeploymentPlan.ExecutionLimits(null, "read-only", "cluster"));
        executor().run(cluster, StepMode.APPLY);
        assertNotNull(client.rbac().clusterRoles().withName("escalate").get());
    }

    @Test
    void waitsForDeploymentsToBecomeReady() throws Exception {
        TestStepContext context = context(Map.of("manifests", "./k8s/payment-gateway", "wait", true,
                "waitTimeout", "20s"));
        context.namespace("rollout");
        CompletableFuture<StepResult> running = StepTests.start(() -> executor().run(context, StepMode.APPLY));
        // The mock server runs no controllers: play the Deployment controller once the object exists.
        Deployment deployment = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(
                () -> client.apps().deployments().inNamespace("rollout").withName("payment-gateway").get(), d -> d != null);
        assertNotNull(deployment);
        assertTrue(!running.isDone());
        deployment.setStatus(new DeploymentStatusBuilder().withReplicas(2).withReadyReplicas(2).build());
        client.apps().deployments().inNamespace("rollout").resource(deployment).updateStatus();
        running.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(context.texts().contains("Deployment/payment-gateway is ready"));

        TestStepContext never = context(Map.of("manifests", "./k8s/payment-gateway", "wait", true, "waitTimeout", "1s"));
        never.namespace("stuck");
        StepFailure timeout = assertThrows(StepFailure.class, () -> executor().run(never, StepMode.APPLY));
        assertEquals("Deployment/payment-gateway did not become ready within 1s", timeout.getMessage());
    }

    @Test
    void cancellationStopsWaiting() throws Exception {
        TestStepContext context = context(Map.of("manifests", "./k8s/payment-gateway", "wait", true));
        context.namespace("cancelled");
        CompletableFuture<StepResult> running = StepTests.start(() -> executor().run(context, StepMode.APPLY));
        // Cancelled while it waits for readiness: once the Deployment is applied, the step is waiting.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                client.apps().deployments().inNamespace("cancelled").withName("payment-gateway").get() != null);
        assertTrue(!running.isDone());
        context.cancellation.cancel("cancelled by test");
        Exception failure = assertThrows(Exception.class, () -> running.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof StepFailure);
    }

    @Test
    void dryRunDescribesWithoutApplying() {
        TestStepContext context = context(Map.of("manifests", "./k8s/payment-gateway"));
        context.namespace("dry");
        executor().run(context, StepMode.DRY_RUN);
        assertNull(client.namespaces().withName("dry").get());
        assertTrue(context.texts().contains("dry run: namespace dry would be created"));
        assertTrue(context.texts().contains("dry run: would create Deployment/payment-gateway in dry"));
    }

    @Test
    void missingOrEscapingManifestsFailClearly() {
        StepFailure missing = assertThrows(StepFailure.class, () -> executor().run(context(Map.of("manifests",
                "./k8s/nothing-here")), StepMode.APPLY));
        assertEquals("config.manifests: nothing-here is not a directory", missing.getMessage());
        StepFailure escape = assertThrows(StepFailure.class, () -> executor().run(context(Map.of("manifests",
                "../../platform")), StepMode.APPLY));
        assertTrue(escape.getMessage().contains("leaves the workflow's directory"), escape.getMessage());
    }

    @Test
    void rendersTheScoreWorkload() throws Exception {
        String score = Files.readString(Path.of("src/test/resources/score/full-workload.yaml"));
        Map<String, Object> document = ScoreParser.parse(score, "score.yaml").workload().orElseThrow().document();
        TestStepContext context = context(new LinkedHashMap<>(Map.of("workload", "orders", "waitTimeout", "1s",
                "wait", false)));
        context.plan(TestStepContext.plan("orders", "ecommerce", "development", document));
        context.values.put("resources.db.host", "orders-db.orders.svc");
        context.values.put("resources.db.port", "5432");
        context.values.put("resources.db.username", "orders");
        context.values.put("resources.db.password", "secretRef:orders-db-credentials/password");
        context.values.put("resources.data.source", "orders-data");
        executor().run(context, StepMode.APPLY);

        Deployment deployment = client.apps().deployments().inNamespace("orders").withName("orders").get();
        Container api = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("registry.example.com/orders:1.2.3", api.getImage());
        assertEquals(List.of("/app/server"), api.getCommand());
        assertEquals(List.of("--port", "8080"), api.getArgs());
        Map<String, EnvVar> env = new LinkedHashMap<>();
        api.getEnv().forEach(e -> env.put(e.getName(), e));
        assertEquals("orders-db.orders.svc:5432", env.get("DB_ADDRESS").getValue());
        assertEquals("orders-db-credentials", env.get("DB_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        assertEquals("password", env.get("DB_PASSWORD").getValueFrom().getSecretKeyRef().getKey());
        assertEquals("postgresql://orders:$(INNOMINATUS_SECRET_ORDERS_DB_CREDENTIALS_PASSWORD)@orders-db.orders.svc:5432/orders",
                env.get("DATABASE_URL").getValue());
        assertEquals("orders-db-credentials", env.get("INNOMINATUS_SECRET_ORDERS_DB_CREDENTIALS_PASSWORD").getValueFrom()
                .getSecretKeyRef().getName());
        assertEquals("orders", env.get("APP").getValue());
        assertEquals("price is $5", env.get("ESCAPED").getValue());
        assertEquals("250m", api.getResources().getRequests().get("cpu").toString());
        assertEquals("512Mi", api.getResources().getLimits().get("memory").toString());
        assertEquals("/healthz", api.getLivenessProbe().getHttpGet().getPath());
        assertEquals(List.of("cat", "/tmp/ready"), api.getReadinessProbe().getExec().getCommand());
        assertEquals(8080, api.getPorts().get(0).getContainerPort());
        assertTrue(api.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/etc/orders/config.yaml")));
        assertTrue(api.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/var/lib/orders")
                && "reports".equals(m.getSubPath())));
        assertTrue(deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName()
                        .equals("orders-data")));
        ConfigMap files = client.configMaps().inNamespace("orders").withName("orders-api-files").get();
        assertTrue(files.getData().containsValue("listen: 8080\nname: orders\n"));
        assertTrue(files.getData().containsValue("raw ${metadata.name}\n"));
        Service service = client.services().inNamespace("orders").withName("orders").get();
        assertEquals(80, service.getSpec().getPorts().get(0).getPort());
        assertEquals(8080, service.getSpec().getPorts().get(0).getTargetPort().getIntVal());
        assertTrue(deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .anyMatch(c -> c.getName().equals("sidecar")));
        assertEquals(Duration.ofSeconds(1), Duration.ofSeconds(1));
    }
}
