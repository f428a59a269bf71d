package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Plays the cluster's part against the fabric8 mock server, which runs no controllers: Deployments and
 * StatefulSets become ready once they exist, so steps that wait for a rollout can finish.
 */
public final class MockKubelet {

    private MockKubelet() {}

    /** One round: marks every workload that has no ready replicas yet as ready. */
    public static void markWorkloadsReady(KubernetesClient kube) {
        try {
            for (var d : kube.apps().deployments().inAnyNamespace().list().getItems()) {
                if (d.getStatus() == null || d.getStatus().getReadyReplicas() == null) {
                    d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
                    kube.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).updateStatus();
                }
            }
            for (var s : kube.apps().statefulSets().inAnyNamespace().list().getItems()) {
                if (s.getStatus() == null || s.getStatus().getReadyReplicas() == null) {
                    s.setStatus(new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
                    kube.apps().statefulSets().inNamespace(s.getMetadata().getNamespace()).resource(s).updateStatus();
                }
            }
        } catch (RuntimeException e) {
            // An object deleted between list and update; the next round sees the current state.
        }
    }
}
