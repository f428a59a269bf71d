package io.innominatus.steps.provisioning;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.innominatus.model.ProvisionedResource;
import io.innominatus.model.Provisioner;
import io.innominatus.model.ScoreWorkload.ResourceRequest;
import io.innominatus.model.StepTypes;
import io.innominatus.steps.StepExecutorRegistry;
import io.innominatus.steps.kubernetes.Deliveries;
import io.innominatus.steps.kubernetes.Delivery;
import io.innominatus.steps.kubernetes.KubernetesApply;
import io.innominatus.steps.kubernetes.KubernetesStepExecutor;
import io.innominatus.steps.kubernetes.SecretReference;
import io.innominatus.steps.provisioning.ProvisioningTarget.Provisioned;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code resource-provisioning}: provisions one Score resource ({@code config.resource}) with the
 * provisioner chosen at plan time, records it in the resource store, and outputs what the application
 * uses ({@code ${resources.<name>.<output>}}). Secret outputs are kept in a Kubernetes Secret and output
 * as {@code secretRef:<secret>/<key>}. A resource with an {@code id} is shared by {@code type+class+id}:
 * it lives in namespace {@code shared-<environment>}, is provisioned once, and its Secrets are copied
 * into each consuming application's namespace. With {@code config.operation: delete} it removes the
 * application's use of the resource, and the resource itself when no other application uses it.
 */
@ApplicationScoped
public class ResourceProvisioningStepExecutor implements StepExecutor {

    public static final String TYPE = StepTypes.RESOURCE_PROVISIONING;
    private final Deliveries deliveries;
    private final ResourceStore store;
    private final BuiltInProvisioners builtIns;
    private final DefinedProvisioners defined;

    @jakarta.inject.Inject
    public ResourceProvisioningStepExecutor(Deliveries deliveries, ResourceStore store, StepExecutorRegistry executors) {
        this.deliveries = deliveries;
        this.store = store;
        this.builtIns = new BuiltInProvisioners();
        this.defined = new DefinedProvisioners(executors);
    }

