package io.innominatus.steps.provisioning;

import io.innominatus.model.Provisioner;
import io.innominatus.model.ScoreWorkload;
import io.innominatus.steps.kubernetes.Delivery;
import io.innominatus.steps.spi.StepContext;
import io.innominatus.steps.spi.StepFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One resource to provision or remove.
 *
 * @param key the resource's key in the resource store
 * @param namespace where its Kubernetes objects live: the application's namespace, or
 *     {@code shared-<environment>} for a resource shared by {@code type+class+id}
 * @param objectName the base name of its Kubernetes objects, unique in the namespace
 * @param recordedOutputs outputs recorded when it was provisioned (for removal), else empty
 * @param delivery where its objects go: the environment's target, recording them as the resource's
 */
record ProvisioningTarget(
        StepContext context,
        ScoreWorkload.ResourceRequest resource,
        Provisioner provisioner,
        String key,
        String namespace,
        String objectName,
        boolean dryRun,
        Map<String, String> recordedOutputs,
        Delivery delivery) {

    /** What provisioning produced. */
    record Provisioned(Map<String, String> outputs, Set<String> secretOutputs, List<String> objects) {
        Provisioned {
            outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
            secretOutputs = Set.copyOf(secretOutputs);
            objects = List.copyOf(objects);
        }
    }

    static final int MAX_NAME = 63;

    /**
     * A Kubernetes object name (RFC 1035 label) from parts: lowercased, other characters turned into
     * {@code -}, and shortened with a hash suffix when longer than 63 characters, so different long
     * names stay different.
     */
    static String objectName(String... parts) {
        String joined = String.join("-", parts).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
                .replaceAll("-{2,}", "-").replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
        if (joined.isEmpty()) {
            joined = "r";
        }
        if (joined.length() <= MAX_NAME) {
            return joined;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("/", parts).getBytes(StandardCharsets.UTF_8));
            String prefix = joined.substring(0, MAX_NAME - 9).replaceAll("-+$", "");
            return prefix + "-" + HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A parameter of the resource, with its placeholders filled (the step's {@code config.params}). */
    String param(String name, String defaultValue) {
        Object value = context.map("params").get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Map || value instanceof List) {
            throw StepFailure.configuration("resource '" + resource.name() + "': params." + name + " must be a single value");
        }
        return String.valueOf(value);
    }
}
