package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.innominatus.model.DeliveryTarget;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * Delivery to a Git repository for a GitOps controller (Flux, Argo CD, Kratix…) to apply: one YAML file per
 * object under the target's path — {@code <path>/<namespace>/<kind>-<name>.yaml}, cluster-scoped objects at
 * {@code <path>/<kind>-<name>.yaml} — staged while the step runs and committed in one commit when it
 * completes. A step that fails commits nothing; a dry run logs the diff and commits nothing. Readiness is
 * the controller's business: nothing waits for it here.
 */
final class GitOpsDelivery implements Delivery {

    private final GitRepository repository;
    private final DeliveryTarget.GitOps target;
    private final CredentialsProvider credentials;
    private final DeliveryRecorder recorder;
    private final StepContext context;
    private final boolean dryRun;
    /** The step's changes by file: the new content, or empty for a deletion. */
    private final Map<String, Optional<String>> staged;
    /** Inventory records to drop once the deletions are committed, not before. */
    private final List<String> forgotten = new ArrayList<>();
    private static final java.util.regex.Pattern OBJECT_NAME = java.util.regex.Pattern.compile(
            "[A-Za-z0-9]([-A-Za-z0-9.]{0,251}[A-Za-z0-9])?");
    /** Whether this step has read the branch's newest state yet. */
    private boolean refreshed;

    GitOpsDelivery(GitRepository repository, DeliveryTarget.GitOps target, CredentialsProvider credentials,
            DeliveryRecorder recorder, StepContext context, boolean dryRun) {
        this.dryRun = dryRun;
        this.repository = repository;
        this.target = target;
        this.credentials = credentials;
        this.recorder = recorder;
        this.context = context;
        this.staged = new LinkedHashMap<>();
    }

    @Override
    public String describe() {
        return target.description();
    }

    @Override
    public boolean committed() {
        return true;
    }

    @Override
    public void ensureNamespace(StepContext context, String namespace) {
        Namespace object = new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build();
        if (!exists(object, namespace)) {
            apply(context, namespace, object);
        }
    }

    @Override
    public HasMetadata apply(StepContext context, String namespace, HasMetadata object) {
        KubernetesApply.label(context, namespace, object);
        String reference = reference(object, namespace);
        recorder.record(reference);
        staged.put(file(reference), Optional.of(yaml(object)));
        context.log((dryRun ? "dry run: would write " : "wrote ") + Manifests.describe(object)
                + (KubernetesApply.namespaced(object) ? " in " + namespace : "") + " to " + file(reference));
        return object;
    }

    @Override
    public String reference(HasMetadata object, String namespace) {
        String reference = KubernetesApply.reference(object, namespace);
        return reference + "|" + file(reference);
    }

