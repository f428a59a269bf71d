package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
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
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code tagging}: puts {@code config.tags} on the application's namespace and workloads (Deployments,
 * StatefulSets, Services and their pod templates) as labels, and {@code config.annotations} as
 * annotations. Values that are not valid label values are made valid (and the step says so).
 */
@ApplicationScoped
public class TaggingStepExecutor implements StepExecutor {

    private static final Pattern KEY = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
            + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private final Deliveries deliveries;

    @jakarta.inject.Inject
    public TaggingStepExecutor(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    /** Tagging on one cluster, without an inventory. */
    public TaggingStepExecutor(KubernetesClient client) {
        this(Deliveries.of(client));
    }

    @Override
    public String type() {
        return "tagging";
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        return mode.dryRun() ? dryRun(context) : apply(context);
    }

    private StepResult apply(StepContext context) {
        String namespace = namespace(context);
        Map<String, String> labels = labels(context);
        Map<String, String> annotations = new LinkedHashMap<>();
        context.map("annotations").forEach((k, v) -> annotations.put(k, String.valueOf(v)));
        Delivery delivery = deliveries.open(context);
        List<String> tagged = new ArrayList<>();
        if (!delivery.update(context, Namespace.class, namespace, namespace, n -> tag(n, labels, annotations))) {
            throw new StepFailure("namespace " + namespace + " does not exist on " + delivery.describe()
                    + ": deploy the application before tagging it");
        }
        tagged.add("Namespace/" + namespace);
        for (Deployment deployment : delivery.list(Deployment.class, namespace)) {
            delivery.update(context, Deployment.class, namespace, deployment.getMetadata().getName(), d -> {
                tag(d, labels, annotations);
                d.getSpec().getTemplate().getMetadata().setLabels(KubernetesApply.merge(
                        d.getSpec().getTemplate().getMetadata().getLabels(), labels));
                return d;
            });
            tagged.add(Manifests.describe(deployment));
        }
        for (StatefulSet set : delivery.list(StatefulSet.class, namespace)) {
            delivery.update(context, StatefulSet.class, namespace, set.getMetadata().getName(),
                    s -> tag(s, labels, annotations));
            tagged.add(Manifests.describe(set));
        }
        for (Service service : delivery.list(Service.class, namespace)) {
            delivery.update(context, Service.class, namespace, service.getMetadata().getName(),
                    s -> tag(s, labels, annotations));
            tagged.add(Manifests.describe(service));
        }
        tagged.forEach(t -> context.log("tagged " + t + " with " + labels));
        delivery.complete();
        return StepResult.of(Map.of("namespace", namespace, "tagged", Integer.toString(tagged.size()),
                "labels", String.join(",", labels.keySet())));
    
    }

    private StepResult dryRun(StepContext context) {
        String namespace = namespace(context);
        Map<String, String> labels = labels(context);
        context.log("dry run: would label namespace " + namespace + " and its Deployments, StatefulSets and Services with "
                + labels);
        return StepResult.of(Map.of("namespace", namespace));
    
    }

    private static String namespace(StepContext context) {
        return KubernetesStepExecutor.namespace(context);
    }

    private static <T extends HasMetadata> T tag(T object, Map<String, String> labels, Map<String, String> annotations) {
        object.getMetadata().setLabels(KubernetesApply.merge(object.getMetadata().getLabels(), labels));
        if (!annotations.isEmpty()) {
            object.getMetadata().setAnnotations(KubernetesApply.merge(object.getMetadata().getAnnotations(), annotations));
        }
        return object;
    }

    /** The tags as valid labels; invalid values are sanitised and logged. */
    private static Map<String, String> labels(StepContext context) {
        Map<String, Object> tags = context.map("tags");
        if (tags.isEmpty() && context.map("annotations").isEmpty()) {
            throw new StepFailure("config.tags is empty: give the labels to apply");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        tags.forEach((key, raw) -> {
            if (!KEY.matcher(key).matches()) {
                throw new StepFailure("tag '" + key + "' is not a valid Kubernetes label key");
            }
            String value = String.valueOf(raw);
            if (!VALUE.matcher(value).matches()) {
                String sanitised = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
                        .replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
                sanitised = sanitised.length() > 63 ? sanitised.substring(0, 63).replaceAll("[^a-z0-9]+$", "") : sanitised;
                context.log("tag " + key + ": '" + value + "' is not a valid label value; using '" + sanitised + "'");
                value = sanitised;
            }
            labels.put(key, value);
        });
        return labels;
    }
}
