package io.innominatus.model;

/** Where a {@code ${...}} reference appears in a document, so that problems with it can be positioned. */
public record ReferenceSite(String expression, SourceLocation location, String fieldPath) {}
