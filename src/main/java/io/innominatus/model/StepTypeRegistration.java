package io.innominatus.model;

import java.time.Duration;
import java.util.List;

/**
 * A step type registered in admin-config {@code stepTypes} without Java code: either an external
 * command or a webhook. Exactly one of {@code command} and {@code webhookUrl} is set.
 *
 * @param command program and arguments; a relative program resolves against the admin config's directory
 */
public record StepTypeRegistration(
        String type, String description, List<String> command, String webhookUrl, Duration webhookTimeout) {

    public StepTypeRegistration {
        command = command == null ? List.of() : List.copyOf(command);
    }

    public boolean isCommand() {
        return !command.isEmpty();
    }
}
