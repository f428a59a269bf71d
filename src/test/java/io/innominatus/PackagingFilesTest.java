package io.innominatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.innominatus.catalog.Catalog;
import io.innominatus.catalog.CatalogLoader;
import io.innominatus.model.WorkflowDefinition;
import io.innominatus.support.YamlLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The packaging files as a cluster and a container build would read them: the Kubernetes manifests parse
 * as the objects they claim to be and fit together (names, ports, probes, volumes, the settings the
 * service reads, the catalog laid out as the loader expects it and in sync with the repository), and the
 * Dockerfiles copy paths that exist and start the service the way its configuration expects. The
 * ClusterRole is checked against the steps' real API requests in {@code steps.KubernetesRbacTest}, the
 * probe paths against the running service in {@code api.DeploymentManifestServiceTest}.
 */
class PackagingFilesTest {

    static final Path MANIFESTS = Path.of("deploy/kubernetes");
    static final Path DOCKER = Path.of("src/main/docker");
    static final Set<String> HEALTH_PATHS = Set.of("/q/health/live", "/q/health/ready", "/q/health/started");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Map<String, List<HasMetadata>> objectsByFile = new LinkedHashMap<>();

    @BeforeAll
    static void parseManifests() throws IOException {
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (file.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                List<HasMetadata> objects = new ArrayList<>();
                for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
                    if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                        continue;
                    }
                    Object parsed = SERIALIZATION.unmarshal(document);
                    assertTrue(parsed instanceof HasMetadata, file + " holds something that is not a Kubernetes object");
                    objects.add((HasMetadata) parsed);
                }
                objectsByFile.put(file.getFileName().toString(), objects);
            }
        }
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return objectsByFile.values().stream().flatMap(List::stream).filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + MANIFESTS));
    }

    private static Deployment deployment() {
        return one(Deployment.class, "innominatus");
    }

    private static Container container() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void theManifestsAreTheObjectsADeploymentNeedsAndKustomizeListsThemAll() throws IOException {
        Set<String> kinds = new TreeSet<>();
        objectsByFile.values().forEach(list -> list.forEach(o -> kinds.add(o.getKind())));
        assertEquals(new TreeSet<>(List.of("ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Namespace",
                "PersistentVolumeClaim", "Service", "ServiceAccount")), kinds);
        for (List<HasMetadata> objects : objectsByFile.values()) {
            for (HasMetadata object : objects) {
                assertEquals("innominatus", object.getMetadata().getLabels().get("app.kubernetes.io/name"),
                        object.getKind() + "/" + object.getMetadata().getName() + " lacks the app label");
            }
        }
        Map<String, Object> kustomization = yaml(MANIFESTS.resolve("kustomization.yaml"));
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) kustomization.get("resources");
        assertEquals(new TreeSet<>(objectsByFile.keySet()), new TreeSet<>(resources),
                "kustomization.yaml must list every manifest of " + MANIFESTS);
        assertEquals("innominatus", kustomization.get("namespace"));
        String image = container().getImage();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> images = (List<Map<String, Object>>) kustomization.get("images");
        assertTrue(images.stream().anyMatch(i -> image.startsWith(i.get("name") + ":")),
                "kustomization.yaml's images entry must name the Deployment's image " + image);
    }

    @Test
    void probesAskTheHealthEndpointsOnTheServicePort() throws IOException {
        Container container = container();
        ContainerPort http = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named http"));
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        assertEquals(Integer.parseInt(properties.getProperty("quarkus.http.port")), http.getContainerPort());
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("startup", container.getStartupProbe());
        probes.put("liveness", container.getLivenessProbe());
        probes.put("readiness", container.getReadinessProbe());
        Set<String> paths = new TreeSet<>();
        probes.forEach((kind, probe) -> {
            assertNotNull(probe, "no " + kind + " probe");
            assertNotNull(probe.getHttpGet(), kind + " probe is not an HTTP GET");
            String port = probe.getHttpGet().getPort().getStrVal();
            assertEquals("http", port, kind + " probe must use the named port");
            paths.add(probe.getHttpGet().getPath());
        });
        assertEquals(HEALTH_PATHS, paths, "one probe per health group");
        assertEquals("/q/health/live", container.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());

        Service service = one(Service.class, "innominatus");
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        Map<String, String> podLabels = deployment().getSpec().getTemplate().getMetadata().getLabels();
        service.getSpec().getSelector().forEach((k, v) -> assertEquals(v, podLabels.get(k), "Service selector " + k));
        deployment().getSpec().getSelector().getMatchLabels()
                .forEach((k, v) -> assertEquals(v, podLabels.get(k), "Deployment selector " + k));
        assertEquals(String.valueOf(http.getContainerPort()),
                deployment().getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port"));
        assertEquals("/q/metrics", deployment().getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/path"));
    }

    @Test
    void thePodRunsAsItsServiceAccountWithoutPrivileges() {
        Deployment deployment = deployment();
        var pod = deployment.getSpec().getTemplate().getSpec();
        ServiceAccount account = one(ServiceAccount.class, pod.getServiceAccountName());
        ClusterRoleBinding binding = one(ClusterRoleBinding.class, "innominatus-steps");
        assertTrue(binding.getSubjects().stream().anyMatch(s -> s.getKind().equals("ServiceAccount")
                && s.getName().equals(account.getMetadata().getName())
                && s.getNamespace().equals(account.getMetadata().getNamespace())), "the binding names the pod's account");
        assertEquals(deployment.getMetadata().getNamespace(), account.getMetadata().getNamespace());
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        var security = container().getSecurityContext();
        assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation());
        assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
        assertTrue(container().getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")),
                "a read-only root needs a writable /tmp for step working directories");
        // One instance as shipped: the embedded database is a file only one process may open.
        assertEquals(1, deployment.getSpec().getReplicas());
        assertEquals("Recreate", deployment.getSpec().getStrategy().getType());
    }

    @Test
    void theSettingsAreOnesTheServiceReadsAndAuthenticationIsOn() throws IOException {
        Set<String> known = knownProperties();
        List<EnvFromSource> sources = container().getEnvFrom();
        ConfigMap settings = null;
        for (EnvFromSource source : sources) {
            if (source.getConfigMapRef() != null) {
                settings = one(ConfigMap.class, source.getConfigMapRef().getName());
                assertFalse(Boolean.TRUE.equals(source.getConfigMapRef().getOptional()), "the settings are required");
            } else {
                assertTrue(source.getSecretRef() != null && Boolean.TRUE.equals(source.getSecretRef().getOptional()),
                        "the database Secret is optional (without it the embedded database is used)");
            }
        }
        assertNotNull(settings, "the Deployment takes its settings from a ConfigMap");
        for (String key : settings.getData().keySet()) {
            assertTrue(known.stream().anyMatch(p -> environmentName(p).equals(key)),
                    key + " in ConfigMap " + settings.getMetadata().getName() + " is no property the service reads");
        }
        Map<String, String> env = settings.getData();
        String host = env.get("QUARKUS_HTTP_HOST");
        assertTrue(host != null && !host.startsWith("127.") && !host.equals("localhost"),
                "probes and the Service reach the pod from outside: it must not listen on loopback only");
        // The ExposureGuard refuses to start on a non-loopback address without an issuer.
        assertTrue(env.containsKey("QUARKUS_OIDC_AUTH_SERVER_URL") && env.get("QUARKUS_OIDC_AUTH_SERVER_URL").startsWith("https://"),
                "a network-facing service needs quarkus.oidc.auth-server-url");
        assertFalse(env.containsKey("INNOMINATUS_SECURITY_INSECURE_ALLOW_UNAUTHENTICATED"),
                "the manifests must not switch authentication off");
    }

    @Test
    void theCatalogVolumeLaysOutTheRepositoryCatalogAsTheLoaderExpectsIt(@TempDir Path mounted) throws IOException {
        Map<String, String> env = one(ConfigMap.class, "innominatus-config").getData();
        Volume volume = deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("catalog")).findFirst().orElseThrow();
        VolumeMount mount = container().getVolumeMounts().stream().filter(m -> m.getName().equals("catalog")).findFirst()
                .orElseThrow();
        assertTrue(Boolean.TRUE.equals(mount.getReadOnly()));
        // The projected volume, materialised as the kubelet would: each item's key written to its path.
        Set<String> seenPaths = new TreeSet<>();
        for (VolumeProjection source : volume.getProjected().getSources()) {
            ConfigMap configMap = one(ConfigMap.class, source.getConfigMap().getName());
            Set<String> keys = new TreeSet<>(configMap.getData().keySet());
            Set<String> mapped = new TreeSet<>();
            for (KeyToPath item : source.getConfigMap().getItems()) {
                assertTrue(keys.contains(item.getKey()), item.getKey() + " is not a key of " + configMap.getMetadata().getName());
                assertTrue(mapped.add(item.getKey()), item.getKey() + " is mapped twice");
                assertTrue(seenPaths.add(item.getPath()), item.getPath() + " is written twice");
                Path target = mounted.resolve(item.getPath()).normalize();
                assertTrue(target.startsWith(mounted), item.getPath());
                Files.createDirectories(target.getParent());
                Files.writeString(target, configMap.getData().get(item.getKey()));
            }
            assertEquals(keys, mapped, "every key of " + configMap.getMetadata().getName()
                    + " must reach the volume (generate-catalog.sh prints the items)");
        }
        String adminConfig = env.get("INNOMINATUS_ADMIN_CONFIG");
        assertTrue(adminConfig.startsWith(mount.getMountPath() + "/"), "INNOMINATUS_ADMIN_CONFIG lies in the catalog volume");
        Path admin = mounted.resolve(adminConfig.substring(mount.getMountPath().length() + 1));
        assertTrue(Files.isRegularFile(admin), adminConfig + " is not in the volume");

        // In sync with the repository: the same files, byte for byte.
        assertEquals(Files.readString(Path.of("admin-config.yaml")), Files.readString(admin),
                "catalog.yaml is out of date: run deploy/kubernetes/generate-catalog.sh");
        List<String> repositoryFiles;
        try (Stream<Path> files = Files.walk(Path.of("workflows"))) {
            repositoryFiles = files.filter(Files::isRegularFile).map(f -> Path.of("workflows").relativize(f).toString())
                    .filter(f -> !f.startsWith("examples/")).sorted().toList();
        }
        for (String file : repositoryFiles) {
            Path copy = mounted.resolve("workflows").resolve(file);
            assertTrue(Files.isRegularFile(copy), "workflows/" + file + " is missing from catalog.yaml: run "
                    + "deploy/kubernetes/generate-catalog.sh");
            assertEquals(Files.readString(Path.of("workflows", file)), Files.readString(copy),
                    "workflows/" + file + " differs in catalog.yaml: run deploy/kubernetes/generate-catalog.sh");
        }

        // The loader reads the mounted catalog as it reads the repository's.
        Catalog inCluster = CatalogLoader.load(admin, YamlLoader.Limits.DEFAULT);
        Catalog repository = CatalogLoader.load(Path.of("admin-config.yaml"), YamlLoader.Limits.DEFAULT);
        assertFalse(inCluster.hasErrors(), inCluster.diagnostics().toString());
        assertEquals(repository.workflows().stream().map(WorkflowDefinition::id).toList(),
                inCluster.workflows().stream().map(WorkflowDefinition::id).toList());
        assertEquals(repository.provisioners().size(), inCluster.provisioners().size());
        assertFalse(inCluster.workflows().isEmpty());

        // The data directory is the data volume.
        VolumeMount data = container().getVolumeMounts().stream().filter(m -> m.getName().equals("data")).findFirst()
                .orElseThrow();
        assertTrue(env.get("INNOMINATUS_DATA_DIR").equals(data.getMountPath())
                || env.get("INNOMINATUS_DATA_DIR").startsWith(data.getMountPath() + "/"));
        String claim = deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("data")).findFirst().orElseThrow().getPersistentVolumeClaim().getClaimName();
        one(PersistentVolumeClaim.class, claim);
    }

    @Test
    void theDockerfilesCopyWhatExistsAndPointTheServiceAtIt() throws IOException {
        for (String name : List.of("Dockerfile.jvm", "Dockerfile.native", "Dockerfile.native-micro")) {
            Dockerfile file = Dockerfile.read(DOCKER.resolve(name));
            for (Copy copy : file.copies()) {
                for (String source : copy.sources()) {
                    if (source.startsWith("target/")) {
                        assertTrue(source.startsWith("target/quarkus-app/") || source.equals("target/*-runner"),
                                name + " copies " + source + ", which the build does not produce");
                    } else {
                        assertTrue(Files.exists(Path.of(source)), name + " copies " + source + ", which does not exist");
                    }
                }
            }
            String user = file.last("USER");
            assertTrue(user.matches("[1-9][0-9]*(:0)?"), name + " must run as a numeric non-root user, not " + user);
            Map<String, String> env = file.env();
            assertEquals("0.0.0.0", env.get("QUARKUS_HTTP_HOST"), name);
            assertFalse(env.containsKey("QUARKUS_OIDC_AUTH_SERVER_URL") || env.containsKey(
                    "INNOMINATUS_SECURITY_INSECURE_ALLOW_UNAUTHENTICATED"), name + ": authentication is the operator's choice");
            // The admin config and the catalog next to it land where the environment points.
            String admin = env.get("INNOMINATUS_ADMIN_CONFIG");
            assertEquals(admin, file.destinationOf("admin-config.yaml"), name);
            String workflowsRoot = String.valueOf(yaml(Path.of("admin-config.yaml")).get("workflowPolicies") instanceof Map<?, ?> m
                    ? m.get("workflowsRoot") : "./workflows");
            assertEquals(Path.of(admin).getParent().resolve(workflowsRoot).normalize().toString(),
                    file.destinationOf("workflows"), name + ": workflows/ must be where admin-config.yaml's workflowsRoot points");
            assertTrue(file.text().contains("VOLUME " + env.get("INNOMINATUS_DATA_DIR")), name + " declares the data volume");
            assertTrue(file.text().contains("EXPOSE 8080"), name);
        }
        Dockerfile jvm = Dockerfile.read(DOCKER.resolve("Dockerfile.jvm"));
        assertTrue(jvm.last("FROM").matches(".*:25[-.a-z0-9]*"), "the JVM image runs JDK 25 (AOT cache): " + jvm.last("FROM"));
        assertEquals("-XX:+UseSerialGC -XX:TieredStopAtLevel=1", jvm.env().get("JAVA_STARTUP_OPTS"));
        assertTrue(jvm.instructions().stream().anyMatch(i -> i[0].equals("RUN") && i[1].trim()
                .equals("./innominatus-jvm.sh --train-aot-cache")), "the JVM image trains the AOT cache with its own JDK");
        String entrypoint = jvm.last("ENTRYPOINT").replaceAll("[\\[\\]\" ]", "");
        assertEquals(entrypoint, jvm.destinationOf("src/main/docker/innominatus-jvm.sh"));
        assertTrue(Files.isExecutable(DOCKER.resolve("innominatus-jvm.sh")), "innominatus-jvm.sh is executable");
        assertEquals("./application", Dockerfile.read(DOCKER.resolve("Dockerfile.native")).last("ENTRYPOINT")
                .replaceAll("[\\[\\]\" ]", ""));
    }

    @Test
    void theJvmEntrypointStartsJavaWithTheStartupFlagsTheCacheAndTheOptions(@TempDir Path image)
            throws IOException, InterruptedException {
        Path script = image.resolve("innominatus-jvm.sh");
        Files.copy(DOCKER.resolve("innominatus-jvm.sh"), script);
        script.toFile().setExecutable(true);
        // A java that says how it was called, first on the PATH.
        Path bin = Files.createDirectories(image.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$PWD\" \"$@\"\n");
        java.toFile().setExecutable(true);
        Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin", "JAVA_STARTUP_OPTS",
                "-XX:+UseSerialGC -XX:TieredStopAtLevel=1", "JAVA_OPTS", "-Xmx256m -Dx=y");

        List<String> withoutCache = run(script, env, "--extra");
        assertEquals(List.of(image.toRealPath().toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-Dx=y",
                "-jar", "quarkus-run.jar", "--extra"), withoutCache);

        Files.writeString(image.resolve("app.aot"), "cache");
        List<String> withCache = run(script, env);
        assertEquals(List.of(image.toRealPath().toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:AOTCache=app.aot", "-Xmx256m", "-Dx=y", "-jar", "quarkus-run.jar"), withCache);
    }

    @Test
    void theJvmEntrypointTrainsTheCacheWithOneStartAndKeepsACacheTheJvmAccepts(@TempDir Path image)
            throws IOException, InterruptedException {
        Path script = image.resolve("innominatus-jvm.sh");
        Files.copy(DOCKER.resolve("innominatus-jvm.sh"), script);
        // A java that starts like the service, and writes the cache it was asked for when stopped; a cache
        // containing "foreign" is one this JVM refuses (as with AOTMode=on and another JDK build).
        Path bin = Files.createDirectories(image.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                echo "$QUARKUS_HTTP_HOST $INNOMINATUS_DATA_DIR $*" >> calls.log
                output=""
                for arg in "$@"; do
                  case "$arg" in
                    -XX:AOTCacheOutput=*) output="${arg#-XX:AOTCacheOutput=}" ;;
                    -XX:AOTMode=on) if grep -q foreign app.aot; then echo "unusable cache" >&2; exit 1; fi ;;
                  esac
                done
                trap 'if [ -n "$output" ]; then echo trained > "$output"; echo "AOTCache creation is complete"; fi; exit 143' TERM
                echo "innominatus 0.1.0 on JVM started in 0.1s"
                while :; do sleep 0.1; done
                """);
        java.toFile().setExecutable(true);
        Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin", "JAVA_STARTUP_OPTS", "-XX:+UseSerialGC",
                "JAVA_OPTS", "-Dx=y", "QUARKUS_HTTP_HOST", "0.0.0.0");

        List<String> trained = run(script, env, "--train-aot-cache");
        assertTrue(trained.contains("AOT cache: app.aot trained by this JVM"), trained.toString());
        assertEquals("trained", Files.readString(image.resolve("app.aot")).trim());
        List<String> calls = Files.readAllLines(image.resolve("calls.log"));
        assertEquals(1, calls.size(), calls.toString());
        assertTrue(calls.get(0).startsWith("127.0.0.1 /"), "trained on loopback with a scratch store: " + calls);
        assertTrue(calls.get(0).endsWith("-XX:+UseSerialGC -XX:AOTCacheOutput=app.aot -Dx=y -jar quarkus-run.jar"), calls.get(0));

        assertTrue(run(script, env, "--train-aot-cache").contains("AOT cache: app.aot from the build works with this JVM"));
        assertEquals("trained", Files.readString(image.resolve("app.aot")).trim());

        Files.writeString(image.resolve("app.aot"), "foreign");
        assertTrue(run(script, env, "--train-aot-cache").contains("AOT cache: app.aot trained by this JVM"));
        assertEquals("trained", Files.readString(image.resolve("app.aot")).trim());
    }

    private static List<String> run(Path script, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("/").toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return output.lines().toList();
    }

    /** What the service reads: keys of application.properties, property names in the code, the security settings. */
    static Set<String> knownProperties() throws IOException {
        Set<String> known = new TreeSet<>();
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        properties.stringPropertyNames().forEach(k -> known.add(k.replaceFirst("^%[a-z]+\\.", "")));
        Pattern literal = Pattern.compile("\"((?:quarkus|innominatus)\\.[a-z0-9.-]+)\"");
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = literal.matcher(Files.readString(source));
                while (m.find()) {
                    known.add(m.group(1));
                }
            }
        }
        // @ConfigMapping(prefix = "innominatus.security"): SecuritySettings' accessors, in kebab case.
        for (var method : io.innominatus.app.SecuritySettings.class.getDeclaredMethods()) {
            if (method.getParameterCount() == 0 && !method.isDefault()) {
                known.add("innominatus.security." + kebab(method.getName()));
            }
        }
        for (var method : io.innominatus.app.SecuritySettings.RoleGroups.class.getDeclaredMethods()) {
            if (method.getParameterCount() == 0 && !method.isDefault()) {
                known.add("innominatus.security.roles." + kebab(method.getName()));
            }
        }
        return known;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** How SmallRye Config finds a property in the environment: non-alphanumerics as '_', upper case. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws IOException {
        return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    }

    /** A COPY instruction: its sources (relative to the build context) and destination. */
    record Copy(List<String> sources, String destination) {}

    /** The instructions of a Dockerfile that matter here, continuation lines joined. */
    record Dockerfile(String text, List<String[]> instructions) {

        static Dockerfile read(Path file) throws IOException {
            String text = Files.readString(file);
            List<String[]> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : text.lines().toList()) {
                if (line.startsWith("#") && current.isEmpty()) {
                    continue;
                }
                if (line.endsWith("\\")) {
                    current.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                current.append(line);
                String instruction = current.toString().trim();
                current.setLength(0);
                if (!instruction.isEmpty() && !instruction.startsWith("#")) {
                    instructions.add(instruction.split("\\s+", 2));
                }
            }
            return new Dockerfile(text, instructions);
        }

        String last(String keyword) {
            String found = null;
            for (String[] instruction : instructions) {
                if (instruction[0].equals(keyword)) {
                    found = instruction[1].trim();
                }
            }
            assertNotNull(found, "no " + keyword);
            return found;
        }

        List<Copy> copies() {
            List<Copy> copies = new ArrayList<>();
            for (String[] instruction : instructions) {
                if (instruction[0].equals("COPY")) {
                    List<String> words = new ArrayList<>(List.of(instruction[1].trim().split("\\s+")));
                    words.removeIf(w -> w.startsWith("--"));
                    String destination = words.remove(words.size() - 1);
                    // An optional file (the build's AOT cache) is written as a one-character class: app.ao[t].
                    words.removeIf(w -> w.matches(".*\\[[a-z]\\].*"));
                    copies.add(new Copy(words.stream().map(w -> w.replaceAll("/$", "")).toList(), destination));
                }
            }
            return copies;
        }

        /** Where a single source ends up (a destination ending in '/' keeps the source's name). */
        String destinationOf(String source) {
            for (Copy copy : copies()) {
                if (copy.sources().contains(source)) {
                    return copy.destination().endsWith("/")
                            ? copy.destination() + Path.of(source).getFileName() : copy.destination();
                }
            }
            throw new AssertionError("nothing copies " + source);
        }

        Map<String, String> env() {
            Map<String, String> env = new HashMap<>();
            Pattern pair = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|'[^']*'|\\S+)");
            for (String[] instruction : instructions) {
                if (instruction[0].equals("ENV")) {
                    Matcher m = pair.matcher(instruction[1]);
                    while (m.find()) {
                        env.put(m.group(1), m.group(2).replaceAll("^[\"']|[\"']$", ""));
                    }
                }
            }
            return env;
        }
    }
}
