package io.innominatus.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grpc.Status.Code;
import io.innominatus.api.GrpcTestSupport;
import io.innominatus.api.workflow.v1.ListProductsRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service as deploy/kubernetes configures it: listening on all addresses with an OIDC issuer (here a
 * test key instead of the placeholder issuer). It starts, the kubelet's probes get answers from the paths
 * the Deployment names without a token, Prometheus can scrape /q/metrics, and gRPC calls need a token.
 */
@QuarkusTest
@TestProfile(DeploymentManifestServiceTest.AsDeployed.class)
class DeploymentManifestServiceTest extends GrpcTestSupport {

    static final Path MANIFESTS = Path.of("deploy/kubernetes");

    /** The ConfigMap's network setting with the test issuer's key. */
    public static class AsDeployed extends SecuredTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            String host = settings().get("QUARKUS_HTTP_HOST");
            overrides.put("quarkus.http.host", host);
            return overrides;
        }
    }

    static Map<String, String> settings() {
        try {
            for (String document : Files.readString(MANIFESTS.resolve("config.yaml")).split("(?m)^---\\s*$")) {
                Object parsed = new KubernetesSerialization().unmarshal(document);
                if (parsed instanceof ConfigMap map && map.getMetadata().getName().equals("innominatus-config")) {
                    return map.getData();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no ConfigMap innominatus-config in deploy/kubernetes/config.yaml");
    }

    private static List<Probe> probes() throws IOException {
        Deployment deployment = new KubernetesSerialization().unmarshal(Files.readString(MANIFESTS.resolve("deployment.yaml")),
                Deployment.class);
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<Probe> probes = new ArrayList<>();
        probes.add(container.getStartupProbe());
        probes.add(container.getLivenessProbe());
        probes.add(container.getReadinessProbe());
        return probes;
    }

    @Test
    void theProbesOfTheDeploymentAreAnsweredWithoutAToken() throws Exception {
        assertEquals("0.0.0.0", settings().get("QUARKUS_HTTP_HOST"), "the test runs what the manifests configure");
        for (Probe probe : probes()) {
            String path = probe.getHttpGet().getPath();
            HttpResponse<String> response = get(path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertTrue(response.body().contains("\"status\": \"UP\"") || response.body().contains("\"status\":\"UP\""),
                    path + ": " + response.body());
        }
    }

    @Test
    void prometheusCanScrapeWithoutATokenWhileGrpcNeedsOne() throws Exception {
        HttpResponse<String> metrics = get("/q/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("innominatus_executions_queued"), "the engine's gauges are exported");
        expectStatus(Code.UNAUTHENTICATED, () -> workflows.listProducts(ListProductsRequest.getDefaultInstance()));
        assertTrue(workflows.withCallCredentials(TokenIssuer.bearer(TokenIssuer.token("vera", List.of("viewer"))))
                .listProducts(ListProductsRequest.getDefaultInstance()).getProductsCount() > 0);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + baseUrl.getPort() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
