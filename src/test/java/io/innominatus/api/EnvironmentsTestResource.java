package io.innominatus.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.innominatus.steps.kubernetes.MockKubelet;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;

/**
 * What the environments catalog ({@code src/test/resources/catalogs/environments}) delivers to: two
 * Kubernetes API servers (fabric8 mock servers in CRUD mode, each with a kubelet that marks workloads
 * ready) and a bare Git repository that the service clones and pushes to as it would to a remote.
 */
public class EnvironmentsTestResource implements QuarkusTestResourceLifecycleManager {

    static KubernetesMockServer clusterA;
    static KubernetesMockServer clusterB;
    static KubernetesClient clientA;
    static KubernetesClient clientB;
    static Path gitops;
    static Path catalog;
    private ScheduledExecutorService kubelets;

    @Override
    public Map<String, String> start() {
        try {
            clusterA = cluster();
            clusterB = cluster();
            clientA = clusterA.createClient();
            clientB = clusterB.createClient();
            kubelets = Executors.newScheduledThreadPool(2);
            kubelets.scheduleWithFixedDelay(() -> MockKubelet.markWorkloadsReady(clientA), 100, 100, TimeUnit.MILLISECONDS);
            kubelets.scheduleWithFixedDelay(() -> MockKubelet.markWorkloadsReady(clientB), 100, 100, TimeUnit.MILLISECONDS);
            Path root = Files.createTempDirectory("innominatus-environments-");
            gitops = root.resolve("deployments.git");
            Git.init().setBare(true).setDirectory(gitops.toFile()).setInitialBranch("deploy").call().close();
            catalog = root.resolve("catalog");
            ApplicationTierTestProfile.copyTree(Path.of("src/test/resources/catalogs/environments"), catalog);
            Path admin = catalog.resolve("admin-config.yaml");
            Files.writeString(admin, Files.readString(admin).replace("@GITOPS@", gitops.toString())
                    .replace("@CLUSTER_A@", url(clusterA)).replace("@CLUSTER_B@", url(clusterB)));
            return Map.of("innominatus.admin-config", admin.toString(),
                    "innominatus.data-dir", root.resolve("data").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (kubelets != null) {
            kubelets.shutdownNow();
        }
        for (KubernetesClient client : new KubernetesClient[] {clientA, clientB}) {
            if (client != null) {
                client.close();
            }
        }
        for (KubernetesMockServer server : new KubernetesMockServer[] {clusterA, clusterB}) {
            if (server != null) {
                server.destroy();
            }
        }
    }

    /**
     * A CRUD mock API server that also answers expectations first ({@code server.expect()…once()}), so that
     * a test can make single requests fail as a real API server sometimes does.
     */
    private static KubernetesMockServer cluster() throws IOException {
        Map<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>> responses =
                new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(),
                responses, new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    private static String url(KubernetesMockServer server) {
        return "http://127.0.0.1:" + server.getPort();
    }
}
