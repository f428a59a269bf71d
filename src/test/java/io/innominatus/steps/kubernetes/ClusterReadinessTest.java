package io.innominatus.steps.kubernetes;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.innominatus.steps.TestStepContext;
import io.innominatus.steps.spi.StepFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Waiting for a rollout against an API server that fails now and then: a failed read that a later one may
 * not see again (5xx, 429) is read again until the deadline; one no retry can fix fails the step at once.
 */
@EnableKubernetesMockClient
class ClusterReadinessTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final String PATH = "/apis/apps/v1/namespaces/shop/deployments/web";

    private static Deployment web(Integer ready) {
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("shop").endMetadata()
                .withNewSpec().withReplicas(1).endSpec().withNewStatus().withReadyReplicas(ready).endStatus().build();
    }

    /** Without the client's own retries, so that each failure reaches the wait as it would after them. */
    private static ClusterDelivery delivery() {
        return new ClusterDelivery(new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0)
                        .build()).build(), null, false);
    }

    private static TestStepContext context() {
        return new TestStepContext("kubernetes").timeout(Duration.ofSeconds(20));
    }

    @Test
    void transientErrorsWhileWaitingAreReadAgain() {
        server.expect().get().withPath(PATH).andReturn(503, new StatusBuilder().withMessage("etcd leader changed").build())
                .once();
        server.expect().get().withPath(PATH).andReturn(429, new StatusBuilder().withMessage("too many requests").build())
                .once();
        server.expect().get().withPath(PATH).andReturn(200, web(null)).once();
        server.expect().get().withPath(PATH).andReturn(200, web(1)).always();
        TestStepContext context = context();

        delivery().awaitReady(context, "shop", List.<HasMetadata>of(web(null)), Duration.ofSeconds(20));

        assertTrue(context.texts().stream().anyMatch(l -> l.contains("etcd leader changed") && l.endsWith("trying again")),
                context.texts().toString());
        assertTrue(context.texts().contains("Deployment/web is ready"), context.texts().toString());
    }

    @Test
    void anErrorNoRetryCanFixFailsAtOnceNamingTheApiServer() {
        server.expect().get().withPath("/apis/apps/v1/namespaces/shop/deployments/denied")
                .andReturn(403, new StatusBuilder().withMessage("deployments.apps \"denied\" is forbidden").build()).always();
        Deployment denied = new DeploymentBuilder(web(null)).editMetadata().withName("denied").endMetadata().build();

        StepFailure failure = assertThrows(StepFailure.class, () -> delivery().awaitReady(context(), "shop",
                List.<HasMetadata>of(denied), Duration.ofMinutes(5)));

        assertTrue(failure.getMessage().startsWith("Kubernetes API " + client.getMasterUrl()), failure.getMessage());
        assertTrue(failure.getMessage().contains("HTTP 403"), failure.getMessage());
        assertTrue(failure.getMessage().contains("is forbidden"), failure.getMessage());
    }
}
