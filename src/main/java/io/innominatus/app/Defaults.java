package io.innominatus.app;

import io.innominatus.store.DeploymentHistory;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Fallback beans used until an execution store provides the real ones. */
@ApplicationScoped
public class Defaults {

    @Produces
    @DefaultBean
    @ApplicationScoped
    DeploymentHistory neverDeployed() {
        return (application, environment) -> false;
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    StepExecutorAvailability noExecutors() {
        return type -> false;
    }
}
