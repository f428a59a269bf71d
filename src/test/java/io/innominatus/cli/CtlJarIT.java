package io.innominatus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged CLI as people run it: {@code bin/innominatus-ctl} starting {@code target/innominatus-ctl.jar} in its own
 * process, against the packaged service in another. Checks that the jar holds what it needs and nothing of the server.
 */
class CtlJarIT {

    private static final Path CLI_JAR = Path.of("target/innominatus-ctl.jar");
    private static final Path SERVICE_JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Path LAUNCHER = Path.of("bin/innominatus-ctl");
    private static Process service;
    private static int port;
    private static Path work;

    /** What one run of the launcher did. */
    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void startService() throws Exception {
        // Failsafe runs this after the package phase; picked by name in a plain test run it needs the jars built before.
        Assumptions.assumeTrue(Files.exists(CLI_JAR) && Files.exists(SERVICE_JAR), CLI_JAR + " and " + SERVICE_JAR
                + " are built by the package phase (./mvnw verify runs this test after it)");
        work = Files.createDirectories(Path.of("target/cli-it", UUID.randomUUID().toString()));
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        service = new ProcessBuilder(javaBinary(), "-Xmx256m", "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dinnominatus.data-dir=" + work.resolve("data"), "-jar", SERVICE_JAR.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("service.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(90);
        while (true) {
            assertTrue(service.isAlive(), () -> "the service exited; see " + work.resolve("service.log"));
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertTrue(Instant.now().isBefore(deadline), "the service did not become ready");
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stopService() throws InterruptedException {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Run ctl(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toAbsolutePath().toString());
        Collections.addAll(command, args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("XDG_CONFIG_HOME", work.resolve("config").toString());
        builder.environment().remove("INNOMINATUS_TOKEN");
        builder.environment().remove("INNOMINATUS_SERVER");
        builder.environment().putAll(environment);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = builder.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "innominatus-ctl did not finish");
        return new Run(process.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theJarHoldsTheCliTheApiAndItsLibrariesButNoServerCode() throws IOException {
        try (JarFile jar = new JarFile(CLI_JAR.toFile())) {
            assertEquals("io.innominatus.cli.InnominatusCtl", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            for (String needed : List.of("io/innominatus/cli/InnominatusCtl.class",
                    "io/innominatus/api/workflow/v1/WorkflowServiceGrpc.class", "io/innominatus/api/policy/v1/PolicyServiceGrpc.class",
                    "io/grpc/netty/NettyChannelBuilder.class", "com/google/rpc/ErrorInfo.class", "picocli/CommandLine.class",
                    "org/yaml/snakeyaml/Yaml.class", "com/fasterxml/jackson/databind/ObjectMapper.class",
                    "META-INF/services/io.grpc.ManagedChannelProvider", "META-INF/services/io.grpc.NameResolverProvider")) {
                assertTrue(names.contains(needed), needed + " missing from the jar");
            }
            for (String server : List.of("io/innominatus/app/", "io/innominatus/execute/", "io/innominatus/store/",
                    "io/innominatus/model/", "io/innominatus/api/grpc/", "io/quarkus/", "io/vertx/", "org/h2/")) {
                assertTrue(names.stream().noneMatch(n -> n.startsWith(server)), server + " must not be in the CLI jar");
            }
            assertTrue(names.stream().noneMatch(n -> n.contains("/Mutiny")), "Quarkus-generated stubs must not be in the jar");
        }
        assertTrue(Files.size(CLI_JAR) < 25L * 1024 * 1024, "the jar stays small: " + Files.size(CLI_JAR));
    }

    @Test
    void helpAndVersionWorkFromTheLauncher() throws Exception {
        Run help = ctl(Map.of(), "--help");
        assertEquals(0, help.exitCode(), help::toString);
        assertTrue(help.out().contains("Exit codes:"), help::toString);
        assertFalse(help.out().contains("\u001b["), "no ANSI codes when the output is not a terminal");
        Run version = ctl(Map.of(), "--version");
        assertTrue(version.out().startsWith("innominatus-ctl 0."), version::toString);

        Run missingJar = ctl(Map.of("INNOMINATUS_CTL_JAR", work.resolve("none.jar").toString()), "--help");
        assertEquals(2, missingJar.exitCode());
        assertTrue(missingJar.err().contains("none.jar not found"), missingJar::toString);
    }

    @Test
    void commandsAgainstThePackagedService() throws Exception {
        Map<String, String> env = Map.of("INNOMINATUS_SERVER", "127.0.0.1:" + port);
        Run products = ctl(env, "list-products");
        assertEquals(0, products.exitCode(), products::toString);
        assertTrue(products.out().startsWith("PRODUCT    WORKFLOWS  ALLOWED  OWNERS\n"), products::toString);

        Path score = work.resolve("score.yaml");
        String app = "jar-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(score, Files.readString(Path.of("workflows/examples/hello-world.yaml"))
                .replace("name: hello-world", "name: " + app));
        Run drill = ctl(env, "run", "platform/failure-drill", score.toString(), "--env", "development", "--watch", "--verbose");
        assertEquals(1, drill.exitCode(), drill::toString);
        assertTrue(drill.out().contains("] dependency unavailable\n"), drill::toString);
        assertFalse(drill.out().contains("\u001b["), drill::toString);
        Run retry = ctl(env, "retry", drill.out().lines().filter(l -> l.startsWith("Started ")).findFirst().orElseThrow()
                .split(" ")[4], "--watch");
        assertEquals(0, retry.exitCode(), retry::toString);

        Run blocked = ctl(env, "deploy", score.toString(), "--env", "sandbox");
        assertEquals(4, blocked.exitCode(), blocked::toString);
        assertTrue(blocked.err().startsWith("error: policy blocks this deployment"), blocked::toString);

        Run unreachable = ctl(Map.of(), "--server", "127.0.0.1:1", "list-products");
        assertEquals(5, unreachable.exitCode(), unreachable::toString);
        assertFalse(unreachable.err().contains("Exception"), unreachable::toString);
        assertFalse(unreachable.err().contains("\tat "), unreachable::toString);
        assertFalse(unreachable.err().contains("WARNING"), "no library logging: " + unreachable);
    }
}
