package io.innominatus.model;

import java.util.Map;

/**
 * The values a plan was resolved against and its steps interpolate with, captured at plan time so
 * that an execution runs the same way after a restart or a catalog reload.
 *
 * @param metadata the Score file's metadata block
 * @param admin admin-config's {@code admin:} block
 * @param resources the Score file's resources by name
 * @param provisioners the provisioner chosen for each Score resource, by resource name
 * @param score the whole Score document as plain data (containers, images, service…)
 * @param scoreDigest digest of the Score workload
 * @param namespace the namespace of the application's objects in this environment (the environment's
 *     pattern, rendered)
 * @param target where the environment's objects go, its GitOps path rendered
 */
public record PlanContext(
        String application,
        String product,
        String environment,
        Map<String, Object> metadata,
        Map<String, Object> admin,
        Map<String, ScoreWorkload.ResourceRequest> resources,
        Map<String, Provisioner> provisioners,
        Map<String, Object> score,
        String scoreDigest,
        String namespace,
        DeliveryTarget target) {

    public PlanContext {
        // Plans stored before environments had targets ran in the application's namespace of the service's cluster.
        namespace = namespace == null || namespace.isEmpty() ? application : namespace;
        target = target == null ? new DeliveryTarget.ServiceCluster() : target;
        product = product == null ? "" : product;
        metadata = Immutables.deepCopy(metadata);
        admin = Immutables.deepCopy(admin);
        resources = Immutables.orderedCopy(resources);
        provisioners = Immutables.orderedCopy(provisioners);
        score = Immutables.deepCopy(score);
    }

    /** A context delivered to the service-wide cluster, into the namespace named after the application. */
    public PlanContext(String application, String product, String environment, Map<String, Object> metadata,
            Map<String, Object> admin, Map<String, ScoreWorkload.ResourceRequest> resources,
            Map<String, Provisioner> provisioners, Map<String, Object> score, String scoreDigest) {
        this(application, product, environment, metadata, admin, resources, provisioners, score, scoreDigest, null, null);
    }

    /** Container images of the workload, by container name. */
    public Map<String, String> images() {
        Map<String, String> images = new java.util.LinkedHashMap<>();
        if (score.get("containers") instanceof Map<?, ?> containers) {
            containers.forEach((name, container) -> {
                if (container instanceof Map<?, ?> c && c.get("image") != null) {
                    images.put(String.valueOf(name), String.valueOf(c.get("image")));
                }
            });
        }
        return images;
    }
}
