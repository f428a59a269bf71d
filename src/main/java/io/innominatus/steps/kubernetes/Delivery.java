package io.innominatus.steps.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.innominatus.steps.spi.StepContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the Kubernetes-based steps put, read and remove objects for one step attempt: a cluster through
 * its API ({@link ClusterDelivery}) or a Git repository ({@link GitOpsDelivery}). A step works through
 * the same calls whatever its environment's target is, and ends with {@link #complete()}: a cluster has
 * applied everything already, a repository commits the step's changes then (or, in a dry run, reports
 * their diff). What a real run creates is recorded in the inventory of the (application, environment),
 * so that Undeploy removes exactly that.
 */
public interface Delivery {

    /** The target, for messages: the API server or the repository; never a credential. */
    String describe();

    /** Whether objects reach a cluster only through a controller later, so that readiness cannot be awaited. */
    boolean committed();

    /** Creates the namespace unless it exists. */
    void ensureNamespace(StepContext context, String namespace);

    /** Puts an object in place (server-side apply, or its file in the repository) with the ownership labels. */
    HasMetadata apply(StepContext context, String namespace, HasMetadata object);

    /**
     * How {@link #delete} finds {@code object} again: {@code apiVersion|kind|namespace|name}, plus the file
     * for a repository.
     */
    String reference(HasMetadata object, String namespace);

    /** The object as the target has it now, if it exists. */
    <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name);

    /** Whether the object a manifest describes exists. */
    boolean exists(HasMetadata object, String namespace);

    /** The objects of a kind in a namespace. */
    <T extends HasMetadata> List<T> list(Class<T> type, String namespace);

    /** Changes an existing object in place; false when it does not exist. */
    <T extends HasMetadata> boolean update(StepContext context, Class<T> type, String namespace, String name,
            UnaryOperator<T> change);

    /** Creates the object unless one of its name exists, and returns what the target then has. */
    <T extends HasMetadata> T createIfAbsent(StepContext context, Class<T> type, String namespace, T object);

    /** Deletes an object recorded by {@link #reference}; one already gone counts as deleted. Returns whether it was there. */
    boolean delete(StepContext context, String reference);

    /** Waits until the Deployments and StatefulSets among {@code objects} are ready, where the target can tell. */
    void awaitReady(StepContext context, String namespace, List<HasMetadata> objects, Duration wait);

    /**
     * Ends the step's work on the target: a repository commits (and pushes) the files the step changed, or
     * in a dry run logs their diff and commits nothing.
     *
     * @return the commit made, if any
     */
    Optional<String> complete();
}
