package io.innominatus.model;

import java.util.Map;

/**
 * The values a plan was resolved against and its steps interpolate with, captured at plan time so
 * that an execution runs the same way after a restart or a catalog reload.
 *
 * @param metadata the Score file's metadata block
 * @param admin admin-config's {@code admin:} block
 * @param resources the Score file's resources by name
 * @param scoreDigest digest of the Score workload
 */
public record PlanContext(
        String application,
        String product,
        String environment,
        Map<String, Object> metadata,
        Map<String, Object> admin,
        Map<String, ScoreWorkload.ResourceRequest> resources,
        String scoreDigest) {

    public PlanContext {
        product = product == null ? "" : product;
        metadata = Immutables.deepCopy(metadata);
        admin = Immutables.deepCopy(admin);
        resources = Immutables.orderedCopy(resources);
    }
}
