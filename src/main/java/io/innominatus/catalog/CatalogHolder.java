package io.innominatus.catalog;

import io.innominatus.model.DomainException;
import io.innominatus.support.YamlLoader;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Holds the active catalog and swaps it atomically on reload. A reload whose catalog has any error is
 * not activated: the last good catalog keeps serving and the errors are reported.
 *
 * <p>The first load (YAML, policies, CEL compilation: a few hundred milliseconds, most of them class loading) runs
 * on its own thread, beside the opening of the store and the rest of start-up; start-up completes, and the
 * server listens, only once it is done, and anything asking for the catalog before then waits for it.
 */
@Startup(ObserverMethod.DEFAULT_PRIORITY - 200) // first, so that the load overlaps the other start-up work
@ApplicationScoped
public class CatalogHolder {

    private static final Logger LOG = Logger.getLogger(CatalogHolder.class);

    /** The outcome of the last load or reload. */
    public record ReloadOutcome(boolean activated, Catalog attempted, Instant at) {}

    private final Path adminConfig;
    private final YamlLoader.Limits limits;
    private final AtomicReference<Catalog> active = new AtomicReference<>();
    private volatile ReloadOutcome lastOutcome;
    private volatile CompletableFuture<Void> initialLoad = CompletableFuture.completedFuture(null);

    public CatalogHolder(
            @ConfigProperty(name = "innominatus.admin-config", defaultValue = "admin-config.yaml") String adminConfig,
            @ConfigProperty(name = "innominatus.limits.max-document-bytes", defaultValue = "1048576") int maxDocumentBytes) {
        this.adminConfig = Path.of(adminConfig);
        this.limits = new YamlLoader.Limits(maxDocumentBytes, YamlLoader.Limits.DEFAULT.maxAliases(),
                YamlLoader.Limits.DEFAULT.maxDepth(), YamlLoader.Limits.DEFAULT.maxNodes());
    }

    @PostConstruct
    void startInitialLoad() {
        initialLoad = CompletableFuture.runAsync(this::loadInitial, task -> {
            Thread thread = new Thread(task, "catalog-load");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** Start-up ends with the catalog loaded: a failure of the load fails the start, as it always did. */
    void awaitInitialLoad(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY + 500) StartupEvent event) {
        awaitInitialLoad();
    }

    private void awaitInitialLoad() {
        try {
            initialLoad.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void loadInitial() {
        Catalog catalog = CatalogLoader.load(adminConfig, limits);
        // At start-up there is no last good catalog: a catalog with broken workflows is still served
        // (those workflows block the deployments that trigger them), one without an admin config is not usable.
        lastOutcome = new ReloadOutcome(true, catalog, Instant.now());
        active.set(catalog);
        if (catalog.hasErrors()) {
            LOG.warnf("catalog loaded from %s with %d error(s); first: %s", adminConfig, catalog.errorCount(),
                    catalog.diagnostics().stream().filter(d -> d.isError()).findFirst().map(d -> d.describe()).orElse(""));
        } else {
            LOG.infof("catalog loaded from %s: %d workflows, %d products, digest %s", adminConfig,
                    catalog.workflows().size(), catalog.products().size(), catalog.digest().substring(0, 12));
        }
    }

    /** The active catalog, whether or not it can be planned with. */
    public Catalog active() {
        Catalog catalog = active.get();
        if (catalog == null) {
            awaitInitialLoad();
            catalog = active.get();
        }
        return catalog;
    }

    /**
     * The active catalog for planning.
     *
     * @throws DomainException.Unavailable when no admin config could be loaded
     */
    public Catalog usable() {
        Catalog catalog = active();
        if (catalog.admin().isEmpty()) {
            String reason = catalog.diagnostics().stream().filter(d -> d.isError()).findFirst()
                    .map(d -> d.describe()).orElse("admin config missing");
            throw new DomainException.Unavailable("CATALOG_UNAVAILABLE",
                    "no catalog is loaded (" + reason + "); fix the admin config and call ReloadCatalog");
        }
        return catalog;
    }

    /** Loads the catalog from disk and activates it unless it has errors. */
    public synchronized ReloadOutcome reload() {
        awaitInitialLoad();
        Catalog candidate = CatalogLoader.load(adminConfig, limits);
        boolean activate = !candidate.hasErrors() && candidate.admin().isPresent();
        if (activate) {
            active.set(candidate);
            LOG.infof("catalog reloaded: %d workflows, digest %s", candidate.workflows().size(),
                    candidate.digest().substring(0, 12));
        } else {
            LOG.warnf("catalog reload rejected with %d error(s); keeping digest %s", candidate.errorCount(),
                    active.get().digest().substring(0, 12));
        }
        lastOutcome = new ReloadOutcome(activate, candidate, Instant.now());
        return lastOutcome;
    }

    public ReloadOutcome lastOutcome() {
        awaitInitialLoad();
        return lastOutcome;
    }

    public YamlLoader.Limits limits() {
        return limits;
    }

    public Path adminConfigPath() {
        return adminConfig;
    }
}
