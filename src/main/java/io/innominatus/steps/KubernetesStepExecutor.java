package io.innominatus.steps;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.parse.Durations;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code kubernetes}: server-side applies manifests ({@code config.manifests}: a directory relative to
 * the workflow file, or inline YAML) into the step's {@code namespace} (created if missing), optionally
 * waits for Deployments and StatefulSets to become ready ({@code config.wait}), and outputs what it
 * applied. With {@code secretsAccess.kubernetes: namespace-scoped} (the default) it refuses
 * cluster-scoped objects other than the namespace and objects aimed at another namespace.
 */
@ApplicationScoped
public class KubernetesStepExecutor implements StepExecutor {

    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private final KubernetesClient client;
    private final KubernetesApply kube;
    private final WorkloadSource workloads;

    public KubernetesStepExecutor(KubernetesClient client, WorkloadSource workloads) {
        this.client = client;
        this.kube = new KubernetesApply(client);
        this.workloads = workloads;
    }

    @Override
    public String type() {
        return "kubernetes";
    }

    /** What a step applies, where, and whether to wait. */
    record Target(String namespace, List<HasMetadata> objects, boolean awaitRollout, Duration waitTimeout) {}

    @Override
    public Uni<StepResult> execute(StepContext context) {
        if (deleting(context)) {
            return Uni.createFrom().item(() -> delete(context, false));
        }
        return Uni.createFrom().item(() -> {
            Target target = target(context);
            kube.ensureNamespace(context, target.namespace());
            List<String> applied = new ArrayList<>();
            int done = 0;
            for (HasMetadata object : target.objects()) {
                context.cancellation().check();
                if (object instanceof Secret secret) {
                    KubernetesApply.registerSecrets(context, secret);
                }
                kube.apply(context, target.namespace(), object);
                applied.add(Manifests.describe(object));
                context.progress(100 * ++done / Math.max(1, target.objects().size()), "applied " + Manifests.describe(object));
            }
            if (target.awaitRollout()) {
                kube.awaitReady(context, target.namespace(), target.objects(), target.waitTimeout());
            }
            Map<String, String> outputs = new LinkedHashMap<>();
            outputs.put("namespace", target.namespace());
            outputs.put("applied", String.join(",", applied));
            outputs.put("count", Integer.toString(applied.size()));
            return StepResult.of(outputs);
        });
    }

    @Override
    public Uni<StepResult> dryRun(StepContext context) {
        if (deleting(context)) {
            return Uni.createFrom().item(() -> delete(context, true));
        }
        return Uni.createFrom().item(() -> {
            Target target = target(context);
            boolean namespaceExists = KubernetesApply.call(() -> client.namespaces().withName(target.namespace()).get() != null, "read namespace");
            context.log("dry run: namespace " + target.namespace() + (namespaceExists ? " exists" : " would be created"));
            for (HasMetadata object : target.objects()) {
                boolean exists = namespaceExists && KubernetesApply.call(() -> kube.resource(object, target.namespace()).get()
                        != null, "read " + Manifests.describe(object));
                context.log("dry run: would " + (exists ? "update " : "create ") + Manifests.describe(object)
                        + (KubernetesApply.namespaced(object) ? " in " + target.namespace() : ""));
            }
            return StepResult.of(Map.of("namespace", target.namespace(), "count", Integer.toString(target.objects().size())));
        });
    }

    private static boolean deleting(StepContext context) {
        String operation = context.string("operation").orElse("apply");
        if (!operation.equals("apply") && !operation.equals("delete")) {
            throw new StepFailure("config.operation '" + operation + "' is not apply or delete");
        }
        return operation.equals("delete");
    }

    private static String namespace(StepContext context) {
        String namespace = context.namespace().or(() -> context.string("namespace"))
                .orElse(context.plan().application());
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new StepFailure("namespace '" + namespace + "' is not a valid Kubernetes namespace name");
        }
        return namespace;
    }

    /**
     * {@code operation: delete}: deletes the objects of {@code config.manifests}, with {@code config.workload}
     * the objects rendered from the application's Score workload (found by their labels), and with
     * {@code config.deleteNamespace: true} finally the namespace, if innominatus created it for this application.
     */
    private StepResult delete(StepContext context, boolean dryRun) {
        String namespace = namespace(context);
        List<String> references = new ArrayList<>();
        for (HasMetadata object : Manifests.load(context, client, "manifests")) {
            references.add(KubernetesApply.reference(object, namespace));
        }
        if (context.string("workload").isPresent()) {
            String selector = "innominatus.io/application=" + context.plan().application() + ","
                    + ScoreWorkloadRenderer.PART_LABEL + "=" + ScoreWorkloadRenderer.WORKLOAD_PART;
            KubernetesApply.call(() -> {
                var labels = Map.of("innominatus.io/application", context.plan().application(),
                        ScoreWorkloadRenderer.PART_LABEL, ScoreWorkloadRenderer.WORKLOAD_PART);
                client.apps().deployments().inNamespace(namespace).withLabels(labels).list().getItems()
                        .forEach(o -> references.add(KubernetesApply.reference(o, namespace)));
                client.services().inNamespace(namespace).withLabels(labels).list().getItems()
                        .forEach(o -> references.add(KubernetesApply.reference(o, namespace)));
                client.configMaps().inNamespace(namespace).withLabels(labels).list().getItems()
                        .forEach(o -> references.add(KubernetesApply.reference(o, namespace)));
                client.secrets().inNamespace(namespace).withLabels(labels).list().getItems()
                        .forEach(o -> references.add(KubernetesApply.reference(o, namespace)));
                return null;
            }, "list the workload objects (" + selector + ") in " + namespace);
        }
        boolean deleteNamespace = context.flag("deleteNamespace", false);
        if (references.isEmpty() && !deleteNamespace) {
            context.log("nothing to delete in namespace " + namespace);
        }
        for (String reference : references) {
            context.cancellation().check();
            if (dryRun) {
                context.log("dry run: would delete " + reference.replace('|', ' '));
            } else {
                kube.delete(context, reference);
            }
        }
        boolean namespaceDeleted = deleteNamespace && deleteOwnNamespace(context, namespace, dryRun);
        return StepResult.of(Map.of("namespace", namespace, "deleted", Integer.toString(references.size()),
                "namespaceDeleted", Boolean.toString(namespaceDeleted)));
    }

    /** Deletes the namespace when innominatus created it for this application; leaves any other namespace alone. */
    private boolean deleteOwnNamespace(StepContext context, String namespace, boolean dryRun) {
        var existing = KubernetesApply.call(() -> client.namespaces().withName(namespace).get(), "read namespace " + namespace);
        if (existing == null) {
            context.log("namespace " + namespace + " is already gone");
            return false;
        }
        var labels = existing.getMetadata().getLabels() == null ? Map.<String, String>of()
                : existing.getMetadata().getLabels();
        if (!"innominatus".equals(labels.get("app.kubernetes.io/managed-by"))
                || !context.plan().application().equals(labels.get("innominatus.io/application"))) {
            context.log("namespace " + namespace + " was not created by innominatus for " + context.plan().application()
                    + "; leaving it");
            return false;
        }
        if (dryRun) {
            context.log("dry run: would delete namespace " + namespace);
            return true;
        }
        kube.delete(context, "v1|Namespace||" + namespace);
        return true;
    }

    private Target target(StepContext context) {
        String namespace = namespace(context);
        List<HasMetadata> objects = new ArrayList<>(Manifests.load(context, client, "manifests"));
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
