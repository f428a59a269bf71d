package io.innominatus.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: UP while a catalog with an admin config is active. Catalog errors and a rejected reload
 * are reported in the data without taking the service out of rotation, since the active catalog
 * keeps serving.
 */
@Readiness
@ApplicationScoped
public class CatalogHealthCheck implements HealthCheck {

    private final CatalogHolder holder;

    public CatalogHealthCheck(CatalogHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        Catalog catalog = holder.active();
        CatalogHolder.ReloadOutcome last = holder.lastOutcome();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("catalog")
                .status(catalog.admin().isPresent())
                .withData("digest", catalog.digest())
                .withData("workflows", catalog.workflows().size())
                .withData("products", catalog.products().size())
                .withData("errors", catalog.errorCount())
                .withData("lastReload", last.activated() ? "activated" : "rejected")
                .withData("lastReloadAt", last.at().toString());
        if (!last.activated()) {
            builder.withData("lastReloadErrors", last.attempted().errorCount());
        }
        catalog.diagnostics().stream().filter(d -> d.isError()).findFirst()
                .ifPresent(d -> builder.withData("firstError", d.describe()));
        if (!last.activated()) {
            last.attempted().diagnostics().stream().filter(d -> d.isError()).findFirst()
                    .ifPresent(d -> builder.withData("firstReloadError", d.describe()));
        }
        return builder.build();
    }
}
