package io.innominatus.steps;

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

    void forget(String reference) {
        if (inventory != null) {
            inventory.remove(context.plan().environment(), reference);
        }
    }
}
