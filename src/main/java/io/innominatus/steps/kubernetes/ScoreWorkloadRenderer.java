package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.innominatus.model.Interpolation;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.support.ScorePlaceholders;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the Score workload into Kubernetes objects: a Deployment (containers with command, args,
 * variables, files as ConfigMaps, volumes, resources and probes) and a Service for
 * {@code service.ports}. Placeholders ({@code ${metadata.<key>}}, {@code ${resources.<name>.<output>}},
 * {@code $$} for {@code $}) are filled from the plan and the provisioned resources; a resource output
 * that is a reference to a Kubernetes Secret ({@link SecretReference}) becomes an environment variable
 * read from that Secret, so secret values never appear in manifests, events or logs.
 */
@ApplicationScoped
public class ScoreWorkloadRenderer implements WorkloadSource {

    /** Marks the objects rendered from the Score workload, which undeployment removes. */
    static final String PART_LABEL = "innominatus.io/part";
    static final String WORKLOAD_PART = "workload";
    private static final Pattern SECRET = Pattern.compile(Pattern.quote(SecretReference.PREFIX) + "[A-Za-z0-9.:_/-]+");

    @Override
    public List<HasMetadata> render(StepContext context, String namespace) {
        Map<String, Object> score = context.plan().score();
        String app = context.plan().application();
        Map<String, String> selector = Map.of("app.kubernetes.io/name", app, "app.kubernetes.io/instance", app);
        List<HasMetadata> objects = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.Container> containers = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        for (Map.Entry<String, Object> entry : map(score.get("containers")).entrySet()) {
            String name = entry.getKey();
            Map<String, Object> c = map(entry.getValue());
            ContainerBuilder container = new ContainerBuilder().withName(name)
                    .withImage(fill(context, string(c.get("image")), "containers." + name + ".image"));
            List<String> command = strings(c.get("command")).stream().map(v -> fill(context, v, "command")).toList();
            List<String> args = strings(c.get("args")).stream().map(v -> fill(context, v, "args")).toList();
            if (!command.isEmpty()) {
                container.withCommand(command);
            }
            if (!args.isEmpty()) {
                container.withArgs(args);
            }
            container.withEnv(environment(context, name, map(c.get("variables"))));
            container.withResources(resources(map(c.get("resources"))));
            probe(context, map(c.get("livenessProbe"))).ifPresent(container::withLivenessProbe);
            probe(context, map(c.get("readinessProbe"))).ifPresent(container::withReadinessProbe);
            List<VolumeMount> mounts = new ArrayList<>();
            files(context, app, name, c.get("files"), objects, volumes, mounts);
            volumes(context, name, c.get("volumes"), volumes, mounts);
            container.withVolumeMounts(mounts);
            for (ServicePort port : servicePorts(score)) {
                container.addToPorts(new ContainerPortBuilder().withContainerPort(port.getTargetPort().getIntVal())
                        .withProtocol(port.getProtocol()).build());
            }
            containers.add(container.build());
        }
        objects.add(new DeploymentBuilder()
                .withNewMetadata().withName(app).withLabels(selector).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(selector).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(withExecution(context, selector)).endMetadata()
                .withNewSpec().withContainers(containers).withVolumes(volumes).endSpec().endTemplate()
                .endSpec().build());
        List<ServicePort> ports = servicePorts(score);
        if (!ports.isEmpty()) {
            objects.add(new ServiceBuilder().withNewMetadata().withName(app).withLabels(selector).endMetadata()
                    .withNewSpec().withSelector(selector).withPorts(ports).endSpec().build());
        }
        objects.forEach(o -> o.getMetadata().setLabels(KubernetesApply.merge(o.getMetadata().getLabels(),
                Map.of(PART_LABEL, WORKLOAD_PART))));
        return objects;
    }

    private static Map<String, String> withExecution(StepContext context, Map<String, String> selector) {
        Map<String, String> labels = new LinkedHashMap<>(selector);
        labels.put("innominatus.io/execution", context.executionId());
        return labels;
    }

