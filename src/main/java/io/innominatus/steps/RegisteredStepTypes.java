package io.innominatus.steps;

import io.innominatus.model.StepTypeRegistration;
import java.nio.file.Path;
import java.util.Optional;

/** The step types the platform team registered in admin-config {@code stepTypes} (no Java code). */
public interface RegisteredStepTypes {

    Optional<StepTypeRegistration> find(String type);

    /** The admin config's directory: relative programs of command step types resolve against it. */
    Path adminDirectory();
}
