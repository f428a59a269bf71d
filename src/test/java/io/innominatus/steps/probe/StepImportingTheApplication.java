package io.innominatus.steps.probe;

import io.innominatus.app.Authorization;

/** Architecture probe: a step executor that reaches up into the application layer. */
public class StepImportingTheApplication {
    Authorization authorization;
}
