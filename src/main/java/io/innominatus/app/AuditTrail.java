package io.innominatus.app;

import io.innominatus.model.AuditEvent;
import io.innominatus.model.DomainException;
import io.innominatus.store.AuditStore;
import io.innominatus.store.StoreException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records what the execution store does not record itself (denials, catalog reloads), lists the trail
 * for admins, and deletes entries older than {@code innominatus.security.audit-retention}.
 */
@ApplicationScoped
@StoreBoundary
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    private final AuditStore store;
    private final SecuritySettings settings;
    private final java.util.concurrent.ExecutorService writer = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
            TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(10_000), r -> {
                Thread thread = new Thread(r, "audit-writer");
                thread.setDaemon(true);
                return thread;
            });
    private ScheduledExecutorService purger;

    public AuditTrail(AuditStore store, SecuritySettings settings) {
        this.store = store;
        this.settings = settings;
    }

    public void denied(Caller caller, String action, String target, String reason) {
        record(AuditEvent.denied(Instant.now(), caller.principal(), action, target, reason));
    }

    /**
     * Records a denial without blocking the calling thread (the transport refuses calls on its event loop).
     * Under a flood of refused calls, entries beyond a bounded backlog are counted in the log instead.
     */
    public void deniedLater(Caller caller, String action, String target, String reason) {
        AuditEvent event = AuditEvent.denied(Instant.now(), caller.principal(), action, target, reason);
        try {
            writer.execute(() -> record(event));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.errorf("audit backlog full: denial of %s by %s not recorded", action, caller.principal());
        }
    }

    public void allowed(Caller caller, String action, String target, String reason) {
        record(AuditEvent.allowed(Instant.now(), caller.principal(), action, target, reason));
    }

    /** A denial is answered even when it cannot be recorded; the failure is logged for the operators. */
    private void record(AuditEvent event) {
        try {
            store.record(event);
        } catch (StoreException e) {
            LOG.errorf("cannot record audit entry %s %s %s by %s: %s", event.decision(), event.action(), event.target(),
                    event.principal(), e.getMessage());
        }
    }

    /** Entries newest first; empty filters match everything. */
    public PageRequest.Page<AuditEvent> list(String principal, String action, AuditEvent.Decision decision, String target, int pageSize,
            String pageToken) {
        AuditStore.Query query = new AuditStore.Query(principal, action, decision, target);
        if (pageSize < 0) {
            throw DomainException.InvalidInput.field("page_size", "must not be negative");
        }
        int size = pageSize == 0 ? 100 : Math.min(pageSize, 1000);
        List<String> filters = java.util.Arrays.asList("audit", principal, action, decision == null ? "" : decision.name(), target);
        String position = PageTokens.position(filters, pageToken);
        AuditStore.Page page = store.list(query, size, position);
        return new PageRequest.Page<>(page.events(), PageTokens.issue(filters, page.nextPageToken()));
    }

    /** Deletes expired entries now and then every six hours. */
    void start(@Observes StartupEvent event) {
        purger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "audit-retention");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleWithFixedDelay(this::purge, 0, 6, TimeUnit.HOURS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (purger != null) {
            purger.shutdownNow();
        }
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void purge() {
        try {
            int deleted = store.deleteBefore(Instant.now().minus(settings.auditRetention()));
            if (deleted > 0) {
                LOG.infof("deleted %d audit entries older than %s", deleted, settings.auditRetention());
            }
        } catch (StoreException e) {
            LOG.warnf("audit retention: %s", e.getMessage());
        }
    }
}