    /** Variables; a value naming a secret is read from its Secret, never written into the manifest. */
    private static List<EnvVar> environment(StepContext context, String container, Map<String, Object> variables) {
        List<EnvVar> env = new ArrayList<>();
        List<EnvVar> hidden = new ArrayList<>();
        for (Map.Entry<String, Object> variable : variables.entrySet()) {
            String value = fill(context, string(variable.getValue()), "containers." + container + ".variables."
                    + variable.getKey());
            Matcher secrets = SECRET.matcher(value);
            if (!secrets.find()) {
                env.add(new EnvVar(variable.getKey(), value, null));
                continue;
            }
            if (secrets.start() == 0 && secrets.end() == value.length()) {
                SecretReference ref = SecretReference.parse(value);
                env.add(new EnvVarBuilder().withName(variable.getKey()).withNewValueFrom().withNewSecretKeyRef()
                        .withName(ref.secret()).withKey(ref.key()).endSecretKeyRef().endValueFrom().build());
                continue;
            }
            // A secret inside a larger value: Kubernetes expands $(NAME) from variables defined earlier.
            StringBuilder composed = new StringBuilder();
            secrets.reset();
            int last = 0;
            while (secrets.find()) {
                SecretReference ref = SecretReference.parse(secrets.group());
                String name = "INNOMINATUS_SECRET_" + (ref.secret() + "_" + ref.key()).toUpperCase(Locale.ROOT)
                        .replaceAll("[^A-Z0-9]", "_");
                if (hidden.stream().noneMatch(e -> e.getName().equals(name))) {
                    hidden.add(new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
                            .withName(ref.secret()).withKey(ref.key()).endSecretKeyRef().endValueFrom().build());
                }
                composed.append(value, last, secrets.start()).append("$(").append(name).append(')');
                last = secrets.end();
            }
            composed.append(value.substring(last));
            env.add(new EnvVar(variable.getKey(), composed.toString(), null));
        }
        List<EnvVar> all = new ArrayList<>(hidden);
        all.addAll(env);
        return all;
    }

    private static io.fabric8.kubernetes.api.model.ResourceRequirements resources(Map<String, Object> resources) {
        ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
        Map<String, Quantity> limits = quantities(map(resources.get("limits")));
        Map<String, Quantity> requests = quantities(map(resources.get("requests")));
        if (!limits.isEmpty()) {
            builder.withLimits(limits);
        }
        if (!requests.isEmpty()) {
            builder.withRequests(requests);
        }
        return builder.build();
    }

    private static Map<String, Quantity> quantities(Map<String, Object> values) {
        Map<String, Quantity> quantities = new LinkedHashMap<>();
        values.forEach((k, v) -> quantities.put(k, new Quantity(String.valueOf(v))));
        return quantities;
    }

    private static Optional<Probe> probe(StepContext context, Map<String, Object> probe) {
        if (probe.isEmpty()) {
            return Optional.empty();
        }
        ProbeBuilder builder = new ProbeBuilder();
        Map<String, Object> http = map(probe.get("httpGet"));
        List<String> exec = strings(map(probe.get("exec")).get("command"));
        if (!http.isEmpty()) {
            List<HTTPHeader> headers = new ArrayList<>();
            for (Object h : list(http.get("httpHeaders"))) {
                Map<String, Object> header = map(h);
                headers.add(new HTTPHeader(string(header.get("name")), string(header.get("value"))));
            }
            builder.withNewHttpGet()
                    .withPath(http.get("path") == null ? "/" : fill(context, string(http.get("path")), "probe path"))
                    .withPort(new IntOrString(Integer.parseInt(string(http.get("port")))))
                    .withHost(http.get("host") == null ? null : string(http.get("host")))
                    .withScheme(http.get("scheme") == null ? "HTTP" : string(http.get("scheme")))
                    .withHttpHeaders(headers)
                    .endHttpGet();
        } else if (!exec.isEmpty()) {
            builder.withNewExec().withCommand(exec).endExec();
        }
        return Optional.of(builder.build());
    }