    /** Provisioning on one cluster, without an inventory. */
    public ResourceProvisioningStepExecutor(KubernetesClient client, ResourceStore store, StepExecutorRegistry executors) {
        this(Deliveries.of(client), store, executors);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public StepResult run(StepContext context, StepMode mode) {
        boolean dryRun = mode.dryRun();
        String resource = context.requiredString("resource");
        String operation = context.string("operation").orElse("provision");
        return switch (operation) {
            case "provision" -> provision(context, resource);
            case "delete" -> remove(context, resource);
            default -> throw new StepFailure("config.operation '" + operation + "' is not provision or delete");
        };
    }

    private StepResult provision(StepContext context, String name) {
        ResourceRequest resource = Optional.ofNullable(context.plan().resources().get(name)).orElseThrow(() ->
                new StepFailure("resource '" + name + "' is not in the Score file"));
        Provisioner provisioner = Optional.ofNullable(context.plan().provisioners().get(name)).orElseThrow(() ->
                new StepFailure("the plan chose no provisioner for resource '" + name + "'"));
        String application = context.plan().application();
        String environment = context.plan().environment();
        String key = ProvisionedResource.key(environment, application, resource);
        String appNamespace = applicationNamespace(context);
        String namespace = resource.id() == null ? appNamespace : sharedNamespace(environment);
        Delivery delivery = deliveries.open(context, context.dryRun(), key);
        if (resource.id() != null) {
            Optional<ProvisionedResource> existing = store.find(key);
            if (existing.isPresent()) {
                context.log("shared resource " + key + " exists (provisioned by execution "
                        + existing.get().provisionedBy() + "); using it");
                if (!context.dryRun()) {
                    shareSecrets(context, delivery, existing.get().outputs(), existing.get().namespace(), appNamespace);
                    delivery.complete();
                    store.save(existing.get(), application, name);
                    return StepResult.of(existing.get().outputs());
                }
                return completed(delivery, existing.get().outputs());
            }
        }
        context.log((context.dryRun() ? "dry run: would provision " : "provisioning ") + name + " (" + resource.type()
                + ") with the " + provisioner.kind() + " provisioner defined in " + provisioner.source());
        ProvisioningTarget target = new ProvisioningTarget(context, resource, provisioner, key, namespace, objectName(key),
                context.dryRun(), Map.of(), delivery);
        Provisioned provisioned = switch (provisioner.kind()) {
            case "built-in" -> builtIns.provision(target);
            case "template" -> defined.template(target);
            case "command" -> defined.command(target, "provision");
            default -> defined.workflow(target, false);
        };
        Map<String, String> outputs = new LinkedHashMap<>(provisioned.outputs());
        List<String> objects = new ArrayList<>(provisioned.objects());
        if (!provisioned.secretOutputs().isEmpty()) {
            keepSecretOutputs(target, outputs, provisioned, objects);
        }
        if (!context.dryRun()) {
            if (resource.id() != null) {
                shareSecrets(context, delivery, outputs, namespace, appNamespace);
            }
            // Committed before it is recorded: a repository that refused the commit leaves no record of a
            // resource that does not exist, and a retry provisions it again.
            delivery.complete();
            store.save(new ProvisionedResource(key, environment, resource.type(), namespace, outputs, objects, provisioner,
                    context.executionId()), application, name);
            return StepResult.of(outputs);
        }
        return completed(delivery, outputs);
    }

    /** Commits what the step changed (for a repository) before the outputs are handed on. */
    private static StepResult completed(Delivery delivery, Map<String, String> outputs) {
        delivery.complete();
        return StepResult.of(outputs);
    }

    /**
     * Moves secret outputs into Secret {@code <resource>-outputs} and outputs references to it instead, so
     * that no secret value is stored with the resource or shown in outputs.
     */
    private void keepSecretOutputs(ProvisioningTarget target, Map<String, String> outputs, Provisioned provisioned,
            List<String> objects) {
        String secretName = ProvisioningTarget.objectName(target.objectName(), "outputs");
        Map<String, String> data = new LinkedHashMap<>();
        for (String output : provisioned.secretOutputs()) {
            String value = outputs.get(output);
            if (value == null) {
                continue;
            }
            target.context().secret(value);
            String dataKey = output.replaceAll("[^-._a-zA-Z0-9]", "_");
            data.put(dataKey, value);
            outputs.put(output, new SecretReference(secretName, dataKey).toString());
        }
        if (data.isEmpty() || target.dryRun()) {
            return;
        }
        target.delivery().ensureNamespace(target.context(), target.namespace());
        Secret secret = new SecretBuilder().withNewMetadata().withName(secretName)
                .withAnnotations(Map.of("innominatus.io/resource", target.key())).endMetadata()
                .withType("Opaque").withStringData(data).build();
        target.delivery().apply(target.context(), target.namespace(), secret);
        objects.add(target.delivery().reference(secret, target.namespace()));
    }

    private StepResult remove(StepContext context, String name) {
        String application = context.plan().application();
        String environment = context.plan().environment();
        Optional<ResourceStore.Use> use = store.usedBy(application, environment).stream()
                .filter(u -> u.resourceName().equals(name)).findFirst();
        if (use.isEmpty()) {
            context.log("no resource '" + name + "' is recorded for " + application + " in " + environment
                    + "; nothing to remove");
            return StepResult.of(Map.of("removed", "false"));
        }
        ProvisionedResource resource = use.get().resource();
        String appNamespace = applicationNamespace(context);
        int others = store.consumers(resource.key()) - 1;
        Delivery delivery = deliveries.open(context, context.dryRun(), resource.key());
        if (resource.shared() && others > 0) {
            context.log((context.dryRun() ? "dry run: would stop using " : "stopping use of ") + "shared resource "
                    + resource.key() + "; " + others + " other application(s) still use it, so it stays");
            if (!context.dryRun()) {
                unshareSecrets(context, delivery, resource, appNamespace);
                store.release(resource.key(), application, environment);
            }
            return completed(delivery, Map.of("removed", "false"));
        }
        if (context.dryRun()) {
            context.log("dry run: would remove " + resource.key() + " (" + resource.objects().size() + " object(s))");
            return StepResult.of(Map.of("removed", "true"));
        }
        ProvisioningTarget target = new ProvisioningTarget(context, request(resource, name), resource.provisioner(),
                resource.key(), resource.namespace(), objectName(resource.key()), false, resource.outputs(), delivery);
        switch (resource.provisioner().kind()) {
            case "command" -> defined.command(target, "delete");
            case "workflow" -> defined.workflow(target, true);
            default -> { }
        }
        List<String> objects = new ArrayList<>(resource.objects());
        Collections.reverse(objects);
        objects.forEach(o -> delivery.delete(context, o));
        if (resource.shared()) {
            unshareSecrets(context, delivery, resource, appNamespace);
        }
        delivery.complete();
        store.delete(resource.key());
        context.log("removed " + resource.key());
        return StepResult.of(Map.of("removed", "true"));
    }

    /** Copies the Secrets that outputs refer to into the application's namespace: pods read Secrets of their own namespace only. */
    private static void shareSecrets(StepContext context, Delivery delivery, Map<String, String> outputs, String from,
            String to) {
        if (from.equals(to)) {
            return;
        }
        for (String secretName : referencedSecrets(outputs)) {
            Secret source = delivery.find(Secret.class, from, secretName).orElseThrow(() -> new StepFailure(
                    "shared resource output refers to Secret/" + secretName + " in " + from + ", which does not exist"));
            KubernetesApply.registerSecrets(context, source);
            delivery.ensureNamespace(context, to);
            delivery.apply(context, to, new SecretBuilder().withNewMetadata().withName(secretName)
                    .withAnnotations(Map.of("innominatus.io/copied-from", from)).endMetadata()
                    .withType(source.getType()).withData(source.getData()).withStringData(source.getStringData()).build());
        }
    }

    private static void unshareSecrets(StepContext context, Delivery delivery, ProvisionedResource resource,
            String appNamespace) {
        if (resource.namespace().equals(appNamespace)) {
            return;
        }
        referencedSecrets(resource.outputs()).forEach(s -> delivery.delete(context, "v1|Secret|" + appNamespace + "|" + s));
    }

    private static List<String> referencedSecrets(Map<String, String> outputs) {
        return outputs.values().stream().filter(v -> v.startsWith(SecretReference.PREFIX) && v.indexOf('/') > 0)
                .map(v -> SecretReference.parse(v).secret()).distinct().toList();
    }

    private static String applicationNamespace(StepContext context) {
        return KubernetesStepExecutor.namespace(context);
    }

    /** Namespace of resources shared by applications of one environment. */
    static String sharedNamespace(String environment) {
        return ProvisioningTarget.objectName("shared", environment);
    }

    /**
     * The base name of a resource's Kubernetes objects, from its key: {@code <application>-<resource>} for
     * an application's own resource, {@code <type>[-<class>]-<id>} for a shared one.
     */
    static String objectName(String key) {
        String[] parts = key.split("/");
        if (key.startsWith("shared/") && parts.length == 5) {
            return parts[3].equals("default") ? ProvisioningTarget.objectName(parts[2], parts[4])
                    : ProvisioningTarget.objectName(parts[2], parts[3], parts[4]);
        }
        return ProvisioningTarget.objectName(parts[parts.length - 2], parts[parts.length - 1]);
    }

    /** The resource as the removal sees it: recorded, without the Score file that requested it. */
    private static ResourceRequest request(ProvisionedResource resource, String name) {
        String[] parts = resource.key().split("/");
        boolean shared = resource.shared() && parts.length == 5;
        return new ResourceRequest(name, resource.type(), shared && !parts[3].equals("default") ? parts[3] : null,
                shared ? parts[4] : null, Map.of(), Map.of(), null);
    }
}