    @Override
    public <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
        HasMetadata probe = probe(type, namespace, name);
        return read(file(KubernetesApply.reference(probe, namespace))).map(o -> Manifests.SERIALIZATION.convertValue(o, type));
    }

    @Override
    public boolean exists(HasMetadata object, String namespace) {
        return read(file(KubernetesApply.reference(object, namespace))).isPresent();
    }

    @Override
    public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
        String kind = HasMetadata.getKind(type);
        List<String> files = new ArrayList<>(repository.files(target.path(), credentials, refresh()));
        staged.keySet().stream().filter(f -> f.startsWith(target.path() + "/") && !files.contains(f)).forEach(files::add);
        List<T> objects = new ArrayList<>();
        for (String file : files) {
            read(file).filter(o -> kind.equals(o.getKind()) && (Manifests.CLUSTER_SCOPED.contains(kind)
                    || namespace.equals(o.getMetadata().getNamespace())))
                    .ifPresent(o -> objects.add(Manifests.SERIALIZATION.convertValue(o, type)));
        }
        return objects;
    }

    @Override
    public <T extends HasMetadata> boolean update(StepContext context, Class<T> type, String namespace, String name,
            UnaryOperator<T> change) {
        Optional<T> existing = find(type, namespace, name);
        if (existing.isEmpty()) {
            return false;
        }
        T changed = change.apply(existing.get());
        staged.put(file(KubernetesApply.reference(changed, namespace)), Optional.of(yaml(changed)));
        return true;
    }

    @Override
    public <T extends HasMetadata> T createIfAbsent(StepContext context, Class<T> type, String namespace, T object) {
        Optional<T> existing = find(type, namespace, object.getMetadata().getName());
        if (existing.isPresent()) {
            return existing.get();
        }
        apply(context, namespace, object);
        return object;
    }

    @Override
    public boolean delete(StepContext context, String reference) {
        KubernetesApply.ObjectReference ref = KubernetesApply.ObjectReference.parse(reference);
        String file = ref.file().isEmpty() ? file(reference) : ref.file();
        boolean present = read(file).isPresent();
        staged.put(file, Optional.empty());
        forgotten.add(reference);
        context.log(present ? (dryRun ? "dry run: would delete " : "deleted ") + ref.describe() + " (" + file + ")"
                : ref.describe() + " was already gone from the repository");
        return present;
    }

    @Override
    public void awaitReady(StepContext context, String namespace, List<HasMetadata> objects, Duration wait) {
        if (objects.stream().anyMatch(o -> o.getKind().equals("Deployment") || o.getKind().equals("StatefulSet"))) {
            context.log("not waiting for readiness: " + describe() + " is applied by a GitOps controller after the commit");
        }
    }

    @Override
    public Optional<String> complete() {
        if (staged.isEmpty()) {
            return Optional.empty();
        }
        if (dryRun) {
            forgotten.clear();
            List<String> diff = repository.diff(staged, credentials);
            if (diff.isEmpty()) {
                context.log("dry run: " + describe() + " already holds these files; nothing would be committed");
            } else {
                context.log("dry run: would commit to " + describe() + ":");
                diff.forEach(line -> context.log("stdout", line));
            }
            staged.clear();
            return Optional.empty();
        }
        Optional<String> commit = repository.commit(staged, message(), credentials);
        staged.clear();
        forgotten.forEach(recorder::forget);
        forgotten.clear();
        context.log(commit.map(c -> "committed " + c.substring(0, 12) + " to " + describe())
                .orElse(describe() + " already held these files; nothing to commit"));
        return commit;
    }

    private String message() {
        var plan = context.plan();
        return plan.application() + " in " + plan.environment() + ": " + context.workflowId() + " / " + context.step()
                + "\n\nExecution: " + context.executionId()
                + "\nWorkflow: " + context.workflowId()
                + "\nStep: " + context.step()
                + "\nApplication: " + plan.application()
                + "\nEnvironment: " + plan.environment() + "\n";
    }

    /** An object's file: {@code <path>/<namespace>/<kind>-<name>.yaml}, or {@code <path>/<kind>-<name>.yaml} when cluster-scoped. */
    private String file(String reference) {
        KubernetesApply.ObjectReference ref = KubernetesApply.ObjectReference.parse(reference);
        // Names become file names: only what Kubernetes allows, so none can climb out of the target's path.
        for (String part : List.of(ref.kind(), ref.name(), ref.namespace())) {
            if (!part.isEmpty() && !OBJECT_NAME.matcher(part).matches()) {
                throw StepFailure.configuration("cannot write " + ref.describe() + " to " + describe() + ": '" + part
                        + "' is not a Kubernetes object name (a-z, 0-9, '-', '.')");
            }
        }
        String name = ref.kind().toLowerCase(Locale.ROOT) + "-" + ref.name() + ".yaml";
        return target.path() + "/" + (ref.namespace().isEmpty() ? "" : ref.namespace() + "/") + name;
    }

    private Optional<HasMetadata> read(String file) {
        Optional<String> content = staged.containsKey(file) ? staged.get(file)
                : repository.read(List.of(file), credentials, refresh()).get(file);
        return content.map(text -> {
            try {
                return Manifests.SERIALIZATION.unmarshal(text, HasMetadata.class);
            } catch (RuntimeException e) {
                throw new StepFailure(file + " in " + describe() + " is not the YAML of a Kubernetes object");
            }
        });
    }

    private boolean refresh() {
        boolean refresh = !refreshed;
        refreshed = true;
        return refresh;
    }

    /** The object as committed: what a controller applies, without what only a cluster fills in. */
    private static String yaml(HasMetadata object) {
        var metadata = object.getMetadata();
        metadata.setResourceVersion(null);
        metadata.setUid(null);
        metadata.setCreationTimestamp(null);
        metadata.setManagedFields(null);
        metadata.setGeneration(null);
        return Manifests.SERIALIZATION.asYaml(object);
    }

    private static HasMetadata probe(Class<? extends HasMetadata> type, String namespace, String name) {
        GenericKubernetesResource probe = new GenericKubernetesResource();
        probe.setApiVersion(HasMetadata.getApiVersion(type));
        probe.setKind(HasMetadata.getKind(type));
        probe.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .build());
        return probe;
    }
}
