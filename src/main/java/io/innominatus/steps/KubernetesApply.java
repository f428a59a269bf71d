package io.innominatus.steps;

import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.innominatus.parse.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** What the Kubernetes-based steps share: namespaces, server-side apply, ownership labels, readable errors. */
final class KubernetesApply {

    static final String FIELD_MANAGER = "innominatus";
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
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
                // API servers without server-side apply answer 404 for new objects and 415 for existing
                // ones; for them the object is created or replaced whole.
                if (e.getCode() == 404 || e.getCode() == 415) {
                    return resource.createOr(NonDeletingOperation::update);
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

    /** Registers the values of a Secret (raw and base64-decoded) so they are redacted everywhere. */
    static void registerSecrets(StepContext context, Secret secret) {
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

    /**
     * Waits until every Deployment and StatefulSet among {@code objects} has all its replicas ready, within
     * {@code wait} (or the step's timeout when that is shorter).
     */
    void awaitReady(StepContext context, String namespace, List<HasMetadata> objects, Duration wait) {
        Instant deadline = Instant.now().plus(context.timeout().filter(t -> t.compareTo(wait) < 0).orElse(wait));
        List<HasMetadata> workloads = objects.stream()
                .filter(o -> o.getKind().equals("Deployment") || o.getKind().equals("StatefulSet")).toList();
        for (HasMetadata workload : workloads) {
            context.log("waiting for " + Manifests.describe(workload) + " to become ready");
            while (!ready(namespace, workload)) {
                context.cancellation().check();
                if (Instant.now().isAfter(deadline)) {
                    throw new StepFailure(Manifests.describe(workload) + " did not become ready within "
                            + Durations.format(wait));
                }
                sleep(context, Duration.ofMillis(500));
            }
            context.log(Manifests.describe(workload) + " is ready");
        }
    }

    private boolean ready(String namespace, HasMetadata workload) {
        return call(() -> {
            if (workload.getKind().equals("Deployment")) {
                Deployment d = client.apps().deployments().inNamespace(namespace).withName(workload.getMetadata().getName())
                        .get();
                int wanted = d == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                return d != null && d.getStatus() != null && d.getStatus().getReadyReplicas() != null
                        && d.getStatus().getReadyReplicas() >= wanted;
            }
            StatefulSet s = client.apps().statefulSets().inNamespace(namespace).withName(workload.getMetadata().getName())
                    .get();
            int wanted = s == null || s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
            return s != null && s.getStatus() != null && s.getStatus().getReadyReplicas() != null
                    && s.getStatus().getReadyReplicas() >= wanted;
        }, "read " + Manifests.describe(workload));
    }

    /**
     * Deletes an object recorded as {@code apiVersion|kind|namespace|name} (see {@link #reference}); an
     * object that is already gone counts as deleted.
     */
    void delete(StepContext context, String reference) {
        String[] parts = reference.split("\\|", -1);
        if (parts.length != 4) {
            throw new StepFailure("malformed object reference '" + reference + "'");
        }
        GenericKubernetesResource object = new GenericKubernetesResource();
        object.setApiVersion(parts[0]);
        object.setKind(parts[1]);
        object.setMetadata(new ObjectMetaBuilder().withName(parts[3]).withNamespace(parts[2].isEmpty() ? null : parts[2])
                .build());
        String described = parts[1] + "/" + parts[3] + (parts[2].isEmpty() ? "" : " in " + parts[2]);
        boolean deleted = call(() -> {
            try {
                return !resource(object, parts[2]).delete().isEmpty();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return false;
                }
                throw e;
            }
        }, "delete " + described);
        context.log(deleted ? "deleted " + described : described + " was already gone");
    }

    /** How an applied object is recorded so that it can be deleted later: {@code apiVersion|kind|namespace|name}. */
    static String reference(HasMetadata object, String namespace) {
        return object.getApiVersion() + "|" + object.getKind() + "|" + (namespaced(object) ? namespace : "") + "|"
                + object.getMetadata().getName();
    }

    KubernetesClient client() {
        return client;
    }
}
