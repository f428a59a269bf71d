package io.innominatus.model;

import java.util.List;
import java.util.Map;

/**
 * A resource that exists for one or more applications.
 *
 * @param key {@code app/<environment>/<application>/<resource>} for a resource of one application,
 *     {@code shared/<environment>/<type>/<class>/<id>} for one shared by {@code type+class+id}
 * @param outputs what applications use (host, port, secret references…); never secret values
 * @param objects the Kubernetes objects created for it, as {@code apiVersion|kind|namespace|name}
 * @param provisioner how it was provisioned, to remove it the same way
 * @param provisionedBy the execution that provisioned it
 */
public record ProvisionedResource(
        String key,
        String environment,
        String type,
        String namespace,
        Map<String, String> outputs,
        List<String> objects,
        Provisioner provisioner,
        String provisionedBy) {

    public ProvisionedResource {
        outputs = Immutables.orderedCopy(outputs);
        objects = List.copyOf(objects);
    }

    /** The key of a resource: shared by type, class and id when it has an id, otherwise the application's own. */
    public static String key(String environment, String application, ScoreWorkload.ResourceRequest resource) {
        if (resource.id() != null) {
            return "shared/" + environment + "/" + resource.type() + "/"
                    + (resource.resourceClass() == null ? "default" : resource.resourceClass()) + "/" + resource.id();
        }
        return "app/" + environment + "/" + application + "/" + resource.name();
    }

    public boolean shared() {
        return key.startsWith("shared/");
    }
}
