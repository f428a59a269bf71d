package io.innominatus.steps;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.innominatus.model.EffectivePolicies;
import io.innominatus.parse.Durations;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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
    private static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
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
        return Uni.createFrom().item(() -> {
            Target target = target(context);
            kube.ensureNamespace(context, target.namespace());
            List<String> applied = new ArrayList<>();
            int done = 0;
            for (HasMetadata object : target.objects()) {
                context.cancellation().check();
                if (object instanceof Secret secret) {
                    registerSecrets(context, secret);
                }
                kube.apply(context, target.namespace(), object);
                applied.add(Manifests.describe(object));
                context.progress(100 * ++done / Math.max(1, target.objects().size()), "applied " + Manifests.describe(object));
            }
            if (target.awaitRollout()) {
                waitForRollout(context, target);
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

    private Target target(StepContext context) {
        String namespace = context.namespace().or(() -> context.string("namespace"))
                .orElse(context.plan().application());
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new StepFailure("namespace '" + namespace + "' is not a valid Kubernetes namespace name");
        }
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
                new StepFailure("config.waitTimeout '" + t + "' is not a duration"))).orElse(DEFAULT_WAIT);
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

    private static void registerSecrets(StepContext context, Secret secret) {
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

    /** Waits until every Deployment and StatefulSet has all its replicas ready (or the wait times out). */
    private void waitForRollout(StepContext context, Target target) {
        Instant deadline = Instant.now().plus(context.timeout().filter(t -> t.compareTo(target.waitTimeout()) < 0)
                .orElse(target.waitTimeout()));
        List<HasMetadata> workloads = target.objects().stream()
                .filter(o -> o.getKind().equals("Deployment") || o.getKind().equals("StatefulSet")).toList();
        for (HasMetadata workload : workloads) {
            context.log("waiting for " + Manifests.describe(workload) + " to become ready");
            while (!ready(target.namespace(), workload)) {
                context.cancellation().check();
                if (Instant.now().isAfter(deadline)) {
                    throw new StepFailure(Manifests.describe(workload) + " did not become ready within "
                            + Durations.format(target.waitTimeout()));
                }
                KubernetesApply.sleep(context, Duration.ofMillis(500));
            }
            context.log(Manifests.describe(workload) + " is ready");
        }
    }

    private boolean ready(String namespace, HasMetadata workload) {
        return KubernetesApply.call(() -> {
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

}
