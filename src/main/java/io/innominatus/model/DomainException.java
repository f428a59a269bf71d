package io.innominatus.model;

import java.util.List;
import java.util.Map;

/**
 * Errors the application reports to callers. The API layer maps each kind to one gRPC status code;
 * {@link #reason()} becomes the {@code ErrorInfo.reason} and {@link #metadata()} its metadata.
 * Messages are written for the caller and never contain class names or stack traces.
 */
public abstract sealed class DomainException extends RuntimeException {

    private final String reason;
    private final Map<String, String> metadata;

    protected DomainException(String reason, String message, Map<String, String> metadata) {
        super(message, null, false, false);
        this.reason = reason;
        this.metadata = Map.copyOf(metadata);
    }

    public String reason() {
        return reason;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** A field of the request (or a position inside a document it carries) and what is wrong with it. */
    public record FieldProblem(String field, String description) {

        /** A problem inside a document: the field names the request field and the document position. */
        public static FieldProblem of(String requestField, Diagnostic diagnostic) {
            String path = diagnostic.fieldPath() == null || diagnostic.fieldPath().isEmpty()
                    ? requestField : requestField + ":" + diagnostic.fieldPath();
            return new FieldProblem(path, diagnostic.describe());
        }
    }

    /** The request is malformed: INVALID_ARGUMENT with a BadRequest listing every problem. */
    public static final class InvalidInput extends DomainException {
        private final List<FieldProblem> problems;
        private final List<Diagnostic> diagnostics;

        public InvalidInput(String reason, String message, List<FieldProblem> problems, List<Diagnostic> diagnostics) {
            super(reason, message, Map.of());
            this.problems = List.copyOf(problems);
            this.diagnostics = List.copyOf(diagnostics);
        }

        public static InvalidInput field(String field, String description) {
            return new InvalidInput("INVALID_REQUEST", field + ": " + description,
                    List.of(new FieldProblem(field, description)), List.of());
        }

        /** A document in {@code requestField} has errors; the message names the first one with its position. */
        public static InvalidInput document(String requestField, String what, List<Diagnostic> diagnostics) {
            List<Diagnostic> errors = diagnostics.stream().filter(Diagnostic::isError).toList();
            String first = errors.isEmpty() ? "" : ": " + errors.get(0).describe();
            String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
            return new InvalidInput("INVALID_DOCUMENT", what + " is invalid" + first + more,
                    errors.stream().map(d -> FieldProblem.of(requestField, d)).toList(), errors);
        }

        public List<FieldProblem> problems() {
            return problems;
        }

        public List<Diagnostic> diagnostics() {
            return diagnostics;
        }
    }

    /** Something named in the request does not exist: NOT_FOUND with a ResourceInfo. */
    public static final class NotFound extends DomainException {
        private final String resourceType;
        private final String resourceName;

        public NotFound(String resourceType, String resourceName) {
            super(resourceType.toUpperCase(java.util.Locale.ROOT) + "_NOT_FOUND",
                    resourceType + " '" + resourceName + "' not found", Map.of(resourceType, resourceName));
            this.resourceType = resourceType;
            this.resourceName = resourceName;
        }

        public String resourceType() {
            return resourceType;
        }

        public String resourceName() {
            return resourceName;
        }
    }

    /** Policy blocks the request: FAILED_PRECONDITION with one PreconditionFailure entry per violation. */
    public static final class PolicyBlocked extends DomainException {
        private final List<Violation> violations;

        public PolicyBlocked(String message, List<Violation> violations) {
            super("POLICY_VIOLATION", message, Map.of("rules", String.join(",",
                    violations.stream().map(Violation::ruleId).distinct().toList())));
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }
    }

    /** The target is not in a state that allows the request: FAILED_PRECONDITION. */
    public static final class FailedPrecondition extends DomainException {
        public FailedPrecondition(String reason, String message, Map<String, String> metadata) {
            super(reason, message, metadata);
        }
    }

    /** The request conflicts with an earlier one (a reused idempotency key): ALREADY_EXISTS. */
    public static final class AlreadyExists extends DomainException {
        public AlreadyExists(String reason, String message, Map<String, String> metadata) {
            super(reason, message, metadata);
        }
    }

    /** The caller is not authenticated: UNAUTHENTICATED. */
    public static final class Unauthenticated extends DomainException {
        public Unauthenticated(String message) {
            super("UNAUTHENTICATED", message, Map.of());
        }
    }

    /** The caller may not do this: PERMISSION_DENIED. */
    public static final class PermissionDenied extends DomainException {
        public PermissionDenied(String reason, String message, Map<String, String> metadata) {
            super(reason, message, metadata);
        }
    }

    /** A limit was exceeded: RESOURCE_EXHAUSTED. */
    public static final class ResourceExhausted extends DomainException {
        public ResourceExhausted(String reason, String message, Map<String, String> metadata) {
            super(reason, message, metadata);
        }
    }

    /** The service cannot serve the request right now (no catalog loaded, store away): UNAVAILABLE. */
    public static final class Unavailable extends DomainException {
        public Unavailable(String reason, String message) {
            super(reason, message, Map.of());
        }
    }
}
