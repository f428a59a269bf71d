package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/**
 * Delivery to a cluster through its Kubernetes API: server-side apply as field manager
 * {@value KubernetesApply#FIELD_MANAGER}, readiness read from workload status, errors that name the API
 * server and the cause. In a dry run it reads what exists and changes nothing.
 */
final class ClusterDelivery implements Delivery {

    /** HTTP statuses a later attempt may not see again: the API server was busy, restarting or behind a failing proxy. */
    private static final Set<Integer> TRANSIENT = Set.of(408, 429, 500, 502, 503, 504);
    private final KubernetesClient client;
    private final String server;
    private final DeliveryRecorder recorder;
    private final boolean dryRun;

    ClusterDelivery(KubernetesClient client, DeliveryRecorder recorder, boolean dryRun) {
        this.client = client;
        this.server = String.valueOf(client.getMasterUrl());
        this.recorder = recorder;
        this.dryRun = dryRun;
    }

    @Override
    public String describe() {
        return "Kubernetes API " + server;
    }

    @Override
    public boolean committed() {
        return false;
    }

    @Override
    public void ensureNamespace(StepContext context, String namespace) {
        boolean exists = call(() -> client.namespaces().withName(namespace).get() != null, "read namespace " + namespace);
        if (exists) {
            return;
        }
        if (dryRun) {
            context.log("dry run: namespace " + namespace + " would be created");
            return;
        }
        recorder.record("v1|Namespace||" + namespace);
        call(() -> {
            try {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                        .addToLabels(KubernetesApply.labels(context)).endMetadata().build()).create();
                context.log("created namespace " + namespace);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            return null;
        }, "create namespace " + namespace);
    }

    @Override
    public HasMetadata apply(StepContext context, String namespace, HasMetadata object) {
        KubernetesApply.label(context, namespace, object);
        if (dryRun) {
            boolean exists = exists(object, namespace);
            context.log("dry run: would " + (exists ? "update " : "create ") + Manifests.describe(object)
                    + (KubernetesApply.namespaced(object) ? " in " + namespace : ""));
            return object;
        }
        recorder.record(reference(object, namespace));
        HasMetadata applied = call(() -> {
            Resource<? extends HasMetadata> resource = resource(object, namespace);
            try {
                return resource.fieldManager(KubernetesApply.FIELD_MANAGER).forceConflicts().serverSideApply();
            } catch (KubernetesClientException e) {
                // API servers without server-side apply answer 404 for new objects and 415 for existing
                // ones; for them the object is created or replaced whole.
                if (e.getCode() == 404 || e.getCode() == 415) {
                    return resource.createOr(NonDeletingOperation::update);
                }
                throw e;
            }
        }, "apply " + Manifests.describe(object));
        context.log("applied " + Manifests.describe(object) + (KubernetesApply.namespaced(object) ? " in " + namespace : ""));
        return applied;
    }

    @Override
    public String reference(HasMetadata object, String namespace) {
        return KubernetesApply.reference(object, namespace);
    }

