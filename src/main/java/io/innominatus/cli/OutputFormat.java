package io.innominatus.cli;

/** What {@code -o} selects: tables for people, or JSON / YAML of the API messages for scripts. */
public enum OutputFormat {
    /** Human-readable tables and text (the default). */
    table,
    /** The API's messages as JSON (protobuf JSON mapping, every field present). */
    json,
    /** The same documents as YAML. */
    yaml
}
