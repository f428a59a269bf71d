package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.innominatus.model.PlanContext;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** monitoring, tagging and cost-analysis against the fabric8 mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesBasedStepsTest {

    static KubernetesClient client;

    private static void deploy(String namespace, String name, int replicas, String cpu, String memory) {
        if (client.namespaces().withName(namespace).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                    .create();
        }
        Deployment deployment = new DeploymentBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName("main").withImage("nginx:1.27").withNewResources()
                .addToRequests("cpu", new Quantity(cpu)).addToRequests("memory", new Quantity(memory)).endResources()
                .endContainer().endSpec().endTemplate().endSpec().build();
        client.apps().deployments().inNamespace(namespace).resource(deployment).create();
    }

    private static TestStepContext context(String application, Map<String, Object> config, Map<String, Object> admin) {
        TestStepContext context = new TestStepContext("test").config(config);
        context.plan(new PlanContext(application, "ecommerce", "production", Map.of("name", application), admin, Map.of(), Map.of(),
                Map.of(), "digest"));
        return context;
    }

    @Test
    void monitoringCreatesAPrometheusRule() {
        TestStepContext context = context("shop", Map.of("service", "postgresql", "alerts", List.of("connection_count",
                "disk_usage", Map.of("alert", "OrdersStuck", "expr", "orders_pending > 100", "severity", "critical"))), Map.of());
        StepResult result = new MonitoringStepExecutor(client).run(context, StepMode.APPLY);
        assertEquals("shop-postgresql-alerts", result.outputs().get("rule"));
        assertEquals("3", result.outputs().get("alerts"));
        GenericKubernetesResource rule = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("monitoring.coreos.com").withVersion("v1").withKind("PrometheusRule").withPlural("prometheusrules")
                .withNamespaced(true).build()).inNamespace("shop").withName("shop-postgresql-alerts").get();
        assertNotNull(rule);
        String spec = rule.getAdditionalProperties().get("spec").toString();
        assertTrue(spec.contains("PostgresqlConnectionCount"), spec);
        assertTrue(spec.contains("namespace=\"shop\""), spec);
        assertTrue(spec.contains("OrdersStuck"), spec);
        StepFailure unknown = assertThrows(StepFailure.class, () -> new MonitoringStepExecutor(client)
                .run(context("shop", Map.of("alerts", List.of("cosmic_rays")), Map.of()), StepMode.APPLY));
        assertTrue(unknown.getMessage().startsWith("config.alerts: unknown alert 'cosmic_rays'"), unknown.getMessage());
        // Without a service the rule is the application's own: named after it once.
        StepResult own = new MonitoringStepExecutor(client).run(context("shop", Map.of("alerts", List.of("error_rate")),
                Map.of()), StepMode.APPLY);
        assertEquals("shop-alerts", own.outputs().get("rule"));
    }

    @Test
    void taggingLabelsTheNamespaceAndWorkloads() {
        deploy("tagged", "web", 1, "100m", "128Mi");
        TestStepContext context = context("tagged", Map.of("tags", Map.of("cost-center", "engineering",
                "team", "Orders Team!")), Map.of());
        StepResult result = new TaggingStepExecutor(client).run(context, StepMode.APPLY);
        assertEquals("2", result.outputs().get("tagged"));
        assertEquals("engineering", client.namespaces().withName("tagged").get().getMetadata().getLabels().get("cost-center"));
        Deployment web = client.apps().deployments().inNamespace("tagged").withName("web").get();
        assertEquals("orders-team", web.getMetadata().getLabels().get("team"));
        assertEquals("engineering", web.getSpec().getTemplate().getMetadata().getLabels().get("cost-center"));
        assertTrue(context.texts().contains("tag team: 'Orders Team!' is not a valid label value; using 'orders-team'"));
        StepFailure missing = assertThrows(StepFailure.class, () -> new TaggingStepExecutor(client)
                .run(context("nowhere", Map.of("tags", Map.of("a", "b")), Map.of()), StepMode.APPLY));
        assertTrue(missing.getMessage().contains("namespace nowhere does not exist"), missing.getMessage());
    }

    @Test
    void costAnalysisPricesRequestsAgainstTheBudget() {
        deploy("priced", "api", 2, "500m", "1Gi");
        deploy("priced", "worker", 1, "1", "512Mi");
        Map<String, Object> admin = Map.of("pricing", Map.of("cpuCoreMonth", 20, "memoryGiBMonth", 4, "currency", "EUR"));
        StepResult within = new CostAnalysisStepExecutor(client).run(context("priced", Map.of("budget", 100,
                "enforceLimit", true), admin), StepMode.APPLY);
        // 2 × 0.5 + 1 = 2 cores × 20 = 40; 2 × 1 + 0.5 = 2.5 GiB × 4 = 10.
        assertEquals("2.000", within.outputs().get("cpuCores"));
        assertEquals("2.500", within.outputs().get("memoryGiB"));
        assertEquals("50.00", within.outputs().get("monthlyCost"));
        assertEquals("50.0", within.outputs().get("percentOfBudget"));

        TestStepContext warning = context("priced", Map.of("budget", "60", "alertThreshold", 80), admin);
        new CostAnalysisStepExecutor(client).run(warning, StepMode.APPLY);
        assertTrue(warning.texts().stream().anyMatch(l -> l.startsWith("warning: the estimate reaches 83.3%")), warning::log);

        StepFailure over = assertThrows(StepFailure.class, () -> new CostAnalysisStepExecutor(client)
                .run(context("priced", Map.of("budget", 45, "enforceLimit", true), admin), StepMode.APPLY));
        assertEquals("estimated monthly cost 50.00 EUR exceeds the budget of 45 EUR", over.getMessage());
        new CostAnalysisStepExecutor(client).run(context("priced", Map.of("budget", 45, "enforceLimit", true), admin), StepMode.DRY_RUN);

        StepFailure noPrices = assertThrows(StepFailure.class, () -> new CostAnalysisStepExecutor(client)
                .run(context("priced", Map.of(), Map.of()), StepMode.APPLY));
        assertTrue(noPrices.getMessage().startsWith("admin-config has no price table"));
    }
}
