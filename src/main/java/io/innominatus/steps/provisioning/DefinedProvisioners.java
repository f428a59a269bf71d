package io.innominatus.steps.provisioning;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.innominatus.model.Provisioner;
import io.innominatus.model.StepDefinition;
import io.innominatus.steps.StepExecutorRegistry;
import io.innominatus.steps.custom.CustomStepProtocol;
import io.innominatus.steps.kubernetes.KubernetesApply;
import io.innominatus.steps.kubernetes.Manifests;
import io.innominatus.steps.provisioning.ProvisioningTarget.Provisioned;
import io.innominatus.steps.spi.StepExecutor;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.steps.spi.StepMode;
import io.innominatus.steps.spi.StepResult;
import io.innominatus.steps.tools.ExecStepExecutor;
import io.innominatus.steps.tools.ProcessRunner;
import io.innominatus.support.PathRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Provisioners that platform and product teams define without code: a template of Kubernetes manifests
 * with outputs, an external command speaking JSON, or a workflow of steps.
 */
final class DefinedProvisioners {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final StepExecutorRegistry executors;

    DefinedProvisioners(StepExecutorRegistry executors) {
        this.executors = executors;
    }

    // ---- template --------------------------------------------------------------------------------------

    /** Applies the template's manifests into the resource's namespace and fills its outputs. */
    Provisioned template(ProvisioningTarget t) {
        Provisioner p = t.provisioner();
        List<HasMetadata> objects = p.manifests() == null ? List.of() : Manifests.load(p.manifests(),
                Optional.ofNullable(p.baseDirectory()), text -> ProvisionerTemplates.render(text, t, Map.of()),
                "provisioner " + p.type() + " manifests");
        checkNamespace(t, objects);
        Map<String, String> outputs = new LinkedHashMap<>();
        p.outputs().forEach((name, template) -> outputs.put(name, ProvisionerTemplates.render(template, t, Map.of())));
        // A dry run goes through the same calls: its delivery reports what it would change.
        if (!objects.isEmpty()) {
            t.delivery().ensureNamespace(t.context(), t.namespace());
        }
        List<String> applied = new ArrayList<>();
        for (HasMetadata object : objects) {
            t.context().cancellation().check();
            if (object instanceof Secret secret) {
                KubernetesApply.registerSecrets(t.context(), secret);
            }
            t.delivery().apply(t.context(), t.namespace(), object);
            applied.add(t.delivery().reference(object, t.namespace()));
        }
        t.delivery().awaitReady(t.context(), t.namespace(), objects, KubernetesApply.DEFAULT_WAIT);
        return new Provisioned(outputs, Set.of(), applied);
    }

    /** A template may only create objects in the resource's namespace (cluster-scoped objects too are refused). */
    private static void checkNamespace(ProvisioningTarget t, List<HasMetadata> objects) {
        for (HasMetadata object : objects) {
            String own = object.getMetadata().getNamespace();
            if (Manifests.clusterScoped(object) || (own != null && !own.isEmpty() && !own.equals(t.namespace()))) {
                throw new StepFailure("provisioner of '" + t.resource().type() + "' may only create objects in namespace "
                        + t.namespace() + "; " + Manifests.describe(object) + " is "
                        + (Manifests.clusterScoped(object) ? "cluster-scoped" : "aimed at namespace " + own));
            }
        }
    }

    // ---- command ---------------------------------------------------------------------------------------

