package io.innominatus.steps.provisioning;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.innominatus.steps.kubernetes.KubernetesApply;
import io.innominatus.steps.kubernetes.SecretReference;
import io.innominatus.steps.provisioning.ProvisioningTarget.Provisioned;
import io.innominatus.steps.spi.StepFailure;
import io.innominatus.support.PlainValues;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Provisioners that work on any cluster without cloud accounts:
 * <ul>
 * <li>{@code postgres}, {@code redis}: a StatefulSet, a Service and a credentials Secret with a generated
 *     password (kept across re-provisioning); outputs host, port, username, the password as a secret
 *     reference, and for postgres the database name and a connection URI (also a secret reference).
 * <li>{@code volume}: a PersistentVolumeClaim; output {@code source} is its name.
 * <li>{@code route}: an Ingress to the application's Service; outputs host, path, port and url.
 * <li>{@code dns}: a host name {@code <application>-<environment>.<admin.dnsDomain>}; output host.
 * <li>{@code environment}: the values of admin-config's {@code admin.environments.<environment>}.
 * </ul>
 */
final class BuiltInProvisioners {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    static final String DEFAULT_DNS_DOMAIN = "localhost";
    BuiltInProvisioners() {}

    Provisioned provision(ProvisioningTarget target) {
        return switch (target.provisioner().builtIn()) {
            case "postgres" -> postgres(target);
            case "redis" -> redis(target);
            case "volume" -> volume(target);
            case "route" -> route(target);
            case "dns" -> dns(target);
            case "environment" -> environment(target);
            default -> throw new StepFailure("there is no built-in provisioner '" + target.provisioner().builtIn() + "'");
        };
    }

    private Provisioned postgres(ProvisioningTarget t) {
        String name = t.objectName();
        String secretName = name + "-credentials";
        String database = t.param("database", t.resource().name().replaceAll("[^A-Za-z0-9_]", "_"));
        String username = t.param("username", "app");
        String host = name + "." + t.namespace() + ".svc.cluster.local";
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("host", host);
        outputs.put("port", "5432");
        outputs.put("name", database);
        outputs.put("database", database);
        outputs.put("username", username);
        outputs.put("password", new SecretReference(secretName, "password").toString());
        outputs.put("uri", new SecretReference(secretName, "uri").toString());
        if (t.dryRun()) {
            t.context().log("dry run: would create PostgreSQL " + name + " (StatefulSet, Service, Secret " + secretName
                    + ") in namespace " + t.namespace());
            return new Provisioned(outputs, Set.of(), List.of());
        }
        t.delivery().ensureNamespace(t.context(), t.namespace());
        Secret credentials = credentials(t, secretName, Map.of("username", username, "database", database),
                password -> Map.of("password", password,
                        "uri", "postgresql://" + username + ":" + password + "@" + host + ":5432/" + database));
        List<EnvVar> env = List.of(
                secretEnv("POSTGRES_USER", secretName, "username"),
                secretEnv("POSTGRES_PASSWORD", secretName, "password"),
                secretEnv("POSTGRES_DB", secretName, "database"),
                new EnvVarBuilder().withName("PGDATA").withValue("/var/lib/postgresql/data/pgdata").build());
        var container = new ContainerBuilder().withName("postgres").withImage(t.param("image", "postgres:16-alpine"))
                .withEnv(env).addNewPort().withName("postgres").withContainerPort(5432).endPort()
                .addNewVolumeMount().withName("data").withMountPath("/var/lib/postgresql/data").endVolumeMount()
                .withNewReadinessProbe().withNewExec().withCommand("sh", "-c", "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\"")
                .endExec().withPeriodSeconds(5).endReadinessProbe().build();
        List<String> objects = new ArrayList<>();
        objects.add(t.delivery().reference(credentials, t.namespace()));
        objects.addAll(statefulService(t, name, container, 5432, t.param("size", "1Gi")));
        return new Provisioned(outputs, Set.of(), objects);
    }

