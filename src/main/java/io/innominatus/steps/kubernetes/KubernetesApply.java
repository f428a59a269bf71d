package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the Kubernetes-based steps share whatever their target: ownership labels, object references, secrets. */
public final class KubernetesApply {

    static final String FIELD_MANAGER = "innominatus";
    public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
    static final String APPLICATION_LABEL = "innominatus.io/application";
    static final String ENVIRONMENT_LABEL = "innominatus.io/environment";
    static final String PRODUCT_LABEL = "innominatus.io/product";
    static final String EXECUTION_LABEL = "innominatus.io/execution";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    private KubernetesApply() {}

    /** Labels marking what innominatus manages, for which application, environment, product and execution. */
    static Map<String, String> labels(StepContext context) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, "innominatus");
        labels.put(APPLICATION_LABEL, context.plan().application());
        labels.put(ENVIRONMENT_LABEL, context.plan().environment());
        if (!context.plan().product().isEmpty()) {
            labels.put(PRODUCT_LABEL, context.plan().product());
        }
        labels.put(EXECUTION_LABEL, context.executionId());
        return labels;
    }

    /** Adds the ownership labels to an object and places it in {@code namespace} unless it is cluster-scoped. */
    static void label(StepContext context, String namespace, HasMetadata object) {
        object.getMetadata().setLabels(merge(object.getMetadata().getLabels(), labels(context)));
        if (namespaced(object)) {
            object.getMetadata().setNamespace(namespace);
        }
    }

    /** Whether a namespace (or object) carries the labels of this application in this environment. */
    static boolean ownedBy(HasMetadata object, StepContext context) {
        Map<String, String> labels = object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
        String environment = labels.get(ENVIRONMENT_LABEL);
        return "innominatus".equals(labels.get(MANAGED_BY))
                && context.plan().application().equals(labels.get(APPLICATION_LABEL))
                && (environment == null || environment.equals(context.plan().environment()));
    }

    /** Whether innominatus created an object for an application of this environment (whichever one). */
    static boolean managedIn(HasMetadata object, StepContext context) {
        Map<String, String> labels = object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
        return "innominatus".equals(labels.get(MANAGED_BY))
                && context.plan().environment().equals(labels.get(ENVIRONMENT_LABEL));
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

    static void sleep(StepContext context, Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted");
        }
        context.cancellation().check();
    }

    /** Registers the values of a Secret (raw and base64-decoded) so they are redacted everywhere. */
    public static void registerSecrets(StepContext context, Secret secret) {
        if (secret.getData() != null) {
            secret.getData().values().forEach(v -> {
                context.secret(v);
                try {
                    context.secret(new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException ignored) {
                    // Not base64: the raw value is already registered.
                }
            });
        }
        if (secret.getStringData() != null) {
            secret.getStringData().values().forEach(context::secret);
        }
    }

    /** How an applied object is recorded so that it can be deleted later: {@code apiVersion|kind|namespace|name}. */
    static String reference(HasMetadata object, String namespace) {
        return object.getApiVersion() + "|" + object.getKind() + "|" + (namespaced(object) ? namespace : "") + "|"
                + object.getMetadata().getName();
    }

    /**
     * A recorded object: {@code apiVersion|kind|namespace|name}, and for an object in a Git repository a fifth
     * part, its file in the repository.
     */
    record ObjectReference(String apiVersion, String kind, String namespace, String name, String file) {

        static ObjectReference parse(String reference) {
            String[] parts = reference.split("\\|", -1);
            if (parts.length != 4 && parts.length != 5) {
                throw StepFailure.configuration("malformed object reference '" + reference + "'");
            }
            return new ObjectReference(parts[0], parts[1], parts[2], parts[3], parts.length == 5 ? parts[4] : "");
        }

        String describe() {
            return kind + "/" + name + (namespace.isEmpty() ? "" : " in " + namespace);
        }
    }
}
