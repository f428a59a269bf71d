package io.innominatus.store;

/** Failures of the execution store. */
public abstract sealed class StoreException extends RuntimeException {

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The database could not be reached or the statement failed. */
    public static final class Unavailable extends StoreException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Another writer committed a transition of the same execution first. */
    public static final class ConcurrentTransition extends StoreException {
        public ConcurrentTransition(String executionId, long expected) {
            super("execution " + executionId + " changed after sequence " + expected, null);
        }
    }

    /** A request id was reused for a different request. */
    public static final class RequestConflict extends StoreException {
        private final String existingExecutionId;

        public RequestConflict(String requestId, String existingExecutionId) {
            super("request_id '" + requestId + "' was already used for a different request (execution "
                    + existingExecutionId + ")", null);
            this.existingExecutionId = existingExecutionId;
        }

        public String existingExecutionId() {
            return existingExecutionId;
        }
    }

    /** A page token that this store did not issue. */
    public static final class InvalidPageToken extends StoreException {
        public InvalidPageToken() {
            super("malformed page token", null);
        }
    }
}
