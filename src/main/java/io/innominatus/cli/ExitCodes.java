package io.innominatus.cli;

import io.grpc.Status;

/** The exit codes scripts can rely on; {@link InnominatusCtl} lists them in its help. */
public final class ExitCodes {

    /** The command did what was asked (a watched execution succeeded). */
    public static final int OK = 0;
    /** A watched execution ended FAILED, CANCELLED or REJECTED. */
    public static final int EXECUTION_FAILED = 1;
    /** The command line was wrong, or a local input file could not be read. */
    public static final int USAGE = 2;
    /** The workflow, Score file or request is invalid (INVALID_ARGUMENT, or validation found errors). */
    public static final int INVALID = 3;
    /** Policy or another precondition blocks it (FAILED_PRECONDITION, or a plan that is not allowed). */
    public static final int BLOCKED = 4;
    /** The server (or the identity provider) could not be reached (UNAVAILABLE, DEADLINE_EXCEEDED). */
    public static final int CONNECTION = 5;
    /** Authentication or authorization failed (UNAUTHENTICATED, PERMISSION_DENIED, a refused login). */
    public static final int AUTH = 6;
    /** The execution, workflow or product does not exist (NOT_FOUND). */
    public static final int NOT_FOUND = 7;
    /** Any other error reported by the server. */
    public static final int SERVER_ERROR = 8;

    private ExitCodes() {}

    /** The exit code for a failed call. */
    public static int forStatus(Status.Code code) {
        return switch (code) {
            case OK -> OK;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> INVALID;
            case FAILED_PRECONDITION -> BLOCKED;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> CONNECTION;
            case UNAUTHENTICATED, PERMISSION_DENIED -> AUTH;
            case NOT_FOUND -> NOT_FOUND;
            default -> SERVER_ERROR;
        };
    }
}