    /** Files become ConfigMaps mounted at their target (sub-path), one per container. */
    private static void files(StepContext context, String app, String container, Object raw, List<HasMetadata> objects,
            List<Volume> volumes, List<VolumeMount> mounts) {
        Map<String, Map<String, Object>> files = new LinkedHashMap<>();
        if (raw instanceof List<?> legacy) {
            legacy.forEach(item -> files.put(string(map(item).get("target")), map(item)));
        } else {
            map(raw).forEach((target, spec) -> files.put(target, map(spec)));
        }
        if (files.isEmpty()) {
            return;
        }
        String configMap = app + "-" + container + "-files";
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, String> binary = new LinkedHashMap<>();
        int index = 0;
        for (Map.Entry<String, Map<String, Object>> file : files.entrySet()) {
            String key = "file-" + index++;
            Map<String, Object> spec = file.getValue();
            if (spec.get("content") != null) {
                boolean noExpand = Boolean.TRUE.equals(spec.get("noExpand"));
                String content = string(spec.get("content"));
                data.put(key, noExpand ? content : fill(context, content, "files." + file.getKey()));
            } else if (spec.get("binaryContent") != null) {
                binary.put(key, string(spec.get("binaryContent")));
            } else {
                throw new StepFailure("containers." + container + ".files." + file.getKey() + ": files with a 'source' path "
                        + "cannot be read from a Score file submitted as text; use 'content'");
            }
            VolumeMountBuilder mount = new VolumeMountBuilder().withName(configMap).withMountPath(file.getKey())
                    .withSubPath(key).withReadOnly(true);
            mounts.add(mount.build());
        }
        objects.add(new ConfigMapBuilder().withNewMetadata().withName(configMap).endMetadata().withData(data)
                .withBinaryData(binary).build());
        volumes.add(new VolumeBuilder().withName(configMap).withNewConfigMap().withName(configMap).endConfigMap().build());
    }

    /** Volumes name a PersistentVolumeClaim, directly or through a provisioned volume resource. */
    private static void volumes(StepContext context, String container, Object raw, List<Volume> volumes,
            List<VolumeMount> mounts) {
        Map<String, Map<String, Object>> entries = new LinkedHashMap<>();
        if (raw instanceof List<?> legacy) {
            legacy.forEach(item -> entries.put(string(map(item).get("target")), map(item)));
        } else {
            map(raw).forEach((target, spec) -> entries.put(target, map(spec)));
        }
        int index = 0;
        for (Map.Entry<String, Map<String, Object>> entry : entries.entrySet()) {
            Map<String, Object> spec = entry.getValue();
            String source = string(spec.get("source"));
            String claim = source.startsWith("${resources.") && source.endsWith("}") && !source.substring(12).contains(".")
                    ? context.interpolate("${resources." + source.substring(12, source.length() - 1) + ".source}")
                    : fill(context, source, "containers." + container + ".volumes." + entry.getKey());
            String name = container + "-volume-" + index++;
            volumes.add(new VolumeBuilder().withName(name).withNewPersistentVolumeClaim().withClaimName(claim)
                    .withReadOnly(Boolean.TRUE.equals(spec.get("readOnly"))).endPersistentVolumeClaim().build());
            VolumeMountBuilder mount = new VolumeMountBuilder().withName(name).withMountPath(entry.getKey())
                    .withReadOnly(Boolean.TRUE.equals(spec.get("readOnly")));
            if (spec.get("path") != null) {
                mount.withSubPath(string(spec.get("path")).replaceFirst("^/", ""));
            }
            mounts.add(mount.build());
        }
    }

    private static List<ServicePort> servicePorts(Map<String, Object> score) {
        List<ServicePort> ports = new ArrayList<>();
        for (Map.Entry<String, Object> port : map(map(score.get("service")).get("ports")).entrySet()) {
            Map<String, Object> spec = map(port.getValue());
            int number = Integer.parseInt(string(spec.get("port")));
            int target = spec.get("targetPort") == null ? number : Integer.parseInt(string(spec.get("targetPort")));
            ports.add(new ServicePortBuilder().withName(port.getKey()).withPort(number).withTargetPort(new IntOrString(target))
                    .withProtocol(spec.get("protocol") == null ? "TCP" : string(spec.get("protocol"))).build());
        }
        return ports;
    }

    /** Fills Score placeholders from the plan and provisioned resources. */
    static String fill(StepContext context, String value, String where) {
        try {
            return ScorePlaceholders.substitute(value, expression -> Optional.of(context.interpolate("${" + expression + "}")));
        } catch (Interpolation.SyntaxException e) {
            throw new StepFailure(where + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<Object> list(Object value) {
        return value instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    static List<String> strings(Object value) {
        return list(value).stream().map(String::valueOf).toList();
    }

    static String string(Object value) {
        return value == null ? "" : String.valueOf(value);
    }
}
