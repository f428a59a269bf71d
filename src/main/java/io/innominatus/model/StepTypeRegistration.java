package io.innominatus.model;

import java.time.Duration;
import java.util.List;

/**
 * A step type registered in admin-config {@code stepTypes} without Java code: either an external
 * command or a webhook. Exactly one of {@code command} and {@code webhookUrl} is set.
 *
 * @param command program and arguments; a relative program resolves against the admin config's directory
 * @param webhookHeaders extra request headers of a webhook; values may use {@code ${admin.<key>}}, filled
 *     in at each call
 */
public record StepTypeRegistration(
        String type, String description, List<String> command, String webhookUrl, Duration webhookTimeout,
        java.util.Map<String, String> webhookHeaders) {

    public StepTypeRegistration {
        command = command == null ? List.of() : List.copyOf(command);
        webhookHeaders = Immutables.orderedCopy(webhookHeaders);
    }

    public StepTypeRegistration(String type, String description, List<String> command, String webhookUrl,
            Duration webhookTimeout) {
        this(type, description, command, webhookUrl, webhookTimeout, java.util.Map.of());
    }

    public boolean isCommand() {
        return !command.isEmpty();
    }
}
