package io.innominatus.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The bundled workflows with the admin values the execution tests need ({@code catalogs/engine}), on a
 * port chosen for this test run: the catalog's {@code selfUrl} (which a bundled workflow calls back) is
 * written into a scratch copy of its admin-config (with the bundled workflows and step types by absolute path), so that two runs on one machine never collide.
 */
public class EngineTestProfile implements QuarkusTestProfile {

    static final int PORT = freePort();
    private static final Path SOURCE = Path.of("src/test/resources/catalogs/engine/admin-config.yaml");
    private static final Path ADMIN = Path.of("target/engine-catalog/admin-config.yaml").toAbsolutePath();

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(ADMIN.getParent());
            Files.writeString(ADMIN, Files.readString(SOURCE)
                    .replace("@PORT@", Integer.toString(PORT))
                    .replace("@WORKFLOWS@", Path.of("workflows").toAbsolutePath().toString())
                    .replace("@STEP_TYPES@", Path.of("step-types").toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("innominatus.admin-config", ADMIN.toString(), "quarkus.http.test-port", Integer.toString(PORT));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
