package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code monitoring}: creates a PrometheusRule ({@code monitoring.coreos.com/v1}) with the alerts of
 * {@code config.alerts} in the application's namespace. Alerts are names of built-in templates
 * (error_rate, latency, availability, restarts, cpu_saturation, memory_saturation, connection_count,
 * query_performance, disk_usage) or rules of their own ({@code {alert, expr, for, severity, summary}}).
 */
@ApplicationScoped
public class MonitoringStepExecutor implements StepExecutor {

    /** Built-in alert templates: PromQL with {namespace}, {app} and {service} filled in, the duration and severity. */
    static final Map<String, List<String>> TEMPLATES = Map.ofEntries(
            Map.entry("error_rate", List.of("sum(rate(http_server_requests_seconds_count{namespace=\"{namespace}\","
                    + "status=~\"5..\"}[5m])) / sum(rate(http_server_requests_seconds_count{namespace=\"{namespace}\"}[5m])) "
                    + "> 0.05", "10m", "warning", "More than 5% of {app}'s requests fail")),
            Map.entry("latency", List.of("histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket"
                    + "{namespace=\"{namespace}\"}[5m]))) > 1", "10m", "warning", "{app}'s p99 latency is above 1s")),
            Map.entry("availability", List.of("sum(kube_deployment_status_replicas_available{namespace=\"{namespace}\"}) == 0",
                    "5m", "critical", "{app} has no available replicas")),
            Map.entry("restarts", List.of("increase(kube_pod_container_status_restarts_total{namespace=\"{namespace}\"}[15m])"
                    + " > 3", "0m", "warning", "{app}'s containers keep restarting")),
            Map.entry("cpu_saturation", List.of("sum(rate(container_cpu_usage_seconds_total{namespace=\"{namespace}\"}[5m])) / "
                    + "sum(kube_pod_container_resource_requests{namespace=\"{namespace}\",resource=\"cpu\"}) > 0.9", "15m",
                    "warning", "{app} uses more than 90% of the CPU it requested")),
            Map.entry("memory_saturation", List.of("sum(container_memory_working_set_bytes{namespace=\"{namespace}\"}) / "
                    + "sum(kube_pod_container_resource_limits{namespace=\"{namespace}\",resource=\"memory\"}) > 0.9", "15m",
                    "warning", "{app} is close to its memory limit")),
            Map.entry("connection_count", List.of("sum(pg_stat_activity_count{namespace=\"{namespace}\",service=\"{service}\"})"
                    + " > 0.8 * max(pg_settings_max_connections{namespace=\"{namespace}\",service=\"{service}\"})", "10m",
                    "warning", "{service} of {app} uses more than 80% of its connections")),
            Map.entry("query_performance", List.of("avg(rate(pg_stat_statements_mean_exec_time_seconds{namespace=\"{namespace}\","
                    + "service=\"{service}\"}[10m])) > 0.5", "15m", "warning", "{service} of {app} answers queries slowly")),
            Map.entry("disk_usage", List.of("max(kubelet_volume_stats_used_bytes{namespace=\"{namespace}\"} / "
                    + "kubelet_volume_stats_capacity_bytes{namespace=\"{namespace}\"}) > 0.85", "10m", "warning",
                    "a volume of {app} is more than 85% full")));

    private final Deliveries deliveries;