    /**
     * Runs the command with one JSON object on stdin: {@code {"operation": "provision"|"delete",
     * "resource": {name, type, class, id, params}, "namespace", "outputs" (recorded, when deleting),
     * "context": {application, product, environment, execution, step, attempt}, "idempotencyKey",
     * "dryRun"}}; it answers {@code {"outputs": {...}, "secretOutputs": [...]}} on stdout.
     */
    Provisioned command(ProvisioningTarget t, String operation) {
        Provisioner p = t.provisioner();
        List<String> command = new ArrayList<>(p.command());
        String program = command.get(0);
        if (PathRules.looksRelative(program)) {
            Path base = p.baseDirectory() == null ? Path.of(".") : p.baseDirectory();
            command.set(0, ExecStepExecutor.inside(base, program, "provisioner " + p.type() + " command").toString());
        }
        Path workingDirectory;
        try {
            workingDirectory = Files.createTempDirectory("innominatus-provisioner-");
        } catch (IOException e) {
            throw new StepFailure("cannot create a working directory: " + e.getMessage());
        }
        try {
            ProcessRunner.Outcome outcome = ProcessRunner.runSandboxed(t.context(), command, ProcessRunner.baseEnvironment(t.context()),
                    workingDirectory, request(t, operation), true, false);
            if (outcome.exitCode() != 0) {
                throw new StepFailure("provisioner of '" + t.resource().type() + "': '" + program + "' exited with code "
                        + outcome.exitCode() + (outcome.stderrTail().isEmpty() ? "" : ": "
                        + String.join(" | ", outcome.stderrTail())));
            }
            StepResult answer = CustomStepProtocol.response(String.join("\n", outcome.stdout()),
                    "provisioner of '" + t.resource().type() + "'");
            return new Provisioned(answer.outputs(), answer.secretOutputs(), List.of());
        } finally {
            ExecStepExecutor.deleteQuietly(workingDirectory);
        }
    }

    private static byte[] request(ProvisioningTarget t, String operation) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("name", t.resource().name());
        resource.put("type", t.resource().type());
        resource.put("class", t.resource().resourceClass() == null ? "default" : t.resource().resourceClass());
        resource.put("id", t.resource().id());
        resource.put("params", t.context().map("params"));
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("application", t.context().plan().application());
        about.put("product", t.context().plan().product());
        about.put("environment", t.context().plan().environment());
        about.put("execution", t.context().executionId());
        about.put("step", t.context().step());
        about.put("attempt", t.context().attempt());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operation", operation);
        body.put("resource", resource);
        body.put("namespace", t.namespace());
        body.put("outputs", t.recordedOutputs());
        body.put("context", about);
        body.put("idempotencyKey", t.context().idempotencyKey());
        body.put("dryRun", t.dryRun());
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new StepFailure("cannot encode the provisioner request: " + e.getMessage());
        }
    }

    // ---- workflow --------------------------------------------------------------------------------------

    /**
     * Runs the workflow's steps in order (its {@code delete} steps when removing), each with the executor
     * of its type, then fills the outputs, which may use {@code ${steps.<step>.outputs.<key>}}. Outputs
     * that carry a secret value a step produced are secret outputs.
     */
    Provisioned workflow(ProvisioningTarget t, boolean delete) {
        Provisioner p = t.provisioner();
        List<StepDefinition> steps = delete ? p.deleteSteps() : p.steps();
        Map<String, Map<String, String>> stepOutputs = new LinkedHashMap<>();
        Set<String> secretValues = new HashSet<>();
        int done = 0;
        for (StepDefinition step : steps) {
            t.context().cancellation().check();
            StepExecutor executor = executors.find(step.type()).orElseThrow(() -> new StepFailure("provisioner of '"
                    + t.resource().type() + "': no executor for step type '" + step.type() + "' of step " + step.name()));
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) ProvisionerTemplates.renderTree(step.config(), t, stepOutputs);
            String namespace = step.namespace() == null ? t.namespace()
                    : ProvisionerTemplates.render(step.namespace(), t, stepOutputs);
            NestedStepContext nested = new NestedStepContext(t.context(), step, config, namespace, p.baseDirectory(),
                    text -> ProvisionerTemplates.render(text, t, stepOutputs));
            t.context().log("running " + step.name() + " (" + step.type() + ")");
            StepResult result = executor.run(nested, t.dryRun() ? StepMode.DRY_RUN : StepMode.APPLY);
            result.secretOutputs().forEach(k -> {
                String value = result.outputs().get(k);
                if (value != null && !value.isEmpty()) {
                    secretValues.add(value);
                    t.context().secret(value);
                }
            });
            stepOutputs.put(step.name(), result.outputs());
            t.context().progress(100 * ++done / Math.max(1, steps.size()), step.name() + " done");
        }
        if (delete) {
            return new Provisioned(Map.of(), Set.of(), List.of());
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        Set<String> secretOutputs = new HashSet<>();
        p.outputs().forEach((name, template) -> {
            String value = ProvisionerTemplates.render(template, t, stepOutputs);
            outputs.put(name, value);
            if (secretValues.stream().anyMatch(value::contains)) {
                secretOutputs.add(name);
            }
        });
        return new Provisioned(outputs, secretOutputs, List.of());
    }
}
