package io.innominatus.model;

import java.util.Collection;

/**
 * One problem found in a document, positioned at the offending node.
 *
 * @param code stable machine-readable code such as {@code UNKNOWN_KEY}
 * @param fieldPath path of the offending field, for example {@code spec.steps[1].dependsOn[0]}
 */
public record Diagnostic(Severity severity, String code, String message, SourceLocation location, String fieldPath) {

    /** Longest message and field path kept: a diagnostic quoting a huge key or value must not grow with it. */
    public static final int MAX_MESSAGE_CHARS = 1000;
    public static final int MAX_PATH_CHARS = 512;

    public Diagnostic {
        message = clip(message, MAX_MESSAGE_CHARS);
        fieldPath = clip(fieldPath, MAX_PATH_CHARS);
    }

    private static String clip(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max - 16;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "… (" + text.length() + " chars)";
    }

    public static Diagnostic error(String code, String message, SourceLocation location, String fieldPath) {
        return new Diagnostic(Severity.ERROR, code, message, location, fieldPath);
    }

    public static Diagnostic warning(String code, String message, SourceLocation location, String fieldPath) {
        return new Diagnostic(Severity.WARNING, code, message, location, fieldPath);
    }

    public static Diagnostic note(String code, String message, SourceLocation location, String fieldPath) {
        return new Diagnostic(Severity.NOTE, code, message, location, fieldPath);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    public static boolean anyError(Collection<Diagnostic> diagnostics) {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /** {@code file:line:column: code: message} as shown to people. */
    public String describe() {
        return location + ": " + code + ": " + message;
    }
}
