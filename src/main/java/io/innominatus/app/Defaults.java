package io.innominatus.app;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Fallback beans, replaced when a more specific one exists. */
@ApplicationScoped
public class Defaults {

    /** Without authentication every caller is anonymous. */
    @Produces
    @DefaultBean
    @ApplicationScoped
    CallerProvider anonymousCallers() {
        return () -> Caller.ANONYMOUS;
    }
}
