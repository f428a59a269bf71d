package io.innominatus.steps.checks;

import io.innominatus.model.HealthCheck;
import java.util.Optional;

/** The health checks the platform team named in admin-config ({@code healthChecks:}). */
public interface NamedHealthChecks {

    Optional<HealthCheck> find(String name);
}
