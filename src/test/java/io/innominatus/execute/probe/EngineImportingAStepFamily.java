package io.innominatus.execute.probe;

import io.innominatus.steps.tools.ProcessRunner;

/** Architecture probe: engine code that reaches past the steps SPI into a step family. */
public class EngineImportingAStepFamily {
    ProcessRunner runner;
}