    @jakarta.inject.Inject
    public MonitoringStepExecutor(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    /** Monitoring on one cluster, without an inventory. */
    public MonitoringStepExecutor(KubernetesClient client) {
        this(Deliveries.of(client));
    }

    @Override
    public String type() {
        return "monitoring";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        return mode.dryRun() ? dryRun(context) : apply(context);
    }

    private StepResult apply(StepContext context) {
        String namespace = namespace(context);
        GenericKubernetesResource rule = rule(context, namespace);
        Delivery delivery = deliveries.open(context);
        delivery.ensureNamespace(context, namespace);
        delivery.apply(context, namespace, rule);
        delivery.complete();
        return StepResult.of(Map.of("rule", rule.getMetadata().getName(), "namespace", namespace,
                "alerts", Integer.toString(alerts(rule).size())));
    
    }

    private StepResult dryRun(StepContext context) {
        String namespace = namespace(context);
        GenericKubernetesResource rule = rule(context, namespace);
        for (Map<String, Object> alert : alerts(rule)) {
            context.log("dry run: would alert " + alert.get("alert") + " when " + alert.get("expr"));
        }
        Delivery delivery = deliveries.open(context, true);
        delivery.ensureNamespace(context, namespace);
        delivery.apply(context, namespace, rule);
        delivery.complete();
        return StepResult.of(Map.of("rule", rule.getMetadata().getName(), "namespace", namespace));
    
    }

    private static String namespace(StepContext context) {
        return KubernetesStepExecutor.namespace(context);
    }

    /** {@code <app>-alerts} for the application itself, {@code <app>-<service>-alerts} for one of its services. */
    static String ruleName(String app, String service) {
        return service.equals(app) ? app + "-alerts" : app + "-" + service + "-alerts";
    }

    private static GenericKubernetesResource rule(StepContext context, String namespace) {
        String app = context.plan().application();
        String service = context.string("service").orElse(app);
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object raw : context.list("alerts")) {
            Map<String, Object> rule = new LinkedHashMap<>();
            if (raw instanceof Map<?, ?> custom) {
                for (String key : List.of("alert", "expr")) {
                    if (custom.get(key) == null) {
                        throw new StepFailure("config.alerts: a custom alert needs '" + key + "'");
                    }
                }
                rule.put("alert", String.valueOf(custom.get("alert")));
                rule.put("expr", String.valueOf(custom.get("expr")));
                rule.put("for", custom.get("for") == null ? "5m" : String.valueOf(custom.get("for")));
                rule.put("labels", Map.of("severity", custom.get("severity") == null ? "warning"
                        : String.valueOf(custom.get("severity")), "application", app));
                rule.put("annotations", Map.of("summary", custom.get("summary") == null ? String.valueOf(custom.get("alert"))
                        : String.valueOf(custom.get("summary"))));
            } else {
                String name = String.valueOf(raw);
                List<String> template = TEMPLATES.get(name);
                if (template == null) {
                    throw new StepFailure("config.alerts: unknown alert '" + name + "'; built-in alerts are "
                            + String.join(", ", new java.util.TreeSet<>(TEMPLATES.keySet()))
                            + " (or give {alert, expr} for one of your own)");
                }
                rule.put("alert", camel(service) + camel(name));
                rule.put("expr", fill(template.get(0), namespace, app, service));
                rule.put("for", template.get(1));
                rule.put("labels", Map.of("severity", template.get(2), "application", app));
                rule.put("annotations", Map.of("summary", fill(template.get(3), namespace, app, service)));
            }
            rules.add(rule);
        }
        if (rules.isEmpty()) {
            throw new StepFailure("config.alerts is empty: name at least one alert");
        }
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("monitoring.coreos.com/v1").withKind("PrometheusRule")
                .withNewMetadata().withName(ruleName(app, service)).endMetadata()
                .addToAdditionalProperties("spec", Map.of("groups", List.of(Map.of("name", service.equals(app) ? app
                        : app + "." + service,
                        "rules", rules))))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alerts(GenericKubernetesResource rule) {
        Map<String, Object> spec = (Map<String, Object>) rule.getAdditionalProperties().get("spec");
        List<Map<String, Object>> groups = (List<Map<String, Object>>) spec.get("groups");
        return (List<Map<String, Object>>) groups.get(0).get("rules");
    }

    private static String fill(String template, String namespace, String app, String service) {
        return template.replace("{namespace}", namespace).replace("{app}", app).replace("{service}", service);
    }

    private static String camel(String text) {
        StringBuilder out = new StringBuilder();
        for (String part : text.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }
}
