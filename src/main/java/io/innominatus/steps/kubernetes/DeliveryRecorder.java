package io.innominatus.steps.kubernetes;

import io.innominatus.steps.spi.StepContext;
import io.innominatus.store.DeliveryInventory;

/**
 * Records into the inventory what one step puts on its environment's target, for the step's application;
 * without an inventory (a dry run, a step run on its own) it records nothing.
 */
final class DeliveryRecorder {

    private final DeliveryInventory inventory;
    private final StepContext context;
    private final String resourceKey;

    DeliveryRecorder(DeliveryInventory inventory, StepContext context, String resourceKey) {
        this.inventory = inventory;
        this.context = context;
        this.resourceKey = resourceKey == null ? "" : resourceKey;
    }

    void record(String reference) {
        if (inventory != null) {
            inventory.record(new DeliveryInventory.Entry(context.plan().application(), context.plan().environment(),
                    reference, resourceKey, context.executionId()));
        }
    }

    /**
     * Forgets a removed object: a resource's objects for every application (the last user removes a shared
     * resource), the application's own only for this application.
     */
    void forget(String reference) {
        if (inventory == null) {
            return;
        }
        if (resourceKey.isEmpty()) {
            inventory.remove(context.plan().application(), context.plan().environment(), reference);
        } else {
            inventory.remove(context.plan().environment(), reference);
        }
    }
}
