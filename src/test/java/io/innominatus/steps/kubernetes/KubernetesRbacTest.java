package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.innominatus.model.PlanContext;
import io.innominatus.model.ProvisionedResource;
import io.innominatus.model.Provisioner;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.model.SourceLocation;
import io.innominatus.score.ScoreParser;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.provisioning.ResourceProvisioningStepExecutor;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.store.ResourceStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ClusterRole of deploy/kubernetes/rbac.yaml against what the steps really ask of the API server: every
 * step type and built-in provisioner that talks to Kubernetes runs against the mock API server, every
 * request is recorded, and each one must be allowed by a rule; every resource the role grants must be
 * used by some step, so that the role stays as small as the steps allow.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesRbacTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final Path RBAC = Path.of("deploy/kubernetes/rbac.yaml");
    private static final Path ECOMMERCE = Path.of("workflows/products/ecommerce").toAbsolutePath();
    private static final String KUBELET = "X-Test-Kubelet";

    /** One API request as RBAC sees it. */
    record Access(String group, String resource, String verb, String path) {
        String permission() {
            return (group.isEmpty() ? "core" : group) + "/" + resource + ":" + verb;
        }
    }

    @Test
    void theClusterRoleAllowsEverythingTheStepsDoAndNoMore() throws Exception {
        List<HasMetadata> rbac;
        try (InputStream in = Files.newInputStream(RBAC)) {
            rbac = client.load(in).items();
        }
        ClusterRole role = rbac.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no ClusterRole in " + RBAC));
        ClusterRoleBinding binding = rbac.stream().filter(ClusterRoleBinding.class::isInstance)
                .map(ClusterRoleBinding.class::cast).findFirst().orElseThrow(() -> new AssertionError("no ClusterRoleBinding"));
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals("ClusterRole", binding.getRoleRef().getKind());

        drain();
        exerciseEveryKubernetesStep();
        List<Access> accesses = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            if (request.getHeader(KUBELET) == null) {
                access(request).ifPresent(accesses::add);
            }
        }
        assertTrue(accesses.size() > 20, "the steps made " + accesses.size() + " requests");

        Set<String> denied = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        for (Access access : accesses) {
            if (role.getRules().stream().noneMatch(rule -> allows(rule, access))) {
                denied.add(access.permission() + " (" + access.path() + ")");
            }
            used.add((access.group().isEmpty() ? "core" : access.group()) + "/" + access.resource());
        }
        assertTrue(denied.isEmpty(), "rbac.yaml does not allow what the steps do: " + denied);

        Set<String> granted = new TreeSet<>();
        for (PolicyRule rule : role.getRules()) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    granted.add((group.isEmpty() ? "core" : group) + "/" + resource);
                }
            }
        }
        granted.removeAll(used);
        assertTrue(granted.isEmpty(), "rbac.yaml grants resources no step uses: " + granted);
    }

    /** kubernetes (manifests, Score workload, delete), tagging, cost-analysis, monitoring and every built-in provisioner. */
    private void exerciseEveryKubernetesStep() throws Exception {
        ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor();
        KubernetesClient kubeletClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withCustomHeaders(Map.of(KUBELET, "true")).build()).build();
        kubelet.scheduleWithFixedDelay(() -> MockKubelet.markWorkloadsReady(kubeletClient), 50, 50, TimeUnit.MILLISECONDS);
        try {
            KubernetesStepExecutor kubernetes = new KubernetesStepExecutor(client, new ScoreWorkloadRenderer());
            kubernetes.run(context("shop", Map.of("manifests", "./k8s/payment-gateway")), StepMode.APPLY);
            kubernetes.run(context("shop", Map.of("manifests", "./k8s/payment-gateway")), StepMode.DRY_RUN);

            String score = Files.readString(Path.of("src/test/resources/score/full-workload.yaml"));
            Map<String, Object> document = ScoreParser.parse(score, "score.yaml").workload().orElseThrow().document();
            TestStepContext workload = context("orders", new LinkedHashMap<>(Map.of("workload", "orders", "wait", true)));
            workload.plan(TestStepContext.plan("orders", "ecommerce", "development", document));
            workload.values.put("resources.db.host", "orders-db.orders.svc");
            workload.values.put("resources.db.port", "5432");
            workload.values.put("resources.db.username", "orders");
            workload.values.put("resources.db.password", "secretRef:orders-db-credentials/password");
            workload.values.put("resources.data.source", "orders-data");
            kubernetes.run(workload, StepMode.APPLY);

            new TaggingStepExecutor(client).run(context("shop", Map.of("tags", Map.of("team", "orders"))), StepMode.APPLY);
            new CostAnalysisStepExecutor(client).run(context("shop", Map.of("budget", 100))
                    .plan(plan("shop", Map.of("pricing", Map.of("cpuCoreMonth", 20, "memoryGiBMonth", 4)), Map.of(), Map.of())), StepMode.APPLY);
            new MonitoringStepExecutor(client).run(context("shop", Map.of("service", "postgresql",
                    "alerts", List.of("connection_count"))), StepMode.APPLY);

            ResourceProvisioningStepExecutor provisioning = new ResourceProvisioningStepExecutor(client, new MemoryResources(),
                    null);
            Map<String, ScoreWorkload.ResourceRequest> resources = new LinkedHashMap<>();
            Map<String, Provisioner> provisioners = new LinkedHashMap<>();
            resource(resources, provisioners, "db", "postgres", null);
            resource(resources, provisioners, "shared-db", "postgres", "orders-shared");
            resource(resources, provisioners, "cache", "redis", null);
            resource(resources, provisioners, "data", "volume", null);
            resource(resources, provisioners, "web", "route", null);
            PlanContext plan = plan("shop", Map.of("dnsDomain", "apps.test"), resources, provisioners);
            for (String name : resources.keySet()) {
                provisioning.run(context("shop", Map.of("resource", name)).plan(plan), StepMode.APPLY);
            }
            for (String name : resources.keySet()) {
                provisioning.run(context("shop", Map.of("resource", name, "operation", "delete")).plan(plan), StepMode.APPLY);
            }

            kubernetes.run(context("orders", Map.of("operation", "delete", "workload", "orders", "deleteNamespace", true))
                    .plan(TestStepContext.plan("orders", "ecommerce", "development", document)), StepMode.APPLY);
            kubernetes.run(context("shop", Map.of("operation", "delete", "manifests", "./k8s/payment-gateway")), StepMode.APPLY);
        } finally {
            kubelet.shutdownNow();
            kubelet.awaitTermination(5, TimeUnit.SECONDS);
            kubeletClient.close();
        }
    }

    private static TestStepContext context(String application, Map<String, Object> config) {
        TestStepContext context = new TestStepContext("test").config(config);
        context.workflowDirectory(ECOMMERCE);
        context.timeout(java.time.Duration.ofSeconds(30));
        context.plan(plan(application, Map.of(), Map.of(), Map.of()));
        return context;
    }

    private static PlanContext plan(String application, Map<String, Object> admin,
            Map<String, ScoreWorkload.ResourceRequest> resources, Map<String, Provisioner> provisioners) {
        return new PlanContext(application, "ecommerce", "development", Map.of("name", application), admin, resources,
                provisioners, Map.of("metadata", Map.of("name", application)), "sha256:test");
    }

    private static void resource(Map<String, ScoreWorkload.ResourceRequest> resources, Map<String, Provisioner> provisioners,
            String name, String type, String id) {
        resources.put(name, new ScoreWorkload.ResourceRequest(name, type, null, id, Map.of(), Map.of(),
                SourceLocation.ofFile("score.yaml")));
        provisioners.put(name, Provisioner.builtIn(type));
    }

    private static void drain() throws InterruptedException {
        while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
            // requests of other tests sharing the server
        }
    }

    /** The RBAC view of a request path: /api/v1/..., /apis/<group>/<version>/..., with or without a namespace. */
    static Optional<Access> access(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        String plain = query < 0 ? path : path.substring(0, query);
        List<String> parts = new ArrayList<>(List.of(plain.replaceAll("^/+", "").split("/")));
        String group;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            return Optional.empty(); // discovery and version requests need no rule
        }
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        if (parts.get(0).equals("namespaces") && parts.size() >= 3) {
            parts = parts.subList(2, parts.size()); // namespaces/<ns>/<resource>/...
        }
        String resource = parts.get(0);
        boolean named = parts.size() >= 2;
        if (parts.size() >= 3) {
            resource = resource + "/" + parts.get(2);
        }
        boolean watch = query >= 0 && path.substring(query).contains("watch=true");
        String verb = switch (request.getMethod()) {
            case "GET" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> request.getMethod().toLowerCase(java.util.Locale.ROOT);
        };
        return Optional.of(new Access(group, resource, verb, request.getMethod() + " " + path));
    }

    private static boolean allows(PolicyRule rule, Access access) {
        return (rule.getApiGroups().contains(access.group()) || rule.getApiGroups().contains("*"))
                && (rule.getResources().contains(access.resource()) || rule.getResources().contains("*"))
                && (rule.getVerbs().contains(access.verb()) || rule.getVerbs().contains("*"));
    }

    /** The resource store, in memory. */
    static final class MemoryResources implements ResourceStore {
        private final Map<String, ProvisionedResource> resources = new ConcurrentHashMap<>();
        private final Map<String, Map<String, String>> uses = new ConcurrentHashMap<>();

        @Override
        public Optional<ProvisionedResource> find(String key) {
            return Optional.ofNullable(resources.get(key));
        }

        @Override
        public void save(ProvisionedResource resource, String application, String resourceName) {
            resources.put(resource.key(), resource);
            uses.computeIfAbsent(resource.key(), k -> new ConcurrentHashMap<>())
                    .put(application + "\n" + resource.environment(), resourceName);
        }

        @Override
        public List<Use> usedBy(String application, String environment) {
            List<Use> found = new ArrayList<>();
            uses.forEach((key, users) -> {
                String name = users.get(application + "\n" + environment);
                if (name != null && resources.containsKey(key)) {
                    found.add(new Use(resources.get(key), name));
                }
            });
            return found;
        }

        @Override
        public int consumers(String key) {
            return uses.getOrDefault(key, Map.of()).size();
        }

        @Override
        public int release(String key, String application, String environment) {
            Map<String, String> users = uses.getOrDefault(key, new ConcurrentHashMap<>());
            users.remove(application + "\n" + environment);
            return users.size();
        }

        @Override
        public void delete(String key) {
            resources.remove(key);
            uses.remove(key);
        }
    }
}
