package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.store.DeliveryInventory;
import io.innominatus.support.Durations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code kubernetes}: applies manifests ({@code config.manifests}: a directory relative to the workflow
 * file, or inline YAML) into the step's {@code namespace} (default: the environment's namespace of the
 * application; created if missing) on the environment's delivery target, optionally waits for Deployments
 * and StatefulSets to become ready ({@code config.wait}; clusters only), and outputs what it applied. With
 * {@code secretsAccess.kubernetes: namespace-scoped} (the default) it refuses cluster-scoped objects other
 * than the namespace and objects aimed at another namespace. {@code operation: delete} removes objects:
 * those of {@code config.manifests}, with {@code config.inventory: true} everything the application's
 * deployments recorded in this environment, and with {@code config.deleteNamespace: true} the namespaces
 * innominatus created for it there.
 */
@ApplicationScoped
public class KubernetesStepExecutor implements StepExecutor {

    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private final Deliveries deliveries;
    private final WorkloadSource workloads;
    private final DeliveryInventory inventory;

    @Inject
    public KubernetesStepExecutor(Deliveries deliveries, WorkloadSource workloads, DeliveryInventory inventory) {
        this.deliveries = deliveries;
        this.workloads = workloads;
        this.inventory = inventory;
    }

    /** A step against one cluster, without an inventory. */
    public KubernetesStepExecutor(KubernetesClient client, WorkloadSource workloads) {
        this(Deliveries.of(client), workloads, null);
    }

    @Override
    public String type() {
        return "kubernetes";
    }

