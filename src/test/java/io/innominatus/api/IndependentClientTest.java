package io.innominatus.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the service with an independent gRPC implementation (Python grpcio, stubs generated from
 * the .proto files at run time), the way deployment tooling would.
 */
@QuarkusTest
class IndependentClientTest extends GrpcTestSupport {

    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    static boolean grpcioAvailable() {
        try {
            Process p = new ProcessBuilder(python(), "-c", "import grpc, grpc_tools").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void pythonDeploymentToolSeesTheContract(@TempDir Path rpcProtos) throws Exception {
        Assumptions.assumeTrue(grpcioAvailable(),
                "SKIPPED: python3 with grpcio and grpc_tools is not installed (Debian: python3-grpcio python3-grpc-tools)");
        // The contract imports these from the API common protos; the tool compiles them from the classpath copies.
        for (String proto : List.of("google/rpc/status.proto", "google/api/field_behavior.proto")) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(proto)) {
                Path target = rpcProtos.resolve(proto);
                Files.createDirectories(target.getParent());
                Files.copy(in, target);
            }
        }
        Process process = new ProcessBuilder(python(), "src/test/python/deploy_tool.py",
                "--target", "127.0.0.1:" + baseUrl.getPort(), "--protos", "proto", "--rpc-protos", rpcProtos.toString(),
                "--examples", "workflows/examples")
                .redirectErrorStream(true).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(finished, "python client did not finish: " + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("phase PHASE_DEPLOYMENT: products/ecommerce/payment-integration, "
                + "applications/ecommerce-web/app-deployment"), output);
        assertTrue(output.strip().endsWith("OK"), output);
    }
}