    @Override
    public <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
        return Optional.ofNullable(call(() -> named(type, namespace, name).get(),
                "read " + HasMetadata.getKind(type) + "/" + name + " in " + namespace));
    }

    private <T extends HasMetadata> Resource<T> named(Class<T> type, String namespace, String name) {
        var resources = client.resources(type);
        return Manifests.CLUSTER_SCOPED.contains(HasMetadata.getKind(type)) ? resources.withName(name)
                : resources.inNamespace(namespace).withName(name);
    }

    @Override
    public boolean exists(HasMetadata object, String namespace) {
        return call(() -> resource(object, namespace).get() != null, "read " + Manifests.describe(object));
    }

    @Override
    public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
        return call(() -> client.resources(type).inNamespace(namespace).list().getItems(),
                "list " + HasMetadata.getPlural(type) + " in " + namespace);
    }

    @Override
    public <T extends HasMetadata> boolean update(StepContext context, Class<T> type, String namespace, String name,
            UnaryOperator<T> change) {
        if (find(type, namespace, name).isEmpty()) {
            return false;
        }
        if (dryRun) {
            context.log("dry run: would update " + HasMetadata.getKind(type) + "/" + name);
            return true;
        }
        call(() -> named(type, namespace, name).edit(change), "update " + HasMetadata.getKind(type) + "/" + name);
        return true;
    }

    @Override
    public <T extends HasMetadata> T createIfAbsent(StepContext context, Class<T> type, String namespace, T object) {
        String name = object.getMetadata().getName();
        Optional<T> existing = find(type, namespace, name);
        if (existing.isPresent() || dryRun) {
            return existing.orElse(object);
        }
        KubernetesApply.label(context, namespace, object);
        recorder.record(reference(object, namespace));
        return call(() -> {
            try {
                return client.resources(type).inNamespace(namespace).resource(object).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return named(type, namespace, name).get();
                }
                throw e;
            }
        }, "create " + Manifests.describe(object));
    }

    @Override
    public boolean delete(StepContext context, String reference) {
        KubernetesApply.ObjectReference ref = KubernetesApply.ObjectReference.parse(reference);
        if (dryRun) {
            context.log("dry run: would delete " + ref.describe());
            return true;
        }
        GenericKubernetesResource object = new GenericKubernetesResource();
        object.setApiVersion(ref.apiVersion());
        object.setKind(ref.kind());
        object.setMetadata(new ObjectMetaBuilder().withName(ref.name()).withNamespace(ref.namespace().isEmpty() ? null
                : ref.namespace()).build());
        boolean deleted = call(() -> {
            try {
                return !resource(object, ref.namespace()).delete().isEmpty();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return false;
                }
                throw e;
            }
        }, "delete " + ref.describe());
        recorder.forget(reference);
        context.log(deleted ? "deleted " + ref.describe() : ref.describe() + " was already gone");
        return deleted;
    }

    /**
     * Waits within {@code wait} (or the step's timeout when that is shorter). A failed read that a later
     * one may not see again (a timeout, a 5xx, a dropped connection) is logged and read again until the
     * deadline; one that no retry can fix (no access, a malformed request) fails the step at once.
     */
    @Override
    public void awaitReady(StepContext context, String namespace, List<HasMetadata> objects, Duration wait) {
        if (dryRun) {
            return;
        }
        Duration limit = context.timeout().filter(t -> t.compareTo(wait) < 0).orElse(wait);
        Instant deadline = Instant.now().plus(limit);
        List<HasMetadata> workloads = objects.stream()
                .filter(o -> o.getKind().equals("Deployment") || o.getKind().equals("StatefulSet")).toList();
        for (HasMetadata workload : workloads) {
            context.log("waiting for " + Manifests.describe(workload) + " to become ready");
            String lastProblem = null;
            while (true) {
                context.cancellation().check();
                try {
                    if (ready(namespace, workload)) {
                        break;
                    }
                } catch (KubernetesClientException e) {
                    if (!transientFailure(e)) {
                        throw failure("read " + Manifests.describe(workload), e);
                    }
                    String problem = cause(e);
                    if (!problem.equals(lastProblem)) {
                        context.log("reading " + Manifests.describe(workload) + " failed (" + problem + "); trying again");
                        lastProblem = problem;
                    }
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new StepFailure(Manifests.describe(workload) + " did not become ready within "
                            + Durations.format(limit) + (lastProblem == null ? "" : " (last error from " + describe()
                            + ": " + lastProblem + ")"));
                }
                KubernetesApply.sleep(context, Duration.ofMillis(500));
            }
            context.log(Manifests.describe(workload) + " is ready");
        }
    }

    @Override
    public Optional<String> complete() {
        return Optional.empty();
    }

    private boolean ready(String namespace, HasMetadata workload) {
        String name = workload.getMetadata().getName();
        if (workload.getKind().equals("Deployment")) {
            Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
            int wanted = d == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            return d != null && d.getStatus() != null && d.getStatus().getReadyReplicas() != null
                    && d.getStatus().getReadyReplicas() >= wanted;
        }
        StatefulSet s = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
        int wanted = s == null || s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        return s != null && s.getStatus() != null && s.getStatus().getReadyReplicas() != null
                && s.getStatus().getReadyReplicas() >= wanted;
    }

    static boolean transientFailure(KubernetesClientException e) {
        return e.getCode() <= 0 || TRANSIENT.contains(e.getCode());
    }

    /**
     * The API handle of an object. Kinds the client has no model for (custom resources) are addressed
     * explicitly by group, version and plural, so they need no API discovery.
     */
    @SuppressWarnings("unchecked")
    private Resource<? extends HasMetadata> resource(HasMetadata object, String namespace) {
        boolean namespaced = KubernetesApply.namespaced(object);
        if (object instanceof GenericKubernetesResource generic) {
            String apiVersion = generic.getApiVersion();
            int slash = apiVersion.indexOf('/');
            ResourceDefinitionContext definition = new ResourceDefinitionContext.Builder()
                    .withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
                    .withVersion(slash < 0 ? apiVersion : apiVersion.substring(slash + 1))
                    .withKind(generic.getKind())
                    .withPlural(Pluralize.toPlural(generic.getKind().toLowerCase(Locale.ROOT)))
                    .withNamespaced(namespaced)
                    .build();
            var operation = client.genericKubernetesResources(definition);
            return namespaced ? operation.inNamespace(namespace).resource(generic) : operation.resource(generic);
        }
        return namespaced ? client.resource(object).inNamespace(namespace) : client.resource(object);
    }

    /** Runs an API call, turning its errors into step failures that name the API server and the cause. */
    private <T> T call(Callable<T> call, String what) {
        try {
            return call.call();
        } catch (KubernetesClientException e) {
            throw failure(what, e);
        } catch (StepFailure e) {
            throw e;
        } catch (Exception e) {
            throw StepFailure.unavailable(describe() + ": cannot " + what + ": " + cause(e), null);
        }
    }

    /**
     * A refusal the API server will repeat (400 invalid, 401/403 not allowed, 404 no such kind, 422
     * rejected) is a configuration error; a conflict, a timeout, throttling, a 5xx or no answer at all
     * may pass next time.
     */
    private StepFailure failure(String what, KubernetesClientException e) {
        int code = e.getCode();
        String message = describe() + ": cannot " + what + ": " + (code > 0 ? "HTTP " + code + ": " : "") + cause(e);
        boolean repeated = code >= 400 && code < 500 && code != 409 && !transientFailure(e);
        return repeated ? StepFailure.configuration(message) : StepFailure.unavailable(message, null);
    }

    /** The innermost cause's message: "Connection refused", not the client's wrapping of it. */
    static String cause(Throwable e) {
        if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "the connection failed without details" : root.getMessage();
        if (root instanceof java.net.ConnectException || root instanceof java.net.UnknownHostException
                || root instanceof java.net.SocketTimeoutException || root instanceof java.io.InterruptedIOException) {
            return (root instanceof java.net.UnknownHostException ? "unknown host " : "") + message;
        }
        return message;
    }
}
