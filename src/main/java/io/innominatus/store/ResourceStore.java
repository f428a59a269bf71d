package io.innominatus.store;

import io.innominatus.model.ProvisionedResource;
import java.util.List;
import java.util.Optional;

/** Provisioned resources and the applications that use them. */
public interface ResourceStore {

    /** A resource an application uses, with the name it has in that application's Score file. */
    record Use(ProvisionedResource resource, String resourceName) {}

    Optional<ProvisionedResource> find(String key);

    /** Records a resource (replacing an earlier record of the same key) and that {@code application} uses it. */
    void save(ProvisionedResource resource, String application, String resourceName);

    /** The resources an application uses in an environment. */
    List<Use> usedBy(String application, String environment);

    /** How many application environments use the resource. */
    int consumers(String key);

    /**
     * Records that {@code application} no longer uses the resource.
     *
     * @return how many applications still use it
     */
    int release(String key, String application, String environment);

    void delete(String key);
}
