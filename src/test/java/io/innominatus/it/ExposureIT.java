package io.innominatus.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged service without an OIDC issuer refuses to start when any listener it would open is bound
 * beyond loopback, whichever setting opens it, and says which listener and which setting; bound to
 * loopback it starts.
 */
class ExposureIT {

    @Test
    void theHttpListenerOnEveryInterfaceIsRefused() throws Exception {
        String log = refused("http", Map.of("quarkus.http.host", "0.0.0.0"));
        assertTrue(log.contains("refusing to start") && log.contains("quarkus.http.host"), log);
    }

    @Test
    void aSeparateGrpcServerOnEveryInterfaceIsRefused() throws Exception {
        int grpc = ServiceProcess.freePort();
        String log = refused("grpc", Map.of("quarkus.grpc.server.use-separate-server", "true",
                "quarkus.grpc.server.host", "0.0.0.0", "quarkus.grpc.server.port", Integer.toString(grpc)));
        assertTrue(log.contains("refusing to start") && log.contains("gRPC (separate server)")
                && log.contains("quarkus.grpc.server.host"), log);
        assertTrue(!answers(grpc), "nothing may answer on the gRPC port of a refused service");
    }

    @Test
    void aSeparateGrpcServerOnLoopbackStarts() throws Exception {
        int grpc = ServiceProcess.freePort();
        Path data = Files.createTempDirectory("innominatus-exposure-");
        Path log = Path.of("target/exposure-loopback.log");
        Files.deleteIfExists(log);
        try (ServiceProcess service = new ServiceProcess(Map.of("innominatus.data-dir", data.toString(),
                "quarkus.grpc.server.use-separate-server", "true", "quarkus.grpc.server.host", "127.0.0.1",
                "quarkus.grpc.server.port", Integer.toString(grpc)), log)) {
            service.start();
            assertTrue(answers(grpc), "the separate gRPC server listens on loopback");
        }
        assertTrue(Files.readString(log).contains("listening on loopback only"), Files.readString(log));
    }

    private static String refused(String name, Map<String, String> settings) throws Exception {
        Path data = Files.createTempDirectory("innominatus-exposure-");
        Path log = Path.of("target/exposure-" + name + ".log");
        Files.deleteIfExists(log);
        java.util.Map<String, String> properties = new java.util.HashMap<>(settings);
        properties.put("innominatus.data-dir", data.toString());
        try (ServiceProcess service = new ServiceProcess(properties, log)) {
            IllegalStateException failure = assertThrows(IllegalStateException.class, service::start);
            assertTrue(failure.getMessage().startsWith("service exited with") && !failure.getMessage()
                    .startsWith("service exited with 0;"), failure.getMessage());
            assertTrue(!answers(service.port()), "nothing may answer on the HTTP port of a refused service");
        }
        return Files.readString(log);
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
