package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.innominatus.api.workflow.v1.*;
import io.innominatus.steps.kubernetes.MockKubelet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application tier through gRPC against the Kubernetes mock server in CRUD mode: Score resources
 * provisioned by built-in, product and command provisioners, the workload deployed with their outputs,
 * secrets kept in Secrets, shared resources, and Undeploy.
 */
@QuarkusTest
@TestProfile(ApplicationTierTestProfile.class)
@WithKubernetesTestServer(crud = true)
class ApplicationTierGrpcTest extends GrpcTestSupport {

    /** The service's own client, pointed at the mock server. */
    @Inject
    KubernetesClient kube;

    private ScheduledExecutorService kubelet;

    /** Plays the cluster's part: Deployments and StatefulSets become ready once created. */
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
        return workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(started.getExecutionId()).build())
                .getExecution();
    }

    private Execution deploy(String score) {
        return finish(workflows.startDeployment(StartDeploymentRequest.newBuilder().setScoreYaml(score)
                .setEnvironment("development").build()).getExecution());
    }

    private Execution undeploy(String application) {
        return finish(workflows.undeploy(UndeployRequest.newBuilder().setApplication(application)
                .setEnvironment("development").build()).getExecution());
    }

    private static void assertSucceeded(Execution execution) {
        assertEquals(ExecutionState.EXECUTION_STATE_SUCCEEDED, execution.getState(), () -> execution.getError() + " "
                + execution.getStepsList().stream().filter(s -> !s.getError().isEmpty()).map(s -> s.getStep() + ": "
                + s.getError()).toList());
    }

    private static Map<String, String> outputs(Execution execution, String step) {
        return execution.getStepsList().stream().filter(s -> s.getStep().equals(step)).findFirst().orElseThrow()
                .getOutputsMap();
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no variable " + name + " in " + container.getEnv()));
    }

    private static String decoded(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData().get(key);
    }

    @Test
    void deploysTheEcommerceExampleWithItsResourcesAndUndeployRemovesThem() {
        Execution deployed = deploy(example("ecommerce-web.yaml"));
        assertSucceeded(deployed);
        assertEquals(List.of("provision-database", "provision-payments", "deploy-application"), deployed.getStepsList()
                .stream().map(StepExecution::getStep).toList());
        String ns = "ecommerce-web-development";

        // PostgreSQL: StatefulSet, Service and a credentials Secret with a generated password.
        StatefulSet database = kube.apps().statefulSets().inNamespace(ns).withName("ecommerce-web-database").get();
        assertNotNull(database);
        assertEquals("ecommerce-web", database.getMetadata().getLabels().get("innominatus.io/application"));
        assertEquals("ecommerce", database.getMetadata().getLabels().get("innominatus.io/product"));
        assertEquals(deployed.getExecutionId(), database.getMetadata().getLabels().get("innominatus.io/execution"));
        assertNotNull(kube.services().inNamespace(ns).withName("ecommerce-web-database").get());
        Secret credentials = kube.secrets().inNamespace(ns).withName("ecommerce-web-database-credentials").get();
        String password = decoded(credentials, "password");
        assertEquals(32, password.length());
        assertEquals("ecommerce-web-database.ecommerce-web-development.svc.cluster.local", outputs(deployed, "provision-database")
                .get("host"));
        assertEquals("secretRef:ecommerce-web-database-credentials/password", outputs(deployed, "provision-database")
                .get("password"));

        // The product's payment-gateway template: its Deployment, Service and ConfigMap.
        Deployment gateway = kube.apps().deployments().inNamespace(ns).withName("ecommerce-web-payments").get();
        assertNotNull(gateway);
        assertEquals("stripe", kube.configMaps().inNamespace(ns).withName("ecommerce-web-payments-config").get().getData()
                .get("PROVIDER"));
        assertNotNull(kube.services().inNamespace(ns).withName("ecommerce-web-payments").get());

        // The workload, with its variables pointing at the provisioned outputs.
        Deployment web = kube.apps().deployments().inNamespace(ns).withName("ecommerce-web").get();
        Container container = web.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("ghcr.io/example/ecommerce-web:2.3.1", container.getImage());
        assertEquals("ecommerce-web-database.ecommerce-web-development.svc.cluster.local", env(container, "DATABASE_HOST").getValue());
        assertEquals("5432", env(container, "DATABASE_PORT").getValue());
        assertEquals("database", env(container, "DATABASE_NAME").getValue());
        EnvVar passwordVariable = env(container, "DATABASE_PASSWORD");
        assertNull(passwordVariable.getValue());
        assertEquals("ecommerce-web-database-credentials", passwordVariable.getValueFrom().getSecretKeyRef().getName());
        assertEquals("password", passwordVariable.getValueFrom().getSecretKeyRef().getKey());
        assertEquals("http://ecommerce-web-payments.ecommerce-web-development.svc.cluster.local:8080",
                env(container, "PAYMENT_GATEWAY_URL").getValue());
        assertEquals(deployed.getExecutionId(), web.getMetadata().getLabels().get("innominatus.io/execution"));
        assertEquals(80, kube.services().inNamespace(ns).withName("ecommerce-web").get().getSpec().getPorts().get(0)
                .getPort());

        // The password never appears in events, logs or outputs.
        assertTrue(history(workflows, deployed.getExecutionId()).stream().noneMatch(e -> e.toString().contains(password)));
        assertFalse(deployed.toString().contains(password));

        // A redeployment keeps the credentials the database already uses.
        assertSucceeded(deploy(example("ecommerce-web.yaml")));
        assertEquals(password, decoded(kube.secrets().inNamespace(ns).withName("ecommerce-web-database-credentials").get(),
                "password"));

        Execution removed = undeploy("ecommerce-web");
        assertSucceeded(removed);
        assertEquals(ExecutionKind.EXECUTION_KIND_UNDEPLOYMENT, removed.getKind());
        assertEquals(List.of("remove-application", "deprovision-database", "deprovision-payments", "remove-namespace"),
                removed.getStepsList().stream().map(StepExecution::getStep).toList());
        assertNull(kube.apps().deployments().inNamespace(ns).withName("ecommerce-web").get());
        assertNull(kube.services().inNamespace(ns).withName("ecommerce-web").get());
        assertNull(kube.apps().statefulSets().inNamespace(ns).withName("ecommerce-web-database").get());
        assertNull(kube.secrets().inNamespace(ns).withName("ecommerce-web-database-credentials").get());
        assertNull(kube.apps().deployments().inNamespace(ns).withName("ecommerce-web-payments").get());
        assertNull(kube.configMaps().inNamespace(ns).withName("ecommerce-web-payments-config").get());
        assertNull(kube.namespaces().withName(ns).get());
        List<String> logs = history(workflows, removed.getExecutionId()).stream().filter(ExecutionEvent::hasStepLog)
                .map(e -> e.getStepLog().getLine()).toList();
        assertTrue(logs.contains("deleted StatefulSet/ecommerce-web-database in ecommerce-web-development"), logs::toString);

        // Nothing is deployed any more.
        ErrorInfo info = detail(expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> workflows.undeploy(UndeployRequest
                .newBuilder().setApplication("ecommerce-web").setEnvironment("development").build())), ErrorInfo.class)
                .orElseThrow();
        assertEquals("DEPLOYMENT_NOT_FOUND", info.getReason());
    }

    @Test
    void everyScoreFieldReachesTheClusterWithProvisionedValues() throws Exception {
        Execution deployed = deploy(Files.readString(java.nio.file.Path.of("src/test/resources/score/full-workload.yaml")));
        assertSucceeded(deployed);
        Deployment orders = kube.apps().deployments().inNamespace("orders-development").withName("orders").get();
        var pod = orders.getSpec().getTemplate().getSpec();
        Container api = pod.getContainers().stream().filter(c -> c.getName().equals("api")).findFirst().orElseThrow();
        assertEquals(List.of("/app/server"), api.getCommand());
        assertEquals(List.of("--port", "8080"), api.getArgs());
        assertEquals("orders", env(api, "APP").getValue());
        assertEquals("orders-db.orders-development.svc.cluster.local:5432", env(api, "DB_ADDRESS").getValue());
        assertEquals("orders-db-credentials", env(api, "DB_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        assertTrue(env(api, "DATABASE_URL").getValue().contains("@orders-db.orders-development.svc.cluster.local:5432/orders"));
        assertEquals("price is $5", env(api, "ESCAPED").getValue());
        assertEquals("/healthz", api.getLivenessProbe().getHttpGet().getPath());
        assertEquals(List.of("cat", "/tmp/ready"), api.getReadinessProbe().getExec().getCommand());
        assertEquals("512Mi", api.getResources().getLimits().get("memory").toString());
        // The volume resource is a claim the pod mounts.
        assertNotNull(kube.persistentVolumeClaims().inNamespace("orders-development").withName("orders-data").get());
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null
                && v.getPersistentVolumeClaim().getClaimName().equals("orders-data")), pod.getVolumes()::toString);
        // Files became a ConfigMap with the placeholders filled (or not, with noExpand).
        var files = kube.configMaps().inNamespace("orders-development").withLabel("innominatus.io/part", "workload").list().getItems();
        assertEquals(1, files.size());
        assertTrue(files.get(0).getData().containsValue("listen: 8080\nname: orders\n"), files.get(0).getData()::toString);
        assertTrue(files.get(0).getData().containsValue("raw ${metadata.name}\n"), files.get(0).getData()::toString);
        assertEquals(2, pod.getContainers().size());

        assertSucceeded(undeploy("orders"));
        assertNull(kube.persistentVolumeClaims().inNamespace("orders-development").withName("orders-data").get());
        assertTrue(kube.configMaps().inNamespace("orders-development").list().getItems().isEmpty());
    }

    private static String sharingScore(String application) {
        return """
                apiVersion: score.dev/v1b1
                metadata:
                  name: %s
                containers:
                  main:
                    image: registry.example.com/%s:1.0
                    variables:
                      CACHE_HOST: ${resources.cache.host}
                      CACHE_PASSWORD: ${resources.cache.password}
                      QUEUE_URL: ${resources.queue.url}
                      QUEUE_TOKEN: ${resources.queue.token}
                      LOG_LEVEL: ${resources.settings.logLevel}
                      PUBLIC_URL: ${resources.web.url}
                service:
                  ports:
                    http:
                      port: 8080
                resources:
                  web:
                    type: route
                    params:
                      host: ${resources.name.host}
                      path: /
                      port: 8080
                  name:
                    type: dns
                  cache:
                    type: redis
                    id: shared-cache
                  queue:
                    type: queue
                  settings:
                    type: environment
                """.formatted(application, application);
    }

    @Test
    void sharedResourcesAreProvisionedOnceAndRemovedWithTheirLastUser() throws Exception {
        Execution first = deploy(sharingScore("billing"));
        assertSucceeded(first);
        // The route uses the dns resource's output, so it is provisioned after it.
        List<String> steps = first.getStepsList().stream().map(StepExecution::getStep).toList();
        assertTrue(steps.indexOf("provision-name") < steps.indexOf("provision-web"), steps::toString);
        assertEquals("billing-development.apps.test", outputs(first, "provision-name").get("host"));
        var ingress = kube.network().v1().ingresses().inNamespace("billing-development").withName("billing-web").get();
        assertEquals("billing-development.apps.test", ingress.getSpec().getRules().get(0).getHost());
        assertEquals("billing", ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService()
                .getName());

        Execution second = deploy(sharingScore("invoicing"));
        assertSucceeded(second);
        // One Redis for both, in the environment's shared namespace; each application has a copy of its Secret.
        assertEquals(1, kube.apps().statefulSets().inNamespace("shared-development").list().getItems().size());
        assertEquals("redis-shared-cache.shared-development.svc.cluster.local", outputs(second, "provision-cache").get("host"));
        String cachePassword = decoded(kube.secrets().inNamespace("shared-development")
                .withName("redis-shared-cache-credentials").get(), "password");
        for (String app : List.of("billing", "invoicing")) {
            String ns = app + "-development";
            assertEquals(cachePassword, decoded(kube.secrets().inNamespace(ns).withName("redis-shared-cache-credentials")
                    .get(), "password"));
            Container main = kube.apps().deployments().inNamespace(ns).withName(app).get().getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            assertEquals("redis-shared-cache-credentials", env(main, "CACHE_PASSWORD").getValueFrom().getSecretKeyRef()
                    .getName());
            // The command provisioner's secret output lives in a Secret; the workload reads it from there.
            assertEquals(app + "-queue-outputs", env(main, "QUEUE_TOKEN").getValueFrom().getSecretKeyRef().getName());
            assertEquals("tok-3f9a7c1e5b", decoded(kube.secrets().inNamespace(ns).withName(app + "-queue-outputs").get(),
                    "token"));
            assertEquals("amqp://queue.internal:5672/orders", env(main, "QUEUE_URL").getValue());
            assertEquals("debug", env(main, "LOG_LEVEL").getValue());
            assertEquals("http://" + app + "-development.apps.test/", env(main, "PUBLIC_URL").getValue());
        }
        for (Execution e : List.of(first, second)) {
            assertTrue(history(workflows, e.getExecutionId()).stream().noneMatch(ev -> ev.toString().contains("tok-3f9a7c1e5b")
                    || ev.toString().contains(cachePassword)));
        }

        // The first user leaves: the shared Redis stays for the second, only the copy of its Secret goes.
        Execution billingRemoved = undeploy("billing");
        assertSucceeded(billingRemoved);
        assertEquals("false", outputs(billingRemoved, "deprovision-cache").get("removed"));
        assertNotNull(kube.apps().statefulSets().inNamespace("shared-development").withName("redis-shared-cache").get());
        assertNull(kube.secrets().inNamespace("billing-development").withName("redis-shared-cache-credentials").get());
        assertNull(kube.network().v1().ingresses().inNamespace("billing-development").withName("billing-web").get());

        // The last user leaves: the shared Redis goes too, and the command provisioner was asked to delete.
        Execution invoicingRemoved = undeploy("invoicing");
        assertSucceeded(invoicingRemoved);
        assertEquals("true", outputs(invoicingRemoved, "deprovision-cache").get("removed"));
        assertNull(kube.apps().statefulSets().inNamespace("shared-development").withName("redis-shared-cache").get());
        assertNull(kube.secrets().inNamespace("shared-development").withName("redis-shared-cache-credentials").get());
        assertNull(kube.secrets().inNamespace("invoicing-development").withName("invoicing-queue-outputs").get());
        List<String> calls = Files.readAllLines(ApplicationTierTestProfile.catalog().resolve("queue-calls.log"));
        assertEquals(2, calls.stream().filter(c -> c.contains("\"operation\":\"delete\"")).count(), calls::toString);
        assertTrue(calls.stream().anyMatch(c -> c.contains("\"application\":\"invoicing\"")));
    }

    @Test
    void planRejectsUnknownResourceTypesAndOtherProductsTypes() {
        String unknown = example("hello-world.yaml").replace("name: hello-world", "name: unknown-type")
                + "resources:\n  store:\n    type: object-storage\n";
        DeploymentPlan plan = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(unknown)
                .setEnvironment("development").build()).getPlan();
        assertFalse(plan.getAllowed());
        Violation violation = plan.getViolationsList().stream().filter(v -> v.getRuleId().equals("RESOURCE_TYPE_UNKNOWN"))
                .findFirst().orElseThrow(() -> new AssertionError(plan.getViolationsList().toString()));
        assertTrue(violation.getMessage().contains("'object-storage'"), violation::getMessage);
        assertTrue(violation.getMessage().contains("provisioners.yaml"), violation::getMessage);

        String foreign = example("ecommerce-web.yaml").replace("product: ecommerce", "product: analytics");
        DeploymentPlan foreignPlan = workflows.planDeployment(PlanDeploymentRequest.newBuilder().setScoreYaml(foreign)
                .setEnvironment("development").build()).getPlan();
        assertFalse(foreignPlan.getAllowed());
        assertTrue(foreignPlan.getViolationsList().stream().anyMatch(v -> v.getRuleId().equals("RESOURCE_TYPE_NOT_ALLOWED")
                && v.getMessage().contains("publishedProvisioners")), foreignPlan.getViolationsList()::toString);
    }

    @Test
    void undeployValidatesItsInput() {
        expectStatus(io.grpc.Status.Code.INVALID_ARGUMENT, () -> workflows.undeploy(UndeployRequest.newBuilder()
                .setEnvironment("development").build()));
        expectStatus(io.grpc.Status.Code.NOT_FOUND, () -> workflows.undeploy(UndeployRequest.newBuilder()
                .setApplication("never-deployed").setEnvironment("development").build()));
    }
}
