package io.innominatus.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A real Keycloak (the {@code keycloak-quarkus-dist} zip that the build copies to {@code target/keycloak-dist})
 * started in dev mode on loopback with the test realm imported. Keycloak 26 needs Java 21 or later; the JDK is
 * taken from {@code -Dinnominatus.it.keycloak-java-home}, {@code $KEYCLOAK_JAVA_HOME}, or the newest JDK
 * under {@code /usr/lib/jvm}.
 */
final class KeycloakProcess implements AutoCloseable {

    static final Path DISTRIBUTION = Path.of("target/keycloak-dist/keycloak.zip");
    static final String REALM = "innominatus";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int port;
    private final Path home;
    private final Path log;
    private Process process;

    KeycloakProcess(Path log) throws IOException {
        this.port = ServiceProcess.freePort();
        this.home = unpack();
        this.log = log;
    }

    /** A JDK that can run Keycloak 26, if this machine has one. */
    static Optional<Path> javaHome() {
        return Stream.of(System.getProperty("innominatus.it.keycloak-java-home"), System.getenv("KEYCLOAK_JAVA_HOME"))
                .filter(p -> p != null && !p.isBlank()).map(Path::of).filter(KeycloakProcess::isJdk21OrLater).findFirst()
                .or(() -> {
                    try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
                        return jdks.filter(KeycloakProcess::isJdk21OrLater).max(Comparator.comparing(KeycloakProcess::feature));
                    } catch (IOException e) {
                        return Optional.empty();
                    }
                });
    }

    private static boolean isJdk21OrLater(Path home) {
        return Files.isExecutable(home.resolve("bin/java")) && feature(home) >= 21;
    }

    private static int feature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    void start(Path javaHome) throws IOException, InterruptedException {
        Path data = home.resolve("data");
        if (Files.exists(data)) {
            try (Stream<Path> files = Files.walk(data)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(data.resolve("import"));
        Files.copy(Path.of("src/test/resources/keycloak/innominatus-realm.json"), data.resolve("import/innominatus-realm.json"),
                StandardCopyOption.REPLACE_EXISTING);
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev", "--http-host=127.0.0.1",
                "--http-port=" + port, "--import-realm", "--http-management-port=" + ServiceProcess.freePort()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("JAVA_OPTS_APPEND", "-Xmx512m");
        Files.createDirectories(log.getParent());
        process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Keycloak did not start within 180 s; see " + log);
    }

    /** An access token for a user of the test realm (resource owner password grant of the public CLI client). */
    String passwordToken(String user, String password) throws IOException, InterruptedException {
        return token(Map.of("grant_type", "password", "client_id", "innominatus-ctl", "username", user, "password", password));
    }

    private String token(Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer()
                + "/protocol/openid-connect/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    /** Unpacks the distribution once into target/keycloak (its data directory is reset on every start). */
    private static Path unpack() throws IOException {
        if (!Files.exists(DISTRIBUTION)) {
            throw new IllegalStateException(DISTRIBUTION + " is missing: the pre-integration-test phase of ./mvnw verify "
                    + "copies it from the local Maven repository");
        }
        Path target = Path.of("target/keycloak");
        try (ZipFile zip = new ZipFile(DISTRIBUTION.toFile())) {
            String root = zip.stream().map(ZipEntry::getName).map(n -> n.substring(0, n.indexOf('/') + 1)).findFirst()
                    .orElseThrow();
            Path home = target.resolve(root);
            if (Files.isExecutable(home.resolve("bin/kc.sh"))) {
                return home;
            }
            for (ZipEntry entry : zip.stream().toList()) {
                Path file = target.resolve(entry.getName()).normalize();
                if (!file.startsWith(target)) {
                    throw new IOException("unsafe entry " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                } else {
                    Files.createDirectories(file.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                    }
                    if (entry.getName().endsWith(".sh")) {
                        file.toFile().setExecutable(true);
                    }
                }
            }
            return home;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
