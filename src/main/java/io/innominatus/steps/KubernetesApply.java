package io.innominatus.steps;

import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** What the Kubernetes-based steps share: namespaces, server-side apply, ownership labels, readable errors. */
final class KubernetesApply {

    static final String FIELD_MANAGER = "innominatus";
    private final KubernetesClient client;

    KubernetesApply(KubernetesClient client) {
        this.client = client;
    }

    /** Creates the namespace unless it exists. */
    void ensureNamespace(StepContext context, String namespace) {
        call(() -> {
            if (client.namespaces().withName(namespace).get() == null) {
                try {
                    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                            .addToLabels(labels(context)).endMetadata().build()).create();
                    context.log("created namespace " + namespace);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            }
            return null;
        }, "create namespace " + namespace);
    }

    /** Server-side applies an object (as field manager {@value #FIELD_MANAGER}) with the ownership labels. */
    HasMetadata apply(StepContext context, String namespace, HasMetadata object) {
        object.getMetadata().setLabels(merge(object.getMetadata().getLabels(), labels(context)));
        if (namespaced(object)) {
            object.getMetadata().setNamespace(namespace);
        }
        HasMetadata applied = call(() -> {
            Resource<? extends HasMetadata> resource = resource(object, namespace);
            try {
                return resource.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
            } catch (KubernetesClientException e) {
                // API servers apply new objects too; one that answers 404 cannot apply what does not exist yet.
                if (e.getCode() == 404) {
                    return resource.create();
                }
                throw e;
            }
        }, "apply " + Manifests.describe(object));
        context.log("applied " + Manifests.describe(object) + (namespaced(object) ? " in " + namespace : ""));
        return applied;
    }

    /**
     * The API handle of an object. Kinds the client has no model for (custom resources) are addressed
     * explicitly by group, version and plural, so they need no API discovery.
     */
    @SuppressWarnings("unchecked")
    Resource<? extends HasMetadata> resource(HasMetadata object, String namespace) {
        if (object instanceof GenericKubernetesResource generic) {
            String apiVersion = generic.getApiVersion();
            int slash = apiVersion.indexOf('/');
            ResourceDefinitionContext definition = new ResourceDefinitionContext.Builder()
                    .withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
                    .withVersion(slash < 0 ? apiVersion : apiVersion.substring(slash + 1))
                    .withKind(generic.getKind())
                    .withPlural(Pluralize.toPlural(generic.getKind().toLowerCase(java.util.Locale.ROOT)))
                    .withNamespaced(namespaced(object))
                    .build();
            var operation = client.genericKubernetesResources(definition);
            return namespaced(object) ? operation.inNamespace(namespace).resource(generic) : operation.resource(generic);
        }
        return namespaced(object) ? client.resource(object).inNamespace(namespace) : client.resource(object);
    }

    /** Labels marking what innominatus manages, for which application and execution. */
    static Map<String, String> labels(StepContext context) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/managed-by", "innominatus");
        labels.put("innominatus.io/application", context.plan().application());
        if (!context.plan().product().isEmpty()) {
            labels.put("innominatus.io/product", context.plan().product());
        }
        labels.put("innominatus.io/execution", context.executionId());
        return labels;
    }

    static Map<String, String> merge(Map<String, String> existing, Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (existing != null) {
            merged.putAll(existing);
        }
        merged.putAll(more);
        return merged;
    }

    static boolean namespaced(HasMetadata object) {
        return !Manifests.clusterScoped(object);
    }

    /** Runs a Kubernetes API call, turning API errors into step failures people can read. */
    static <T> T call(Callable<T> call, String what) {
        try {
            return call.call();
        } catch (KubernetesClientException e) {
            String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                    : e.getMessage();
            throw new StepFailure("Kubernetes API: cannot " + what + ": " + (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "")
                    + reason);
        } catch (StepFailure e) {
            throw e;
        } catch (Exception e) {
            throw new StepFailure("Kubernetes API: cannot " + what + ": " + e.getMessage());
        }
    }

    static void sleep(StepContext context, Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted");
        }
        context.cancellation().check();
    }

    KubernetesClient client() {
        return client;
    }
}