    private Provisioned redis(ProvisioningTarget t) {
        String name = t.objectName();
        String secretName = name + "-credentials";
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("host", name + "." + t.namespace() + ".svc.cluster.local");
        outputs.put("port", "6379");
        outputs.put("username", "default");
        outputs.put("password", new SecretReference(secretName, "password").toString());
        if (t.dryRun()) {
            t.context().log("dry run: would create Redis " + name + " (StatefulSet, Service, Secret " + secretName
                    + ") in namespace " + t.namespace());
            return new Provisioned(outputs, Set.of(), List.of());
        }
        t.delivery().ensureNamespace(t.context(), t.namespace());
        Secret credentials = credentials(t, secretName, Map.of("username", "default"), password -> Map.of("password", password));
        var container = new ContainerBuilder().withName("redis").withImage(t.param("image", "redis:7-alpine"))
                .withEnv(secretEnv("REDIS_PASSWORD", secretName, "password"))
                .withArgs("--requirepass", "$(REDIS_PASSWORD)")
                .addNewPort().withName("redis").withContainerPort(6379).endPort()
                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(6379)).endTcpSocket()
                .withPeriodSeconds(5).endReadinessProbe().build();
        List<String> objects = new ArrayList<>();
        objects.add(t.delivery().reference(credentials, t.namespace()));
        objects.addAll(statefulService(t, name, container, 6379, null));
        return new Provisioned(outputs, Set.of(), objects);
    }

    /** A one-replica StatefulSet and its Service; with a volume size, a data volume claim per replica. */
    private List<String> statefulService(ProvisioningTarget t, String name, io.fabric8.kubernetes.api.model.Container container,
            int port, String volumeSize) {
        Map<String, String> selector = Map.of("app.kubernetes.io/name", name, "app.kubernetes.io/component",
                t.resource().type());
        var statefulSet = new StatefulSetBuilder().withNewMetadata().withName(name).withLabels(selector)
                .withAnnotations(Map.of("innominatus.io/resource", t.key())).endMetadata()
                .withNewSpec().withServiceName(name).withReplicas(1).withNewSelector().withMatchLabels(selector).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(selector).endMetadata()
                .withNewSpec().withContainers(container).endSpec().endTemplate();
        if (volumeSize != null) {
            statefulSet = statefulSet.addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                    .addToRequests("storage", quantity(volumeSize, t)).endResources().endSpec().endVolumeClaimTemplate();
        }
        HasMetadata workload = statefulSet.endSpec().build();
        HasMetadata service = new ServiceBuilder().withNewMetadata().withName(name).withLabels(selector).endMetadata()
                .withNewSpec().withSelector(selector).addNewPort().withName(container.getName()).withPort(port)
                .withTargetPort(new IntOrString(port)).endPort().endSpec().build();
        List<String> objects = new ArrayList<>();
        for (HasMetadata object : List.of(workload, service)) {
            t.delivery().apply(t.context(), t.namespace(), object);
            objects.add(t.delivery().reference(object, t.namespace()));
        }
        if (volumeSize != null) {
            if (!t.delivery().committed()) {
                // Made by the cluster from the claim template; a repository holds the StatefulSet only.
                objects.add("v1|PersistentVolumeClaim|" + t.namespace() + "|data-" + name + "-0");
            }
        }
        t.delivery().awaitReady(t.context(), t.namespace(), List.of(workload), KubernetesApply.DEFAULT_WAIT);
        return objects;
    }

    private Provisioned volume(ProvisioningTarget t) {
        String name = t.objectName();
        Map<String, String> outputs = Map.of("source", name, "name", name);
        if (t.dryRun()) {
            t.context().log("dry run: would create PersistentVolumeClaim " + name + " in namespace " + t.namespace());
            return new Provisioned(outputs, Set.of(), List.of());
        }
        t.delivery().ensureNamespace(t.context(), t.namespace());
        var spec = new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withAccessModes(t.param("accessMode", "ReadWriteOnce")).withNewResources()
                .addToRequests("storage", quantity(t.param("size", "1Gi"), t)).endResources();
        String storageClass = t.param("storageClass", null);
        if (storageClass != null) {
            spec = spec.withStorageClassName(storageClass);
        }
        PersistentVolumeClaim claim = spec.endSpec().build();
        t.delivery().apply(t.context(), t.namespace(), claim);
        return new Provisioned(outputs, Set.of(), List.of(t.delivery().reference(claim, t.namespace())));
    }

    private Provisioned route(ProvisioningTarget t) {
        String name = t.objectName();
        String host = t.param("host", derivedHost(t));
        String path = t.param("path", "/");
        int port = port(t.param("port", defaultServicePort(t)), t);
        String service = t.context().plan().application();
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("host", host);
        outputs.put("path", path);
        outputs.put("port", Integer.toString(port));
        outputs.put("url", "http://" + host + (path.startsWith("/") ? path : "/" + path));
        if (t.dryRun()) {
            t.context().log("dry run: would route " + host + path + " to Service " + service + ":" + port + " in namespace "
                    + t.namespace());
            return new Provisioned(outputs, Set.of(), List.of());
        }
        t.delivery().ensureNamespace(t.context(), t.namespace());
        var ingress = new IngressBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec();
        Object ingressClass = t.context().plan().admin().get("ingressClassName");
        if (ingressClass != null) {
            ingress = ingress.withIngressClassName(String.valueOf(ingressClass));
        }
        HasMetadata object = ingress.addNewRule().withHost(host).withNewHttp().addNewPath().withPath(path)
                .withPathType("Prefix").withNewBackend().withNewService().withName(service).withNewPort().withNumber(port)
                .endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build();
        t.delivery().apply(t.context(), t.namespace(), object);
        return new Provisioned(outputs, Set.of(), List.of(t.delivery().reference(object, t.namespace())));
    }

    private Provisioned dns(ProvisioningTarget t) {
        String host = derivedHost(t);
        t.context().log("host name for " + t.resource().name() + ": " + host);
        return new Provisioned(Map.of("host", host, "domain", domain(t)), Set.of(), List.of());
    }

    private Provisioned environment(ProvisioningTarget t) {
        String environment = t.context().plan().environment();
        Object values = PlainValues.lookup(t.context().plan().admin(), List.of("environments", environment)).orElse(null);
        Map<String, String> outputs = new LinkedHashMap<>();
        if (values instanceof Map<?, ?> map) {
            flatten("", map, outputs);
        } else if (values != null) {
            throw new StepFailure("admin-config admin.environments." + environment + " must be a mapping of values");
        } else {
            t.context().log("admin-config has no admin.environments." + environment + "; the resource has no outputs");
        }
        return new Provisioned(outputs, Set.of(), List.of());
    }

    private static void flatten(String prefix, Map<?, ?> values, Map<String, String> into) {
        values.forEach((k, v) -> {
            if (v instanceof Map<?, ?> nested) {
                flatten(prefix + k + ".", nested, into);
            } else if (v != null) {
                into.put(prefix + k, v instanceof List<?> ? String.join(",", ((List<?>) v).stream().map(String::valueOf)
                        .toList()) : String.valueOf(v));
            }
        });
    }

    /**
     * The credentials Secret: created with a fresh password unless it exists, so that re-provisioning (a
     * retried step, a redeployment, a second application sharing the resource) keeps the password its
     * data already uses. Creating rather than applying makes two concurrent provisionings agree.
     */
    private Secret credentials(ProvisioningTarget t, String name, Map<String, String> fixed,
            java.util.function.Function<String, Map<String, String>> withPassword) {
        Map<String, String> secretData = withPassword.apply(password());
        Map<String, String> data = new LinkedHashMap<>(fixed);
        data.putAll(secretData);
        Secret fresh = new SecretBuilder().withNewMetadata().withName(name).withNamespace(t.namespace())
                .withAnnotations(Map.of("innominatus.io/resource", t.key())).endMetadata()
                .withType("Opaque").withStringData(data).build();
        // Creating rather than applying makes two concurrent provisionings agree on one password.
        java.util.Optional<Secret> before = t.delivery().find(Secret.class, t.namespace(), name);
        Secret existing = before.orElseGet(() -> t.delivery().createIfAbsent(t.context(), Secret.class, t.namespace(), fresh));
        if (before.isEmpty()) {
            secretData.values().forEach(t.context()::secret);
            t.context().log("created Secret/" + name + " with generated credentials");
        } else {
            t.context().log("Secret/" + name + " exists; keeping its credentials");
        }
        // Only the generated values are secret; user and database names stay readable in logs.
        Set<String> secretKeys = withPassword.apply("").keySet();
        if (existing.getData() != null) {
            existing.getData().forEach((key, value) -> {
                if (secretKeys.contains(key)) {
                    t.context().secret(new String(java.util.Base64.getDecoder().decode(value),
                            java.nio.charset.StandardCharsets.UTF_8));
                }
            });
        }
        if (existing.getStringData() != null) {
            existing.getStringData().forEach((key, value) -> {
                if (secretKeys.contains(key)) {
                    t.context().secret(value);
                }
            });
        }
        return existing;
    }

    static String password() {
        StringBuilder password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    private static EnvVar secretEnv(String name, String secret, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key)
                .endSecretKeyRef().endValueFrom().build();
    }

    /** {@code <application>-<environment>.<domain>}, or {@code <id>-<environment>.<domain>} for a shared resource. */
    private static String derivedHost(ProvisioningTarget t) {
        String label = t.param("subdomain", null);
        if (label == null) {
            label = ProvisioningTarget.objectName(t.resource().id() != null ? t.resource().id() : t.context().plan().application(),
                    t.context().plan().environment());
        }
        return label + "." + domain(t);
    }

    private static String domain(ProvisioningTarget t) {
        Object domain = t.context().plan().admin().get("dnsDomain");
        return domain == null ? DEFAULT_DNS_DOMAIN : String.valueOf(domain);
    }

    /** The first port of the Score file's service, or 80. */
    private static String defaultServicePort(ProvisioningTarget t) {
        Object ports = PlainValues.lookup(t.context().plan().score(), List.of("service", "ports")).orElse(null);
        if (ports instanceof Map<?, ?> map && !map.isEmpty() && map.values().iterator().next() instanceof Map<?, ?> first
                && first.get("port") != null) {
            return String.valueOf(first.get("port"));
        }
        return "80";
    }

    private static int port(String value, ProvisioningTarget t) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new StepFailure("resource '" + t.resource().name() + "': params.port '" + value + "' is not a port number");
    }

    private static Quantity quantity(String value, ProvisioningTarget t) {
        try {
            Quantity quantity = new Quantity(value);
            Quantity.getAmountInBytes(quantity);
            return quantity;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new StepFailure("resource '" + t.resource().name() + "': size '" + value + "' is not a Kubernetes quantity "
                    + "such as 512Mi or 10Gi");
        }
    }
}
