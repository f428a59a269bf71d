package io.innominatus.steps;

import io.innominatus.model.HealthCheck;
import java.util.Optional;

/** The health checks the platform team named in admin-config ({@code healthChecks:}). */
public interface NamedHealthChecks {

    Optional<HealthCheck> find(String name);
}
