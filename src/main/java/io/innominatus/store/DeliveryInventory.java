package io.innominatus.store;

import java.util.List;

/**
 * What each (application, environment) put on its delivery target, so that Undeploy removes exactly that
 * and nothing of another environment or application. An object is recorded before it is applied: a crash
 * in between leaves a record of an object that may not exist, which removal tolerates, never an object
 * without a record.
 */
public interface DeliveryInventory {

    /**
     * A recorded object.
     *
     * @param reference {@code apiVersion|kind|namespace|name}, plus the file for a Git repository
     * @param resourceKey the resource the object belongs to (its removal goes with the resource's), or empty
     *     for the application's own objects
     */
    record Entry(String application, String environment, String reference, String resourceKey, String executionId) {}

    /** Records an object; recording it again keeps the first record. */
    void record(Entry entry);

    /** The objects recorded for an application in an environment, in the order they were first recorded. */
    List<Entry> list(String application, String environment);

    /** The applications other than {@code application} with objects recorded in a namespace of the environment. */
    List<String> otherUsers(String application, String environment, String namespace);

    /** Forgets an object of an environment, whichever application recorded it (a removed shared resource's). */
    void remove(String environment, String reference);

    /** Forgets an application's record of an object; other applications' records of it stay. */
    void remove(String application, String environment, String reference);
}
