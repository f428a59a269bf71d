package io.innominatus.store;

import io.innominatus.model.AuditEvent;
import java.time.Instant;
import java.util.List;

/** The audit trail. Entries about executions are written by the execution store with the change they describe. */
public interface AuditStore {

    /** Filters of {@link #list}; null or empty fields match everything. */
    record Query(String principal, String action, AuditEvent.Decision decision, String target) {}

    /** A page of entries, newest first, and the token of the next page (empty at the end). */
    record Page(List<AuditEvent> events, String nextPageToken) {}

    /** Records an entry on its own (denials, catalog reloads). */
    void record(AuditEvent event);

    /**
     * Lists entries newest first.
     *
     * @throws StoreException.InvalidPageToken for a malformed token
     */
    Page list(Query query, int pageSize, String pageToken);

    /**
     * Deletes entries older than {@code cutoff}.
     *
     * @return how many were deleted
     */
    int deleteBefore(Instant cutoff);
}