    /** What a step applies, where, and whether to wait. */
    record Target(String namespace, List<HasMetadata> objects, boolean awaitRollout, Duration waitTimeout) {}

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        return run(context, mode.dryRun());
    }

    /** Both paths: a dry run's delivery reads and reports, a real one changes the target. */
    private StepResult run(StepContext context, boolean dryRun) {
        Delivery delivery = deliveries.open(context, dryRun);
        Map<String, String> outputs = deleting(context) ? delete(context, delivery) : apply(context, delivery);
        delivery.complete().ifPresent(commit -> outputs.put("commit", commit));
        return StepResult.of(outputs);
    }

    private Map<String, String> apply(StepContext context, Delivery delivery) {
        Target target = target(context);
        delivery.ensureNamespace(context, target.namespace());
        List<String> applied = new ArrayList<>();
        int done = 0;
        for (HasMetadata object : target.objects()) {
            context.cancellation().check();
            if (object instanceof Secret secret) {
                KubernetesApply.registerSecrets(context, secret);
            }
            delivery.apply(context, target.namespace(), object);
            applied.add(Manifests.describe(object));
            context.progress(100 * ++done / Math.max(1, target.objects().size()), "applied " + Manifests.describe(object));
        }
        if (target.awaitRollout()) {
            delivery.awaitReady(context, target.namespace(), target.objects(), target.waitTimeout());
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("namespace", target.namespace());
        outputs.put("applied", String.join(",", applied));
        outputs.put("count", Integer.toString(applied.size()));
        outputs.put("target", delivery.describe());
        return outputs;
    }

    private static boolean deleting(StepContext context) {
        String operation = context.string("operation").orElse("apply");
        if (!operation.equals("apply") && !operation.equals("delete")) {
            throw new StepFailure("config.operation '" + operation + "' is not apply or delete");
        }
        return operation.equals("delete");
    }

    /** The step's namespace: its own, or the environment's namespace of the application. */
    public static String namespace(StepContext context) {
        String namespace = context.namespace().or(() -> context.string("namespace")).orElse(context.plan().namespace());
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new StepFailure("namespace '" + namespace + "' is not a valid Kubernetes namespace name");
        }
        return namespace;
    }

    private Map<String, String> delete(StepContext context, Delivery delivery) {
        String namespace = namespace(context);
        List<String> references = new ArrayList<>();
        for (HasMetadata object : Manifests.load(context, "manifests")) {
            references.add(delivery.reference(object, namespace));
        }
        if (context.string("workload").isPresent()) {
            references.addAll(workloadObjects(context, delivery, namespace));
        }
        List<String> namespaces = new ArrayList<>();
        if (context.flag("inventory", false)) {
            List<DeliveryInventory.Entry> recorded = recorded(context);
            // Last created, first removed; a resource's objects go with the resource, namespaces at the end.
            for (int i = recorded.size() - 1; i >= 0; i--) {
                DeliveryInventory.Entry entry = recorded.get(i);
                if (!entry.resourceKey().isEmpty() || isNamespace(entry.reference())) {
                    continue;
                }
                references.add(entry.reference());
            }
        }
        boolean deleteNamespace = context.flag("deleteNamespace", false);
        if (deleteNamespace) {
            namespaces.add(namespace);
            for (DeliveryInventory.Entry entry : recorded(context)) {
                String name = KubernetesApply.ObjectReference.parse(entry.reference()).name();
                if (entry.resourceKey().isEmpty() && isNamespace(entry.reference()) && !namespaces.contains(name)) {
                    namespaces.add(name);
                }
            }
        }
        if (references.isEmpty() && namespaces.isEmpty()) {
            context.log("nothing recorded to delete for " + context.plan().application() + " in "
                    + context.plan().environment());
        }
        int deleted = 0;
        for (String reference : references.stream().distinct().toList()) {
            context.cancellation().check();
            if (delivery.delete(context, reference)) {
                deleted++;
            }
        }
        int namespacesDeleted = 0;
        for (String name : namespaces) {
            List<String> others = inventory == null ? List.of()
                    : inventory.otherUsers(context.plan().application(), context.plan().environment(), name);
            if (!others.isEmpty()) {
                context.log("namespace " + name + " stays: " + String.join(", ", others) + " still have objects in it");
                continue;
            }
            if (deleteOwnNamespace(context, delivery, name)) {
                namespacesDeleted++;
            }
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("namespace", namespace);
        outputs.put("deleted", Integer.toString(deleted));
        outputs.put("namespaceDeleted", Boolean.toString(namespacesDeleted > 0));
        outputs.put("target", delivery.describe());
        return outputs;
    }

    /**
     * The objects rendered from the application's Score workload, found by their labels: what deployments made
     * before the inventory existed are removed too. Objects labelled for another environment stay.
     */
    private static List<String> workloadObjects(StepContext context, Delivery delivery, String namespace) {
        List<String> references = new ArrayList<>();
        for (Class<? extends HasMetadata> type : List.of(io.fabric8.kubernetes.api.model.apps.Deployment.class,
                io.fabric8.kubernetes.api.model.Service.class, io.fabric8.kubernetes.api.model.ConfigMap.class,
                Secret.class)) {
            for (HasMetadata object : delivery.list(type, namespace)) {
                Map<String, String> labels = object.getMetadata().getLabels() == null ? Map.of()
                        : object.getMetadata().getLabels();
                if (ScoreWorkloadRenderer.WORKLOAD_PART.equals(labels.get(ScoreWorkloadRenderer.PART_LABEL))
                        && KubernetesApply.ownedBy(object, context)) {
                    references.add(delivery.reference(object, namespace));
                }
            }
        }
        return references;
    }

    private List<DeliveryInventory.Entry> recorded(StepContext context) {
        // A step run on its own, outside the service, has no inventory: only its own namespace is removed.
        return inventory == null ? List.of() : inventory.list(context.plan().application(), context.plan().environment());
    }

    private static boolean isNamespace(String reference) {
        KubernetesApply.ObjectReference ref = KubernetesApply.ObjectReference.parse(reference);
        return ref.kind().equals("Namespace") && ref.namespace().isEmpty();
    }

    /**
     * Deletes a namespace when innominatus created it in this environment for this application, or for one
     * that no longer has objects there; leaves any other namespace alone.
     */
    private static boolean deleteOwnNamespace(StepContext context, Delivery delivery, String namespace) {
        var existing = delivery.find(Namespace.class, namespace, namespace);
        if (existing.isEmpty()) {
            context.log("namespace " + namespace + " is already gone");
            return false;
        }
        // Created for this application here, or for another one of this environment that has left it (the
        // caller checked that no other application still has objects in it).
        if (!KubernetesApply.ownedBy(existing.get(), context) && !KubernetesApply.managedIn(existing.get(), context)) {
            context.log("namespace " + namespace + " was not created by innominatus for " + context.plan().application()
                    + " in " + context.plan().environment() + "; leaving it");
            return false;
        }
        return delivery.delete(context, delivery.reference(existing.get(), namespace));
    }

    private Target target(StepContext context) {
        String namespace = namespace(context);
        List<HasMetadata> objects = new ArrayList<>(Manifests.load(context, "manifests"));
        boolean generatedWorkload = context.string("workload").isPresent();
        if (generatedWorkload) {
            objects.addAll(workloads.render(context, namespace));
        }
        if (objects.isEmpty()) {
            throw new StepFailure("nothing to apply: set config.manifests (a directory or inline YAML)");
        }
        checkScope(context, namespace, objects);
        boolean wait = context.flag("wait", generatedWorkload);
        Duration waitTimeout = context.string("waitTimeout").map(t -> Durations.parse(t).orElseThrow(() ->
                new StepFailure("config.waitTimeout '" + t + "' is not a duration"))).orElse(KubernetesApply.DEFAULT_WAIT);
        return new Target(namespace, objects, wait, waitTimeout);
    }

    private static void checkScope(StepContext context, String namespace, List<HasMetadata> objects) {
        if (!EffectivePolicies.KUBERNETES_NAMESPACE_SCOPED.equals(context.limits().kubernetesAccess())) {
            return;
        }
        List<String> refused = new ArrayList<>();
        for (HasMetadata object : objects) {
            String own = object.getMetadata().getNamespace();
            if (Manifests.clusterScoped(object) && !(object.getKind().equals("Namespace")
                    && namespace.equals(object.getMetadata().getName()))) {
                refused.add(Manifests.describe(object) + " (cluster-scoped)");
            } else if (own != null && !own.isEmpty() && !own.equals(namespace)) {
                refused.add(Manifests.describe(object) + " (namespace " + own + ")");
            }
        }
        if (!refused.isEmpty()) {
            throw new StepFailure("secretsAccess.kubernetes is namespace-scoped: this step may only apply objects in "
                    + "namespace " + namespace + "; refused " + String.join(", ", refused));
        }
    }
}
