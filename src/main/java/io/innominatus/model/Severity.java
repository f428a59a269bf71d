package io.innominatus.model;

/** How serious a diagnostic is. */
public enum Severity {
    ERROR,
    WARNING,
    NOTE
}
